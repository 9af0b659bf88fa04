// 走访 at 360 px on a phone (touch): the village cadre finds a household of the village by its
// 户编号, records a visit that found illness and a fall in income, and turns it into a lead with
// one tap; a photo (a small PNG file given to the phone's 拍照 input) is uploaded with the visit and
// shows as a thumbnail served by the API; the case (channel 干部排查) opens and is listed among the village's cases. The visit
// shows on the household page and in 我的走访; the campaign tab shows the demo's running
// 集中排查 with the village's progress and who is left to visit. No page overflows horizontally at 360 px.
// The cadre removes the photo again with a reason. The county administrator draws the running
// campaign's list again and reads how many were added and removed.
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { artifactPath, demoAccount, eventually, login, useServerAndBrowser, withPage } from '../lib/harness.mjs'

const NOW = '2026-06-01T10:00:00+08:00'
const ctx = useServerAndBrowser({ env: { FANGPIN_DEMO_NOW: NOW } })
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }

let cadre
/** A household of the cadre's village that is not a monitoring object. */
const target = { id: null, no: null, head: null }

async function apiLogin(username, password) {
  const resp = await fetch(`${ctx.server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  assert.equal(resp.status, 200, `login ${username}`)
  const cookie = resp.headers.get('set-cookie').split(';')[0]
  return { cookie }
}

async function apiGet(session, path) {
  const resp = await fetch(`${ctx.server.baseUrl}${path}`, { headers: { cookie: session.cookie } })
  assert.equal(resp.status, 200, `GET ${path}`)
  return resp.json()
}

/** A 1×1 PNG written to a file, as a phone's camera would hand over a picture. */
function photoFile() {
  const dir = mkdtempSync(join(tmpdir(), 'fangpin-visit-photo-'))
  const path = join(dir, '后墙裂缝.png')
  const png =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
  writeFileSync(path, Buffer.from(png, 'base64'))
  return path
}

/** Every thumbnail under `root` has loaded an image from the server. */
async function thumbnailsLoaded(root, what) {
  const img = root.locator('[data-testid="visit-photo"]').first()
  await img.waitFor()
  await eventually(async () => (await img.evaluate((el) => el.complete && el.naturalWidth > 0)), { what })
  assert.match(await img.getAttribute('src'), /^api\/visits\/\d+\/photos\/\d+$/)
}

async function noOverflow(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 360, `${what}: no horizontal overflow at 360 px (scrollWidth ${width})`)
}

/** Every visible button and text box of the form is at least 44 px high. */
async function touchTargets(page) {
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="visit-form"] button, [data-testid="visit-form"] .el-input__wrapper')]
      .filter((el) => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 44)
      .map((el) => `${el.textContent.trim() || el.className}: ${el.getBoundingClientRect().height}px`),
  )
  assert.deepEqual(small, [], 'touch targets of at least 44 px')
}

describe('走访', { timeout: 600_000 }, () => {
  before(
    async () => {
      cadre = await demoAccount(ctx.server.baseUrl, '村级/驻村工作队')
      const s = await apiLogin(cadre.username, cadre.password)
      const list = await apiGet(s, '/api/households?page_size=100')
      const hh = list.items.find((h) => h.monitor_category === null)
      assert.ok(hh, 'a household of the village that is not monitored')
      Object.assign(target, { id: hh.id, no: hh.household_no, head: hh.head_name })
    },
    { timeout: 60_000 },
  )

  test('village cadre at 360 px records a visit and raises a lead from it', async () => {
    await withPage(ctx.browser, PHONE, 'visits-record', async (page) => {
      await page.clock.setFixedTime(new Date(NOW))
      await login(page, ctx.server.baseUrl, cadre, { target: '/visits' })
      const form = page.locator('[data-testid="visit-form"]')
      await form.waitFor()
      await noOverflow(page, 'visit form')
      await touchTargets(page)
      // The day defaults to the server's today.
      assert.equal(await page.locator('[data-testid="visit-date"] input').inputValue(), '2026-06-01')

      await page.locator('[data-testid="visit-search"]').fill(target.no)
      const result = page.locator('[data-testid="visit-result"]').first()
      await result.waitFor()
      assert.match(await result.innerText(), new RegExp(target.head))
      await result.tap()
      assert.match(await page.locator('[data-testid="visit-picked"]').innerText(), new RegExp(target.no))
      await page.locator('[data-testid="visit-kind-home"]').tap()
      await page.locator('[data-testid="visit-findings"]').fill('户主突发脑梗住院，自付医疗费较高，妻子辞工照顾，家庭收入骤减。')
      await page.locator('[data-testid="visit-flag-illness"]').tap()
      await page.locator('[data-testid="visit-flag-income_drop"]').tap()
      // The 拍照 input takes pictures from the camera (capture) and only images.
      const input = page.locator('[data-testid="visit-photo-input"]')
      assert.equal(await input.getAttribute('accept'), 'image/*')
      assert.notEqual(await input.getAttribute('capture'), null)
      await input.setInputFiles(photoFile())
      await page.locator('[data-testid="visit-photo-chosen"]').waitFor()
      await touchTargets(page)
      await noOverflow(page, 'visit form filled in')
      await page.screenshot({ path: artifactPath('visits-form.png'), fullPage: true })
      await page.locator('[data-testid="visit-submit"]').tap()

      const saved = page.locator('[data-testid="visit-saved"]')
      await saved.waitFor()
      await thumbnailsLoaded(saved, 'the uploaded photo as a thumbnail')
      await page.locator('[data-testid="visit-saved-raise"]').tap()
      const caseLink = page.locator('[data-testid="visit-saved-case"]')
      await caseLink.waitFor()
      await noOverflow(page, 'visit saved')
      await page.screenshot({ path: artifactPath('visits-lead.png'), fullPage: true })
      await caseLink.tap()

      // The case: a lead of channel 干部排查 on the household.
      await page.locator('[data-testid="case-page"]').waitFor()
      assert.match(await page.locator('[data-testid="case-household-link"]').innerText(), new RegExp(target.head))
      assert.match(await page.locator('[data-testid="case-page"]').innerText(), /来源：干部排查/)
      await noOverflow(page, 'case page')

      // It is among the village's cases.
      const s = await apiLogin(cadre.username, cadre.password)
      const cases = await apiGet(s, '/api/cases?open=true&page_size=100')
      const mine = cases.items.find((c) => c.household_id === target.id)
      assert.ok(mine, 'the case is listed')
      assert.equal(mine.channel, 'cadre_visit')
      assert.equal(mine.state, 'lead')

      // The visit on the household page, linked to the case.
      await page.goto(`${ctx.server.baseUrl}/#/households/${target.id}`)
      const visits = page.locator('[data-testid="section-visits"]')
      await visits.waitFor()
      await eventually(async () => /脑梗住院/.test(await visits.innerText()), { what: 'the visit on the household page' })
      assert.match(await visits.locator('[data-testid="visit-case-link"]').first().innerText(), /已转为风险线索/)
      await noOverflow(page, 'household page')
    })
  })

  test('my visits and campaign progress at 360 px', async () => {
    await withPage(ctx.browser, PHONE, 'visits-lists', async (page) => {
      await page.clock.setFixedTime(new Date(NOW))
      await login(page, ctx.server.baseUrl, cadre, { target: '/visits?tab=mine' })
      const list = page.locator('[data-testid="visit-list"]')
      await list.waitFor()
      await eventually(async () => /脑梗住院/.test(await list.innerText()), { what: 'my visit in 我的走访' })
      await thumbnailsLoaded(list, 'the photo in 我的走访')
      await noOverflow(page, 'my visits')
      // The cadre removes the photo it attached, giving a reason.
      const photos = await list.locator('[data-testid="visit-photo"]').count()
      await list.locator('[data-testid="visit-photo-remove"]').first().tap()
      const box = page.locator('.el-message-box')
      await box.locator('input').fill('误传了邻户的照片')
      await box.getByRole('button', { name: '删除' }).tap()
      await eventually(async () => (await list.locator('[data-testid="visit-photo"]').count()) === photos - 1, {
        what: 'the photo gone from 我的走访',
      })

      await page.locator('[data-testid="visit-tab-campaigns"]').tap()
      const progress = page.locator('[data-testid="campaign-progress"]')
      await progress.waitFor()
      assert.match(await progress.innerText(), /集中排查/)
      const summary = await page.locator('[data-testid="campaign-summary"]').innerText()
      const count = (label) => Number(summary.match(new RegExp(`${label}\\s*([\\d,]+)`))[1].replace(/,/g, ''))
      const [target, visited] = [count('应访'), count('已访')]
      // The village's share of the running campaign, the visit just recorded included.
      assert.ok(target > 0 && visited >= 1 && visited <= target, `progress: ${summary}`)
      assert.match(await page.locator('[data-testid="campaign-table"]').innerText(), new RegExp(cadre.area_name))
      // The village cadre sees who is left to visit, but does not redraw the list.
      await page.locator('[data-testid="campaign-pending"]').waitFor()
      assert.equal(await page.locator('[data-testid="campaign-redraw"]').count(), 0)
      await noOverflow(page, 'campaign progress')
      await page.screenshot({ path: artifactPath('visits-campaign.png'), fullPage: true })
    })
  })

  test('the county draws the running campaign\'s list again', async () => {
    const admin = await demoAccount(ctx.server.baseUrl, '县级管理员')
    await withPage(ctx.browser, { viewport: { width: 1440, height: 900 } }, 'visits-redraw', async (page, { pageErrors }) => {
      await page.clock.setFixedTime(new Date(NOW))
      await login(page, ctx.server.baseUrl, admin, { target: '/visits' })
      await page.locator('[data-testid="visit-tab-campaigns"]').click()
      const button = page.locator('[data-testid="campaign-redraw"]').first()
      await button.click()
      await page.locator('.el-message-box').getByRole('button', { name: '重新生成' }).click()
      await eventually(
        async () => /已重新生成目标：新增 [\d,]+ 户，移出 [\d,]+ 户，现有对象 [\d,]+ 户/.test(await page.locator('.el-message').innerText()),
        { what: 'the counts of the redraw' },
      )
      await eventually(async () => /名单生成于 2026-06-01/.test(await page.locator('[data-testid="campaign-progress"]').first().innerText()), {
        what: "today's date on the list",
      })
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the page')
    })
  })
})
