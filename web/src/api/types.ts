// Shapes of the JSON served by the fangpin server under /api. Every schema of
// the server's OpenAPI document is generated into schema.d.ts (by
// scripts/build-web.sh, checked in CI) and exported here under its own name;
// pages import them from this module. Written by hand below is only what the
// document cannot say: the query strings the pages build, a generic page,
// the workflow step as a discriminated union, and front-end-only shapes.

import type { CaseState, operations } from './schema'

export type * from './schema'

/** The query string a route declares (`params(...)` in the OpenAPI document). */
export type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>

/** One page of a list (`Page_…` in the OpenAPI document). */
export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export type HouseholdQuery = QueryOf<'household_list'>

export type AuditQuery = QueryOf<'audit_search'>

export type QualityQuery = QueryOf<'quality_list'>

export type AssistQuery = QueryOf<'assisted'>

/** The filters the 资金与就业 lists share. */
export type FundsQuery = Omit<QueryOf<'loan_list'>, 'overdue'>

export type VisitQuery = QueryOf<'list'>

/** GET /api/exports; `format` is `xlsx` or `csv`. */
export type ExportQuery = QueryOf<'export'> & { format: 'xlsx' | 'csv' }

/** GET /api/cases; the states are sent comma-separated as `state`. */
export type CaseQuery = Omit<QueryOf<'case_list'>, 'state'> & {
  /** Any of these states. */
  states?: readonly CaseState[]
}

/** `status` of GET /api/duplicates. */
export type DuplicateStatus = 'pending' | 'same' | 'different'

/** A downloaded file. */
export interface Download {
  name: string
  blob: Blob
}

/**
 * One workflow step as POST /api/cases/{id}/actions takes it (`step` of
 * ActionBody, which the document describes only as an object).
 */
export type CaseStep =
  | { action: 'accept'; note: string }
  | { action: 'verify'; visited_on: string; consent_signed: boolean; findings: string }
  | { action: 'compare'; flags: string[]; conclusion: string }
  | {
      action: 'review'
      held_on: string
      place: string
      attendees: string[]
      votes_for: number
      votes_against: number
      passed: boolean
      minutes: string
    }
  | { action: 'close_notice'; objection?: string | null }
  | { action: 'approve'; opinion: string; category?: string | null; risks?: string[] | null }
  | { action: 'announce'; posted_on: string }
  | { action: 'reject'; reason: string }
  | { action: 'propose_elimination'; method: string; reason: string }
  | { action: 'reopen'; reason: string }
