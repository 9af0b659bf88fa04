// 监测对象 identification, walked through the UI by each level in turn: the village operator opens
// a lead and does the village steps, the county approver compares and approves, the township
// reviewer reviews and announces. The demo server runs on a fixed clock (FANGPIN_DEMO_NOW) and is
// restarted at a later moment for the end of the 5-day 公示, which cannot be closed the same day.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  artifactPath,
  demoAccount,
  eventually,
  launchBrowser,
  login,
  startServer,
  withPage,
} from '../lib/harness.mjs'

/** A Monday well away from public holidays; China time. */
const DAY1 = '2026-06-01'
const at = (day) => `${day}T10:00:00+08:00`

let server
let browser
let accounts
/** The case walked through the tests, and its household. */
const walk = { caseId: null, household: null, noticeUntil: null }

before(
  async () => {
    server = await startServer({ env: { FANGPIN_DEMO_NOW: at(DAY1) } })
    browser = await launchBrowser()
    accounts = {
      village: await demoAccount(server.baseUrl, '村级/驻村工作队'),
      township: await demoAccount(server.baseUrl, '乡镇审核'),
      county: await demoAccount(server.baseUrl, '县级审定'),
    }
  },
  { timeout: 180_000 },
)

after(async () => {
  await browser?.close()
  await server?.stop()
})

const DESKTOP = { viewport: { width: 1440, height: 900 } }

/** A page whose browser clock agrees with the server's fixed day (date pickers default to today). */
async function asUser(name, account, day, target, fn) {
  await withPage(browser, DESKTOP, name, async (page, errors) => {
    await page.clock.setFixedTime(new Date(at(day)))
    await login(page, server.baseUrl, account, { target })
    await fn(page, errors)
  })
}

async function openCase(page) {
  await page.goto(`${server.baseUrl}/#/cases/${walk.caseId}`)
  await page.locator('[data-testid="case-title"]').waitFor()
}

async function stateIs(page, label) {
  await eventually(async () => (await page.locator('[data-testid="case-state-tag"]').innerText()).trim() === label, {
    what: `state ${label}`,
  })
}

async function submitStep(page) {
  await page.locator('[data-testid="step-submit"]').click()
}

async function stepError(page) {
  const err = page.locator('[data-testid="step-error"]')
  await err.waitFor()
  return (await err.innerText()).trim()
}

/** Picks the first visible option of an Element Plus select. */
async function pickFirst(page, selectTestId) {
  // A select picked just before may still be fading out: its options would match first.
  await page.waitForFunction(
    () => ![...document.querySelectorAll('.el-select-dropdown__item')].some((e) => e.offsetParent !== null),
  )
  await page.locator(`[data-testid="${selectTestId}"]`).click()
  await page.locator('.el-select-dropdown__item:visible').first().click()
}

describe('monitoring cases', { timeout: 600_000 }, () => {
  test('village operator: 工作台 first, a lead from the 监测对象 page, 受理 and 入户核实', async () => {
    await asUser('cases-village', accounts.village, DAY1, '/', async (page, { pageErrors }) => {
      // A workflow role lands on the 工作台, the first menu entry.
      await page.locator('[data-testid="workbench-page"]').waitFor()
      const menu = await page.locator('.app-aside [data-testid="app-menu"]').innerText()
      assert.ok(menu.trim().startsWith('工作台'), `工作台 first in the menu: ${menu}`)
      for (const u of ['on_track', 'due_soon', 'overdue', 'escalated']) {
        await page.locator(`[data-testid="count-${u}"]`).waitFor()
      }

      // A household of the operator's village that is not monitored yet.
      const list = await page.evaluate(async () => (await fetch('api/households?page_size=100')).json())
      const hh = list.items.find((h) => h.monitor_category === null)
      assert.ok(hh, 'a household without a monitoring category')
      walk.household = hh

      await page.locator('[data-testid="app-menu"]').getByText('监测对象').click()
      await page.locator('[data-testid="cases-title"]').waitFor()
      await page.locator('[data-testid="new-lead"]').click()
      const dialog = page.locator('[data-testid="lead-dialog"]')
      await dialog.waitFor()
      // Nothing is sent without a household.
      await page.locator('[data-testid="lead-submit"]').click()
      assert.match(await page.locator('[data-testid="lead-error"]').innerText(), /请选择农户/)

      await page.locator('[data-testid="lead-household"] input').fill(hh.household_no)
      await page.locator('.el-select-dropdown__item:visible', { hasText: hh.household_no }).click()
      await page.locator('[data-testid="lead-channel"]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '农户自主申报' }).click()
      await page.locator('[data-testid="lead-green"]').click()
      await page.locator('[data-testid="lead-summary"]').fill('户主突发脑梗住院，自付医疗费用约4万元')
      await page.locator('[data-testid="lead-reporter"]').fill(hh.head_name)
      await page.locator('[data-testid="lead-evidence"]').fill('住院发票、出院小结')
      await page.locator('[data-testid="lead-submit"]').click()

      // The new case opens.
      await page.locator('[data-testid="case-title"]').waitFor()
      walk.caseId = Number(/#\/cases\/(\d+)/.exec(page.url())[1])
      await stateIs(page, '线索待受理')
      assert.match(await page.locator('[data-testid="case-title"]').innerText(), new RegExp(hh.head_name))
      await page.locator('[data-testid="case-green"]').waitFor()
      assert.match(await page.locator('[data-testid="case-info"]').innerText(), /农户自主申报|户主突发脑梗/)
      assert.equal(await page.locator('[data-testid="case-step-due"] .due').count(), 1, 'a coloured step due date')

      // The 工作台 lists the new lead (a village step).
      await page.locator('[data-testid="app-menu"]').getByText('工作台').click()
      const bench = page.locator('[data-testid="workbench-list"]')
      await bench.locator('[data-testid="case-link"]', { hasText: new RegExp(`^\\s*${walk.caseId}\\s*$`) }).waitFor()
      assert.match(await bench.innerText(), /线索待受理/)
      await page.locator('[data-testid="urgency-tag"]').first().waitFor()
      await page.screenshot({ path: artifactPath('workbench.png'), fullPage: true })
      await bench.locator('[data-testid="case-link"]', { hasText: new RegExp(`^\\s*${walk.caseId}\\s*$`) }).click()

      // 受理.
      await page.locator('[data-testid="step-form"][data-state="lead"]').waitFor()
      await page.locator('[data-testid="step-note"]').fill('情况属实，予以受理')
      await submitStep(page)
      await stateIs(page, '入户核实')

      // 入户核实 without the signed 承诺授权书 is refused with the server's reason.
      await page.locator('[data-testid="step-form"][data-state="verifying"]').waitFor()
      await page.locator('[data-testid="step-findings"]').fill('入户查看住院材料，家庭收入骤减')
      await submitStep(page)
      assert.match(await stepError(page), /未签署承诺授权书/)
      await page.locator('[data-testid="step-consent"]').click()
      await submitStep(page)
      await stateIs(page, '信息比对')

      // 信息比对 is the county's: no form here.
      assert.equal(await page.locator('[data-testid="step-form"]').count(), 0)
      assert.match(await page.locator('[data-testid="step-not-mine"]').innerText(), /县级/)
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('county approver: 信息比对', async () => {
    assert.ok(walk.caseId, 'a case from the previous test')
    await asUser('cases-compare', accounts.county, DAY1, `/cases/${walk.caseId}`, async (page) => {
      await page.locator('[data-testid="step-form"][data-state="comparing"]').waitFor()
      await page.locator('[data-testid="step-flags"]').fill('名下无车辆\n无工商注册信息')
      await page.locator('[data-testid="step-conclusion"]').fill('比对无异常')
      await submitStep(page)
      await stateIs(page, '民主评议')
    })
  })

  test('township reviewer sees no form on a village step', async () => {
    await asUser('cases-township-view', accounts.township, DAY1, `/cases/${walk.caseId}`, async (page) => {
      await stateIs(page, '民主评议')
      await page.locator('[data-testid="step-not-mine"]').waitFor()
      assert.match(await page.locator('[data-testid="step-not-mine"]').innerText(), /村级/)
      assert.equal(await page.locator('[data-testid="step-form"]').count(), 0)
    })
  })

  test('village operator: 民主评议, then 公示 cannot close on the same day', async () => {
    await asUser('cases-review', accounts.village, DAY1, `/cases/${walk.caseId}`, async (page) => {
      await page.locator('[data-testid="step-form"][data-state="reviewing"]').waitFor()
      await page.locator('[data-testid="step-attendees"]').fill('王书记（村党支部书记）\n李主任（村委会主任）\n张代表（村民代表）')
      await page.locator('[data-testid="step-votes-for"] input').fill('7')
      await page.locator('[data-testid="step-votes-for"] input').press('Tab')
      await page.locator('[data-testid="step-votes-against"] input').fill('1')
      await page.locator('[data-testid="step-votes-against"] input').press('Tab')
      await page.locator('[data-testid="step-minutes"]').fill('经评议，同意纳入监测对象')
      await submitStep(page)
      await stateIs(page, '村内公示')

      const period = await page.locator('[data-testid="step-notice-period"]').innerText()
      const days = period.match(/\d{4}-\d{2}-\d{2}/g)
      assert.equal(days?.length, 2, `公示期 from and until: ${period}`)
      assert.equal(days[0], DAY1)
      assert.ok(days[1] > DAY1, `the 公示 lasts: ${period}`)
      walk.noticeUntil = days[1]

      await submitStep(page)
      assert.match(await stepError(page), new RegExp(`公示期未满：${walk.noticeUntil}起方可结束公示`))
      await stateIs(page, '村内公示')
      await page.screenshot({ path: artifactPath('case-notice.png'), fullPage: true })
    })
  })

  test('after the 公示 period: 结束公示, 乡镇审核, 县级审定 and 公告 by their levels', async () => {
    assert.ok(walk.noticeUntil, 'the end of the 公示 from the previous test')
    // The same database, later: the server's clock moves to the first day the 公示 may close.
    await server.stop({ keep: true })
    server = await startServer({ dir: server.dir, env: { FANGPIN_DEMO_NOW: at(walk.noticeUntil) } })
    const day = walk.noticeUntil

    await asUser('cases-close-notice', accounts.village, day, `/cases/${walk.caseId}`, async (page) => {
      await page.locator('[data-testid="step-form"][data-state="notice"]').waitFor()
      await submitStep(page)
      await stateIs(page, '乡镇审核')
    })

    await asUser('cases-township', accounts.township, day, `/cases/${walk.caseId}`, async (page) => {
      await page.locator('[data-testid="step-form"][data-state="township_review"]').waitFor()
      await page.locator('[data-testid="step-opinion"]').fill('经审核，程序完备，同意上报')
      await submitStep(page)
      await stateIs(page, '县级审定')
    })

    await asUser('cases-county', accounts.county, day, `/cases/${walk.caseId}`, async (page) => {
      await page.locator('[data-testid="step-form"][data-state="county_approval"]').waitFor()
      const category = page.locator('[data-testid="step-category"]')
      if ((await category.locator('.el-select__selected-item:not(.is-hidden) span').count()) === 0 ||
          /请选择/.test(await category.innerText())) {
        await pickFirst(page, 'step-category')
      }
      const risks = page.locator('[data-testid="step-risks"] .el-tag')
      if ((await risks.count()) === 0) {
        await pickFirst(page, 'step-risks')
        await page.keyboard.press('Escape')
      }
      await page.locator('[data-testid="step-opinion"]').fill('同意纳入监测对象')
      await submitStep(page)
      await stateIs(page, '待公告')
    })

    await asUser('cases-announce', accounts.township, day, `/cases/${walk.caseId}`, async (page, { pageErrors }) => {
      await page.locator('[data-testid="step-form"][data-state="approved"]').waitFor()
      await submitStep(page)
      await stateIs(page, '监测中（风险未消除）')

      // Every step is in the 办理记录, by whom, in order.
      const events = page.locator('[data-testid="case-event"]')
      await eventually(async () => (await events.count()) === 9, { what: 'nine ledger entries' })
      const actions = await events.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))
      assert.deepEqual(actions, [
        'open', 'accept', 'verify', 'compare', 'review', 'close_notice', 'approve', 'approve', 'announce',
      ])
      const history = await page.locator('[data-testid="case-history"]').innerText()
      for (const who of [accounts.village.username, accounts.township.username, accounts.county.username]) {
        assert.ok(history.includes(who), `${who} in the ledger`)
      }
      assert.match(history, /赞成票\s*7/)
      assert.match(history, /公示结束/)
      assert.ok(history.includes(`${day}`) || history.includes(day.slice(5)), 'the later day in the ledger')
      await page.screenshot({ path: artifactPath('case.png'), fullPage: true })

      // The household is now a monitoring object; its page lists the case.
      await page.locator('[data-testid="case-household-link"]').click()
      const panel = page.locator('[data-testid="section-assessment"]')
      await panel.waitFor()
      await panel.locator('[data-testid="case-link"]', { hasText: String(walk.caseId) }).waitFor()
      assert.match(await panel.innerText(), /监测中/)
      assert.match(await page.locator('[data-testid="section-basic"]').innerText(), /风险未消除/)
      await page.locator('[data-testid="assessment-trace"]').waitFor()
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('household page: 监测研判 trace and 登记风险线索 prefilled with the household', async () => {
    await asUser('cases-household', accounts.village, walk.noticeUntil ?? DAY1, '/households', async (page, { pageErrors }) => {
      const other = (await page.evaluate(async () => (await fetch('api/households?page_size=100')).json())).items.find(
        (h) => h.id !== walk.household?.id,
      )
      await page.goto(`${server.baseUrl}/#/households/${other.id}`)
      const panel = page.locator('[data-testid="section-assessment"]')
      await panel.waitFor()
      const trace = page.locator('[data-testid="assessment-trace"]')
      await trace.waitFor()
      const text = await trace.innerText()
      for (const h of ['规则', '是否触发', '取值', '阈值', '参数来源', '依据']) assert.ok(text.includes(h), `trace column ${h}`)
      assert.match(text, /人均纯收入/)
      assert.match(text, /县级参数 500230/)
      await page.locator('[data-testid="assessment-category"]').waitFor()

      await page.locator('[data-testid="open-lead"]').click()
      await page.locator('[data-testid="lead-dialog"]').waitFor()
      assert.match(await page.locator('[data-testid="lead-household-fixed"]').innerText(), new RegExp(other.household_no))
      await page.screenshot({ path: artifactPath('household-assessment.png'), fullPage: true })
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('规则与参数: what-if with a higher line, per-township chart, and the calendar', async () => {
    const admin = await demoAccount(server.baseUrl, '县级管理员')
    await asUser('rules', admin, walk.noticeUntil ?? DAY1, '/rules', async (page, { pageErrors }) => {
      await page.locator('[data-testid="rules-page"]').waitFor()
      await page.locator('[data-testid="whatif-line"] input').fill('12000')
      await page.locator('[data-testid="whatif-line"] input').press('Tab')
      await page.locator('[data-testid="whatif-run"]').click()
      await page.locator('[data-testid="whatif-counts"]').waitFor()
      const entering = Number((await page.locator('[data-testid="whatif-entering"]').innerText()).replaceAll(',', ''))
      assert.ok(entering > 0, `a higher line brings households in (${entering})`)
      assert.match(await page.locator('[data-testid="whatif-lines"]').innerText(), /12,000\.00 元/)
      assert.match(await page.locator('[data-testid="whatif-timing"]').innerText(), /载入 \d+ ms · 测算 \d+ ms/)
      await page.locator('[data-testid="whatif-chart"] canvas').waitFor()
      await page.locator('[data-testid="whatif-households"] .el-table__body-wrapper tbody tr a').first().waitFor()

      const cal = page.locator('[data-testid="calendar-table"]')
      await cal.locator('.el-table__body-wrapper tbody tr').first().waitFor()
      const calText = await cal.innerText()
      assert.match(calText, /国庆节/)
      assert.match(calText, /休/)
      assert.match(await page.locator('[data-testid="calendar-working-days"]').innerText(), /共 2\d\d 个工作日/)
      await page.screenshot({ path: artifactPath('rules.png'), fullPage: true })
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })

  test('mobile 360 px: 工作台, 监测对象 and the case page fit the screen', async () => {
    const viewport = { width: 360, height: 780 }
    await withPage(browser, { viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, 'cases-mobile', async (page) => {
      const fits = async (what) => {
        const w = await page.evaluate(() => document.documentElement.scrollWidth)
        assert.ok(w <= viewport.width + 2, `${what}: documentElement.scrollWidth ${w} > ${viewport.width}`)
      }
      await login(page, server.baseUrl, accounts.village, { target: '/workbench' })
      await page.locator('[data-testid="workbench-counts"]').waitFor()
      await fits('工作台')
      await page.goto(`${server.baseUrl}/#/cases`)
      await page.locator('[data-testid="cases-list"][data-loading="false"]').waitFor()
      await fits('监测对象')
      await page.goto(`${server.baseUrl}/#/cases/${walk.caseId}`)
      await page.locator('[data-testid="case-timeline"]').waitFor()
      await fits('案件')
      await page.screenshot({ path: artifactPath('case-mobile.png'), fullPage: true })
    })
  })
})
