import {
  createRouter,
  createWebHashHistory,
  type RouteLocationNormalized,
  type RouteMeta,
  type RouteRecordRaw,
  type RouteRecordSingleView,
} from 'vue-router'
import PlannedView from './shared/shell/PlannedView.vue'
import LoginView from './features/auth/LoginView.vue'
import { setAuthHooks } from './api/client'
import { currentUser, dropSession, ensureSession, hasAnyPermission, refreshSession } from './shared/composables/auth'
import { EXCHANGE, MENU, SYSTEM, WORKBENCH, homeLocation, safeRedirect } from './shared/shell/menu'
import { ACCEPT_PERMISSION } from './features/self_report/selfReport'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    /** Reachable without a session (the login page, the public self-report form). */
    public?: boolean
    /** The user needs at least one of these permissions. */
    permissions?: readonly string[]
    /** Menu entry to highlight (for pages below a menu entry). */
    menu?: string
    /** A printable document: shown without the top bar and menu. */
    print?: boolean
  }
}

const READ = ['household.read']
const FIELD = ['household.read', 'assist.own']
const PRINT = { permissions: READ, print: true }

/** Pages below a list (`/cases/:id`) get the number from the path. */
const byId = (r: RouteLocationNormalized) => ({ id: Number(r.params.id) })

/** One page: its path, route name, component (most are loaded on demand) and meta. */
function page(
  path: string,
  name: string,
  component: RouteRecordSingleView['component'],
  meta: RouteMeta,
  props?: RouteRecordSingleView['props'],
): RouteRecordRaw {
  return props === undefined ? { path, name, component, meta } : { path, name, component, meta, props }
}

const routes: RouteRecordRaw[] = [
  page('/login', 'login', LoginView, { title: '登录', public: true }),
  page('/report', 'report', () => import('./features/self_report/SelfReportView.vue'), {
    title: '农户自主申报',
    public: true,
  }),
  page('/password', 'password', () => import('./features/auth/PasswordView.vue'), { title: '修改密码' }),
  page('/', 'overview', () => import('./features/areas/OverviewView.vue'), { title: '首页概览', permissions: READ }),
  page('/households', 'households', () => import('./features/households/HouseholdsView.vue'), {
    title: '农户档案',
    permissions: READ,
  }),
  page(
    '/households/:id(\\d+)',
    'household',
    () => import('./features/households/HouseholdView.vue'),
    { title: '农户详情', permissions: READ, menu: '/households' },
    byId,
  ),
  page('/workbench', 'workbench', () => import('./features/workbench/WorkbenchView.vue'), {
    title: '工作台',
    permissions: WORKBENCH,
  }),
  page('/self-reports', 'self-reports', () => import('./features/self_report/SelfReportsView.vue'), {
    title: '自主申报',
    permissions: [ACCEPT_PERMISSION],
  }),
  page('/cases', 'cases', () => import('./features/monitor/CasesView.vue'), { title: '监测对象', permissions: READ }),
  page(
    '/cases/:id(\\d+)',
    'case',
    () => import('./features/monitor/CaseView.vue'),
    { title: '案件办理', permissions: READ, menu: '/cases' },
    byId,
  ),
  page('/quality', 'quality', () => import('./features/quality/QualityView.vue'), { title: '数据质量', permissions: READ }),
  page('/visits', 'visits', () => import('./features/visits/VisitsView.vue'), { title: '走访', permissions: FIELD }),
  page('/assistance', 'assistance', () => import('./features/assist/AssistanceView.vue'), {
    title: '帮扶',
    permissions: FIELD,
  }),
  page('/rules', 'rules', () => import('./features/rules/RulesView.vue'), { title: '规则与参数', permissions: READ }),
  page('/exchange', 'exchange', () => import('./features/exchange/ExchangeView.vue'), {
    title: '数据交换',
    permissions: EXCHANGE,
  }),
  page('/system', 'system', () => import('./features/system/SystemView.vue'), { title: '系统', permissions: SYSTEM }),
  ...MENU.filter((m) => m.plan).map((m) =>
    page(m.path, m.name, PlannedView, { title: m.title, permissions: m.permissions }, { entry: m }),
  ),
  // Printable documents, opened in their own tab from the case, household and list pages.
  page('/print/notice', 'print-notice', () => import('./features/print/PrintListView.vue'), {
    title: '打印公示名单',
    ...PRINT,
  }, { mode: 'notice' }),
  page('/print/announcement', 'print-announcement', () => import('./features/print/PrintListView.vue'), {
    title: '打印公告',
    ...PRINT,
  }, { mode: 'announcement' }),
  page(
    '/print/minutes/:id(\\d+)',
    'print-minutes',
    () => import('./features/print/PrintMinutesView.vue'),
    { title: '打印民主评议记录', ...PRINT },
    byId,
  ),
  page(
    '/print/card/:id(\\d+)',
    'print-card',
    () => import('./features/print/PrintCardsView.vue'),
    { title: '打印明白卡', ...PRINT },
    byId,
  ),
  page('/print/cards', 'print-cards', () => import('./features/print/PrintCardsView.vue'), {
    title: '打印明白卡',
    ...PRINT,
  }),
  page('/no-access', 'no-access', () => import('./shared/shell/NoAccessView.vue'), { title: '无可用功能' }),
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
})

/** A detour to the login or password page that comes back to `fullPath` afterwards. */
function detour(name: 'login' | 'password', fullPath: string) {
  return { name, query: fullPath === '/' ? {} : { redirect: fullPath } }
}

router.beforeEach(async (to) => {
  const user = await ensureSession()
  if (to.meta.public) {
    // Already signed in: the login page has nothing to do (the public
    // self-report form stays open to everyone).
    if (to.name === 'login' && user && !user.must_change_password) {
      return safeRedirect(to.query.redirect) ?? homeLocation()
    }
    return true
  }
  if (!user) {
    return detour('login', to.fullPath)
  }
  if (user.must_change_password && to.name !== 'password') {
    return detour('password', to.fullPath)
  }
  if (!hasAnyPermission(to.meta.permissions)) {
    const home = homeLocation()
    // Send the user to a page they may open (or the "no access" page).
    if (typeof home === 'string' && home !== to.path) return home
    return to.name === 'no-access' ? true : { name: 'no-access' }
  }
  return true
})

// The server decides: a 401 on any call means the session is gone, a 403
// password_change_required that the password must be changed first.
setAuthHooks({
  unauthenticated() {
    dropSession()
    const cur = router.currentRoute.value
    if (cur.meta.public) return
    router.replace(detour('login', cur.fullPath))
  },
  passwordChangeRequired() {
    if (currentUser.value) currentUser.value = { ...currentUser.value, must_change_password: true }
    const cur = router.currentRoute.value
    if (cur.name === 'password') return
    router.replace(detour('password', cur.fullPath))
  },
  refreshSession,
})
