import type { NodeLevel } from '../api/types'

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

export const LEVEL_LABEL: Record<NodeLevel, string> = {
  province: '省',
  city: '市',
  county: '县',
  township: '乡镇',
  village: '村',
  group: '村民小组',
}

/** Name of the level below `level`, used in headings ("各乡镇户数"). */
export const CHILD_LEVEL_LABEL: Record<NodeLevel, string> = {
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

/** Integer 分 → "13,100.00" (元, two decimals, exact integer arithmetic). */
export function fmtYuan(fen: number | null | undefined): string {
  if (typeof fen !== 'number' || !Number.isFinite(fen)) return '—'
  const neg = fen < 0
  const abs = Math.abs(Math.round(fen))
  const yuan = Math.floor(abs / 100)
  const cents = abs % 100
  return `${neg ? '-' : ''}${intFormat.format(yuan)}.${String(cents).padStart(2, '0')}`
}

/** Integer hundredths of a unit (亩, ㎡, 公里) → "2.50"; '—' when missing. */
export function fmtHundredths(v: number | null | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—'
  const abs = Math.abs(Math.round(v))
  return `${v < 0 ? '-' : ''}${intFormat.format(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`
}

/** "202403" → "2024年3月"; '—' when missing. */
export function fmtYearMonth(ym: string | null | undefined): string {
  if (!ym) return '—'
  const m = /^(\d{4})(\d{2})$/.exec(ym)
  return m ? `${m[1]}年${Number(m[2])}月` : ym
}

/** true → 是, false → 否, null → 未填写. */
export function fmtBool(v: boolean | null | undefined): string {
  if (v === true) return '是'
  if (v === false) return '否'
  return '未填写'
}

/** Plain text or '—'. */
export function fmtText(v: string | number | null | undefined): string {
  return v === null || v === undefined || v === '' ? '—' : String(v)
}

/** Full years between an ISO birth date and today. */
export function ageOf(birth: string, today = new Date()): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  let age = today.getFullYear() - y
  if (today.getMonth() + 1 < mo || (today.getMonth() + 1 === mo && today.getDate() < d)) age--
  return age
}

const SCOPE_LEVEL: [number, string][] = [
  [2, '省级参数'],
  [4, '市级参数'],
  [6, '县级参数'],
  [9, '乡镇级参数'],
  [12, '村级参数'],
]

/**
 * Where a parameter applies, from its area code: "500230000000" → "县级参数 500230";
 * null → "全国参数".
 */
export function scopeText(scope: string | null | undefined): string {
  if (!scope) return '全国参数'
  const trimmed = scope.replace(/0+$/, '')
  for (const [len, label] of SCOPE_LEVEL) {
    if (trimmed.length <= len) return `${label} ${scope.slice(0, len)}`
  }
  return `参数 ${scope}`
}

const CONFIDENCE_LABEL: Record<string, string> = {
  confirmed: '已证实',
  local: '地方规定',
  unconfirmed: '未证实',
}

export function confidenceText(c: string | null | undefined): string {
  if (!c) return ''
  return CONFIDENCE_LABEL[c] ?? c
}
