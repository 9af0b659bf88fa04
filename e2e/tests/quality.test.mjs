// 数据质量 and the working-day calendar editor: the county administrator sees per-village scores
// and the list of findings (疑点) the demo county's planted slips produce, narrows them by village
// and rule, and loads the next year's holiday notice into the calendar (a CSV with a mistake is
// refused with its line number, the corrected one is saved). A village operator sees the
// calendar but cannot edit it.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { artifactPath, demoAccount, eventually, login, useServerAndBrowser, withPage } from '../lib/harness.mjs'

const ctx = useServerAndBrowser()

const DESKTOP = { viewport: { width: 1440, height: 900 } }
const total = async (page, testid) =>
  Number(await page.locator(`[data-testid="${testid}"]`).getAttribute('data-total'))

describe('数据质量 and the calendar', () => {
  test('scores per village, findings narrowed by village and rule, a finding opens its household', async () => {
    const admin = await demoAccount(ctx.server.baseUrl, '县级管理员')
    await withPage(ctx.browser, DESKTOP, 'quality', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, admin, { target: '/quality' })
      await page.locator('[data-testid="quality-title"]').waitFor()
      const scores = page.locator('[data-testid="quality-score-table"] .el-table__body-wrapper tbody tr')
      await scores.first().waitFor()
      assert.ok((await scores.count()) > 1, 'several villages are scored')
      assert.match(await page.locator('[data-testid="quality-summary"]').innerText(), /总体得分 \d+\.\d/)
      await page.locator('[data-testid="quality-table"] .el-table__body-wrapper tbody tr').first().waitFor()
      const countyTotal = await total(page, 'quality-total')
      assert.ok(countyTotal > 0, 'the demo county has findings to fix')

      // The worst village first: choosing it narrows the list to its findings.
      const worst = (await scores.first().locator('a').innerText()).trim()
      await scores.first().locator('a').click()
      await eventually(async () => new URL(page.url().replace('#/', '')).searchParams.get('area'), {
        what: 'area in the URL',
      })
      assert.match(await page.locator('[data-testid="quality-title"]').innerText(), new RegExp(`数据质量 · ${worst}`))
      await page.locator('[data-testid="area-crumbs"]').waitFor()
      await eventually(
        async () => {
          const villages = await page.locator('[data-testid="quality-village"]').allInnerTexts()
          return villages.length > 0 && villages.every((v) => v.trim() === worst)
        },
        { what: `only findings of ${worst}` },
      )
      assert.ok((await total(page, 'quality-total')) <= countyTotal, 'a village has no more findings than the county')

      // Narrow by the rule of the first finding shown.
      const firstRule = (await page.locator('[data-testid="quality-table"] .rule').first().innerText()).split(' ')[0]
      await page.locator('[data-testid="quality-rule"]').click()
      await page.locator('.el-select-dropdown__item', { hasText: firstRule }).first().click()
      await eventually(async () => page.url().includes(`rule=${firstRule}`), { what: 'rule in the URL' })
      await eventually(
        async () => {
          const rules = await page.locator('[data-testid="quality-table"] .rule').allInnerTexts()
          return rules.length > 0 && rules.every((r) => r.startsWith(firstRule))
        },
        { what: `only ${firstRule} findings` },
      )
      const status = await page.locator('[data-testid="quality-status"]').first().innerText()
      assert.match(status, /待整改|逾期未整改/)
      await page.screenshot({ path: artifactPath('quality.png'), fullPage: true })

      await page.locator('[data-testid="quality-table"] tbody tr a').first().click()
      await page.waitForURL(/#\/households\/\d+/)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('the administrator loads the next year into the working-day calendar', async () => {
    const admin = await demoAccount(ctx.server.baseUrl, '县级管理员')
    await withPage(ctx.browser, DESKTOP, 'calendar-edit', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, admin, { target: '/rules' })
      await page.locator('[data-testid="calendar-table"]').waitFor()
      await page.locator('[data-testid="calendar-add-year"]').click()
      const dialog = page.locator('[data-testid="calendar-dialog"]')
      await dialog.waitFor()
      const year = Number(await dialog.locator('[data-testid="calendar-dialog-year"] input').inputValue())
      assert.ok(year >= 2027, `the next year to load (${year})`)
      await dialog.locator('[data-testid="calendar-mode-csv"]').click()
      const csv = dialog.locator('textarea[data-testid="calendar-csv"], [data-testid="calendar-csv"] textarea')
      // Line 3 is a make-up working day on a weekday: refused, nothing saved.
      const monday = (() => {
        const d = new Date(Date.UTC(year, 1, 1))
        while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1)
        return d.toISOString().slice(0, 10)
      })()
      await csv.fill(`date,kind,name\n${year}-01-01,休,元旦\n${monday},班,春节调休上班\n`)
      await dialog.locator('[data-testid="calendar-save"]').click()
      const err = dialog.locator('[data-testid="calendar-error"]')
      await err.waitFor()
      assert.match(await err.innerText(), /第3行.*本来就是工作日/)

      await csv.fill(`date,kind,name\n${year}-01-01,休,元旦\n`)
      await dialog.locator('[data-testid="calendar-save"]').click()
      await dialog.waitFor({ state: 'hidden' })
      await eventually(
        async () => (await page.locator('[data-testid="calendar-working-days"]').innerText()).startsWith(`${year}年共`),
        { what: `${year} shown` },
      )
      assert.match(
        await page.locator('[data-testid="calendar-working-days"]').innerText(),
        new RegExp(`依据：国务院办公厅关于${year}年部分节假日安排的通知`),
      )
      assert.match(await page.locator('[data-testid="calendar-table"]').innerText(), /元旦/)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('a village operator sees the calendar but cannot edit it', async () => {
    const village = await demoAccount(ctx.server.baseUrl, '村级/驻村工作队')
    await withPage(ctx.browser, DESKTOP, 'calendar-readonly', async (page) => {
      await login(page, ctx.server.baseUrl, village, { target: '/rules' })
      await page.locator('[data-testid="calendar-table"]').waitFor()
      assert.equal(await page.locator('[data-testid="calendar-add-year"]').count(), 0)
      assert.equal(await page.locator('[data-testid="calendar-edit"]').count(), 0)
    })
  })
})
