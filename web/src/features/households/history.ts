import { onBeforeUnmount, ref } from 'vue'
import { ApiError, api, errorText } from '../../api/client'
import type { VersionInfo } from '../../api/types'

/** The versions of one household (历史版本), newest first. */
export function useHouseholdHistory() {
  const history = ref<VersionInfo[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  let inflight: AbortController | null = null

  async function load(id: number) {
    inflight?.abort()
    const ctl = new AbortController()
    inflight = ctl
    loading.value = true
    error.value = null
    history.value = []
    try {
      const r = await api.householdHistory(id, ctl.signal)
      if (ctl.signal.aborted) return
      history.value = [...r.items].sort((a, b) => b.version - a.version)
    } catch (e) {
      if (ctl.signal.aborted) return
      // An unknown household is already reported by the page itself.
      if (!(e instanceof ApiError && e.status === 404)) error.value = errorText(e)
    } finally {
      if (inflight === ctl) {
        loading.value = false
        inflight = null
      }
    }
  }
  onBeforeUnmount(() => inflight?.abort())
  return { history, loading, error, load }
}
