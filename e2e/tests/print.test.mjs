// Printable documents: a lead is walked to 村内公示 over the API (the village operator and the
// county approver, on a server with a fixed clock), then the operator prints the village's
// 公示名单 from the 监测对象 list and the 民主评议记录 from the case page, and the county
// administrator prints a monitored household's 明白卡 from its page and the village's batch.
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { artifactPath, demoAccount, login, useServerAndBrowser, withPage } from '../lib/harness.mjs'

const DAY1 = '2026-06-01'
const at = (day) => `${day}T10:00:00+08:00`
const DESKTOP = { viewport: { width: 1280, height: 900 } }
/** An 18-character ID number in full. */
const FULL_ID = /\d{17}[\dX]/

/** The demo accounts used, by role name. */
const ROLES = { village: '村级/驻村工作队', county: '县级审定', admin: '县级管理员' }

const ctx = useServerAndBrowser({ env: { FANGPIN_DEMO_NOW: at(DAY1) } })
let accounts
const walk = { caseId: null, household: null, card: null, cadre: null, measure: '家庭医生签约及慢病用药补助' }

/** A signed-in API client for one account: its session cookie and CSRF token. */
async function session(account) {
  const resp = await fetch(`${ctx.server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: account.username, password: account.password }),
  })
  assert.equal(resp.status, 200, `login ${account.username}`)
  const { csrf_token: csrf } = await resp.json()
  const cookie = resp.headers.get('set-cookie').split(';')[0]
  return async (method, path, body) => {
    const r = await fetch(`${ctx.server.baseUrl}/${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const json = await r.json()
    assert.ok(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(json)}`)
    return json
  }
}

/** Runs `click` and returns the tab it opens, loaded. */
async function popup(page, click) {
  const [tab] = await Promise.all([page.context().waitForEvent('page'), click()])
  await tab.waitForLoadState()
  return tab
}

describe('printable documents', { timeout: 300_000 }, () => {
  // The lead walked to 公示 and the measure, before the tests (after the server starts).
  before(
    async () => {
      const roles = Object.entries(ROLES).map(async ([who, role]) => [who, await demoAccount(ctx.server.baseUrl, role)])
      accounts = Object.fromEntries(await Promise.all(roles))
      const village = await session(accounts.village)
      const county = await session(accounts.county)
      const admin = await session(accounts.admin)

      // A household of the operator's village, walked to 公示 on DAY1.
      const list = await village('GET', 'api/households?page_size=100')
      const hh = list.items.find((h) => h.monitor_category === null)
      assert.ok(hh, 'a household without a monitoring category')
      walk.household = hh
      const { id } = await village('POST', 'api/cases', {
        household_id: hh.id,
        channel: 'cadre_visit',
        summary: '户主务工受伤，收入骤减',
      })
      walk.caseId = id
      const act = (who, step) => who('POST', `api/cases/${id}/actions`, { step })
      await act(village, { action: 'accept', note: '' })
      await act(village, { action: 'verify', visited_on: DAY1, consent_signed: true, findings: '情况属实' })
      await act(county, { action: 'compare', flags: [], conclusion: '比对无异常' })
      await act(village, {
        action: 'review',
        held_on: DAY1,
        place: '村委会二楼会议室',
        attendees: ['村党支部书记 刘强', '村民代表 陈秀兰', '驻村第一书记 周明'],
        votes_for: 12,
        votes_against: 1,
        passed: true,
        minutes: '与会人员一致认为该户因意外事故收入骤减，同意纳入监测对象。',
      })

      // A monitored household of the county, risk not eliminated, with a measure on record.
      const monitored = await admin('GET', 'api/households?monitor_category=1&page_size=100')
      walk.card = monitored.items.find((h) => h.risk_eliminated === false)
      assert.ok(walk.card, 'a monitored household at risk in the demo county')
      const assistance = await admin('GET', `api/households/${walk.card.id}/assistance`)
      walk.cadre = assistance.responsible?.name ?? '待确定'
      await admin('POST', `api/households/${walk.card.id}/measures`, {
        category: '健康',
        kind: '保障',
        name: walk.measure,
        target_risk: '01',
        started_on: '2026-05-10',
        amount_fen: 150000,
      })
    },
    { timeout: 60_000 },
  )

  test('village operator: 公示名单 from the 监测对象 list, 评议记录 from the case page', async () => {
    await withPage(ctx.browser, DESKTOP, 'print-notice', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, accounts.village, { target: '/cases' })
      await page.locator('[data-testid="cases-title"]').waitFor()
      await page.locator('[data-testid="print-menu-button"]').click()
      const tab = await popup(page, () => page.locator('[data-testid="print-notice-identification"]').click())
      const tabErrors = []
      tab.on('pageerror', (e) => tabErrors.push(e.message))

      const sheet = tab.locator('[data-testid="print-list"]')
      await sheet.waitFor()
      assert.match(tab.url(), /#\/print\/notice\?/)
      assert.match(await tab.locator('[data-testid="print-title"]').innerText(), /拟纳入监测对象公示$/)
      // No menu or top bar around the document.
      assert.equal(await tab.locator('[data-testid="app-header"]').count(), 0)
      const row = tab.locator(`[data-testid="print-row"][data-household="${walk.household.household_no}"]`)
      const text = await row.innerText()
      assert.ok(text.includes(walk.household.head_name), `户主 in ${text}`)
      assert.match(text, /\*{8}/, 'the ID number is masked')
      assert.match(text, /2026年6月1日至2026年6月6日/, '公示期 from the case')
      const all = await sheet.innerText()
      assert.doesNotMatch(all, FULL_ID, 'no full ID number on the notice')
      assert.match(all, /户主姓名[\s\S]*户编号[\s\S]*证件号码[\s\S]*家庭人口[\s\S]*拟识别类型[\s\S]*主要风险[\s\S]*公示期/)
      assert.match(await tab.locator('[data-testid="print-objection"]').innerText(), /如有异议[\s\S]*12317/)
      assert.equal(await tab.locator('[data-testid="print-button"]').isEnabled(), true)
      await tab.screenshot({ path: artifactPath('print-notice.png'), fullPage: true })

      // The other kind has its own title and, today, nobody on it.
      await tab.locator('[data-testid="print-kind"]').getByText('拟风险消除').click()
      await tab.locator('[data-testid="print-list"][data-kind="elimination"]').waitFor()
      assert.match(await tab.locator('[data-testid="print-title"]').innerText(), /拟风险消除公示$/)
      await tab.locator('[data-testid="print-empty"]').waitFor()

      // On paper: no toolbar, an A4 sheet per document.
      await tab.emulateMedia({ media: 'print' })
      assert.equal(await tab.locator('[data-testid="print-toolbar"]').isVisible(), false)
      assert.equal(await tab.locator('.print-sheet').count(), 1)
      assert.deepEqual(tabErrors, [], 'no uncaught errors in the print tab')
      await tab.close()

      // 评议记录 of the case, as entered.
      await page.goto(`${ctx.server.baseUrl}/#/cases/${walk.caseId}`)
      await page.locator('[data-testid="case-title"]').waitFor()
      const minutes = await popup(page, () => page.locator('[data-testid="open-print-minutes"]').click())
      await minutes.locator('[data-testid="print-minutes"]').waitFor()
      assert.match(await minutes.locator('[data-testid="print-title"]').innerText(), /民主评议会议记录/)
      assert.equal((await minutes.locator('[data-testid="minutes-date"]').innerText()).trim(), '2026年6月1日')
      assert.equal((await minutes.locator('[data-testid="minutes-place"]').innerText()).trim(), '村委会二楼会议室')
      assert.match(await minutes.locator('[data-testid="minutes-attendees"]').innerText(), /刘强[\s\S]*共 3 人/)
      assert.match(await minutes.locator('[data-testid="minutes-votes"]').innerText(), /赞成 12 票，反对 1 票/)
      assert.match(await minutes.locator('[data-testid="minutes-result"]').innerText(), /通过/)
      assert.match(await minutes.locator('[data-testid="minutes-text"]').innerText(), /同意纳入监测对象/)
      assert.ok((await minutes.locator('[data-testid="minutes-signatures"] td').count()) >= 10, 'lines to sign')
      await minutes.screenshot({ path: artifactPath('print-minutes.png'), fullPage: true })
      await minutes.close()
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('county administrator: 明白卡 from the household page, and the batch of a village', async () => {
    await withPage(ctx.browser, DESKTOP, 'print-card', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, accounts.admin, { target: `/households/${walk.card.id}` })
      await page.locator('[data-testid="household-title"]').waitFor()
      const tab = await popup(page, () => page.locator('[data-testid="open-print-card"]').click())
      const card = tab.locator('[data-testid="print-card"]')
      await card.waitFor()
      assert.equal(await card.count(), 1)
      assert.equal((await tab.locator('[data-testid="print-title"]').innerText()).trim(), '防止返贫监测户明白卡')
      assert.equal((await card.locator('[data-testid="card-head"]').innerText()).trim(), walk.card.head_name)
      assert.match(await card.locator('[data-testid="card-members"]').innerText(), new RegExp(`^${walk.card.current_size} 人`))
      assert.ok((await card.locator('[data-testid="card-category"]').innerText()).trim().length > 0, '监测对象类别')
      assert.ok((await card.locator('[data-testid="card-risks"]').innerText()).trim().length > 0, '致贫返贫风险')
      // The 帮扶责任人 on record, or 待确定 while nobody is named.
      assert.ok((await card.locator('[data-testid="card-cadre"]').innerText()).trim().startsWith(walk.cadre))
      const measure = await card.locator('[data-testid="card-measure"]', { hasText: walk.measure }).innerText()
      assert.match(measure, /1,500\.00/, 'the amount in 元')
      assert.match(measure, /2026年5月10日/)
      assert.match(await card.locator('[data-testid="card-hotline"]').innerText(), /12317/)
      const criteria = await card.locator('[data-testid="card-criteria"] li').allInnerTexts()
      assert.ok(criteria.length >= 5, 'the elimination criteria')
      assert.ok(criteria.some((c) => /满6个月/.test(c)), criteria.join('\n'))
      assert.doesNotMatch(await card.innerText(), FULL_ID)
      await tab.screenshot({ path: artifactPath('print-card.png'), fullPage: true })
      await tab.close()

      // Every monitored household of the village, one A4 page each.
      const village = walk.card.area_code
      await page.goto(`${ctx.server.baseUrl}/#/print/cards?area=${village}`)
      await page.locator('[data-testid="print-document"]').waitFor()
      const cards = page.locator('[data-testid="print-card"]')
      const n = await cards.count()
      assert.ok(n >= 1, 'cards of the village')
      await page.emulateMedia({ media: 'print' })
      const breaks = await cards.evaluateAll((els) => els.map((e) => getComputedStyle(e).breakAfter))
      assert.deepEqual(breaks.slice(0, -1), Array(n - 1).fill('page'), 'a page break after each card')
      assert.equal(await page.locator('[data-testid="print-toolbar"]').isVisible(), false)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })
})
