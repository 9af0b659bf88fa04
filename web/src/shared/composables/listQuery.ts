import { computed, type ComputedRef } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { queryPosInt, queryStr } from '../query'

/** Page sizes every list offers. */
export const PAGE_SIZES = [20, 50, 100]
const DEFAULT_SIZE = 20

/** What a list page keeps in its URL: string filters, the page and its size. */
export type ListQuery<F extends string> = Record<F, string> & { page: number; page_size: number }

/**
 * A list page's query held in the URL (`#/path?area=…&state=…&page=2`), so a
 * page can be bookmarked, shared and reloaded. `filters` names the string
 * parameters; `clean` may drop values that are not valid for the page.
 * `update` replaces parts of the query: anything but a page change goes back
 * to page 1, and empty values and defaults are left out of the URL.
 */
export function useListQuery<F extends string>(
  filters: readonly F[],
  clean?: (q: ListQuery<F>) => ListQuery<F>,
): { query: ComputedRef<ListQuery<F>>; update: (patch: Partial<ListQuery<F>>) => void } {
  const route = useRoute()
  const router = useRouter()
  const query = computed<ListQuery<F>>(() => {
    const q = route.query
    const size = queryPosInt(q, 'page_size', DEFAULT_SIZE)
    const out = {
      page: queryPosInt(q, 'page', 1),
      page_size: PAGE_SIZES.includes(size) ? size : DEFAULT_SIZE,
    } as ListQuery<F>
    for (const f of filters) (out as Record<string, string | number>)[f] = queryStr(q, f)
    return clean ? clean(out) : out
  })
  function update(patch: Partial<ListQuery<F>>) {
    const merged: Record<string, string | number> = { ...query.value, ...patch }
    if (!('page' in patch)) merged.page = 1
    const next: Record<string, string> = {}
    for (const [k, v] of Object.entries(merged)) {
      if (v === '' || v === undefined || v === null) continue
      if (k === 'page' && v === 1) continue
      if (k === 'page_size' && v === DEFAULT_SIZE) continue
      next[k] = String(v)
    }
    router.push({ query: next })
  }
  return { query, update }
}
