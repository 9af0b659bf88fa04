// Shapes of the JSON served by the fangpin server under /api.

export type AreaLevel = 'province' | 'city' | 'county' | 'township' | 'village' | 'group'

export interface Meta {
  system: string
  version: string
  county: { code: string; name: string } | null
  demo: boolean
  data_year: number | null
  /** Seeded demo accounts, listed on the login page of a demo instance (null otherwise). */
  demo_logins?: DemoLogin[] | null
  /** The shared password of the demo accounts (null unless demo). */
  demo_password?: string | null
}

export interface DemoLogin {
  username: string
  role_name: string
  area_name: string
  display_name?: string
}

export interface AreaCounts {
  households: number
  persons: number
  poverty_households: number
  monitored_households: number
  /** Monitored households whose risk is not yet eliminated (风险未消除); newer servers only. */
  unresolved_households?: number
}

export interface AreaNode extends AreaCounts {
  code: string
  name: string
  level: AreaLevel
  children?: AreaNode[]
}

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
export interface EmploymentCounts {
  workers: number
  lifted_workers: number
  monitored_workers: number
  in_county: number
  in_province: number
  out_of_province: number
  abroad: number
  out_of_county: number
  six_months_plus: number
  income_fen: number
  labour_households: number
  zero_employment_households: number
}

export interface EmploymentChild extends EmploymentCounts {
  code: string
  name: string
  level: AreaLevel
}

export interface AreaEmployment extends EmploymentCounts {
  year: number
  code: string
  name: string
  level: AreaLevel
  children: EmploymentChild[]
}

export interface AreaSummary extends AreaCounts {
  code: string
  name: string
  level: AreaLevel
  by_category: CodeCount[]
  by_household_type: CodeCount[]
  children: AreaChild[]
}

/** Error body of every 4xx/5xx answer. */
export interface ApiErrorBody {
  code: string
  message: string
}

// ---- authentication -------------------------------------------------------

export interface UserArea {
  code: string
  name: string
  level: AreaLevel
}

export interface User {
  id: number
  username: string
  display_name: string
  role: string
  role_name: string
  area: UserArea
  department?: string | null
  permissions: string[]
  must_change_password: boolean
  active?: boolean
}

/** Answer of POST /api/auth/login and GET /api/auth/me. */
export interface Session {
  user: User
  csrf_token: string
}

// ---- code lists -----------------------------------------------------------

export interface CodeLabel {
  code: string
  label: string
}

export interface CodeListResponse {
  list?: string
  items: CodeLabel[]
}

// ---- households -----------------------------------------------------------

export interface HouseholdRow {
  id: number
  household_no: string
  area_code: string
  area_name?: string | null
  group_no: number | null
  head_name: string
  /** Masked: 500230********0337. */
  head_id: string
  /** Masked: 157****9607. */
  phone?: string | null
  household_type: string
  monitor_category: string | null
  risk_eliminated: boolean | null
  current_size: number
}

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
export interface LivingConditions {
  cultivated_land: number | null
  irrigated_land: number | null
  forest_land: number | null
  returned_to_forest: number | null
  orchard_land: number | null
  grassland: number | null
  water_surface: number | null
  road_type: string | null
  distance_to_main_road: number | null
  in_cooperative: boolean
  leading_enterprise: boolean
  entrepreneur_leader: boolean
  industry_support_type: string | null
  household_electricity: boolean
  production_electricity: boolean
  radio_tv: boolean
  main_fuel: string | null
  sanitary_toilet: boolean
  housing_area: number | null
  housing_grade: string | null
  is_unsafe_house: boolean
  safe_drinking_water: boolean | null
  compulsory_education_secured: boolean | null
  housing_secured: boolean | null
  drinking_water_secured: boolean | null
}

export interface HouseholdRecord {
  household_no: string
  /** Village code. */
  area: string
  area_name?: string | null
  group_no: number | null
  head_name: string
  head_id: string
  phone: string | null
  household_type: string
  poverty_policy: string | null
  monitor_category: string | null
  is_military_family: boolean
  current_size: number
  /** YYYYMM */
  identified_month: string | null
  eliminated_month: string | null
  risk_eliminated: boolean | null
  elimination_method: string | null
  risks: string[]
  dev_measure_status: string | null
  no_labor_safety_net: boolean
  collector_name: string | null
  collector_phone: string | null
  bank_name: string | null
  bank_account: string | null
  conditions: LivingConditions
}

export interface PersonInsurance {
  resident_medical: boolean
  employee_medical: boolean
  critical_illness: boolean
  commercial_medical: boolean
  medical_assistance: boolean
  other_health_support: boolean
  resident_pension: boolean
  employee_pension: boolean
  accident_insurance_subsidy: boolean
  dibao: boolean
  tekun: boolean
}

export interface Member {
  person_no: string
  name: string
  sex: string
  id_type: string
  id_number: string
  birth_date: string
  ethnicity: string
  relation: string
  phone: string | null
  political_status: string | null
  education: string | null
  student_status: string | null
  dropout_reason: string | null
  graduate_unemployed_reason: string | null
  health: string
  labor_skill: string
  work_months: number
  work_place: string | null
  work_employer: string | null
  works_abroad: boolean
  public_welfare_post: string | null
  public_welfare_months: number
  speaks_mandarin: boolean
  insurance: PersonInsurance
  disability_cert_year: number | null
  unsupported_child: boolean
  dropout_after_elimination: boolean
}

/** A member's 与户主关系 after a member change. */
export interface RelationCode {
  person_no: string
  relation: string
}

/** One household's income for one year; amounts in 分. */
export interface IncomeRecord {
  year: number
  annual_persons: number
  wage: number
  wage_public_welfare: number
  wage_other: number
  business: number
  property: number
  property_dividend: number
  property_other: number
  transfer: number
  transfer_pension: number
  transfer_family_planning: number
  transfer_eco: number
  transfer_dibao: number
  transfer_tekun: number
  transfer_other: number
  industry_award: number
  employment_award: number
  production_cost: number
  cost_subsidy: number
  rigid_expense: number
}

export interface IncomeLine {
  label: string
  amount: number
  /** +1 added, −1 subtracted, 0 shown for information only. */
  sign: number
}

export interface IncomeBreakdown {
  gross: number
  net: number
  rigid_deducted: number
  net_for_test: number
  persons: number
  per_capita: number
  lines: IncomeLine[]
}

export interface LineSource {
  /** Area code the parameter is set for; null for the national value. */
  scope: string | null
  year: number
  confidence: string
  note: string
}

export interface IncomeView {
  year: number
  record: IncomeRecord
  breakdown: IncomeBreakdown | null
  monitoring_line: number | null
  line_source: LineSource | null
  below_line: boolean | null
  problem: string | null
}

export interface HouseholdDetail {
  id: number
  household: HouseholdRecord
  members: Member[]
  incomes: IncomeView[]
  /** Version number; only in answers to `?as_of=YYYY-MM-DD`. */
  version?: number | null
}

/** One changed field between two versions (IDs and phones masked by the server). */
export interface FieldChange {
  /** e.g. `户.phone`, `成员 张三（…-01）.health`, `收入2024.wage`. */
  path: string
  before: unknown
  after: unknown
}

/** One version of a household, from GET /api/households/{id}/history. */
export interface HouseholdVersion {
  version: number
  /** RFC 3339. */
  valid_from: string
  actor: string
  role: string
  reason: string
  /** Compared with the previous version; empty for the first. */
  changes: FieldChange[]
}

/** Answer of POST /api/households/{id}/reveal. */
export interface RevealedIds {
  head_id: string
  members: { person_no: string; name?: string; id_number: string }[]
}

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

export interface AuditRecord {
  id: number
  /** RFC 3339 timestamp. */
  at: string
  user_id: number | null
  actor: string
  /** Role code of the actor (county_admin …). */
  role: string
  actor_area: string | null
  address: string | null
  action: string
  entity: string
  entity_key: string | null
  area_code: string | null
  before: unknown
  after: unknown
  note: string | null
}

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

export interface RoleInfo {
  code: string
  name: string
  description: string
  permissions: string[]
  permission_labels: string[]
}

export type DuplicateStatus = 'pending' | 'same' | 'different'

export interface DuplicateSide {
  person_id: number
  household_id: number
  household_no: string
  name: string
  birth_date: string
  /** Masked. */
  id_number: string
  area_code: string
  area_name: string
}

export interface DuplicateItem {
  id: number
  rule: string
  rule_label: string
  status: DuplicateStatus
  a: DuplicateSide
  b: DuplicateSide
  decided_by: string | null
  note: string | null
}

// ---- monitoring: assessment, cases, 工作台, what-if, calendar ---------------

/** Where a threshold came from (a policy parameter definition). */
export interface ParamRef {
  key: string
  /** Area code of the definition; null = 全国. */
  scope: string | null
  year: number
  note: string
}

/** One rule of the assessment, fired or not. */
export interface Finding {
  rule: string
  label: string
  fired: boolean
  value: string
  threshold: string | null
  param: ParamRef | null
  source: string[]
  risk: string | null
}

export type IncomeTest = 'below' | 'at_or_above' | 'unknown'

export interface Assessment {
  year: number
  /** 监测范围 in 分. */
  line: number
  income_test: IncomeTest
  sudden_hardship: boolean
  /** Suggested 监测对象类别 code; null when not at risk. */
  category: string | null
  risks: string[]
  trace: Finding[]
}

export type Channel = 'self_report' | 'cadre_visit' | 'dept_warning' | 'hotline'

export type CaseState =
  | 'lead'
  | 'verifying'
  | 'comparing'
  | 'reviewing'
  | 'notice'
  | 'township_review'
  | 'county_approval'
  | 'approved'
  | 'monitoring'
  | 'elim_verifying'
  | 'elim_reviewing'
  | 'elim_notice'
  | 'elim_township'
  | 'elim_county'
  | 'eliminated'
  | 'rejected'

export type WorkflowLevel = 'village' | 'township' | 'county'

export type Urgency = 'on_track' | 'due_soon' | 'overdue' | 'escalated'

export interface CaseRow {
  id: number
  household_id: number
  household_no: string
  head_name: string
  area_code: string
  channel: Channel
  channel_label: string
  green_channel: boolean
  state: CaseState
  state_label: string
  owner: WorkflowLevel | null
  category: string | null
  risks: string[]
  opened_on: string
  step_since: string
  step_due: string | null
  overall_due: string | null
  urgency: Urgency | null
  urgency_label: string | null
  identified_on: string | null
  eliminated_on: string | null
  revision: number
}

export interface CaseEvent {
  seq: number
  at: string
  on_day: string
  /** User name of whoever acted. */
  actor: string
  /** Role code. */
  role: string
  action: string
  from_state: CaseState | null
  to_state: CaseState
  payload: Record<string, unknown>
}

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

export interface DueItem extends CaseRow {
  escalated_to_me: boolean
}

export interface Workbench {
  today: string
  counts: Record<Urgency, number>
  items: DueItem[]
  /** 农户自主申报 awaiting the township's acceptance, due soon or overdue (township roles). */
  self_reports?: SelfReportRow[]
  /** Monitored households still without a 帮扶责任人, near or past the deadline. */
  responsible?: AssistRow[]
}

export interface WhatIfQuery {
  area: string
  year: number
  /** Proposed 监测范围 in 分. */
  line_fen?: number | null
  rigid_pct?: number | null
  drop_pct?: number | null
}

export interface WhatIfArea {
  code: string
  households: number
  at_risk_now: number
  at_risk_then: number
  entering: number
  leaving: number
}

export interface WhatIfHousehold {
  id: number
  village: string
  /** 分. */
  per_capita: number | null
  category_now: string | null
  category_then: string | null
}

export interface WhatIfResult {
  area: string
  year: number
  line_now: number
  line_then: number
  households: number
  skipped: number
  at_risk_now: number
  at_risk_then: number
  entering: number
  leaving: number
  by_township: WhatIfArea[]
  by_village: WhatIfArea[]
  entering_households: WhatIfHousehold[]
  leaving_households: WhatIfHousehold[]
  cached: boolean
  load_ms: number
  eval_ms: number
}

export interface CalendarEntry {
  date: string
  kind: '休' | '班'
  name: string
}

export interface CalendarYear {
  year: number
  covered: boolean
  years: number[]
  working_days: number | null
  /** The notice the year's dates come from. */
  source?: string | null
  entries: CalendarEntry[]
  message?: string
}

/** What an administrator saves for one calendar year: entries or CSV text. */
export interface CalendarSave {
  source: string
  entries?: CalendarEntry[]
  csv?: string
}

// ---- 农户自主申报 -------------------------------------------------------------

export interface PublicVillage {
  code: string
  name: string
}

export interface PublicTownship {
  code: string
  name: string
  villages: PublicVillage[]
}

export interface CodeLabel {
  code: string
  label: string
}

/** The public form's choices and consent text. */
export interface SelfReportFormOptions {
  hardships: CodeLabel[]
  relations: CodeLabel[]
  consent_version: string
  consent_text: string
}

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

export interface SelfReportReceipt {
  receipt_no: string
  submitted_on: string
  accept_due: string | null
  village_name: string
  township_name: string
}

export type SelfReportStatus = 'pending' | 'accepted' | 'declined'

export interface SelfReportPublicStatus {
  receipt_no: string
  status: SelfReportStatus
  status_label: string
  submitted_on: string
  accept_due: string | null
  decided_on: string | null
  decline_reason: string | null
  next_step: string
}

export interface SelfReportMatch {
  household_id: number
  household_no: string
  head_name: string
  area_code: string
  is_head: boolean
}

export interface SelfReportRow {
  id: number
  receipt_no: string
  area_code: string
  village_name: string
  applicant_name: string
  id_masked: string
  phone_masked: string
  relation: string
  relation_label: string
  head_name: string | null
  hardship: string
  hardship_label: string
  emergency: boolean
  description: string
  submitted_at: string
  submitted_on: string
  accept_due: string | null
  urgency: Urgency | null
  urgency_label: string | null
  status: SelfReportStatus
  status_label: string
  household_id: number | null
  case_id: number | null
  decided_by_name: string | null
  decided_on: string | null
  decline_reason: string | null
  matches: SelfReportMatch[]
}

export interface SelfReportAccepted {
  case_id: number
  household_id: number
  joined_existing: boolean
}

// ---- 数据质量 -----------------------------------------------------------------

export interface QualityIssue {
  id: number
  household_id: number
  household_no: string
  head_name: string
  area_code: string
  rule: string
  title: string
  severity: string
  severity_label: string
  message: string
  first_seen: string
  last_seen: string
  fix_by: string | null
  resolved_on: string | null
  overdue: boolean
}

export interface QualityQuery {
  area?: string
  rule?: string
  household_id?: number
  all?: boolean
  page?: number
  page_size?: number
}

export interface QualityRule {
  id: string
  title: string
  severity: string
  severity_label: string
  scope: string
}

export interface VillageScore {
  area_code: string
  households: number
  with_issues: number
  open_issues: number
  overdue: number
  score: number
}

export interface QualityRun {
  checked: number
  open: number
  new: number
  resolved: number
}

// ---- 资金与就业 (小额信贷, 公益性岗位, 到户产业奖补, 务工) ----

export type RepaymentMethod = 'interest_quarterly' | 'equal_principal_quarterly'
export type WorkRegion = 'in_county' | 'in_province' | 'out_of_province' | 'abroad'
export type Subsidy = { type: 'rate'; value: number } | { type: 'amount'; value: number }

/** Where a loan stands today (amounts in 分). */
export interface LoanStanding {
  principal_paid: number
  interest_paid: number
  outstanding: number
  past_due: number
  overdue_since: string | null
  days_overdue: number
  next_due: string | null
  next_amount: number
  settled: boolean
}

export interface LoanRow {
  id: number
  household_id: number
  household_no: string
  head_name: string
  area_code: string
  borrower_no: string
  borrower_name: string
  bank: string
  purpose: string
  amount_fen: number
  term_months: number
  issued_on: string
  maturity_on: string
  /** Annual rate in basis points (345 = 3.45%). */
  rate_bp: number
  method: RepaymentMethod
  method_label: string
  subsidy: Subsidy
  interest_total_fen: number
  subsidy_total_fen: number
  note: string
  standing: LoanStanding
  status_label: string
}

export interface InstalmentRow {
  seq: number
  due_on: string
  principal_fen: number
  interest_fen: number
  total_fen: number
  paid_fen: number
  status: 'paid' | 'partial' | 'overdue' | 'due'
  status_label: string
}

export interface LoanDetail {
  loan: LoanRow
  schedule: InstalmentRow[]
  repayments: { id: number; paid_on: string; amount_fen: number; note: string }[]
  grace_days: number
}

export interface AreaLoanRate {
  area_code: string
  name: string
  loans: number
  outstanding: number
  overdue_loans: number
  overdue_balance: number
  past_due: number
  rate_bp: number | null
  target_bp: number | null
  target_source: string
  meets: boolean | null
}

export interface LoanRates {
  as_of: string
  area: AreaLoanRate
  children: AreaLoanRate[]
}

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

export interface PostRow {
  id: number
  household_id: number
  household_no: string
  head_name: string
  area_code: string
  person_no: string
  person_name: string
  post: string
  start_on: string
  end_on: string
  months: number
  monthly_pay_fen: number
  total_pay_fen: number
  current: boolean
  note: string
}

export interface NewPost {
  person_no: string
  post: string
  start_on: string
  end_on: string
  monthly_pay_fen: number
  note?: string
}

export interface AwardRow {
  id: number
  household_id: number
  household_no: string
  head_name: string
  area_code: string
  year: number
  project: string
  amount_fen: number
  note: string
}

export interface AwardRoom {
  year: number
  cap_fen: number | null
  granted_fen: number
  remaining_fen: number | null
  cap_source: string
}

export interface NewAward {
  year: number
  project: string
  amount_fen: number
  note?: string
}

export interface JobRow {
  id: number
  household_id: number
  household_no: string
  head_name: string
  area_code: string
  person_no: string
  person_name: string
  year: number
  region: WorkRegion
  region_label: string
  place: string
  employer: string
  months: number
  income_fen: number
  note: string
}

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

export interface ZeroEmploymentRow {
  household_id: number
  household_no: string
  head_name: string
  area_code: string
  members: number
  able: number
}

export interface ZeroEmployment {
  year: number
  total: number
  items: ZeroEmploymentRow[]
  by_area: { area_code: string; name: string; with_labour: number; zero: number }[]
}

export interface HouseholdFunds {
  loans: LoanRow[]
  posts: PostRow[]
  awards: AwardRow[]
  jobs: JobRow[]
}

export interface FundsQuery {
  area?: string
  household_id?: number
  year?: number
  page?: number
  page_size?: number
}

// ---- 帮扶: 帮扶干部, 帮扶责任人, 一户一策, 帮扶措施 ----------------------------------

export type MeasureStatus = 'planned' | 'active' | 'done' | 'stopped'

export interface CatalogueItem {
  code: string
  category: string
  category_label: string
  name: string
  /** 开发式 / 保障 / 兜底 / 其他 */
  kind: string
  /** §5.3: 保持 / 至合同期满 / 至协议期满 / 至当前学段结束 / 逐步退出 / 按政策退出 / 一次性 */
  after_elimination: string
  requires: string | null
}

export interface MeasureCatalogue {
  items: CatalogueItem[]
  categories: { code: string; label: string }[]
  kinds: { code: string; label: string }[]
  statuses: { code: MeasureStatus; label: string }[]
}

export interface Cadre {
  id: number
  name: string
  unit: string
  position: string
  phone_masked: string
  area_code: string
  username: string | null
  active: boolean
  households: number
}

export interface CadreForm {
  name: string
  unit: string
  position: string
  phone: string
  area: string
  active: boolean
  username: string
}

export interface Pairing {
  id: number
  cadre_id: number
  name: string
  unit: string
  position: string
  phone_masked: string
  from_on: string
  until_on: string | null
  end_reason: string | null
}

export interface ResponsibleDue {
  since: string
  due: string
  urgency: Urgency
  urgency_label: string
}

export interface AssistPlan {
  goals: string
  case_id: number | null
  created_at: string
  updated_at: string
  reviewed_on: string | null
  /** Who reviewed it. */
  reviewer: string | null
  revision: number
}

export interface AssistMeasure {
  id: number
  code: string | null
  category: string
  category_label: string
  kind: string
  name: string
  target_risk: string
  status: MeasureStatus
  status_label: string
  started_on: string
  ended_on: string | null
  /** 分 */
  amount: number
  evidence: string
  after_elimination: string | null
  note: string
  /** bumped by every change; a correction names the one it started from */
  revision: number
}

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

export interface HouseholdAssistance {
  household_id: number
  monitored: boolean
  responsible: Pairing | null
  history: Pairing[]
  responsible_due: ResponsibleDue | null
  plan: AssistPlan | null
  measures: AssistMeasure[]
  can_pair: boolean
  can_edit: boolean
  /** The caller may review (审核) the plan as it stands. */
  can_review: boolean
}

export interface AssistRow {
  household_id: number
  household_no: string
  head_name: string
  area_code: string
  category: string | null
  risks: string[]
  identified_month: string | null
  responsible: string | null
  cadre_id: number | null
  plan: 'none' | 'made' | 'reviewed'
  plan_label: string
  measures: number
  responsible_due: ResponsibleDue | null
}

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
export type DocumentKind = 'identification' | 'elimination'

/** Names of a place from the county down (null where not stored). */
export interface PlaceNames {
  county: string | null
  township: string | null
  village: string | null
}

export interface DocumentArea extends PlaceNames {
  code: string
  name: string
  level: AreaLevel
}

/** The household a document names, as printed. */
export interface PrintedHousehold extends PlaceNames {
  household_id: number
  household_no: string
  head_name: string
  /** Always masked. */
  head_id: string
  area_code: string
  group_no: number | null
  members: number
  household_type_label: string
  category: string | null
  category_label: string | null
  risks: string[]
  risk_labels: string[]
}

/** One household on a 公示名单 or 公告. */
export interface ListedHousehold extends PrintedHousehold {
  case_id: number
  method_label: string | null
  notice_from: string | null
  notice_until: string | null
  approved_on: string | null
}

export interface HouseholdList {
  kind: DocumentKind
  title: string
  area: DocumentArea
  from: string | null
  until: string | null
  supervision_phone: string
  hotline: string
  printed_on: string
  households: ListedHousehold[]
}

export interface ReviewRecord {
  held_on: string
  place: string
  attendees: string[]
  votes_for: number
  votes_against: number
  passed: boolean
  minutes: string
}

export interface ReviewMinutes extends PrintedHousehold {
  case_id: number
  seq: number
  kind: DocumentKind
  title: string
  method_label: string | null
  record: ReviewRecord
  result: string
  recorded_by: string
  recorded_on: string
  reviews: { seq: number; kind: DocumentKind; held_on: string }[]
  printed_on: string
}

export interface CardMeasure {
  category: string
  /** 开发式 / 保障 / 兜底. */
  kind: string
  name: string
  status: string
  target_risk: string
  target_risk_label: string
  started_on: string
  ended_on: string | null
  /** 分. */
  amount_fen: number
  note: string
}

/** The 帮扶责任人 a 明白卡 names. */
export interface CardCadre {
  name: string
  unit: string
  position: string
  from_on: string
}

/** 监测户明白卡. */
export interface HouseholdCard extends PrintedHousehold {
  risk_eliminated: boolean | null
  identified_on: string | null
  /** YYYYMM. */
  identified_month: string | null
  eliminated_month: string | null
  measures: CardMeasure[]
  /** The current 帮扶责任人 (phone masked), when one is named. */
  assistance_cadre: CardCadre | null
  hotline: string
  supervision_phone: string
  criteria: string[]
  printed_on: string
}

export interface CardBatch {
  area: DocumentArea
  cards: HouseholdCard[]
}

/** An API token as administrators see it (GET /api/tokens); never the secret. */
export interface ApiToken {
  id: number
  name: string
  username: string
  display_name: string
  user_area: string
  created_at: string
  expires_at: string | null
  revoked_at: string | null
  status: 'active' | 'expired' | 'revoked'
}
