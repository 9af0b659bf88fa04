import { ref, watch, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { RepaymentMethod, WorkRegion } from '../../api/types'
import { loadMeta, meta } from '../../shared/composables/meta'

// Labels and formats of the 资金与就业 pages.

/** Basis points → "3.45%"; '—' when missing. */
export function fmtRate(bp: number | null | undefined): string {
  if (typeof bp !== 'number' || !Number.isFinite(bp)) return '—'
  return `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`
}

export const METHODS: { value: RepaymentMethod; label: string }[] = [
  { value: 'interest_quarterly', label: '按季付息到期还本' },
  { value: 'equal_principal_quarterly', label: '按季等额本金' },
]

export const REGIONS: { value: WorkRegion; label: string }[] = [
  { value: 'in_county', label: '县内' },
  { value: 'in_province', label: '县外省内' },
  { value: 'out_of_province', label: '省外' },
  { value: 'abroad', label: '国外' },
]

/** "1,234.56" 元 typed by a person → 分; null when not a valid amount. */
export function yuanToFen(text: string): number | null {
  const t = text.replace(/[,，\s元￥¥]/g, '')
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null
  const [whole, frac = ''] = t.split('.')
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'))
}

/** The current year in China. */
export function thisYear(): number {
  return new Date(Date.now() + 8 * 3600_000).getUTCFullYear()
}

/** The year a funds list shows: the demo's data year (or this year) until changed. */
export function useFundsYear(): Ref<number> {
  loadMeta()
  const year = ref(meta.value?.data_year ?? thisYear())
  watch(meta, (m) => {
    if (m?.data_year) year.value = m.data_year
  })
  return year
}

/** Years offered in the year pickers, newest first. */
export const YEARS = Array.from({ length: 7 }, (_, i) => thisYear() - i)

/** Moves the page to another area, keeping the tab and other query values. */
export function useSelectArea(): (code: string) => void {
  const route = useRoute()
  const router = useRouter()
  return (code: string) => {
    router.push({ query: { ...route.query, area: code, page: undefined } })
  }
}
