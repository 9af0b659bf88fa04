import type {
  Accepted,
  AcceptBody,
  ApiTokenInfo,
  AreaEmployment,
  AreaSummary,
  AssessmentView,
  AssistQuery,
  AuditQuery,
  AwardBody,
  AwardPage,
  AwardRoom,
  CadreForm,
  CalendarSaveBody,
  CalendarYear,
  ParamDefs,
  ParamSetBody,
  CaseDetail,
  CaseQuery,
  CaseStep,
  CatalogueView,
  Cards,
  CodeListView,
  Created,
  DecisionBody,
  DeclineBody,
  DocumentKind,
  Done,
  Download,
  DuplicateStatus,
  ErrorBody,
  ExportQuery,
  FormOptions,
  FullPhone,
  FundsQuery,
  HeadBody,
  HouseholdAssistance,
  HouseholdCard,
  HouseholdFundsView,
  HouseholdList,
  HouseholdQuery,
  HouseholdView,
  ImportJob,
  ItemsApiTokenInfo,
  ItemsCadreRow,
  ItemsCaseRow,
  ItemsQualityRuleView,
  ItemsRoleView,
  ItemsUserInfo,
  ItemsVersionInfo,
  ItemsVillageScore,
  JobBody,
  JobStarted,
  LeadBody,
  LoanBody,
  LoanDetail,
  LoanRates,
  MeasureBody,
  MeasureCorrection,
  MeasureRow,
  MergeBody,
  Meta,
  PageAssistRow,
  PageAuditRecord,
  PageCaseRow,
  PageDuplicateItem,
  PageHouseholdRow,
  PageJobRow,
  PageLoanRow,
  PagePostRow,
  PageQualityIssue,
  PageSelfReportRow,
  Pairing,
  PairBody,
  Person,
  PersonNo,
  PlanBody,
  PlanView,
  PostBody,
  PublicStatus,
  QualityQuery,
  QualityRun,
  Receipt,
  Relations,
  RepaymentBody,
  ReportStatus,
  RevealedIds,
  ReviewMinutes,
  Scanned,
  SelfReportBody,
  SelfReportRow,
  SessionView,
  SplitBody,
  SplitOff,
  StatusBody,
  StatusChange,
  Townships,
  TreeResponse,
  UnpairBody,
  WhatIfBody,
  WhatIfResult,
  Workbench,
  ZeroEmployment,
} from './types'

/** A failed API call, carrying the server's machine code and Chinese message. */
export class ApiError extends Error {
  readonly code: string
  readonly status: number

  constructor(code: string, message: string, status: number) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
  }
}

function isErrorBody(v: unknown): v is ErrorBody {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ErrorBody).code === 'string' &&
    typeof (v as ErrorBody).message === 'string'
  )
}

// ---- session plumbing --------------------------------------------------------
// The session itself is an HttpOnly cookie the page never sees; state-changing
// requests must also carry the CSRF token the server handed out with the
// session (login or /api/auth/me).

let csrfToken: string | null = null

export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** What the app does when the server says the session is missing or restricted. */
export interface AuthHooks {
  /** 401 unauthenticated on an ordinary call: the session expired or was ended. */
  unauthenticated: () => void
  /** 403 password_change_required: the user must change the password first. */
  passwordChangeRequired: () => void
  /** 403 csrf: fetch the session again (new token); true if that worked. */
  refreshSession: () => Promise<boolean>
}

let hooks: AuthHooks | null = null

export function setAuthHooks(h: AuthHooks): void {
  hooks = h
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  query?: Record<string, string | number | boolean | null | undefined>
  body?: unknown
  /** A body sent as is (file uploads) instead of JSON. */
  raw?: { data: ArrayBuffer; type: string }
  signal?: AbortSignal
  /**
   * Whether 401/403 answers trigger the app-wide hooks (redirect to the login
   * or password page). Off for the auth endpoints, whose callers handle them.
   */
  hooks?: boolean
  /** Whether an empty answer (e.g. 204) is expected. */
  empty?: boolean
  /** Whether the answer is a file to download rather than JSON. */
  file?: boolean
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    params.set(k, String(v))
  }
  const s = params.toString()
  return s ? `${path}?${s}` : path
}

// Relative URLs, resolved against the page: with hash routing the document is
// always the index page, so this also works when the app is served under a
// sub-path by a reverse proxy.
export async function request<T>(path: string, opts: RequestOptions = {}, retried = false): Promise<T> {
  const method = opts.method ?? 'GET'
  const headers: Record<string, string> = { Accept: opts.file ? '*/*' : 'application/json' }
  let body: BodyInit | undefined
  if (opts.raw) {
    headers['Content-Type'] = opts.raw.type
    body = opts.raw.data
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  if (UNSAFE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let resp: Response
  try {
    resp = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: opts.signal,
    })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError('network', '无法连接服务器，请检查网络连接或确认服务已启动。', 0)
  }
  if (resp.ok && opts.file) {
    try {
      const blob = await resp.blob()
      const file: Download = { name: fileNameOf(resp.headers.get('Content-Disposition')) ?? 'download', blob }
      return file as T
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e
      throw new ApiError('network', '文件下载中断，请重试。', 0)
    }
  }
  const text = await resp.text()
  let answer: unknown = undefined
  try {
    answer = text ? JSON.parse(text) : undefined
  } catch {
    answer = undefined
  }
  if (!resp.ok) {
    const err = isErrorBody(answer)
      ? new ApiError(answer.code, answer.message, resp.status)
      : new ApiError('http_' + resp.status, `服务器返回错误（HTTP ${resp.status}）。`, resp.status)
    if (opts.hooks !== false && hooks) {
      if (resp.status === 401) {
        hooks.unauthenticated()
      } else if (err.code === 'password_change_required') {
        hooks.passwordChangeRequired()
      } else if (err.code === 'csrf' && !retried && (await hooks.refreshSession())) {
        return request<T>(path, opts, true)
      }
    }
    throw err
  }
  if (opts.empty) return undefined as T
  if (answer === undefined) {
    throw new ApiError('bad_response', '服务器返回了无法识别的数据。', resp.status)
  }
  return answer as T
}

/** The file name of a Content-Disposition header (RFC 5987 `filename*` first). */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(header) ?? /filename\s*=\s*([^;]+)/i.exec(header)
  return plain ? plain[1].trim() : null
}

/** Hands a downloaded file to the browser (saved under its own name). */
export function saveDownload(file: Download): void {
  const url = URL.createObjectURL(file.blob)
  const a = document.createElement('a')
  a.href = url
  a.download = file.name
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

export const api = {
  meta: (signal?: AbortSignal) => request<Meta>('api/meta', { signal, hooks: false }),

  // ---- authentication ----
  login: (username: string, password: string) =>
    request<SessionView>('api/auth/login', { method: 'POST', body: { username, password }, hooks: false }),
  me: (signal?: AbortSignal) => request<SessionView>('api/auth/me', { signal, hooks: false }),
  logout: () => request<void>('api/auth/logout', { method: 'POST', hooks: false, empty: true }),
  changePassword: (old_password: string, new_password: string) =>
    request<void>('api/auth/password', {
      method: 'POST',
      body: { old_password, new_password },
      hooks: false,
      empty: true,
    }),

  // ---- areas ----
  areaTree: (signal?: AbortSignal) => request<TreeResponse>('api/areas/tree', { signal }),
  areaSummary: (code: string, signal?: AbortSignal) =>
    request<AreaSummary>(`api/areas/${encodeURIComponent(code)}/summary`, { signal }),
  areaEmployment: (code: string, year: number | undefined, signal?: AbortSignal) =>
    request<AreaEmployment>(`api/areas/${encodeURIComponent(code)}/employment`, { query: { year }, signal }),

  // ---- code lists ----
  codes: (list: string, signal?: AbortSignal) =>
    request<CodeListView>(`api/codes/${encodeURIComponent(list)}`, { signal }),

  // ---- households ----
  households: (q: HouseholdQuery, signal?: AbortSignal) =>
    request<PageHouseholdRow>('api/households', { query: { ...q }, signal }),
  household: (id: number, signal?: AbortSignal) => request<HouseholdView>(`api/households/${id}`, { signal }),
  /** The household as it stood at the end of `day` (YYYY-MM-DD); 404 before it was registered. */
  householdAsOf: (id: number, day: string, signal?: AbortSignal) =>
    request<HouseholdView>(`api/households/${id}`, { query: { as_of: day }, signal }),
  householdHistory: (id: number, signal?: AbortSignal) =>
    request<ItemsVersionInfo>(`api/households/${id}/history`, { signal }),
  revealIds: (id: number) => request<RevealedIds>(`api/households/${id}/reveal`, { method: 'POST' }),
  /** 新增成员: a full member record (full ID number); an empty person_no is numbered by the server. */
  addMember: (id: number, person: Person, reason: string, note: string) =>
    request<PersonNo>(`api/households/${id}/members`, {
      method: 'POST',
      body: { person, reason, note },
    }),
  /** 户主变更; `relations` replaces derived 与户主关系 codes (人口编号 → code). */
  changeHead: (id: number, personNo: string, relations: Record<string, string>, reason: string) =>
    request<Relations>(`api/households/${id}/head`, {
      method: 'POST',
      body: { person_no: personNo, relations, reason } satisfies HeadBody,
    }),
  /** 分户: the members leave and form a new household in the same village and group. */
  splitHousehold: (id: number, members: string[], head: string, householdNo: string, reason: string) =>
    request<SplitOff>(`api/households/${id}/split`, {
      method: 'POST',
      body: { members, head, household_no: householdNo || null, reason } satisfies SplitBody,
    }),
  /** 合户: every member of household `otherId` joins household `id`. */
  mergeHousehold: (id: number, otherId: number, headRelation: string, reason: string) =>
    request<Relations>(`api/households/${id}/merge`, {
      method: 'POST',
      body: { other_id: otherId, head_relation: headRelation || null, reason } satisfies MergeBody,
    }),

  // ---- monitoring ----
  /** The rules assessment with its trace; null when the household has no income data. */
  assessment: (id: number, year?: number, signal?: AbortSignal) =>
    request<AssessmentView>(`api/households/${id}/assessment`, { query: { year }, signal }),
  householdCases: (id: number, signal?: AbortSignal) =>
    request<ItemsCaseRow>(`api/households/${id}/cases`, { signal }),
  cases: (q: CaseQuery, signal?: AbortSignal) =>
    request<PageCaseRow>('api/cases', {
      query: {
        area: q.area,
        state: q.states?.length ? q.states.join(',') : undefined,
        open: q.open ? 'true' : undefined,
        page: q.page,
        page_size: q.page_size,
      },
      signal,
    }),
  caseDetail: (id: number, signal?: AbortSignal) => request<CaseDetail>(`api/cases/${id}`, { signal }),
  openCase: (lead: LeadBody) => request<Created>('api/cases', { method: 'POST', body: lead }),
  /** One workflow step; `revision` is the case's revision as shown (a stale page is refused). */
  caseAction: (id: number, revision: number, step: CaseStep) =>
    request<CaseDetail>(`api/cases/${id}/actions`, { method: 'POST', body: { revision, step } }),
  workbench: (signal?: AbortSignal) => request<Workbench>('api/workbench', { signal }),
  whatIf: (q: WhatIfBody, signal?: AbortSignal) =>
    request<WhatIfResult>('api/whatif', { method: 'POST', body: q, signal }),
  calendar: (year: number | undefined, signal?: AbortSignal) =>
    request<CalendarYear>('api/calendar', { query: { year }, signal }),
  /** Replaces (or adds) a year of the working-day calendar (维护参数). */
  saveCalendar: (year: number, body: CalendarSaveBody) =>
    request<CalendarYear>(`api/calendar/${year}`, { method: 'PUT', body }),
  /** The definitions of one parameter key, every area and year. */
  params: (key: string, signal?: AbortSignal) => request<ParamDefs>(`api/params/${key}`, { signal }),
  /** Sets a parameter for an area of one's own and a year (维护参数). */
  saveParam: (key: string, area: string, year: number, body: ParamSetBody) =>
    request<ParamDefs>(`api/params/${key}/${area}/${year}`, { method: 'PUT', body }),

  // ---- 资金与就业 ----
  householdFunds: (id: number, signal?: AbortSignal) =>
    request<HouseholdFundsView>(`api/households/${id}/funds`, { signal }),
  addLoan: (id: number, body: LoanBody) => request<Created>(`api/households/${id}/loans`, { method: 'POST', body }),
  addPost: (id: number, body: PostBody) => request<Created>(`api/households/${id}/posts`, { method: 'POST', body }),
  addAward: (id: number, body: AwardBody) =>
    request<Created>(`api/households/${id}/awards`, { method: 'POST', body }),
  awardRoom: (id: number, year: number, signal?: AbortSignal) =>
    request<AwardRoom>(`api/households/${id}/award-room`, { query: { year }, signal }),
  addJob: (id: number, body: JobBody) => request<Created>(`api/households/${id}/jobs`, { method: 'POST', body }),
  loans: (q: FundsQuery & { overdue?: boolean }, signal?: AbortSignal) =>
    request<PageLoanRow>('api/funds/loans', { query: { ...q, overdue: q.overdue ? 'true' : undefined }, signal }),
  loan: (id: number, signal?: AbortSignal) => request<LoanDetail>(`api/funds/loans/${id}`, { signal }),
  addRepayment: (id: number, body: RepaymentBody) =>
    request<Created>(`api/funds/loans/${id}/repayments`, { method: 'POST', body }),
  loanRates: (area: string | undefined, signal?: AbortSignal) =>
    request<LoanRates>('api/funds/loan-rates', { query: { area }, signal }),
  posts: (q: FundsQuery, signal?: AbortSignal) => request<PagePostRow>('api/funds/posts', { query: { ...q }, signal }),
  awards: (q: FundsQuery, signal?: AbortSignal) => request<AwardPage>('api/funds/awards', { query: { ...q }, signal }),
  jobs: (q: FundsQuery, signal?: AbortSignal) => request<PageJobRow>('api/funds/jobs', { query: { ...q }, signal }),
  zeroEmployment: (q: FundsQuery, signal?: AbortSignal) =>
    request<ZeroEmployment>('api/funds/zero-employment', { query: { ...q }, signal }),
  employmentScale: (area: string | undefined, year: number, signal?: AbortSignal) =>
    request<AreaEmployment>('api/funds/employment-scale', { query: { area, year }, signal }),

  // ---- 帮扶 ----
  measureCatalogue: (signal?: AbortSignal) => request<CatalogueView>('api/assist/catalogue', { signal }),
  assistHouseholds: (q: AssistQuery, signal?: AbortSignal) =>
    request<PageAssistRow>('api/assist/households', {
      query: { ...q, unpaired: q.unpaired ? 'true' : undefined },
      signal,
    }),
  cadres: (q: { area?: string; active?: boolean; q?: string }, signal?: AbortSignal) =>
    request<ItemsCadreRow>('api/cadres', {
      query: { area: q.area, active: q.active ? 'true' : undefined, q: q.q || undefined },
      signal,
    }),
  createCadre: (c: CadreForm) => request<Created>('api/cadres', { method: 'POST', body: c }),
  updateCadre: (id: number, c: CadreForm) => request<Done>(`api/cadres/${id}`, { method: 'PUT', body: c }),
  cadrePhone: (id: number) => request<FullPhone>(`api/cadres/${id}/phone`, { method: 'POST' }),
  householdAssistance: (id: number, signal?: AbortSignal) =>
    request<HouseholdAssistance>(`api/households/${id}/assistance`, { signal }),
  pairResponsible: (id: number, cadreId: number, fromOn?: string) =>
    request<Pairing>(`api/households/${id}/responsible`, {
      method: 'POST',
      body: { cadre_id: cadreId, from_on: fromOn || null } satisfies PairBody,
    }),
  endResponsible: (id: number, reason: string) =>
    request<Done>(`api/households/${id}/responsible/end`, { method: 'POST', body: { reason } satisfies UnpairBody }),
  savePlan: (id: number, body: PlanBody) => request<PlanView>(`api/households/${id}/plan`, { method: 'PUT', body }),
  reviewPlan: (id: number, revision: number) =>
    request<PlanView>(`api/households/${id}/plan/review`, { method: 'POST', body: { revision } }),
  addMeasure: (id: number, m: MeasureBody) =>
    request<Created>(`api/households/${id}/measures`, { method: 'POST', body: m }),
  measureStatus: (id: number, body: StatusChange) =>
    request<MeasureRow>(`api/measures/${id}/status`, { method: 'POST', body }),
  correctMeasure: (id: number, body: MeasureCorrection) =>
    request<MeasureRow>(`api/measures/${id}`, { method: 'PATCH', body }),

  // ---- data quality ----
  qualityIssues: (q: QualityQuery, signal?: AbortSignal) =>
    request<PageQualityIssue>('api/quality', { query: { ...q, all: q.all ? 'true' : undefined }, signal }),
  qualityRules: (signal?: AbortSignal) => request<ItemsQualityRuleView>('api/quality/rules', { signal }),
  qualityScores: (area: string | undefined, signal?: AbortSignal) =>
    request<ItemsVillageScore>('api/quality/scores', { query: { area }, signal }),
  runQuality: (area: string | undefined) =>
    request<QualityRun>('api/quality/run', { method: 'POST', body: { area: area ?? null } }),

  // ---- 农户自主申报: public (no session) ----
  publicAreas: (signal?: AbortSignal) => request<Townships>('api/public/areas', { signal, hooks: false }),
  selfReportOptions: (signal?: AbortSignal) =>
    request<FormOptions>('api/public/self-report-form', { signal, hooks: false }),
  submitSelfReport: (form: SelfReportBody) =>
    request<Receipt>('api/public/self-reports', { method: 'POST', body: form, hooks: false }),
  selfReportStatus: (receipt_no: string, id_last4: string) =>
    request<PublicStatus>('api/public/self-reports/status', {
      method: 'POST',
      body: { receipt_no, id_last4 } satisfies StatusBody,
      hooks: false,
    }),

  // ---- 农户自主申报: the township's inbox ----
  selfReports: (q: { status?: ReportStatus; area?: string; page?: number; page_size?: number }, signal?: AbortSignal) =>
    request<PageSelfReportRow>('api/self-reports', { query: { ...q }, signal }),
  selfReport: (id: number, signal?: AbortSignal) => request<SelfReportRow>(`api/self-reports/${id}`, { signal }),
  acceptSelfReport: (id: number, householdId: number | null) =>
    request<Accepted>(`api/self-reports/${id}/accept`, {
      method: 'POST',
      body: { household_id: householdId } satisfies AcceptBody,
    }),
  declineSelfReport: (id: number, reason: string) =>
    request<SelfReportRow>(`api/self-reports/${id}/decline`, { method: 'POST', body: { reason } satisfies DeclineBody }),
  selfReportPhone: (id: number) => request<FullPhone>(`api/self-reports/${id}/phone`, { method: 'POST' }),

  // ---- printable documents ----
  printNotice: (q: { area?: string; kind: DocumentKind }, signal?: AbortSignal) =>
    request<HouseholdList>('api/print/notice', { query: { ...q }, signal }),
  printAnnouncement: (q: { area?: string; kind: DocumentKind; from?: string; until?: string }, signal?: AbortSignal) =>
    request<HouseholdList>('api/print/announcement', { query: { ...q }, signal }),
  printMinutes: (caseId: number, seq: number | undefined, signal?: AbortSignal) =>
    request<ReviewMinutes>(`api/print/minutes/${caseId}`, { query: { seq }, signal }),
  printCard: (householdId: number, signal?: AbortSignal) =>
    request<HouseholdCard>(`api/print/cards/${householdId}`, { signal }),
  printCards: (area: string | undefined, signal?: AbortSignal) =>
    request<Cards>('api/print/cards', { query: { area }, signal }),

  // ---- data exchange ----
  startImport: (
    fileName: string,
    dryRun: boolean,
    data: ArrayBuffer,
    opts: { year?: number; skipBad?: boolean } = {},
  ) =>
    request<JobStarted>('api/imports', {
      method: 'POST',
      query: {
        name: fileName,
        dry_run: dryRun ? 'true' : 'false',
        year: opts.year,
        skip_bad: opts.skipBad ? 'true' : 'false',
      },
      raw: { data, type: 'application/octet-stream' },
    }),
  importJob: (id: string, signal?: AbortSignal) =>
    request<ImportJob>(`api/imports/${encodeURIComponent(id)}`, { signal }),
  importReport: (id: string) =>
    request<Download>(`api/imports/${encodeURIComponent(id)}/report`, { file: true }),
  exportFile: (q: ExportQuery, signal?: AbortSignal) =>
    request<Download>('api/exports', {
      query: { format: q.format, area: q.area, year: q.year, unmasked: q.unmasked ? 'true' : undefined },
      file: true,
      signal,
    }),

  // ---- system ----
  audit: (q: AuditQuery, signal?: AbortSignal) => request<PageAuditRecord>('api/audit', { query: { ...q }, signal }),
  users: (signal?: AbortSignal) => request<ItemsUserInfo>('api/users', { signal }),
  roles: (signal?: AbortSignal) => request<ItemsRoleView>('api/roles', { signal }),
  apiTokens: (signal?: AbortSignal) => request<ItemsApiTokenInfo>('api/tokens', { signal }),
  revokeApiToken: (id: number) => request<ApiTokenInfo>(`api/tokens/${id}/revoke`, { method: 'POST' }),
  duplicates: (q: { status?: DuplicateStatus; page?: number; page_size?: number }, signal?: AbortSignal) =>
    request<PageDuplicateItem>('api/duplicates', { query: { ...q }, signal }),
  scanDuplicates: () => request<Scanned>('api/duplicates/scan', { method: 'POST' }),
  decideDuplicate: (id: number, decision: 'same' | 'different', note?: string) =>
    request<void>(`api/duplicates/${id}/decision`, {
      method: 'POST',
      body: { decision, note: note || null } satisfies DecisionBody,
      empty: true,
    }),
}

/** Chinese text for any error thrown by `api`. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message
  if (e instanceof Error && e.message) return `发生意外错误：${e.message}`
  return '发生意外错误。'
}
