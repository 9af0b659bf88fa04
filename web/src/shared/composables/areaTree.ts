import { ref } from 'vue'
import { ApiError, api, errorText } from '../../api/client'
import type { AreaTreeNode } from '../../api/types'
import { onUserChange } from './auth'

// The area tree of the signed-in user (rooted at their own area), loaded once
// and shared by the pages that show it. Dropped when the user changes.

export const treeRoot = ref<AreaTreeNode | null>(null)
export const treeLoading = ref(false)
export const treeError = ref<string | null>(null)
/** Server's explanation when there is no area data at all. */
export const treeEmptyText = ref<string | null>(null)

const byCode = new Map<string, AreaTreeNode>()
const parentOf = new Map<string, AreaTreeNode | null>()
let loaded: Promise<void> | null = null

function index(node: AreaTreeNode, parent: AreaTreeNode | null) {
  byCode.set(node.code, node)
  parentOf.set(node.code, parent)
  for (const c of node.children ?? []) index(c, node)
}

function reset() {
  loaded = null
  byCode.clear()
  parentOf.clear()
  treeRoot.value = null
  treeError.value = null
  treeEmptyText.value = null
  treeLoading.value = false
}
onUserChange(reset)

async function fetchTree() {
  treeLoading.value = true
  treeError.value = null
  treeEmptyText.value = null
  try {
    const t = await api.areaTree()
    byCode.clear()
    parentOf.clear()
    if (t.root) index(t.root, null)
    treeRoot.value = t.root
  } catch (e) {
    // An empty database answers 404: that is "no data yet", not a failure.
    if (e instanceof ApiError && e.status === 404) {
      treeRoot.value = null
      treeEmptyText.value = e.message
    } else {
      treeError.value = errorText(e)
      loaded = null
    }
  } finally {
    treeLoading.value = false
  }
}

/** Loads the tree unless it is loaded (or loading) already. */
export function loadAreaTree(force = false): Promise<void> {
  if (force || !loaded) loaded = fetchTree()
  return loaded
}

// Both lookups read `treeRoot` first, so computed values using them update
// when the tree arrives (the maps themselves are not reactive).
export function areaByCode(code: string | null | undefined): AreaTreeNode | undefined {
  if (!treeRoot.value) return undefined
  return code ? byCode.get(code) : undefined
}

/** Root first, down to `code`; empty when the code is not in the tree. */
export function areaPath(code: string | null | undefined): AreaTreeNode[] {
  const path: AreaTreeNode[] = []
  if (!treeRoot.value) return path
  let n = code ? byCode.get(code) : undefined
  while (n) {
    path.unshift(n)
    n = parentOf.get(n.code) ?? undefined
  }
  return path
}

/** Codes to expand so that the root's children and `selected` are visible. */
export function expandedFor(selected: string | null): string[] {
  const keys = new Set<string>()
  if (treeRoot.value) keys.add(treeRoot.value.code)
  for (const n of areaPath(selected).slice(0, -1)) keys.add(n.code)
  return [...keys]
}

/**
 * A copy of the tree without the nodes of the given levels (and all below
 * them), for pickers that choose an area at a higher level: the what-if
 * picks down to villages, a parameter down to townships.
 */
export function pruneLevels(n: AreaTreeNode, drop: readonly string[]): AreaTreeNode {
  const children = (n.children ?? []).filter((c) => !drop.includes(c.level)).map((c) => pruneLevels(c, drop))
  return { ...n, children: children.length ? children : undefined }
}
