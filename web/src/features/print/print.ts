// Helpers of the printable documents (公示名单, 公告, 民主评议记录, 明白卡):
// dates as written on paper, and opening a print page in its own tab.
import type { RouteLocationRaw } from 'vue-router'
import type { DocumentKind, PlaceNames } from '../../api/types'
import { router } from '../../router'

/** "2026-06-01" → "2026年6月1日"; a blank to fill in by hand when missing. */
export function paperDay(d: string | null | undefined): string {
  if (!d) return '　　年　月　日'
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d)
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : d
}

/** "202401" → "2024年1月". */
export function paperMonth(ym: string | null | undefined): string {
  const m = ym ? /^(\d{4})(\d{2})$/.exec(ym) : null
  return m ? `${m[1]}年${Number(m[2])}月` : ''
}

/** "第3组" for a 村民小组 number. */
export function groupText(no: number | null | undefined): string {
  return no ? `${no}组` : ''
}

/** 乡镇 村 组 of a household, as far as known. */
export function placeText(p: PlaceNames, group?: number | null): string {
  return [p.township, p.village, groupText(group)].filter(Boolean).join('')
}

export const KIND_LABEL: Record<DocumentKind, string> = {
  identification: '识别纳入',
  elimination: '风险消除',
}

/** Opens a print page in a new tab (the list or case page stays where it was). */
export function openPrint(to: RouteLocationRaw): void {
  window.open(router.resolve(to).href, '_blank')
}
