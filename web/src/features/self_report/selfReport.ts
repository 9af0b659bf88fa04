// Labels the 农户自主申报 pages share. The server decides every step.
import type { ReportStatus } from '../../api/types'

export const REPORT_STATUS_LABEL: Record<ReportStatus, string> = {
  pending: '待受理',
  accepted: '已受理',
  declined: '不予受理',
}

export const REPORT_STATUSES: ReportStatus[] = ['pending', 'accepted', 'declined']

/** Tag colour of a report's status. */
export function reportStatusType(s: ReportStatus): 'warning' | 'success' | 'info' {
  if (s === 'accepted') return 'success'
  if (s === 'declined') return 'info'
  return 'warning'
}

/** "2026-06-01" → "2026年6月1日"; '—' when missing. */
export function chineseDay(d: string | null | undefined): string {
  if (!d) return '—'
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d)
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : d
}

/** The permission of the level that accepts self-reports (乡镇). */
export const ACCEPT_PERMISSION = 'case.township_review'
