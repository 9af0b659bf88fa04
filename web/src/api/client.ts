import type { ApiErrorBody, AreaSummary, AreaTree, Meta } from './types'

/** A failed API call, carrying the server's machine code and Chinese message. */
export class ApiError extends Error {
  readonly code: string
  readonly status: number

  constructor(code: string, message: string, status: number) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
  }
}

function isErrorBody(v: unknown): v is ApiErrorBody {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ApiErrorBody).code === 'string' &&
    typeof (v as ApiErrorBody).message === 'string'
  )
}

// Relative URLs, resolved against the page: with hash routing the document is
// always the index page, so this also works when the app is served under a
// sub-path by a reverse proxy.
async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let resp: Response
  try {
    resp = await fetch(path, { headers: { Accept: 'application/json' }, signal })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError('network', '无法连接服务器，请检查网络连接或确认服务已启动。', 0)
  }
  const text = await resp.text()
  let body: unknown = undefined
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (!resp.ok) {
    if (isErrorBody(body)) throw new ApiError(body.code, body.message, resp.status)
    throw new ApiError('http_' + resp.status, `服务器返回错误（HTTP ${resp.status}）。`, resp.status)
  }
  if (body === undefined) {
    throw new ApiError('bad_response', '服务器返回了无法识别的数据。', resp.status)
  }
  return body as T
}

export const api = {
  meta: (signal?: AbortSignal) => getJson<Meta>('api/meta', signal),
  areaTree: (signal?: AbortSignal) => getJson<AreaTree>('api/areas/tree', signal),
  areaSummary: (code: string, signal?: AbortSignal) =>
    getJson<AreaSummary>(`api/areas/${encodeURIComponent(code)}/summary`, signal),
}

/** Chinese text for any error thrown by `api`. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message
  if (e instanceof Error && e.message) return `发生意外错误：${e.message}`
  return '发生意外错误。'
}
