import { computed, ref } from 'vue'
import { ApiError, api, errorText, setCsrfToken } from '../../api/client'
import type { SessionView, UserInfo } from '../../api/types'

/** The signed-in user; null when nobody is signed in (or not known yet). */
export const currentUser = ref<UserInfo | null>(null)
/** Set when /api/auth/me failed for another reason than "not signed in". */
export const sessionError = ref<string | null>(null)

/** Listeners told when the signed-in user changes (caches keyed to the user). */
const resetListeners: (() => void)[] = []

export function onUserChange(fn: () => void): void {
  resetListeners.push(fn)
}

function apply(session: SessionView | null) {
  const before = currentUser.value?.id ?? null
  currentUser.value = session?.user ?? null
  setCsrfToken(session?.csrf_token ?? null)
  if ((session?.user.id ?? null) !== before) resetListeners.forEach((fn) => fn())
}

let checked: Promise<UserInfo | null> | null = null

/**
 * Asks the server who is signed in (once; later calls reuse the answer).
 * Resolves to null when nobody is; other failures go to `sessionError`.
 */
export function ensureSession(): Promise<UserInfo | null> {
  if (!checked) {
    checked = refreshSession().then(() => currentUser.value)
  }
  return checked
}

/** Fetches the session again; true when a user is signed in. */
export async function refreshSession(): Promise<boolean> {
  try {
    const s = await api.me()
    sessionError.value = null
    apply(s)
    return true
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      sessionError.value = null
    } else {
      sessionError.value = errorText(e)
      // Try again on the next navigation.
      checked = null
    }
    apply(null)
    return false
  }
}

export async function login(username: string, password: string): Promise<UserInfo> {
  const s = await api.login(username, password)
  sessionError.value = null
  apply(s)
  checked = Promise.resolve(s.user)
  return s.user
}

/** Ends the session on the server (best effort) and forgets it here. */
export async function logout(): Promise<void> {
  try {
    await api.logout()
  } catch {
    // The session is dropped locally either way.
  }
  apply(null)
  checked = Promise.resolve(null)
}

/** Forgets the session without asking the server (it already said 401). */
export function dropSession(): void {
  apply(null)
  checked = Promise.resolve(null)
}

export async function changePassword(oldPassword: string, newPassword: string): Promise<void> {
  await api.changePassword(oldPassword, newPassword)
  // The server may rotate the session and token on a password change.
  await refreshSession()
}

export function hasPermission(perm: string): boolean {
  return currentUser.value?.permissions.includes(perm) ?? false
}

/** True when the user holds at least one of `perms` (or `perms` is empty). */
export function hasAnyPermission(perms: readonly string[] | undefined): boolean {
  if (!perms || perms.length === 0) return true
  return perms.some(hasPermission)
}

export const canUnmask = computed(() => currentUser.value?.permissions.includes('id.unmask') ?? false)
