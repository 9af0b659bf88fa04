import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import PlannedView from './shared/shell/PlannedView.vue'
import LoginView from './features/auth/LoginView.vue'
import { setAuthHooks } from './api/client'
import { currentUser, dropSession, ensureSession, hasAnyPermission, refreshSession } from './shared/composables/auth'
import { EXCHANGE, MENU, SYSTEM, WORKFLOW, homeLocation, safeRedirect } from './shared/shell/menu'
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

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: LoginView,
    meta: { title: '登录', public: true },
  },
  {
    path: '/report',
    name: 'report',
    component: () => import('./features/self_report/SelfReportView.vue'),
    meta: { title: '农户自主申报', public: true },
  },
  {
    path: '/password',
    name: 'password',
    component: () => import('./features/auth/PasswordView.vue'),
    meta: { title: '修改密码' },
  },
  {
    path: '/',
    name: 'overview',
    component: () => import('./features/areas/OverviewView.vue'),
    meta: { title: '首页概览', permissions: READ },
  },
  {
    path: '/households',
    name: 'households',
    component: () => import('./features/households/HouseholdsView.vue'),
    meta: { title: '农户档案', permissions: READ },
  },
  {
    path: '/households/:id(\\d+)',
    name: 'household',
    component: () => import('./features/households/HouseholdView.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { title: '农户详情', permissions: READ, menu: '/households' },
  },
  {
    path: '/workbench',
    name: 'workbench',
    component: () => import('./features/workbench/WorkbenchView.vue'),
    meta: { title: '工作台', permissions: WORKFLOW },
  },
  {
    path: '/self-reports',
    name: 'self-reports',
    component: () => import('./features/self_report/SelfReportsView.vue'),
    meta: { title: '自主申报', permissions: [ACCEPT_PERMISSION] },
  },
  {
    path: '/cases',
    name: 'cases',
    component: () => import('./features/monitor/CasesView.vue'),
    meta: { title: '监测对象', permissions: READ },
  },
  {
    path: '/cases/:id(\\d+)',
    name: 'case',
    component: () => import('./features/monitor/CaseView.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { title: '案件办理', permissions: READ, menu: '/cases' },
  },
  {
    path: '/quality',
    name: 'quality',
    component: () => import('./features/quality/QualityView.vue'),
    meta: { title: '数据质量', permissions: READ },
  },
  {
    path: '/visits',
    name: 'visits',
    component: () => import('./features/visits/VisitsView.vue'),
    meta: { title: '走访', permissions: ['household.read', 'assist.own'] },
  },
  {
    path: '/assistance',
    name: 'assistance',
    component: () => import('./features/assist/AssistanceView.vue'),
    meta: { title: '帮扶', permissions: ['household.read', 'assist.own'] },
  },
  {
    path: '/rules',
    name: 'rules',
    component: () => import('./features/rules/RulesView.vue'),
    meta: { title: '规则与参数', permissions: READ },
  },
  {
    path: '/exchange',
    name: 'exchange',
    component: () => import('./features/exchange/ExchangeView.vue'),
    meta: { title: '数据交换', permissions: EXCHANGE },
  },
  {
    path: '/system',
    name: 'system',
    component: () => import('./features/system/SystemView.vue'),
    meta: { title: '系统', permissions: SYSTEM },
  },
  ...MENU.filter((m) => m.plan).map(
    (m): RouteRecordRaw => ({
      path: m.path,
      name: m.name,
      component: PlannedView,
      meta: { title: m.title, permissions: m.permissions },
      props: { entry: m },
    }),
  ),
  // Printable documents, opened in their own tab from the case, household and list pages.
  {
    path: '/print/notice',
    name: 'print-notice',
    component: () => import('./features/print/PrintListView.vue'),
    props: { mode: 'notice' },
    meta: { title: '打印公示名单', permissions: READ, print: true },
  },
  {
    path: '/print/announcement',
    name: 'print-announcement',
    component: () => import('./features/print/PrintListView.vue'),
    props: { mode: 'announcement' },
    meta: { title: '打印公告', permissions: READ, print: true },
  },
  {
    path: '/print/minutes/:id(\\d+)',
    name: 'print-minutes',
    component: () => import('./features/print/PrintMinutesView.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { title: '打印民主评议记录', permissions: READ, print: true },
  },
  {
    path: '/print/card/:id(\\d+)',
    name: 'print-card',
    component: () => import('./features/print/PrintCardsView.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { title: '打印明白卡', permissions: READ, print: true },
  },
  {
    path: '/print/cards',
    name: 'print-cards',
    component: () => import('./features/print/PrintCardsView.vue'),
    meta: { title: '打印明白卡', permissions: READ, print: true },
  },
  {
    path: '/no-access',
    name: 'no-access',
    component: () => import('./shared/shell/NoAccessView.vue'),
    meta: { title: '无可用功能' },
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
})

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
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  if (user.must_change_password && to.name !== 'password') {
    return { name: 'password', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
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
    router.replace({ name: 'login', query: cur.fullPath === '/' ? {} : { redirect: cur.fullPath } })
  },
  passwordChangeRequired() {
    if (currentUser.value) currentUser.value = { ...currentUser.value, must_change_password: true }
    const cur = router.currentRoute.value
    if (cur.name === 'password') return
    router.replace({ name: 'password', query: cur.fullPath === '/' ? {} : { redirect: cur.fullPath } })
  },
  refreshSession,
})
