// Labels and rules of thumb the monitoring pages share. The server decides
// every step; these only choose what to offer.
import type { CaseRow, CaseState, Channel, Urgency, Level } from '../../api/types'
import { currentUser } from '../../shared/composables/auth'

/** The permission behind each workflow level. */
export const LEVEL_PERMISSION: Record<Level, string> = {
  village: 'case.village',
  township: 'case.township_review',
  county: 'case.county_approve',
}

export const LEVEL_LABEL: Record<Level, string> = {
  village: '村级',
  township: '乡镇',
  county: '县级',
}

/** The workflow levels the signed-in user may act at. */
export function myLevels(): Level[] {
  const perms = currentUser.value?.permissions ?? []
  return (Object.keys(LEVEL_PERMISSION) as Level[]).filter((l) => perms.includes(LEVEL_PERMISSION[l]))
}

export function hasWorkflowRole(): boolean {
  return myLevels().length > 0
}

/** Levels that may do the next step in a state (mirrors the server's CaseState::owners). */
export function ownersOf(state: CaseState): Level[] {
  switch (state) {
    case 'lead':
      return ['village', 'township']
    case 'verifying':
    case 'reviewing':
    case 'notice':
    case 'elim_verifying':
    case 'elim_reviewing':
    case 'elim_notice':
      return ['village']
    case 'comparing':
    case 'county_approval':
    case 'elim_county':
      return ['county']
    case 'township_review':
    case 'approved':
    case 'elim_township':
      return ['township']
    default:
      return []
  }
}

/** Whether the user's levels include one that owns the case's current step. */
export function mayActOn(state: CaseState): boolean {
  const mine = myLevels()
  if (state === 'monitoring') return mine.includes('village')
  if (state === 'eliminated') return mine.includes('county')
  return ownersOf(state).some((l) => mine.includes(l))
}

export const STATE_LABEL: Record<CaseState, string> = {
  lead: '线索待受理',
  verifying: '入户核实',
  comparing: '信息比对',
  reviewing: '民主评议',
  notice: '村内公示',
  township_review: '乡镇审核',
  county_approval: '县级审定',
  approved: '待公告',
  monitoring: '监测中（风险未消除）',
  elim_verifying: '消除核实',
  elim_reviewing: '消除评议',
  elim_notice: '消除公示',
  elim_township: '消除乡镇审核',
  elim_county: '消除县级审定',
  eliminated: '风险已消除',
  rejected: '不予纳入',
}

export function stateLabel(s: string | null | undefined): string {
  if (!s) return '—'
  return (STATE_LABEL as Record<string, string>)[s] ?? s
}

/** Groups of states the 监测对象 list offers as tabs. */
export interface StateGroup {
  name: string
  label: string
  states: CaseState[]
}

export const STATE_GROUPS: StateGroup[] = [
  {
    name: 'identifying',
    label: '识别中',
    states: ['lead', 'verifying', 'comparing', 'reviewing', 'notice', 'township_review', 'county_approval', 'approved'],
  },
  { name: 'monitoring', label: '监测中', states: ['monitoring'] },
  {
    name: 'eliminating',
    label: '风险消除中',
    states: ['elim_verifying', 'elim_reviewing', 'elim_notice', 'elim_township', 'elim_county'],
  },
  { name: 'eliminated', label: '已消除', states: ['eliminated'] },
  { name: 'rejected', label: '不予纳入', states: ['rejected'] },
]

/** Tag colour of a state: in procedure, monitored, done, refused. */
export function stateTagType(s: CaseState): 'primary' | 'warning' | 'success' | 'info' | 'danger' {
  if (s === 'monitoring') return 'warning'
  if (s === 'eliminated') return 'success'
  if (s === 'rejected') return 'info'
  return 'primary'
}

export const URGENCY_LABEL: Record<Urgency, string> = {
  on_track: '正常',
  due_soon: '临期',
  overdue: '逾期',
  escalated: '逾期已上报',
}

/** SLA colours: 正常 green, 临期 orange, 逾期 red, 逾期已上报 dark red. */
export const URGENCY_COLOR: Record<Urgency, string> = {
  on_track: '#3a8f3e',
  due_soon: '#d9822b',
  overdue: '#d03434',
  escalated: '#7a1414',
}

export const URGENCIES: Urgency[] = ['on_track', 'due_soon', 'overdue', 'escalated']

export const CHANNELS: { code: Channel; label: string }[] = [
  { code: 'self_report', label: '农户自主申报' },
  { code: 'cadre_visit', label: '干部排查' },
  { code: 'dept_warning', label: '部门筛查预警' },
  { code: 'hotline', label: '热线' },
]

/** Ledger actions (case_event.action). */
export const ACTION_LABEL: Record<string, string> = {
  open: '登记线索',
  accept: '受理',
  verify: '入户核实',
  compare: '信息比对',
  review: '民主评议',
  close_notice: '公示结束',
  approve: '审核同意',
  announce: '公告',
  reject: '不予通过',
  propose_elimination: '提出风险消除',
  reopen: '风险消除回退',
}

export function actionText(code: string): string {
  return ACTION_LABEL[code] ?? code
}

/** 风险消除方式 codes the workflow accepts. */
export const ELIMINATION_METHODS = [
  { code: '1', label: '帮扶消除' },
  { code: '2', label: '自然消除' },
]

/** Most risks one household carries (the national layout has five slots). */
export const MAX_RISKS = 5

/** Today in China (UTC+8), YYYY-MM-DD: the server dates every step in China's calendar. */
export function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
}

/** "2026-11-23" → "11月23日" in tables; the full date elsewhere. */
export function shortDay(d: string | null | undefined): string {
  if (!d) return '—'
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d)
  return m ? `${Number(m[2])}月${Number(m[3])}日` : d
}

/** Route to a case page. */
export function caseLink(row: Pick<CaseRow, 'id'>) {
  return { name: 'case', params: { id: String(row.id) } }
}

/** The household a lead is for, when the dialog is opened from its page. */
export interface LeadHousehold {
  id: number
  head_name: string
  household_no: string
}
