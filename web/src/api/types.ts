// Shapes of the JSON served by the fangpin server under /api. The answers
// are generated from the server's OpenAPI document (schema.d.ts, written by
// scripts/build-web.sh) and aliased here under the names the pages use;
// only request bodies and front-end-only shapes are written by hand.

import type { components } from './schema'

type Schemas = components['schemas']

export type AreaLevel = 'province' | 'city' | 'county' | 'township' | 'village' | 'group'

export type Meta = Schemas['Meta']

export type DemoLogin = Schemas['DemoLogin']

export interface AreaCounts {
  households: number
  persons: number
  poverty_households: number
  monitored_households: number
  /** Monitored households whose risk is not yet eliminated (风险未消除); newer servers only. */
  unresolved_households?: number
}

/** The server answers `level` as a string; it is one of [`AreaLevel`]. */
export type AreaNode = Omit<Schemas['AreaTreeNode'], 'level' | 'children'> & {
  level: AreaLevel
  children?: AreaNode[]
}

// Holds typed areas or case events (see above): written by hand.
export interface AreaTree {
  root: AreaNode | null
}

export interface CodeCount {
  code: string
  label: string
  households: number
}

export interface AreaChild extends AreaCounts {
  code: string
  name: string
  level: AreaLevel
}

/** 务工规模 figures of one area (GET /api/areas/{code}/employment). */
export type EmploymentCounts = Schemas['EmploymentCounts']

export type EmploymentChild = Schemas['EmploymentChild']

export type AreaEmployment = Schemas['AreaEmployment']

// Holds typed areas or case events (see above): written by hand.
export interface AreaSummary extends AreaCounts {
  code: string
  name: string
  level: AreaLevel
  by_category: CodeCount[]
  by_household_type: CodeCount[]
  children: AreaChild[]
}

/** Error body of every 4xx/5xx answer. */
export type ApiErrorBody = Schemas['ErrorBody']

// ---- authentication -------------------------------------------------------

export type UserArea = Schemas['AreaRef']

export type User = Schemas['UserInfo']

/** Answer of POST /api/auth/login and GET /api/auth/me. */
export type Session = Schemas['SessionView']

// ---- code lists -----------------------------------------------------------

export type CodeLabel = Schemas['CodeLabel']

export type CodeListResponse = Schemas['CodeListView']

// ---- households -----------------------------------------------------------

export type HouseholdRow = Schemas['HouseholdRow']

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export interface HouseholdQuery {
  /** County, township or village code (the server's scope applies on top). */
  area?: string
  /** 村民小组 number within the village given as `area`. */
  group_no?: number
  q?: string
  household_type?: string
  monitor_category?: string
  page?: number
  page_size?: number
}

/** 生产生活条件; areas and distances in hundredths of the unit. */
export type LivingConditions = Schemas['LivingConditions']

/** A household's fields as the household page shows them (IDs and phones masked). */
export type HouseholdRecord = Schemas['Household'] & { area_name?: string | null }

export type PersonInsurance = Schemas['PersonInsurance']

/** A member as the household page shows it (ID, birth date and phone masked). */
export type Member = Schemas['Person']

/** A member's 与户主关系 after a member change. */
export interface RelationCode {
  person_no: string
  relation: string
}

/** One household's income for one year; amounts in 分. */
export type IncomeRecord = Schemas['IncomeRecord']

export interface IncomeLine {
  label: string
  amount: number
  /** +1 added, −1 subtracted, 0 shown for information only. */
  sign: number
}

export type IncomeBreakdown = Schemas['IncomeBreakdown']

export type LineSource = Schemas['LineSource']

export type IncomeView = Schemas['IncomeView']

/** Answer of GET /api/households/{id}. */
export type HouseholdDetail = Omit<Schemas['HouseholdView'], 'household'> & {
  household: HouseholdRecord
}

/** One changed field between two versions (IDs and phones masked by the server). */
export type FieldChange = Schemas['FieldChange']

/** One version of a household, from GET /api/households/{id}/history. */
export type HouseholdVersion = Schemas['VersionInfo']

/** Answer of POST /api/households/{id}/reveal. */
export type RevealedIds = Schemas['RevealedIds']

// ---- data exchange --------------------------------------------------------

/** One problem found in an uploaded file. */
export interface ImportIssue {
  /** Sheet name (`CSV` for CSV files). */
  sheet: string
  /** 1-based row as the spreadsheet shows it (header = row 1); 0 for the whole file. */
  row: number
  /** Column header; empty for the whole file. */
  column: string
  value: string
  reason: string
}

export interface ChangedHousehold {
  household_no: string
  /** Names of the changed parts (fields, 家庭成员, 收入2024 …). */
  changes: string[]
}

export interface ImportSummary {
  dry_run: boolean
  /** 户编号 of new households. */
  created: string[]
  changed: ChangedHousehold[]
  unchanged: number
  areas_added: number
}

export type ImportStatus = 'parsing' | 'writing' | 'done' | 'failed'

/** GET /api/imports/{id}: one upload and what became of it. */
// The issues and the summary come from fangpin-exchange, whose types the
// OpenAPI document does not describe: written by hand.
export interface ImportJob {
  id: string
  file_name: string
  dry_run: boolean
  status: ImportStatus
  status_label: string
  rows: number | null
  encoding: string | null
  summary: ImportSummary | null
  issue_count: number
  /** The first 500 issues; the error report has all of them. */
  issues: ImportIssue[]
  warnings: ImportIssue[]
  error: string | null
  has_report: boolean
  duplicates_found: number | null
  started_at: string
  finished_at: string | null
}

export interface ExportQuery {
  format: 'xlsx' | 'csv'
  area?: string
  year?: number
  unmasked?: boolean
}

/** A downloaded file. */
export interface Download {
  name: string
  blob: Blob
}

// ---- system -----------------------------------------------------------------

export type AuditRecord = Schemas['AuditRecord']

export interface AuditQuery {
  actor?: string
  action?: string
  entity?: string
  entity_key?: string
  area?: string
  /** YYYY-MM-DD, China Standard Time. */
  from?: string
  to?: string
  page?: number
  page_size?: number
}

export type RoleInfo = Schemas['RoleView']

export type DuplicateStatus = 'pending' | 'same' | 'different'

export type DuplicateSide = Schemas['DuplicateSide']

export type DuplicateItem = Schemas['DuplicateItem']

// ---- monitoring: assessment, cases, 工作台, what-if, calendar ---------------

/** Where a threshold came from (a policy parameter definition). */
export type ParamRef = Schemas['ParamRef']

/** One rule of the assessment, fired or not. */
export type Finding = Schemas['Finding']

export type IncomeTest = Schemas['IncomeTest']

export type Assessment = Schemas['Assessment']

export type Channel = Schemas['Channel']

export type CaseState = Schemas['CaseState']

export type WorkflowLevel = Schemas['Level']

export type Urgency = Schemas['Urgency']

export type CaseRow = Schemas['CaseRow']

/** A ledger row; `payload` is the step's form as free JSON. */
export type CaseEvent = Omit<Schemas['CaseEvent'], 'payload'> & { payload: Record<string, unknown> }

// Holds typed areas or case events (see above): written by hand.
export interface CaseDetail extends CaseRow {
  summary: string
  reporter: string | null
  notice_from: string | null
  notice_until: string | null
  method: string | null
  events: CaseEvent[]
}

export interface CaseQuery {
  area?: string
  /** Any of these states. */
  states?: readonly CaseState[]
  open?: boolean
  page?: number
  page_size?: number
}

export interface NewLead {
  household_id: number
  channel: Channel
  green_channel: boolean
  summary: string
  reporter?: string | null
  evidence?: string | null
}

/** One workflow step as POST /api/cases/{id}/actions takes it. */
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

export type DueItem = Schemas['DueItem']

export type Workbench = Schemas['Workbench']

export interface WhatIfQuery {
  area: string
  year: number
  /** Proposed 监测范围 in 分. */
  line_fen?: number | null
  rigid_pct?: number | null
  drop_pct?: number | null
}

export type WhatIfArea = Schemas['WhatIfArea']

export type WhatIfHousehold = Schemas['WhatIfHousehold']

export type WhatIfResult = Schemas['WhatIfResult']

export type CalendarEntry = Schemas['CalendarDay']

export type CalendarYear = Schemas['CalendarYear']

/** What an administrator saves for one calendar year: entries or CSV text. */
export interface CalendarSave {
  source: string
  entries?: CalendarEntry[]
  csv?: string
}

// ---- 地区参数 -------------------------------------------------------------------

export type ParamDef = Schemas['ParamDef']
export type ParamDefs = Schemas['ParamDefs']
export type ParamSetBody = Schemas['ParamSetBody']
/** What the 工作台 tells an administrator to set: a parameter or a calendar year. */
export type SetupGap = Schemas['SetupGap']

// ---- 农户自主申报 -------------------------------------------------------------

export type PublicVillage = Schemas['PublicVillage']

export type PublicTownship = Schemas['PublicTownship']


/** The public form's choices and consent text. */
export type SelfReportFormOptions = Schemas['FormOptions']

/** The public form as sent; `website` is the honeypot people never see. */
export interface SelfReportForm {
  name: string
  id_number: string
  phone: string
  village: string
  relation: string
  head_name: string
  hardship: string
  description: string
  consent: boolean
  website: string
}

export type SelfReportReceipt = Schemas['Receipt']

export type SelfReportStatus = 'pending' | 'accepted' | 'declined'

export type SelfReportPublicStatus = Schemas['PublicStatus']

export type SelfReportMatch = Schemas['HouseholdMatch']

export type SelfReportRow = Schemas['SelfReportRow']

export type SelfReportAccepted = Schemas['Accepted']

// ---- 数据质量 -----------------------------------------------------------------

export type QualityIssue = Schemas['QualityIssue']

export interface QualityQuery {
  area?: string
  rule?: string
  household_id?: number
  all?: boolean
  page?: number
  page_size?: number
}

export type QualityRule = Schemas['QualityRuleView']

export type VillageScore = Schemas['VillageScore']

export type QualityRun = Schemas['QualityRun']

// ---- 资金与就业 (小额信贷, 公益性岗位, 到户产业奖补, 务工) ----

export type RepaymentMethod = Schemas['RepaymentMethod']
export type WorkRegion = Schemas['WorkRegion']
export type Subsidy = Schemas['Subsidy']

/** Where a loan stands today (amounts in 分). */
export type LoanStanding = Schemas['Standing']

export type LoanRow = Schemas['LoanRow']

export type InstalmentRow = Schemas['InstalmentRow']

export type LoanDetail = Schemas['LoanDetail']

export type AreaLoanRate = Schemas['AreaLoanRate']

export type LoanRates = Schemas['LoanRates']

export interface NewLoan {
  borrower_no: string
  bank: string
  purpose: string
  amount_fen: number
  term_months: number
  issued_on: string
  annual_rate: string
  method: RepaymentMethod
  subsidy_rate?: string
  subsidy_fen?: number
  note?: string
}

export type PostRow = Schemas['PostRow']

export interface NewPost {
  person_no: string
  post: string
  start_on: string
  end_on: string
  monthly_pay_fen: number
  note?: string
}

export type AwardRow = Schemas['AwardRow']

export type AwardRoom = Schemas['AwardRoom']

export interface NewAward {
  year: number
  project: string
  amount_fen: number
  note?: string
}

export type JobRow = Schemas['JobRow']

export interface NewJob {
  person_no: string
  year: number
  region: WorkRegion
  place: string
  employer: string
  months: number
  income_fen: number
  note?: string
}

export type ZeroEmploymentRow = Schemas['ZeroEmploymentRow']

export type ZeroEmployment = Schemas['ZeroEmployment']

export type HouseholdFunds = Schemas['HouseholdFundsView']

export interface FundsQuery {
  area?: string
  household_id?: number
  year?: number
  page?: number
  page_size?: number
}

// ---- 帮扶: 帮扶干部, 帮扶责任人, 一户一策, 帮扶措施 ----------------------------------

export type MeasureStatus = Schemas['MeasureStatus']

export type CatalogueItem = Schemas['CatalogueEntry']

export type MeasureCatalogue = Schemas['CatalogueView']

export type Cadre = Schemas['CadreRow']

export interface CadreForm {
  name: string
  unit: string
  position: string
  phone: string
  area: string
  active: boolean
  username: string
}

export type Pairing = Schemas['Pairing']

export type ResponsibleDue = Schemas['ResponsibleDue']

export type AssistPlan = Schemas['PlanView']

export type AssistMeasure = Schemas['MeasureRow']

/** PATCH /api/measures/{id}: what was mistyped, with a reason. */
export interface MeasureCorrection {
  code: string
  name?: string
  target_risk: string
  started_on: string
  amount_fen: number
  evidence?: string
  reason: string
  revision: number
}

export type HouseholdAssistance = Schemas['HouseholdAssistance']

export type AssistRow = Schemas['AssistRow']

export interface AssistQuery {
  area?: string
  unpaired?: boolean
  page?: number
  page_size?: number
}

export interface NewMeasure {
  code: string
  name?: string
  target_risk: string
  started_on: string
  amount_fen?: number
  status?: MeasureStatus
  evidence?: string
}

// ---- printable documents (GET /api/print/…) ----------------------------------

/** Which procedure a 公示 or 公告 is about. */
export type DocumentKind = Schemas['DocumentKind']

/** Names of a place from the county down (null where not stored). */
export type PlaceNames = Schemas['PlaceNames']

export type DocumentArea = Schemas['DocumentArea']

/** The household a document names, as printed. */
export type PrintedHousehold = Schemas['PrintedHousehold']

/** One household on a 公示名单 or 公告. */
export type ListedHousehold = Schemas['ListedHousehold']

export type HouseholdList = Schemas['HouseholdList']

export type ReviewRecord = Schemas['ReviewRecord']

export type ReviewMinutes = Schemas['ReviewMinutes']

export type CardMeasure = Schemas['CardMeasure']

/** The 帮扶责任人 a 明白卡 names. */
export interface CardCadre {
  name: string
  unit: string
  position: string
  from_on: string
}

/** 监测户明白卡. */
export type HouseholdCard = Schemas['HouseholdCard']

export type CardBatch = Schemas['Cards']

/** An API token as administrators see it (GET /api/tokens); never the secret. */
export type ApiToken = Schemas['ApiTokenInfo']
