import type { Component } from 'vue'
import type { RouteLocationRaw } from 'vue-router'
import { CircleCheck, DataBoard, Files, Warning, Help, Location, Switch, Setting, Odometer, Operation, Message } from '@element-plus/icons-vue'
import { hasAnyPermission } from '../composables/auth'
import { ACCEPT_PERMISSION } from '../../features/self_report/selfReport'

/** One entry of the left menu; pages not built yet carry a plan text. */
export interface MenuEntry {
  path: string
  name: string
  title: string
  icon: Component
  /** Shown to users holding at least one of these permissions. */
  permissions: readonly string[]
  /** Present for pages that are still under construction. */
  plan?: { summary: string; items: string[] }
}

const READ = ['household.read']
/** Any level of the identification and elimination workflow. */
export const WORKFLOW = ['case.village', 'case.township_review', 'case.county_approve']
/** The 工作台: the workflow levels, and administrators (维护参数) for what is still to be configured. */
export const WORKBENCH = [...WORKFLOW, 'param.manage']
/** 数据交换: importing or exporting the national-layout household file. */
export const EXCHANGE = ['data.import', 'data.export']
/** 系统: users and roles, the audit log, or deciding on the duplicate queue. */
export const SYSTEM = ['user.manage', 'audit.read', 'household.write']

export const MENU: MenuEntry[] = [
  { path: '/workbench', name: 'workbench', title: '工作台', icon: Odometer, permissions: WORKBENCH },
  {
    path: '/self-reports',
    name: 'self-reports',
    title: '自主申报',
    icon: Message,
    permissions: [ACCEPT_PERMISSION],
  },
  { path: '/', name: 'overview', title: '首页概览', icon: DataBoard, permissions: READ },
  {
    path: '/households',
    name: 'households',
    title: '农户档案',
    icon: Files,
    permissions: READ,
  },
  {
    path: '/cases',
    name: 'cases',
    title: '监测对象',
    icon: Warning,
    permissions: READ,
  },
  {
    path: '/quality',
    name: 'quality',
    title: '数据质量',
    icon: CircleCheck,
    permissions: READ,
  },
  {
    path: '/rules',
    name: 'rules',
    title: '规则与参数',
    icon: Operation,
    permissions: READ,
  },
  {
    path: '/assistance',
    name: 'assistance',
    title: '帮扶',
    icon: Help,
    permissions: ['household.read', 'assist.own'],
  },
  {
    path: '/visits',
    name: 'visits',
    title: '走访',
    icon: Location,
    permissions: ['household.read', 'assist.own'],
  },
  {
    path: '/exchange',
    name: 'exchange',
    title: '数据交换',
    icon: Switch,
    permissions: EXCHANGE,
  },
  {
    path: '/system',
    name: 'system',
    title: '系统',
    icon: Setting,
    permissions: SYSTEM,
  },
]

/** Menu entries the signed-in user may open. */
export function visibleMenu(): MenuEntry[] {
  return MENU.filter((m) => hasAnyPermission(m.permissions))
}

/** Where a signed-in user lands: the first menu entry they may open (the
 * 工作台 only for those who act in the workflow; an administrator who opens it
 * for the setup list lands on the next entry). */
export function homeLocation(): RouteLocationRaw {
  const menu = visibleMenu()
  const first = menu.find((m) => m.name !== 'workbench' || hasAnyPermission(WORKFLOW)) ?? menu[0]
  return first ? first.path : { name: 'no-access' }
}

/** A `redirect` query value that is a path inside this app (never another site). */
export function safeRedirect(v: unknown): string | null {
  if (typeof v !== 'string' || !v.startsWith('/') || v.startsWith('//')) return null
  if (v.startsWith('/login') || v.startsWith('/password')) return null
  return v
}

