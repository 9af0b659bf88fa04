import { ref } from 'vue'
import { api, errorText } from '../../api/client'
import type { Meta } from '../../api/types'

/** Server metadata (county, demo flag), loaded once for the whole app. */
export const meta = ref<Meta | null>(null)
export const metaError = ref<string | null>(null)

let started = false

export function loadMeta(): void {
  if (started) return
  started = true
  api
    .meta()
    .then((m) => {
      meta.value = m
      if (m.county) document.title = `${m.system} · ${m.county.name}`
    })
    .catch((e) => {
      metaError.value = errorText(e)
      started = false
    })
}
