// 农户档案: the household list and the household page, against a real `fangpin demo` ctx.server.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { artifactPath, eventually, loginAsAdmin, useServerAndBrowser, withPage } from '../lib/harness.mjs'

const MASKED_ID = /^\d{6}\*{8}\d{3}[\dX]$/
const FULL_ID = /^\d{17}[\dX]$/
const YUAN = /^-?\d{1,3}(,\d{3})*\.\d{2}$/

const ctx = useServerAndBrowser()

const DESKTOP = { viewport: { width: 1440, height: 900 } }
const table = '[data-testid="households-table"]'

/** Waits for a loaded table page; returns the number of rows. */
async function waitForRows(page) {
  const rows = page.locator(`${table} .el-table__body-wrapper tbody tr`)
  await page.locator('[data-testid="households-list"][data-loading="false"]').waitFor()
  await rows.first().waitFor()
  return rows.count()
}

async function totalOf(page) {
  const t = page.locator('[data-testid="households-total"]')
  await t.waitFor()
  return Number(await t.getAttribute('data-total'))
}

/** Column texts of the current table page, by header label. */
async function column(page, label) {
  const headers = await page.locator(`${table} .el-table__header-wrapper th`).allInnerTexts()
  const idx = headers.findIndex((h) => h.trim() === label)
  assert.ok(idx >= 0, `column ${label} in ${headers.join('|')}`)
  return page
    .locator(`${table} .el-table__body-wrapper tbody tr`)
    .evaluateAll((trs, i) => trs.map((tr) => tr.children[i]?.textContent?.trim() ?? ''), idx)
}

describe('households', { timeout: 300_000 }, () => {
  test('list: whole county, filters, pagination, masked IDs', async () => {
    await withPage(ctx.browser, DESKTOP, 'households', async (page, { pageErrors }) => {
      await loginAsAdmin(page, ctx.server.baseUrl, { target: '/households' })
      assert.equal(await waitForRows(page), 20, 'a full first page')
      const all = await totalOf(page)
      assert.ok(all > 20, `county total ${all}`)

      // The county root in the tree carries the same count.
      const rootCount = await page
        .locator('[data-testid="area-tree"] > .el-tree-node > .el-tree-node__content .tn-count')
        .innerText()
      assert.equal(Number(/([\d,]+)户/.exec(rootCount)[1].replaceAll(',', '')), all)

      for (const id of await page.locator('[data-testid="cell-head-id"]').allInnerTexts()) {
        assert.match(id.trim(), MASKED_ID)
      }
      const types = await column(page, '户类型')
      for (const t of types) assert.ok(['一般农户', '脱贫户'].includes(t), `户类型 label, got ${t}`)

      // Page 2 through the pager; the page is kept in the URL.
      await page.locator('[data-testid="households-pager"] .el-pager li', { hasText: /^2$/ }).click()
      await eventually(async () => /[?&]page=2/.test(page.url()), { what: 'page=2 in the URL' })
      await waitForRows(page)

      // Filter: 监测对象类别 = 脱贫不稳定户.
      await page.locator('[data-testid="filter-category"]').click()
      await page.locator('.el-select-dropdown__item', { hasText: '脱贫不稳定户' }).click()
      await page.locator('[data-testid="filter-search"]').click()
      await eventually(async () => /monitor_category=0/.test(page.url()) && !/page=2/.test(page.url()), {
        what: 'the filter in the URL, back on page 1',
      })
      await eventually(async () => (await totalOf(page)) < all, { what: 'a smaller total' })
      await waitForRows(page)
      for (const c of await column(page, '监测类别')) assert.equal(c, '脱贫不稳定户')
      for (const r of await column(page, '风险状态')) assert.match(r, /^(风险未消除|风险已消除|—)$/)

      await page.screenshot({ path: artifactPath('households.png'), fullPage: true })

      // Keyword: a 户主 name prefix.
      const name = (await column(page, '户主'))[0]
      await page.locator('[data-testid="filter-reset"]').click()
      await eventually(async () => !/monitor_category/.test(page.url()), { what: 'filters cleared' })
      await page.locator('[data-testid="filter-q"]').fill(name)
      await page.locator('[data-testid="filter-q"]').press('Enter')
      await eventually(async () => page.url().includes(`q=${encodeURIComponent(name)}`), { what: 'q in the URL' })
      await waitForRows(page)
      for (const h of await column(page, '户主')) assert.ok(h.startsWith(name), `${h} starts with ${name}`)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('household page: sections, income breakdown, verdict, masked IDs, audited reveal', async () => {
    await withPage(ctx.browser, DESKTOP, 'household', async (page, { pageErrors }) => {
      // A monitored household shows the most: category, risks, risk status.
      await loginAsAdmin(page, ctx.server.baseUrl, { target: '/households?monitor_category=0' })
      await waitForRows(page)
      await page.locator(`${table} .el-table__body-wrapper tbody tr`).first().click()
      await page.locator('[data-testid="household-title"]').waitFor()
      assert.match(page.url(), /#\/households\/\d+$/)

      for (const s of ['section-basic', 'section-members', 'section-income', 'section-conditions']) {
        await page.locator(`[data-testid="${s}"]`).waitFor()
      }
      const basic = await page.locator('[data-testid="section-basic"]').innerText()
      assert.match(basic, /脱贫不稳定户/)
      assert.match(basic, /户类型/)
      assert.match(await page.locator('[data-testid="section-conditions"]').innerText(), /耕地面积/)

      // IDs are masked everywhere.
      const headId = page.locator('[data-testid="head-id"]')
      assert.match((await headId.innerText()).trim(), MASKED_ID)
      assert.ok((await headId.innerText()).includes('********'))
      const memberIds = await page.locator('[data-testid="member-id"]').allInnerTexts()
      assert.ok(memberIds.length > 0, 'members listed')
      for (const id of memberIds) assert.match(id.trim(), MASKED_ID)
      assert.match(await page.locator('[data-testid="members-table"]').innerText(), /户主/)

      // Income: the lines with their signs, the per-capita figure, the verdict and its source.
      const breakdown = page.locator('[data-testid="income-breakdown"]').first()
      await breakdown.waitFor()
      const bText = await breakdown.innerText()
      for (const label of ['工资性收入', '生产经营性收入', '财产性收入', '转移性收入', '生产经营性支出', '人均纯收入']) {
        assert.ok(bText.includes(label), `breakdown lists ${label}`)
      }
      assert.ok(bText.includes('−'), 'a subtracted line')
      assert.ok(bText.includes('+'), 'an added line')
      assert.match((await page.locator('[data-testid="per-capita"]').first().innerText()).trim(), YUAN)
      const verdict = (await page.locator('[data-testid="verdict-tag"]').first().innerText()).trim()
      assert.match(verdict, /^(低于监测范围|不低于监测范围)$/)
      const source = await page.locator('[data-testid="line-source"]').first().innerText()
      assert.match(source, /县级参数 500230 · 2024 · 地方规定/)

      await page.screenshot({ path: artifactPath('household.png'), fullPage: true })

      // The county administrator may see full IDs, after a confirmation about the audit log.
      await page.locator('[data-testid="reveal-ids"]').click()
      const dialog = page.locator('.el-message-box')
      await dialog.waitFor()
      assert.match(await dialog.innerText(), /审计日志/)
      await dialog.getByRole('button', { name: '确认查看' }).click()
      await eventually(async () => FULL_ID.test((await headId.innerText()).trim()), { what: 'the full head ID' })
      for (const id of await page.locator('[data-testid="member-id"]').allInnerTexts()) {
        assert.match(id.trim(), FULL_ID)
      }
      await page.locator('[data-testid="hide-ids"]').click()
      assert.match((await headId.innerText()).trim(), MASKED_ID)

      // Back to the list, with its filter.
      await page.locator('[data-testid="household-back"]').click()
      await page.locator(table).waitFor()
      assert.match(page.url(), /monitor_category=0/)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('household page: 历史版本 shows the first registration', async () => {
    await withPage(ctx.browser, DESKTOP, 'household-history', async (page, { pageErrors }) => {
      await loginAsAdmin(page, ctx.server.baseUrl, { target: '/households' })
      await waitForRows(page)
      await page.locator(`${table} .el-table__body-wrapper tbody tr`).first().click()
      const history = page.locator('[data-testid="section-history"]')
      await history.locator('[data-testid="history-item"]').first().waitFor()
      const text = await history.innerText()
      assert.match(text, /历史版本/)
      assert.match(text, /第1版/)
      assert.match(text, /初始登记/)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('household page: 变更户主 needs a reason and makes a new version', async () => {
    await withPage(ctx.browser, DESKTOP, 'household-head-change', async (page, { pageErrors }) => {
      await loginAsAdmin(page, ctx.server.baseUrl, { target: '/households' })
      await waitForRows(page)
      // Not the first household: other tests look at that one's first version.
      const rows = page.locator(`${table} .el-table__body-wrapper tbody tr`)
      let picked = false
      for (let i = 2; i < (await rows.count()) && !picked; i++) {
        await rows.nth(i).click()
        await page.locator('[data-testid="household-title"]').waitFor()
        picked = (await page.locator('[data-testid="members-table"] .el-table__body-wrapper tbody tr.el-table__row').count()) >= 2
        if (!picked) {
          await page.locator('[data-testid="household-back"]').click()
          await waitForRows(page)
        }
      }
      assert.ok(picked, 'a household with at least two members')
      const oldTitle = (await page.locator('[data-testid="household-title"]').innerText()).trim()

      await page.locator('[data-testid="op-head"]').click()
      const dialog = page.locator('[data-testid="member-op-dialog"]')
      await dialog.waitFor()
      await page.locator('[data-testid="head-new"]').click()
      const option = page.locator('.el-select-dropdown__item:visible').first()
      const newHead = (await option.innerText()).split('（')[0].trim()
      await option.click()

      // Without a reason nothing is sent.
      await page.locator('[data-testid="member-op-submit"]').click()
      const problem = page.locator('[data-testid="member-op-error"]')
      await problem.waitFor()
      assert.match(await problem.innerText(), /变更原因/)

      await page.locator('[data-testid="head-reason"]').fill('原户主外出务工，由家人任户主')
      await page.locator('[data-testid="member-op-submit"]').click()
      await eventually(
        async () => (await page.locator('[data-testid="household-title"]').innerText()).trim() === `${newHead} 户`,
        { what: `the title names ${newHead} (was ${oldTitle})` },
      )
      const history = page.locator('[data-testid="section-history"]')
      await eventually(async () => /户主变更：.+ → /.test(await history.innerText()), { what: 'the new version' })
      assert.match(await history.innerText(), /原户主外出务工/)
      await page.screenshot({ path: artifactPath('household-head-change.png'), fullPage: true })
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('household outside the scope or unknown: a clear message', async () => {
    await withPage(ctx.browser, DESKTOP, 'household-missing', async (page) => {
      await loginAsAdmin(page, ctx.server.baseUrl, { target: '/households/999999999' })
      const nf = page.locator('[data-testid="household-not-found"]')
      await nf.waitFor()
      assert.match(await nf.innerText(), /未找到该农户/)
    })
  })

  test('mobile 360 px: list and household page fit the screen', async () => {
    const viewport = { width: 360, height: 780 }
    await withPage(
      ctx.browser,
      { viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
      'households-mobile',
      async (page) => {
        const fits = async (what) => {
          const w = await page.evaluate(() => document.documentElement.scrollWidth)
          assert.ok(w <= viewport.width + 2, `${what}: documentElement.scrollWidth ${w} > ${viewport.width}`)
        }
        await loginAsAdmin(page, ctx.server.baseUrl, { target: '/households' })
        await waitForRows(page)
        await fits('household list')
        await page.locator(`${table} .el-table__body-wrapper tbody tr`).first().click()
        await page.locator('[data-testid="income-breakdown"]').first().waitFor()
        await fits('household page')
      },
    )
  })
})
