// 资金与就业: corrections of loans, repayments, 公益性岗位, 到户产业奖补 and 务工
// records. Every record carries the revision it was read at; an edit sends it
// back and the server refuses a stale one with a Chinese message.
import { request } from './client'
import type {
  RevisedAwardBody,
  Edited,
  RevisedJobFields,
  JobEndBody,
  RevisedLoanFields,
  RevisedPostFields,
  PostEndBody,
  ReasonBody,
} from './types'

export const fundsApi = {
  correctLoan: (id: number, body: RevisedLoanFields) => request<Edited>(`api/funds/loans/${id}`, { method: 'PATCH', body }),
  undoRepayment: (loan: number, repayment: number, body: ReasonBody) =>
    request<Edited>(`api/funds/loans/${loan}/repayments/${repayment}/undo`, { method: 'POST', body }),
  correctPost: (id: number, body: RevisedPostFields) => request<Edited>(`api/funds/posts/${id}`, { method: 'PATCH', body }),
  /** Ends a post early, on the last day of `end_month` (YYYY-MM). */
  endPost: (id: number, body: PostEndBody) =>
    request<Edited>(`api/funds/posts/${id}/end`, { method: 'POST', body }),
  correctAward: (id: number, body: RevisedAwardBody) => request<Edited>(`api/funds/awards/${id}`, { method: 'PATCH', body }),
  withdrawAward: (id: number, body: ReasonBody) =>
    request<Edited>(`api/funds/awards/${id}/withdraw`, { method: 'POST', body }),
  correctJob: (id: number, body: RevisedJobFields) => request<Edited>(`api/funds/jobs/${id}`, { method: 'PATCH', body }),
  endJob: (id: number, body: JobEndBody) =>
    request<Edited>(`api/funds/jobs/${id}/end`, { method: 'POST', body }),
}
