import type { AreaLevel } from './api/types'

const intFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 })

/** 1204 → "1,204" */
export function fmtInt(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? intFormat.format(n) : '—'
}

/** Share of `part` in `whole` as "12.3%", or "—" when `whole` is zero. */
export function fmtPercent(part: number, whole: number): string {
  if (!whole) return '—'
  return `${((part / whole) * 100).toFixed(1)}%`
}

export const LEVEL_LABEL: Record<AreaLevel, string> = {
  province: '省',
  city: '市',
  county: '县',
  township: '乡镇',
  village: '村',
  group: '村民小组',
}

/** Name of the level below `level`, used in headings ("各乡镇户数"). */
export const CHILD_LEVEL_LABEL: Record<AreaLevel, string> = {
  province: '市',
  city: '县',
  county: '乡镇',
  township: '村',
  village: '村民小组',
  group: '',
}

export function levelLabel(level: string): string {
  return (LEVEL_LABEL as Record<string, string>)[level] ?? level
}
