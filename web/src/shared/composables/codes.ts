import { reactive } from 'vue'
import { api } from '../../api/client'
import type { CodeLabel } from '../../api/types'

// Code lists (字典) from GET /api/codes/{list}, fetched once per list and shared.
// A list that cannot be loaded leaves its codes shown as they are.

const lists = reactive(new Map<string, CodeLabel[]>())
const pending = new Map<string, Promise<void>>()

function fetchList(list: string): Promise<void> {
  let p = pending.get(list)
  if (!p) {
    p = api
      .codes(list)
      .then((r) => {
        lists.set(list, r.items)
      })
      .catch(() => {
        // Allow a later page to try again.
        pending.delete(list)
      })
    pending.set(list, p)
  }
  return p
}

/** Starts loading the given lists (no-op for lists loaded already). */
export function loadCodes(...names: string[]): Promise<void> {
  return Promise.all(names.map(fetchList)).then(() => undefined)
}

/** Entries of a list, in display order (empty until loaded). */
export function codeOptions(list: string): CodeLabel[] {
  return lists.get(list) ?? []
}

/** Label of `code` in `list`; the code itself while the list is missing; '—' for no code. */
export function codeLabel(list: string, code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—'
  const hit = lists.get(list)?.find((i) => i.code === code)
  return hit ? hit.label : code
}
