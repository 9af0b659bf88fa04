// 首页概览 务工规模: the county administrator sees the year's 务工 figures of the county (workers with
// 脱贫人口 and 监测对象 among them, 县外, 务工收入, 零就业家庭) and one column set per township in the
// table below, as the API counts them; another year is chosen from the card.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { artifactPath, eventually, loginAsAdmin, useServerAndBrowser, withPage } from '../lib/harness.mjs'

const ctx = useServerAndBrowser()
const fmt = (n) => n.toLocaleString('en-US')

describe('首页概览 务工规模', { timeout: 240_000 }, () => {
  test('the county and each township show the 务工 figures of the year', async () => {
    await withPage(ctx.browser, { viewport: { width: 1440, height: 900 } }, 'overview', async (page, { pageErrors }) => {
      await loginAsAdmin(page, ctx.server.baseUrl)
      const card = page.locator('[data-testid="employment-card"]')
      await card.locator('[data-testid="employment-workers"]').waitFor()
      // The numbers the page should show, from the same API.
      const api = await page.evaluate(async () => {
        const meta = await (await fetch('api/meta', { credentials: 'same-origin' })).json()
        const tree = await (await fetch('api/areas/tree', { credentials: 'same-origin' })).json()
        const r = await fetch(`api/areas/${tree.root.code}/employment?year=${meta.data_year}`, { credentials: 'same-origin' })
        return r.json()
      })
      assert.ok(api.workers > 0, 'the demo county has 务工 records in its data year')
      assert.ok(api.lifted_workers + api.monitored_workers > 0)
      const shownWorkers = () => card.locator('[data-testid="employment-workers"] .emp-value').innerText()
      await eventually(async () => (await shownWorkers()) === `${fmt(api.workers)} 人`, { what: 'the county 务工人数' })
      const workers = await card.locator('[data-testid="employment-workers"]').innerText()
      assert.ok(workers.includes(`脱贫人口 ${fmt(api.lifted_workers)} 人`), workers)
      assert.ok(workers.includes(`监测对象 ${fmt(api.monitored_workers)} 人`), workers)
      assert.ok((await card.locator('[data-testid="employment-out-of-county"]').innerText()).includes(`${fmt(api.out_of_county)} 人`))
      assert.ok((await card.locator('[data-testid="employment-zero"]').innerText()).includes(`${fmt(api.zero_employment_households)} 户`))

      // The table below: a township's row carries its own figures.
      const table = page.locator('[data-testid="children-table"]')
      assert.match(await table.locator('thead').first().innerText(), /务工人数[\s\S]*零就业家庭/)
      const busiest = [...api.children].sort((a, b) => b.workers - a.workers)[0]
      const row = table.locator('.el-table__body-wrapper tbody tr', { hasText: busiest.name })
      const cells = await row.locator('td').allInnerTexts()
      assert.ok(cells.includes(fmt(busiest.workers)), `${busiest.name}: ${cells.join(' | ')}`)
      assert.ok(cells.includes(fmt(busiest.zero_employment_households)), cells.join(' | '))
      const footer = await table.locator('.el-table__footer-wrapper').innerText()
      assert.ok(footer.includes(fmt(api.workers)), footer)

      // Another year: the URL keeps it and the card follows.
      await card.locator('[data-testid="employment-year"]').click()
      const earlier = api.year - 1
      await page.locator('.el-select-dropdown__item:visible', { hasText: `${earlier}年` }).click()
      await page.waitForURL(new RegExp(`year=${earlier}`))
      const before = await page.evaluate(async (y) => {
        const tree = await (await fetch('api/areas/tree', { credentials: 'same-origin' })).json()
        return (await fetch(`api/areas/${tree.root.code}/employment?year=${y}`, { credentials: 'same-origin' })).json()
      }, earlier)
      assert.equal(before.year, earlier)
      await eventually(async () => (await shownWorkers()) === `${fmt(before.workers)} 人`, { what: `the ${earlier} 务工人数` })
      await page.screenshot({ path: artifactPath('overview-employment.png'), fullPage: true })
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })
})
