import { ref } from 'vue'
import { api } from '../../api/client'

// Role codes → names from GET /api/roles (no special permission), fetched once;
// codes are shown until the names arrive.
const names = ref(new Map<string, string>())
let started = false

export function loadRoleNames(): void {
  if (started) return
  started = true
  api
    .roles()
    .then((r) => {
      names.value = new Map(r.items.map((x) => [x.code, x.name]))
    })
    .catch(() => {
      started = false
    })
}

export function roleName(code: string | null | undefined): string {
  if (!code) return ''
  return names.value.get(code) ?? code
}
