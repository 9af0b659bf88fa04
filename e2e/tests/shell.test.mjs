// Browser checks of the web shell against a real `fangpin demo` ctx.server.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  artifactPath,
  eventually,
  loginAsAdmin,
  useServerAndBrowser,
  withPage,
} from '../lib/harness.mjs'

const SYSTEM_NAME = '防返贫动态监测和帮扶系统'
const COUNT_RE = /\d[\d,]*户/
const NUMBER_RE = /^\d[\d,]*$/

const ctx = useServerAndBrowser()

/** Waits until the title of the content area shows `name`. */
async function waitForArea(page, name) {
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="area-title"]')?.textContent?.trim() === n,
    name,
  )
}

/** Waits until the stat cards and the households chart are drawn; returns the 户数 text. */
async function waitForSummary(page) {
  const households = page.locator('[data-testid="stat-households"] .stat-number')
  const text = await eventually(
    async () => {
      const t = (await households.textContent({ timeout: 1_000 }))?.trim() ?? ''
      return NUMBER_RE.test(t) ? t : null
    },
    { what: '户数 stat card to show a number' },
  )
  await page.locator('[data-testid="chart-households"] canvas').first().waitFor({ state: 'visible' })
  return text
}

describe('web shell', { timeout: 240_000 }, () => {
  test('desktop: header, menu, area tree, township summary', async () => {
    await withPage(ctx.browser, { viewport: { width: 1440, height: 900 } }, 'shell', async (page, { pageErrors }) => {
      await loginAsAdmin(page, ctx.server.baseUrl)

      const header = page.locator('[data-testid="app-header"]')
      await header.waitFor()
      const headerText = await header.innerText()
      assert.match(headerText, new RegExp(SYSTEM_NAME))
      // The signed-in user replaces the old "not logged in" placeholder.
      assert.doesNotMatch(headerText, /未登录/)
      assert.match(await page.locator('[data-testid="user-role-area"]').innerText(), /县级管理员 · 丰都县/)

      const menu = page.locator('[data-testid="app-menu"]')
      await menu.waitFor()
      const menuText = await menu.innerText()
      assert.match(menuText, /农户档案/)
      assert.match(menuText, /系统/, 'the county administrator may manage users, so 系统 is listed')

      // The county is expanded on load, so its townships are listed.
      const township = page.locator('[data-testid="area-tree"] .tn-township').first()
      await township.waitFor({ state: 'visible' })
      const townshipText = await township.innerText()
      assert.match(townshipText, COUNT_RE, `township node should show a household count: ${townshipText}`)
      const townshipName = (await township.locator('.tn-name').innerText()).trim()
      assert.ok(townshipName.length > 0)

      await township.click()
      await waitForArea(page, townshipName)
      const households = await waitForSummary(page)
      assert.match(households, NUMBER_RE)
      assert.ok(Number(households.replaceAll(',', '')) > 0, `${townshipName} should have households`)
      assert.match(page.url(), /[#&?]area=\d{12}/, 'the selection is kept in the URL')

      // The children table lists the township's villages.
      const rows = page.locator('[data-testid="children-table"] .el-table__body-wrapper tbody tr')
      await rows.first().waitFor()
      assert.ok((await rows.count()) > 0)

      await page.screenshot({ path: artifactPath('shell.png'), fullPage: true })
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('desktop: unknown area shows the server error in Chinese', async () => {
    await withPage(ctx.browser, { viewport: { width: 1280, height: 800 } }, 'shell-error', async (page) => {
      // Login first sends the browser to the login page, then back to this address.
      await loginAsAdmin(page, ctx.server.baseUrl, { target: '/?area=999999999999' })
      assert.match(page.url(), /area=999999999999/)
      const alert = page.locator('[data-testid="summary-error"]')
      await alert.waitFor()
      assert.match(await alert.innerText(), /区划/)
    })
  })

  test('desktop: every menu entry is built (none marked 建设中)', async () => {
    await withPage(ctx.browser, { viewport: { width: 1280, height: 800 } }, 'shell-planned', async (page) => {
      await loginAsAdmin(page, ctx.server.baseUrl)
      const menu = page.locator('[data-testid="app-menu"]')
      await menu.getByText('走访').waitFor()
      assert.equal(await menu.locator('.menu-badge').count(), 0, 'no page under construction')
      await menu.getByText('走访').click()
      await page.locator('[data-testid="visit-tabs"]').waitFor()
      assert.equal(await page.locator('[data-testid="planned-page"]').count(), 0)
    })
  })

  test('mobile 360 px: no horizontal overflow, menu in a drawer', async () => {
    const viewport = { width: 360, height: 780 }
    await withPage(
      ctx.browser,
      { viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
      'shell-mobile',
      async (page, { pageErrors }) => {
        await loginAsAdmin(page, ctx.server.baseUrl)
        await page.locator('[data-testid="app-header"]').waitFor()
        await waitForSummary(page)

        const { bodyWidth, docWidth } = await page.evaluate(() => ({
          bodyWidth: document.body.scrollWidth,
          docWidth: document.documentElement.scrollWidth,
        }))
        assert.ok(bodyWidth <= viewport.width + 2, `body.scrollWidth ${bodyWidth} > ${viewport.width}`)
        assert.ok(docWidth <= viewport.width + 2, `documentElement.scrollWidth ${docWidth} > ${viewport.width}`)
        await page.screenshot({ path: artifactPath('shell-mobile.png'), fullPage: true })

        // The side menu is folded into a drawer behind the menu button.
        assert.equal(await page.locator('.app-aside').count(), 0)
        await page.locator('[data-testid="menu-toggle"]').click()
        const drawerMenu = page.locator('.menu-drawer [data-testid="app-menu"]')
        await drawerMenu.waitFor({ state: 'visible' })
        assert.match(await drawerMenu.innerText(), /农户档案/)
        await page.waitForTimeout(400) // let the drawer finish sliding in
        await page.screenshot({ path: artifactPath('shell-mobile-menu.png') })
        assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
      },
    )
  })
})
