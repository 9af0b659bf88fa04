// The administrator's 工作台 in December 2026 says what is missing before anyone meets a refusal:
// 丰都 has no 监测范围 and no 到户产业奖补 cap for 2025 or 2026 (the seeds stop at 2024), and the 2027
// holiday notice is not loaded. Each line links to where it is set; setting the 2025 line on the
// 规则与参数 page and loading 2027 in the calendar editor take them off the list.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { artifactPath, demoAccount, eventually, login, useServerAndBrowser, withPage } from '../lib/harness.mjs'

const NOW = '2026-12-07T10:00:00+08:00'
const ctx = useServerAndBrowser({ env: { FANGPIN_DEMO_NOW: NOW } })
const DESKTOP = { viewport: { width: 1440, height: 900 } }

describe('工作台：待补充的参数和日历', () => {
  test('missing lines, caps and the next calendar year are listed, linked and cleared when set', async () => {
    const admin = await demoAccount(ctx.server.baseUrl, '县级管理员')
    const operator = await demoAccount(ctx.server.baseUrl, '村级/驻村工作队')
    await withPage(ctx.browser, DESKTOP, 'setup-gaps', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, admin, { target: '/workbench' })
      const setup = page.locator('[data-testid="workbench-setup"]')
      await setup.waitFor()
      const text = await setup.innerText()
      for (const year of [2025, 2026]) {
        assert.ok(text.includes(`丰都县：${year}年未配置“监测范围”`), text)
        assert.ok(text.includes(`丰都县：${year}年未配置“到户产业奖补每户每年上限”`), text)
      }
      assert.ok(text.includes('2027年工作日历尚未载入'), text)
      await page.screenshot({ path: artifactPath('setup-workbench.png'), fullPage: true })

      // The 2025 line: the link opens the parameter form for 丰都 and 2025.
      await setup.locator('[data-testid="setup-monitoring_line-2025"] [data-testid="setup-link"]').click()
      const params = page.locator('[data-testid="params"]')
      await params.waitFor()
      await eventually(async () => (await params.locator('[data-testid="param-year"] input').inputValue()) === '2025', {
        what: 'the year taken from the link',
      })
      await params.locator('[data-testid="param-value"] input').fill('8500')
      await params.locator('[data-testid="param-note"]').fill('测试：县级文件')
      await params.locator('[data-testid="param-save"]').click()
      await eventually(async () => (await params.locator('[data-testid="param-defs"]').innerText()).includes('8,500.00元'), {
        what: 'the new 2025 line among the definitions',
      })

      // The calendar link opens the calendar editor; load 2027 (元旦 only, enough for the check).
      await page.goto(`${ctx.server.baseUrl}/#/workbench`)
      await setup.waitFor()
      await setup.locator('[data-testid="setup-work_calendar-2027"] [data-testid="setup-link"]').click()
      const calendar = page.locator('[data-testid="calendar"]')
      await calendar.waitFor()
      await calendar.locator('[data-testid="calendar-add-year"]').click()
      const dialog = page.locator('[data-testid="calendar-dialog"]')
      await dialog.waitFor()
      await dialog.locator('[data-testid="calendar-save"]').click()
      await dialog.waitFor({ state: 'hidden' })

      // Back on the 工作台: the 2025 line and 2027 are gone, the rest stays.
      await page.goto(`${ctx.server.baseUrl}/#/workbench`)
      await setup.waitFor()
      await eventually(async () => !(await setup.innerText()).includes('2025年未配置“监测范围”'), {
        what: 'the 2025 line off the list',
      })
      const after = await setup.innerText()
      assert.ok(!after.includes('2027年工作日历'), after)
      assert.ok(after.includes('丰都县：2026年未配置“监测范围”'), after)
      assert.ok(after.includes('丰都县：2025年未配置“到户产业奖补每户每年上限”'), after)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })

    // Someone who does not maintain parameters is not shown the list.
    await withPage(ctx.browser, DESKTOP, 'setup-gaps-operator', async (page) => {
      await login(page, ctx.server.baseUrl, operator, { target: '/workbench' })
      await page.locator('[data-testid="workbench-list"]').waitFor()
      assert.equal(await page.locator('[data-testid="workbench-setup"]').count(), 0)
    })
  })
})
