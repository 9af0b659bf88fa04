import type { LocationQuery } from 'vue-router'

/** A string parameter of the URL query ('' when absent or repeated). */
export function queryStr(q: LocationQuery, key: string): string {
  const v = q[key]
  return typeof v === 'string' ? v : ''
}

/** A positive integer parameter of the URL query, or `fallback`. */
export function queryPosInt(q: LocationQuery, key: string, fallback: number): number {
  const n = Number(queryStr(q, key))
  return Number.isInteger(n) && n > 0 ? n : fallback
}
