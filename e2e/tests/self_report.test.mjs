// 农户自主申报 at 360 px: a household member files a report on the public form (no login,
// reached from the login page's 申报入口), a wrong ID check digit is refused with the server's
// message, the receipt is followed by its number and the ID's last four; then the township
// reviewer opens it from 自主申报, the applicant is matched to the registered household by the
// ID number, 受理 opens a lead of channel 农户自主申报, and the applicant sees 已受理.
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { artifactPath, demoAccount, eventually, login, useServerAndBrowser, withPage } from '../lib/harness.mjs'

/** A Monday away from public holidays; China time. Two working days later is Wednesday. */
const DAY = '2026-06-01'
const NOW = `${DAY}T10:00:00+08:00`

const ctx = useServerAndBrowser({ env: { FANGPIN_DEMO_NOW: NOW } })
let township
/** The applicant: a registered member of a household in the township, with the full ID. */
const applicant = { name: null, id: null, householdNo: null, headName: null, township: null, village: null }
const filed = { receipt: null }

/** Signs in over the API: { cookie, csrf }. */
async function apiLogin(username, password) {
  const resp = await fetch(`${ctx.server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  assert.equal(resp.status, 200, `login ${username}`)
  const cookie = resp.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await resp.json()
  return { cookie, csrf }
}

async function apiCall(session, method, path) {
  const resp = await fetch(`${ctx.server.baseUrl}${path}`, {
    method,
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
  })
  assert.equal(resp.status, 200, `${method} ${path}`)
  return resp.json()
}

/**
 * The township reviewer's account, a household of their township without a case, and one
 * member's full ID (revealed by the county administrator, whose reveals are audited).
 */
async function findApplicant() {
  township = await demoAccount(ctx.server.baseUrl, '乡镇审核')
  const mine = await apiLogin(township.username, township.password)
  const list = await apiCall(mine, 'GET', '/api/households?page_size=100')
  const hh = list.items.find((h) => h.monitor_category === null)
  assert.ok(hh, 'a household without a monitoring category')
  const admin = await demoAccount(ctx.server.baseUrl, '县级管理员')
  const ids = await apiCall(await apiLogin(admin.username, admin.password), 'POST', `/api/households/${hh.id}/reveal`)
  // A member who is not the 户主, when the household has one.
  const member = ids.members.find((m) => m.id_number !== ids.head_id) ?? ids.members[0]
  Object.assign(applicant, {
    name: member.name,
    id: member.id_number,
    householdNo: hh.household_no,
    headName: hh.head_name,
    township: township.area_name,
    village: hh.area_name,
  })
}

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }

async function noOverflow(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 360, `${what}: no horizontal overflow at 360 px (scrollWidth ${width})`)
}

/** Picks the option named exactly `text` of an Element Plus select. */
async function choose(page, testId, text) {
  await page.locator(`[data-testid="${testId}"]`).click()
  const exact = new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`)
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: exact }).first().click()
}

describe('农户自主申报', { timeout: 600_000 }, () => {
  before(findApplicant, { timeout: 60_000 })

  test('public form at 360 px: refused ID, receipt, follow-up', async () => {
    await withPage(ctx.browser, PHONE, 'self-report-public', async (page) => {
      await page.clock.setFixedTime(new Date(NOW))
      // From the login page's 申报入口, without logging in.
      await page.goto(`${ctx.server.baseUrl}/#/login`)
      await page.locator('[data-testid="report-entry"]').click()
      await page.locator('[data-testid="report-form"]').waitFor()
      assert.equal(await page.locator('[data-testid="user-menu"]').count(), 0, 'no session')
      await noOverflow(page, 'report form')

      await page.locator('[data-testid="report-name"]').fill(applicant.name)
      // One wrong check digit first.
      const last = applicant.id.slice(-1)
      const wrong = applicant.id.slice(0, 17) + (last === '1' ? '2' : '1')
      await page.locator('[data-testid="report-id"]').fill(wrong)
      await page.locator('[data-testid="report-phone"]').fill('13800138000')
      await choose(page, 'report-township', applicant.township)
      await choose(page, 'report-village', applicant.village)
      await page.locator('[data-testid="report-relation-member"]').click()
      await page.locator('[data-testid="report-hardship-illness"]').click()
      await page.locator('[data-testid="report-description"]').fill('丈夫突发脑梗住院，自付医疗费约4万元，家中收入骤减。')
      // Without the 承诺授权 nothing is sent.
      await page.locator('[data-testid="report-submit"]').click()
      assert.match(await page.locator('[data-testid="report-error"]').innerText(), /承诺授权/)
      await page.locator('[data-testid="report-consent"]').click()
      await page.locator('[data-testid="report-submit"]').click()
      await eventually(
        async () => /身份证号码：证件号码校验位错误/.test(await page.locator('[data-testid="report-error"]').innerText()),
        { what: 'the server refuses the check digit' },
      )
      await noOverflow(page, 'report form with an error')
      await page.screenshot({ path: artifactPath('self-report-form.png'), fullPage: true })

      await page.locator('[data-testid="report-id"]').fill(applicant.id)
      await page.locator('[data-testid="report-submit"]').click()
      const receipt = page.locator('[data-testid="report-receipt"]')
      await receipt.waitFor()
      filed.receipt = (await page.locator('[data-testid="receipt-no"]').innerText()).trim()
      assert.match(filed.receipt, /^20260601-\d{6}$/)
      assert.match(await page.locator('[data-testid="receipt-due"]').innerText(), /2026年6月3日前/)
      assert.match(await receipt.innerText(), /入户核实/)
      await noOverflow(page, 'receipt')
      await page.screenshot({ path: artifactPath('self-report-receipt.png'), fullPage: true })

      // Follow it: the receipt number is filled in, the ID's last four are asked for.
      await page.locator('[data-testid="receipt-follow"]').click()
      assert.equal(await page.locator('[data-testid="status-receipt"]').inputValue(), filed.receipt)
      await page.locator('[data-testid="status-last4"]').fill('0000' === applicant.id.slice(-4) ? '1111' : '0000')
      await page.locator('[data-testid="status-submit"]').click()
      assert.match(await page.locator('[data-testid="status-error"]').innerText(), /未找到该申报/)
      await page.locator('[data-testid="status-last4"]').fill(applicant.id.slice(-4))
      await page.locator('[data-testid="status-submit"]').click()
      await page.locator('[data-testid="status-result"]').waitFor()
      assert.equal((await page.locator('[data-testid="status-label"]').innerText()).trim(), '待受理')
    })
  })

  test('township reviewer at 360 px: matched household, 受理 opens a lead', async () => {
    assert.ok(filed.receipt, 'a report was filed')
    await withPage(ctx.browser, PHONE, 'self-report-township', async (page) => {
      await page.clock.setFixedTime(new Date(NOW))
      await login(page, ctx.server.baseUrl, township, { target: '/self-reports' })
      await page.locator('[data-testid="self-reports-page"]').waitFor()
      // The 工作台 has its section for reports (this one is not due soon yet).
      const row = page.locator('.report-row', { hasText: filed.receipt })
      await row.waitFor()
      assert.match(await row.innerText(), new RegExp(applicant.name))
      assert.doesNotMatch(await row.innerText(), new RegExp(applicant.id), 'the ID is masked')
      await noOverflow(page, 'inbox')
      await row.click()

      const dialog = page.locator('[data-testid="report-dialog"]')
      await dialog.waitFor()
      assert.match(await dialog.innerText(), /丈夫突发脑梗住院/)
      // Matched by the ID number: the household is offered and chosen.
      const match = page.locator('[data-testid="report-match"]')
      assert.match(await match.innerText(), new RegExp(applicant.householdNo))
      assert.ok(await match.locator('input').isChecked(), 'the matched household is preselected')
      // The full phone on request.
      await page.locator('[data-testid="report-phone-reveal"]').click()
      await eventually(async () => (await page.locator('[data-testid="report-phone-shown"]').innerText()).includes('13800138000'), {
        what: 'the revealed phone',
      })
      await page.screenshot({ path: artifactPath('self-report-dialog.png'), fullPage: true })
      await page.locator('[data-testid="report-accept"]').click()

      // The new case opens: a lead of channel 农户自主申报 for the household.
      await page.locator('[data-testid="case-title"]').waitFor()
      const caseId = Number(/#\/cases\/(\d+)/.exec(page.url())[1])
      assert.ok(caseId > 0)
      await eventually(async () => (await page.locator('[data-testid="case-state-tag"]').innerText()).trim() === '线索待受理', {
        what: 'state 线索待受理',
      })
      assert.match(await page.locator('[data-testid="case-title"]').innerText(), new RegExp(applicant.headName))
      const info = await page.locator('[data-testid="case-info"]').innerText()
      assert.match(info, /农户自主申报/)
      await noOverflow(page, 'case page')

      // The 工作台 shows the section; the report is no longer pending.
      await page.goto(`${ctx.server.baseUrl}/#/workbench`)
      await page.locator('[data-testid="workbench-self-reports"]').waitFor()
      await page.goto(`${ctx.server.baseUrl}/#/self-reports?status=accepted`)
      await page.locator('.report-row', { hasText: filed.receipt }).waitFor()
    })

    // The applicant now reads 已受理.
    await withPage(ctx.browser, PHONE, 'self-report-followup', async (page) => {
      await page.goto(`${ctx.server.baseUrl}/#/report`)
      await page.locator('[data-testid="report-form"]').waitFor()
      await page.getByRole('tab', { name: '查询进度' }).click()
      await page.locator('[data-testid="status-receipt"]').fill(filed.receipt)
      await page.locator('[data-testid="status-last4"]').fill(applicant.id.slice(-4))
      await page.locator('[data-testid="status-submit"]').click()
      await page.locator('[data-testid="status-result"]').waitFor()
      assert.equal((await page.locator('[data-testid="status-label"]').innerText()).trim(), '已受理')
    })
  })
})
