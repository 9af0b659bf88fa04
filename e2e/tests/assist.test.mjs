// 帮扶: the county administrator opens a monitored household from the 帮扶对象 list, adds a
// 帮扶干部 for its village to the registry (its phone masked until 查看), names that cadre the
// household's 帮扶责任人, records an 开发式 measure from the catalogue on its plan and corrects
// its amount with a reason. Then it writes the household's 一户一策 plan, which the county
// approver reviews (the writer is never offered the review).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { artifactPath, demoAccount, eventually, login, useServerAndBrowser, withPage } from '../lib/harness.mjs'

const ctx = useServerAndBrowser()
const DESKTOP = { viewport: { width: 1440, height: 900 } }

describe('帮扶', () => {
  test('a new cadre is paired with a monitored household and a measure is added', async () => {
    const admin = await demoAccount(ctx.server.baseUrl, '县级管理员')
    await withPage(ctx.browser, DESKTOP, 'assist', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, admin, { target: '/assistance' })
      await page.locator('[data-testid="assist-title"]').waitFor()
      const link = page.locator('[data-testid="assist-household-link"]').first()
      await link.waitFor()
      await link.click()
      await page.waitForURL(/#\/households\/\d+/)
      const id = Number(/households\/(\d+)/.exec(page.url())[1])
      const village = await page.evaluate(async (hid) => {
        const r = await fetch(`api/households/${hid}`, { credentials: 'same-origin' })
        return (await r.json()).household.area
      }, id)
      assert.match(village, /^\d{12}$/)

      // The registry: a new cadre whose area is the household's village.
      await page.goto(`${ctx.server.baseUrl}/#/assistance?tab=cadres`)
      await page.locator('[data-testid="cadre-new"]').click()
      const dialog = page.locator('[data-testid="cadre-dialog"]')
      await dialog.locator('[data-testid="cadre-name"]').fill('测试干部')
      await dialog.locator('[data-testid="cadre-unit"]').fill('县乡村振兴局')
      await dialog.locator('[data-testid="cadre-phone"]').fill('13912345678')
      await dialog.locator('[data-testid="cadre-area"]').fill(village)
      await dialog.locator('[data-testid="cadre-save"]').click()
      await eventually(async () => (await page.locator('[data-testid="cadre-table"]').innerText()).includes('测试干部'), {
        what: 'the new cadre in the registry',
      })
      const cadreRow = page.locator('[data-testid="cadre-table"] .el-table__body-wrapper tbody tr', { hasText: '测试干部' })
      assert.ok((await cadreRow.innerText()).includes('139****5678'))
      assert.ok(!(await page.locator('[data-testid="cadre-table"]').innerText()).includes('13912345678'))
      // The administrator may read the full number (查看, audited).
      await cadreRow.locator('[data-testid="cadre-phone-reveal"]').click()
      await eventually(async () => (await cadreRow.locator('[data-testid="cadre-phone-shown"]').innerText()) === '13912345678', {
        what: 'the full phone number after 查看',
      })

      // Pair on the household page.
      await page.goto(`${ctx.server.baseUrl}/#/households/${id}`)
      const panel = page.locator('[data-testid="section-assist"]')
      await panel.locator('[data-testid="assist-pair"]').click()
      const pairDialog = page.locator('[data-testid="assist-pair-dialog"]')
      await pairDialog.locator('[data-testid="assist-pair-cadre"]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '测试干部' }).click()
      await pairDialog.locator('[data-testid="assist-pair-save"]').click()
      await eventually(
        async () => (await panel.locator('[data-testid="assist-responsible-name"]').innerText()) === '测试干部',
        { what: 'the new 帮扶责任人' },
      )

      // Add an 开发式 measure from the catalogue.
      await panel.locator('[data-testid="assist-measure-add"]').click()
      const measureDialog = page.locator('[data-testid="assist-measure-dialog"]')
      await measureDialog.locator('[data-testid="assist-measure-code"]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '到户产业奖补' }).click()
      await measureDialog.locator('[data-testid="assist-measure-amount"]').fill('1500')
      await measureDialog.locator('[data-testid="assist-measure-save"]').click()
      await eventually(
        async () => {
          const text = await panel.locator('[data-testid="assist-measures"]').innerText()
          return text.includes('到户产业奖补') && text.includes('1,500') && text.includes('实施中')
        },
        { what: 'the measure in the table' },
      )

      // A mistyped amount is corrected: without a reason the dialog says so
      // and nothing changes; with one the table shows the new amount.
      const row = panel.locator('[data-testid="assist-measures"] .el-table__body tbody tr', { hasText: '到户产业奖补' })
      await row.locator('[data-testid="assist-measure-edit"]').click()
      await measureDialog.locator('[data-testid="assist-measure-amount"]').fill('1800')
      await measureDialog.locator('[data-testid="assist-measure-save"]').click()
      await eventually(
        async () => (await measureDialog.locator('[data-testid="assist-measure-error"]').innerText()).includes('修改原因'),
        { what: 'the refusal without a reason, in the dialog' },
      )
      assert.ok((await panel.locator('[data-testid="assist-measures"]').innerText()).includes('1,500'))
      await measureDialog.locator('[data-testid="assist-measure-reason"]').fill('金额录错，按验收单更正')
      await measureDialog.locator('[data-testid="assist-measure-save"]').click()
      await eventually(
        async () => {
          const text = await panel.locator('[data-testid="assist-measures"]').innerText()
          return text.includes('1,800') && !text.includes('1,500')
        },
        { what: 'the corrected amount in the table' },
      )
      await page.screenshot({ path: artifactPath('assist.png'), fullPage: true })
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('the 一户一策 plan is written by the administrator and reviewed by the county', async () => {
    const writer = await demoAccount(ctx.server.baseUrl, '县级管理员')
    const reviewer = await demoAccount(ctx.server.baseUrl, '县级审定')
    const goals = `稳定务工收入，落实医保资助（${Date.now()}）`
    let householdUrl = ''
    await withPage(ctx.browser, DESKTOP, 'assist-plan-write', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, writer, { target: '/assistance' })
      const link = page.locator('[data-testid="assist-household-link"]').first()
      await link.waitFor()
      await link.click()
      await page.waitForURL(/#\/households\/\d+/)
      householdUrl = page.url()
      const plan = page.locator('[data-testid="section-assist"] [data-testid="assist-plan"]')
      await plan.locator('[data-testid="assist-plan-edit"]').click()
      await plan.locator('[data-testid="assist-plan-goals"]').fill(goals)
      await plan.locator('[data-testid="assist-plan-save"]').click()
      await eventually(async () => (await plan.locator('[data-testid="assist-plan-state"]').innerText()).includes('已制定待审核'), {
        what: 'the plan waiting for review',
      })
      // Whoever wrote the plan does not review it.
      assert.equal(await plan.locator('[data-testid="assist-plan-review"]').count(), 0)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
    await withPage(ctx.browser, DESKTOP, 'assist-plan-review', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, reviewer)
      await page.goto(householdUrl)
      const plan = page.locator('[data-testid="section-assist"] [data-testid="assist-plan"]')
      await plan.locator('[data-testid="assist-plan-review"]').click()
      await eventually(async () => (await plan.locator('[data-testid="assist-plan-state"]').innerText()).includes('已审核'), {
        what: 'the plan reviewed by the county',
      })
      assert.ok((await plan.innerText()).includes(goals))
      assert.equal(await plan.locator('[data-testid="assist-plan-review"]').count(), 0)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })
})
