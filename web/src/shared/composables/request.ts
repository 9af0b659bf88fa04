import { onBeforeUnmount, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { errorText } from '../../api/client'

/** One request at a time: a newer call cancels the one still running; unmounting cancels too. */
export interface Request<T, A extends unknown[]> {
  /** The last answer; kept while a new request runs, null after a failure. */
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  /** Chinese text of the last failure. */
  error: Ref<string | null>
  /** The last failure itself (e.g. to tell a 404 from other errors). */
  failure: ShallowRef<unknown>
  run: (...args: A) => Promise<void>
}

export function useRequest<T, A extends unknown[]>(
  fetch: (signal: AbortSignal, ...args: A) => Promise<T>,
): Request<T, A> {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const failure = shallowRef<unknown>(null)
  let inflight: AbortController | null = null

  async function run(...args: A): Promise<void> {
    inflight?.abort()
    const ctl = new AbortController()
    inflight = ctl
    loading.value = true
    error.value = null
    failure.value = null
    try {
      const d = await fetch(ctl.signal, ...args)
      if (ctl.signal.aborted) return
      data.value = d
    } catch (e) {
      if (ctl.signal.aborted) return
      data.value = null
      failure.value = e
      error.value = errorText(e)
    } finally {
      if (inflight === ctl) {
        loading.value = false
        inflight = null
      }
    }
  }
  onBeforeUnmount(() => inflight?.abort())
  return { data, loading, error, failure, run }
}
