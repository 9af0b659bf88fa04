// Login, logout and the area scope of a village account, against a real `fangpin demo` ctx.server.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  artifactPath,
  demoAccount,
  demoAccounts,
  eventually,
  login,
  loginAsAdmin,
  useServerAndBrowser,
  submitLogin,
  withPage,
} from '../lib/harness.mjs'

const ctx = useServerAndBrowser()

const DESKTOP = { viewport: { width: 1280, height: 860 } }

/** "1,204户 / 4,100人" → 1204 */
function householdsOf(countText) {
  const m = /([\d,]+)户/.exec(countText)
  assert.ok(m, `no household count in "${countText}"`)
  return Number(m[1].replaceAll(',', ''))
}

describe('authentication', { timeout: 240_000 }, () => {
  test('login page: form, demo accounts, click-to-fill, redirect back to the target', async () => {
    await withPage(ctx.browser, DESKTOP, 'login', async (page, { pageErrors }) => {
      const { logins, password } = await demoAccounts(ctx.server.baseUrl)

      // Without a session every page leads to the login page, remembering the target.
      await page.goto(`${ctx.server.baseUrl}/#/households`)
      await page.locator('[data-testid="login-form"]').waitFor()
      assert.match(page.url(), /#\/login\?redirect=(%2F|\/)households/)
      assert.equal(await page.locator('[data-testid="user-menu"]').count(), 0, 'no user menu before login')

      // Demo mode: the accounts are listed with their role and area.
      const demo = page.locator('[data-testid="demo-logins"]')
      await demo.waitFor()
      const rows = demo.locator('.el-table__body-wrapper tbody tr')
      await eventually(async () => (await rows.count()) === logins.length, {
        what: `${logins.length} demo account rows`,
      })
      const demoText = await demo.innerText()
      assert.match(demoText, /演示账号/)
      for (const l of logins) {
        assert.ok(demoText.includes(l.username), `demo table lists ${l.username}`)
        assert.ok(demoText.includes(l.role_name), `demo table lists ${l.role_name}`)
      }
      assert.equal((await page.locator('[data-testid="demo-password"]').innerText()).trim(), password)

      await page.screenshot({ path: artifactPath('login.png'), fullPage: true })

      // Empty form: Chinese validation messages.
      await page.locator('[data-testid="login-submit"]').click()
      await page.getByText('请输入用户名').waitFor()
      await page.getByText('请输入密码').waitFor()

      // Clicking an account fills the form.
      const admin = logins.find((l) => l.role_name === '县级管理员')
      assert.ok(admin, 'a 县级管理员 demo account exists')
      await rows.filter({ hasText: admin.username }).first().click()
      assert.equal(await page.locator('[data-testid="login-username"]').inputValue(), admin.username)
      assert.equal(await page.locator('[data-testid="login-password"]').inputValue(), password)

      await page.locator('[data-testid="login-submit"]').click()
      await page.locator('[data-testid="user-menu"]').waitFor()
      // Back on the page asked for before the login.
      await page.locator('[data-testid="households-table"]').waitFor()
      assert.match(page.url(), /#\/households/)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('wrong password shows 用户名或密码错误', async () => {
    await withPage(ctx.browser, DESKTOP, 'login-wrong', async (page) => {
      const account = await demoAccount(ctx.server.baseUrl, '督查')
      await submitLogin(page, ctx.server.baseUrl, { ...account, password: 'not-the-password-1' })
      const alert = page.locator('[data-testid="login-error"]')
      await alert.waitFor()
      assert.match(await alert.innerText(), /用户名或密码错误/)
      assert.match(page.url(), /#\/login/)
      assert.equal(await page.locator('[data-testid="user-menu"]').count(), 0)
      // The password field is cleared for the next try; the user name stays.
      assert.equal(await page.locator('[data-testid="login-password"]').inputValue(), '')
      assert.equal(await page.locator('[data-testid="login-username"]').inputValue(), account.username)
    })
  })

  test('village operator sees only their village', async () => {
    await withPage(ctx.browser, DESKTOP, 'village-scope', async (page, { pageErrors }) => {
      const account = await demoAccount(ctx.server.baseUrl, '村级/驻村工作队')
      await login(page, ctx.server.baseUrl, account, { target: '/households' })

      // The top bar names the user, the role and the village.
      assert.match(
        await page.locator('[data-testid="user-role-area"]').innerText(),
        new RegExp(`村级/驻村工作队 · ${account.area_name}`),
      )
      // Import but no export, no user or audit permissions: 数据交换 (import only) and
      // 系统 (only for the duplicate queue, see exchange.test.mjs).
      const menuText = await page.locator('.app-aside [data-testid="app-menu"]').innerText()
      assert.match(menuText, /农户档案/)
      assert.match(menuText, /数据交换/)

      const me = await page.evaluate(async () => (await fetch('api/auth/me')).json())
      const village = me.user.area
      assert.equal(village.level, 'village')
      assert.equal(village.name, account.area_name)

      // The area tree is rooted at the village.
      const rootNode = page.locator('[data-testid="area-tree"] > .el-tree-node > .el-tree-node__content .tn').first()
      await rootNode.waitFor()
      assert.equal((await rootNode.locator('.tn-name').innerText()).trim(), village.name)
      assert.match((await rootNode.getAttribute('class')) ?? '', /tn-village/)
      const rootHouseholds = householdsOf(await rootNode.locator('.tn-count').innerText())
      assert.equal(
        await page.locator('[data-testid="area-tree"] .tn-township').count(),
        0,
        'no township above the village',
      )

      // Every listed household is in the village, and the total is the village's count.
      const total = page.locator('[data-testid="households-total"]')
      await total.waitFor()
      assert.equal(Number(await total.getAttribute('data-total')), rootHouseholds)
      const cells = page.locator('[data-testid="households-table"] .cell-area')
      await eventually(async () => (await cells.count()) === Math.min(rootHouseholds, 20), {
        what: 'the first page of households',
      })
      const codes = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-area')))
      assert.ok(codes.length > 0, 'the village has households')
      for (const c of codes) assert.equal(c, village.code)
      for (const t of await cells.allInnerTexts()) assert.ok(t.startsWith(village.name), t)

      // Asking for another area by URL is refused by the server, shown in Chinese.
      await page.goto(`${ctx.server.baseUrl}/#/?area=${me.user.area.code.slice(0, 6)}000000`)
      const err = page.locator('[data-testid="summary-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /区划/)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('logout ends the session', async () => {
    await withPage(ctx.browser, DESKTOP, 'logout', async (page) => {
      await loginAsAdmin(page, ctx.server.baseUrl)
      await page.locator('[data-testid="user-menu"]').click()
      await page.locator('[data-testid="menu-logout"]').click()
      await page.locator('[data-testid="login-form"]').waitFor()
      // The server forgot the session: the API answers 401 and the app stays on the login page.
      const status = await page.evaluate(async () => (await fetch('api/auth/me')).status)
      assert.equal(status, 401)
      await page.goto(`${ctx.server.baseUrl}/#/households`)
      await page.locator('[data-testid="login-form"]').waitFor()
    })
  })

  test('change password page checks the rule before asking the server', async () => {
    await withPage(ctx.browser, DESKTOP, 'password', async (page) => {
      await loginAsAdmin(page, ctx.server.baseUrl)
      await page.locator('[data-testid="user-menu"]').click()
      await page.locator('[data-testid="menu-password"]').click()
      await page.locator('[data-testid="password-page"]').waitFor()
      await page.locator('[data-testid="password-old"]').fill('whatever1')
      await page.locator('[data-testid="password-new"]').fill('short')
      await page.locator('[data-testid="password-confirm"]').fill('short2')
      await page.locator('[data-testid="password-submit"]').click()
      await page.getByText('新密码至少8位，且须包含字母和数字').waitFor()
      await page.getByText('两次输入的新密码不一致').waitFor()

      // A wrong old password is the server's call; its message is shown.
      await page.locator('[data-testid="password-new"]').fill('Newpass2025')
      await page.locator('[data-testid="password-confirm"]').fill('Newpass2025')
      await page.locator('[data-testid="password-submit"]').click()
      const err = page.locator('[data-testid="password-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /密码/)
    })
  })

  test('a new user must change the initial password first, then reaches the page asked for', async () => {
    await withPage(ctx.browser, DESKTOP, 'password-forced', async (page, { pageErrors }) => {
      const { meta } = await demoAccounts(ctx.server.baseUrl)
      const initial = await ctx.server.addUser({
        username: 'xinren',
        displayName: '新任督查员',
        role: 'inspector',
        area: meta.county.code,
      })
      await submitLogin(page, ctx.server.baseUrl, { username: 'xinren', password: initial }, { target: '/households' })

      // Only the password page: no menu, no top bar, the reason shown.
      await page.locator('[data-testid="password-forced"]').waitFor()
      assert.match(page.url(), /#\/password\?redirect=(%2F|\/)households/)
      assert.equal(await page.locator('[data-testid="app-menu"]').count(), 0)
      assert.match(await page.locator('[data-testid="password-forced"]').innerText(), /首次登录请先修改密码/)
      // Other pages lead back here.
      await page.goto(`${ctx.server.baseUrl}/#/`)
      await page.locator('[data-testid="password-forced"]').waitFor()
      assert.match(page.url(), /#\/password/)

      await page.locator('[data-testid="password-old"]').fill(initial)
      await page.locator('[data-testid="password-new"]').fill('Xinmima2025')
      await page.locator('[data-testid="password-confirm"]').fill('Xinmima2025')
      await page.locator('[data-testid="password-submit"]').click()

      // Changed: on to the first page of the app, with the full shell.
      await page.locator('[data-testid="user-menu"]').waitFor()
      await page.locator('[data-testid="app-menu"]').first().waitFor()
      assert.match(await page.locator('[data-testid="user-name"]').innerText(), /新任督查员/)
      const me = await page.evaluate(async () => (await fetch('api/auth/me')).json())
      assert.equal(me.user.must_change_password, false)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('mobile 360 px: the login page fits', async () => {
    const viewport = { width: 360, height: 780 }
    await withPage(
      ctx.browser,
      { viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
      'login-mobile',
      async (page) => {
        await page.goto(`${ctx.server.baseUrl}/#/login`)
        await page.locator('[data-testid="demo-logins"]').waitFor()
        const width = await page.evaluate(() => document.documentElement.scrollWidth)
        assert.ok(width <= viewport.width + 2, `documentElement.scrollWidth ${width} > ${viewport.width}`)
      },
    )
  })
})
