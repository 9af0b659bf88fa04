// Chinese labels for codes the server uses in the audit log and elsewhere.

/** Audit actions, in the order the filter lists them. */
export const AUDIT_ACTIONS: { code: string; label: string }[] = [
  { code: 'login', label: '登录' },
  { code: 'login_failed', label: '登录失败' },
  { code: 'logout', label: '退出登录' },
  { code: 'change_password', label: '修改密码' },
  { code: 'create', label: '新增' },
  { code: 'update', label: '修改' },
  { code: 'bulk_insert', label: '批量写入' },
  { code: 'import_create', label: '导入新增' },
  { code: 'import_update', label: '导入更新' },
  { code: 'member_add', label: '新增成员' },
  { code: 'head_change', label: '户主变更' },
  { code: 'household_split', label: '分户' },
  { code: 'household_merge', label: '合户' },
  { code: 'read_sensitive', label: '查看完整证件号' },
  { code: 'export', label: '导出' },
  { code: 'export_unmasked', label: '导出（含完整证件号）' },
  { code: 'print', label: '打印文书' },
  { code: 'scan_duplicates', label: '扫描疑似重复' },
  { code: 'decide_duplicate', label: '判定疑似重复' },
  { code: 'delete_all', label: '清空数据' },
  { code: 'seed', label: '初始化数据' },
  { code: 'revoke', label: '撤销' },
]

const ACTION_LABEL = new Map(AUDIT_ACTIONS.map((a) => [a.code, a.label]))

export function actionLabel(code: string): string {
  return ACTION_LABEL.get(code) ?? code
}

/** Actions worth a warning colour in the log. */
export function actionTagType(code: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  if (code === 'login_failed' || code === 'delete_all') return 'danger'
  if (code === 'read_sensitive' || code === 'export_unmasked') return 'warning'
  if (code === 'login' || code === 'logout' || code === 'change_password') return 'info'
  if (code.startsWith('import') || code === 'create' || code === 'bulk_insert') return 'success'
  return 'primary'
}

/** Audited object types. */
export const AUDIT_ENTITIES: { code: string; label: string }[] = [
  { code: 'household', label: '农户' },
  { code: 'user', label: '用户' },
  { code: 'duplicate_candidate', label: '疑似重复' },
  { code: 'area', label: '行政区划' },
  { code: 'village_group', label: '村民小组' },
  { code: 'policy_param', label: '政策参数' },
  { code: 'reference', label: '代码表' },
  { code: 'setting', label: '系统设置' },
  { code: 'api_token', label: '接口令牌' },
]

const ENTITY_LABEL = new Map(AUDIT_ENTITIES.map((e) => [e.code, e.label]))

export function entityLabel(code: string): string {
  return ENTITY_LABEL.get(code) ?? code
}

/** "2026-11-23 18:09:21" in the browser's time zone. */
export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = (n: number) => String(n).padStart(2, '0')
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  )
}
