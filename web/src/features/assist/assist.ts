// What the 帮扶 pages share. The server decides who may do what; these are
// labels and small helpers for showing its answers.
import type { CadreRow, MeasureStatus } from '../../api/types'

export const MEASURE_STATUS_TYPE: Record<MeasureStatus, 'info' | 'primary' | 'success' | 'danger'> = {
  planned: 'info',
  active: 'primary',
  done: 'success',
  stopped: 'danger',
}

/** The statuses a measure may move to from `s` (计划 → 实施中/已完成/已终止, 实施中 → 已完成/已终止). */
export function nextStatuses(s: MeasureStatus): MeasureStatus[] {
  if (s === 'planned') return ['active', 'done', 'stopped']
  if (s === 'active') return ['done', 'stopped']
  return []
}

/** The code prefix of an area: 500230000000 → 500230, 500230101201 → 500230101201. */
export function areaPrefix(code: string): string {
  for (const len of [2, 4, 6, 9, 12]) {
    if (/^0*$/.test(code.slice(len))) return code.slice(0, len)
  }
  return code
}

/** Whether a cadre's area covers a household's village. */
export function cadreCovers(c: CadreRow, village: string): boolean {
  return village.startsWith(areaPrefix(c.area_code))
}

/** 元 text → 分, or null when it is not an amount. */
export function yuanToFen(text: string): number | null {
  const t = text.trim()
  if (!t) return 0
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null
  const [y, f = ''] = t.split('.')
  return Number(y) * 100 + Number((f + '00').slice(0, 2))
}
