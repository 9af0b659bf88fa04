// 资金与就业: corrections of loans, repayments, 公益性岗位, 到户产业奖补 and 务工
// records. Every record carries the revision it was read at; an edit sends it
// back and the server refuses a stale one with a Chinese message.
import { request } from './client'
import type { AwardRow, JobRow, LoanRow, PostRow, RepaymentMethod, WorkRegion } from './types'
import type { components } from './schema'

type Schemas = components['schemas']

/** What an edit answers: the record and its new revision. */
export type Edited = Schemas['Edited']

export type LoanRecord = LoanRow & { revision: number }
export type PostRecord = PostRow & { revision: number }
export type AwardRecord = AwardRow & {
  revision: number
  /** Day it was withdrawn (撤销); a withdrawn award counts for nothing. */
  withdrawn_on: string | null
  withdraw_reason: string | null
  /** 有效 / 已撤销 */
  status_label: string
}
export type JobRecord = JobRow & { revision: number; ended_on: string | null }

export interface LoanEdit {
  revision: number
  bank: string
  purpose: string
  amount_fen: number
  term_months: number
  issued_on: string
  annual_rate: string
  method: RepaymentMethod
  subsidy_rate?: string
  subsidy_fen?: number
  note: string
}

export interface PostEdit {
  revision: number
  post: string
  start_on: string
  end_on: string
  monthly_pay_fen: number
  note: string
}

export interface AwardEdit {
  revision: number
  year: number
  project: string
  amount_fen: number
  note: string
}

export interface JobEdit {
  revision: number
  year: number
  region: WorkRegion
  place: string
  employer: string
  months: number
  income_fen: number
  note: string
}

export const fundsApi = {
  correctLoan: (id: number, body: LoanEdit) => request<Edited>(`api/funds/loans/${id}`, { method: 'PATCH', body }),
  undoRepayment: (loan: number, repayment: number, body: { revision: number; reason: string }) =>
    request<Edited>(`api/funds/loans/${loan}/repayments/${repayment}/undo`, { method: 'POST', body }),
  correctPost: (id: number, body: PostEdit) => request<Edited>(`api/funds/posts/${id}`, { method: 'PATCH', body }),
  /** Ends a post early, on the last day of `end_month` (YYYY-MM). */
  endPost: (id: number, body: { revision: number; end_month: string; reason: string }) =>
    request<Edited>(`api/funds/posts/${id}/end`, { method: 'POST', body }),
  correctAward: (id: number, body: AwardEdit) => request<Edited>(`api/funds/awards/${id}`, { method: 'PATCH', body }),
  withdrawAward: (id: number, body: { revision: number; reason: string }) =>
    request<Edited>(`api/funds/awards/${id}/withdraw`, { method: 'POST', body }),
  correctJob: (id: number, body: JobEdit) => request<Edited>(`api/funds/jobs/${id}`, { method: 'PATCH', body }),
  endJob: (id: number, body: { revision: number; ended_on: string }) =>
    request<Edited>(`api/funds/jobs/${id}/end`, { method: 'POST', body }),
}
