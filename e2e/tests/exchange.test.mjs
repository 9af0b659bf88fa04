// 数据交换 and 系统: file import (errors, preview), export, audit log, users and roles,
// the duplicate queue — against a real `fangpin demo` ctx.server.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import {
  artifactPath,
  demoAccount,
  demoAccounts,
  eventually,
  login,
  useServerAndBrowser,
  withPage,
} from '../lib/harness.mjs'

const ctx = useServerAndBrowser()

const DESKTOP = { viewport: { width: 1440, height: 900 }, acceptDownloads: true }

// ---- API access outside the browser (building test files) ---------------------

/** Signs in over the API; returns the cookie header, CSRF token and user. */
async function apiLogin(account) {
  const resp = await fetch(`${ctx.server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: account.username, password: account.password }),
  })
  assert.equal(resp.status, 200, `API login of ${account.username}`)
  const body = await resp.json()
  const cookie = resp.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  return { cookie, csrf: body.csrf_token, user: body.user }
}

async function apiGet(session, path) {
  const resp = await fetch(`${ctx.server.baseUrl}${path}`, { headers: { Cookie: session.cookie } })
  assert.equal(resp.status, 200, `GET ${path}: ${resp.status}`)
  return resp
}

/** The national-layout CSV of an area with full ID numbers, as text (BOM dropped). */
async function exportCsv(session, area) {
  const q = new URLSearchParams({ format: 'csv', unmasked: 'true' })
  if (area) q.set('area', area)
  return (await apiGet(session, `/api/exports?${q}`)).text()
}

// ---- minimal RFC 4180 CSV --------------------------------------------------------

function parseCsv(text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

function writeCsv(rows) {
  const cell = (v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)
  return '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'
}

/** Distinct 户编号 of a parsed export. */
function householdCount(rows) {
  const i = rows[0].indexOf('户编号')
  assert.ok(i >= 0, 'the export has a 户编号 column')
  return new Set(rows.slice(1).map((r) => r[i].trim())).size
}

/** Texts of the visible rows of an Element Plus table, one array per row. */
async function tableRows(page, testid) {
  return page
    .locator(`[data-testid="${testid}"] .el-table__body-wrapper tbody tr`)
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent.trim())))
}

async function uploadFile(page, name, content) {
  await page
    .locator('[data-testid="import-upload"] input[type="file"]')
    .setInputFiles({ name, mimeType: name.endsWith('.csv') ? 'text/csv' : 'application/octet-stream', buffer: Buffer.from(content) })
  await page.locator('[data-testid="import-upload"] .el-upload-list__item', { hasText: name }).waitFor()
}

describe('data exchange and system pages', { timeout: 300_000 }, () => {
  test('village operator: a file with errors is refused with the error table and report', async () => {
    const admin = await apiLogin(await demoAccount(ctx.server.baseUrl, '县级管理员'))
    const operator = await demoAccount(ctx.server.baseUrl, '村级/驻村工作队')
    const village = (await apiLogin(operator)).user.area.code

    // The village's households in the real layout, then two corrupted cells.
    const original = await exportCsv(admin, village)
    const rows = parseCsv(original)
    const header = rows[0]
    const idCol = header.indexOf('证件号码')
    const relCol = header.indexOf('与户主关系')
    assert.ok(idCol >= 0 && relCol >= 0, `columns 证件号码 and 与户主关系 in ${header.join(',')}`)
    // Members other than the head, so the head's own checks stay untouched.
    const others = rows.map((r, i) => i).filter((i) => i > 0 && rows[i][relCol] && rows[i][relCol] !== '户主')
    assert.ok(others.length >= 2, `need two non-head members in village ${village}, have ${others.length}`)
    const [idRow, relRow] = others
    const id = rows[idRow][idCol]
    const digits = id.replace(/^\t/, '')
    assert.match(digits, /^\d{17}[\dX]$/, 'full ID numbers in the admin export')
    const last = digits.at(-1)
    const wrong = digits.slice(0, 17) + (last === 'X' ? '0' : String((Number(last) + 1) % 10))
    rows[idRow][idCol] = id.replace(digits, wrong)
    rows[relRow][relCol] = '老表'
    const bad = writeCsv(rows)
    // Spreadsheet rows: the header is row 1.
    const idLine = String(idRow + 1)
    const relLine = String(relRow + 1)

    await withPage(ctx.browser, DESKTOP, 'exchange-errors', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, operator, { target: '/exchange' })
      // Import only: the operator may not export.
      const tabs = await page.locator('[data-testid="exchange-tabs"] .el-tabs__item').allInnerTexts()
      assert.deepEqual(tabs.map((t) => t.trim()), ['导入'])
      await page.locator('[data-testid="import-help"]').getByText('GBK').waitFor()

      await uploadFile(page, '太坝村农户.csv', bad)
      await page.locator('[data-testid="import-start"]').click()

      const failure = page.locator('[data-testid="import-failure"]')
      await failure.waitFor()
      assert.match(await failure.innerText(), /2 处问题，未导入任何数据/)
      assert.equal(await page.locator('[data-testid="import-status"]').getAttribute('data-status'), 'failed')
      assert.equal(await page.locator('[data-testid="import-error-count"]').getAttribute('data-count'), '2')

      const headers = await page.locator('[data-testid="import-errors"] .el-table__header-wrapper th').allInnerTexts()
      assert.deepEqual(headers.map((h) => h.trim()), ['工作表', '行', '列', '值', '原因'])
      const errors = await tableRows(page, 'import-errors')
      assert.equal(errors.length, 2)
      const idIssue = errors.find((r) => r[2] === '证件号码')
      assert.ok(idIssue, `an issue in 证件号码: ${JSON.stringify(errors)}`)
      assert.deepEqual(idIssue.slice(0, 4), ['CSV', idLine, '证件号码', wrong])
      assert.match(idIssue[4], /校验位/)
      const relIssue = errors.find((r) => r[2] === '与户主关系')
      assert.ok(relIssue, `an issue in 与户主关系: ${JSON.stringify(errors)}`)
      assert.deepEqual(relIssue.slice(0, 4), ['CSV', relLine, '与户主关系', '老表'])
      assert.match(relIssue[4], /代码表/)

      // The error report downloads as an xlsx named after the upload.
      const report = page.locator('[data-testid="import-report"]')
      assert.match(await report.innerText(), /下载错误报告/)
      const [download] = await Promise.all([page.waitForEvent('download'), report.click()])
      assert.equal(download.suggestedFilename(), '太坝村农户.错误报告.xlsx')
      const file = await download.path()
      assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file')

      // No summary for a refused file.
      assert.equal(await page.locator('[data-testid="import-summary"]').count(), 0)
      await page.screenshot({ path: artifactPath('exchange-errors.png'), fullPage: true })
      assert.deepEqual(pageErrors, [])
    })

    // Nothing was imported: the village exports exactly as before.
    assert.equal(await exportCsv(admin, village), original)
  })

  test('village operator: 系统 offers only the duplicate queue, read and decide', async () => {
    const operator = await demoAccount(ctx.server.baseUrl, '村级/驻村工作队')
    await withPage(ctx.browser, DESKTOP, 'system-village', async (page) => {
      await login(page, ctx.server.baseUrl, operator, { target: '/system' })
      await page.locator('[data-testid="duplicates-panel"]').waitFor()
      // The page is loaded on demand: wait for its tabs before reading them.
      await page.locator('[data-testid="system-tabs"] .el-tabs__item').first().waitFor()
      const tabs = await page.locator('[data-testid="system-tabs"] .el-tabs__item').allInnerTexts()
      assert.deepEqual(tabs.map((t) => t.trim()), ['重复待审'])
      await page.locator('[data-testid="dup-scan"]').waitFor()
    })
  })

  test('county admin: export with full IDs, then a preview import finds every household unchanged', async () => {
    const admin = await demoAccount(ctx.server.baseUrl, '县级管理员')
    const session = await apiLogin(admin)
    const tree = await (await apiGet(session, '/api/areas/tree')).json()
    const countyHouseholds = tree.root.households
    assert.ok(countyHouseholds > 0)

    await withPage(ctx.browser, DESKTOP, 'exchange-preview', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, admin, { target: '/exchange?tab=export' })
      const panel = page.locator('[data-testid="export-panel"]')
      await panel.waitFor()
      // The area defaults to the county (the admin's own area).
      await eventually(async () => /丰都县/.test(await page.locator('[data-testid="export-area"]').innerText()), {
        what: 'the county preselected',
      })
      await panel.getByText('CSV（UTF-8）').click()
      await page.locator('[data-testid="export-unmasked"]').click()
      await panel.getByText('记入审计日志').first().waitFor()
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.locator('[data-testid="export-submit"]').click(),
      ])
      const name = download.suggestedFilename()
      assert.match(name, /^农户全字段导出_\d{8}\.csv$/)
      const content = fs.readFileSync(await download.path())
      const rows = parseCsv(content.toString('utf8').replace(/^\uFEFF/, ''))
      assert.equal(householdCount(rows), countyHouseholds, 'the export has every household of the county')

      // Back to 导入: the same file, as a preview.
      await page.locator('[data-testid="exchange-tabs"] .el-tabs__item', { hasText: '导入' }).click()
      await eventually(async () => /tab=import/.test(page.url()), { what: 'tab=import in the URL' })
      await uploadFile(page, name, content)
      await page.locator('[data-testid="import-dry-run"]').click()
      await page.locator('[data-testid="import-start"]', { hasText: '开始预演' }).click()

      const summary = page.locator('[data-testid="import-summary"]')
      await summary.waitFor({ timeout: 60_000 })
      assert.match(await summary.innerText(), /预演结果（未写入任何数据）/)
      assert.equal(await page.locator('[data-testid="import-status"]').getAttribute('data-status'), 'done')
      assert.match(await page.locator('[data-testid="import-status"]').innerText(), /预演完成/)
      const count = (id) => page.locator(`[data-testid="${id}"]`).getAttribute('data-count')
      assert.equal(await count('summary-unchanged'), String(countyHouseholds))
      assert.equal(await count('summary-created'), '0')
      assert.equal(await count('summary-changed'), '0')
      assert.equal(await page.locator('[data-testid="import-failure"]').count(), 0)
      await page.screenshot({ path: artifactPath('exchange-preview.png'), fullPage: true })
      assert.deepEqual(pageErrors, [])
    })
  })

  test('county admin: the duplicate queue, rescan and a decision with a note', async () => {
    const admin = await demoAccount(ctx.server.baseUrl, '县级管理员')
    await withPage(ctx.browser, DESKTOP, 'duplicates', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, admin, { target: '/system?tab=duplicates' })
      const list = page.locator('[data-testid="dup-list"]')
      await page.locator('[data-testid="dup-list"][data-loading="false"]').waitFor()
      await page.locator('[data-testid="dup-scan"]').click()
      await page.locator('.el-message', { hasText: '扫描完成' }).waitFor()
      await page.locator('[data-testid="dup-list"][data-loading="false"]').waitFor()
      const total = Number(await page.locator('[data-testid="dup-total"]').getAttribute('data-total'))
      if (total === 0) {
        // A county without suspected duplicates: the empty table says so.
        assert.match(await list.innerText(), /没有符合条件的疑似重复/)
        return
      }
      const first = page.locator('[data-testid="dup-table"] .el-table__body-wrapper tbody tr').first()
      // Both persons with masked IDs and a link to their household.
      for (const side of ['a', 'b']) {
        const text = await first.locator(`[data-testid="dup-${side}"]`).innerText()
        assert.match(text, /\d{6}\*{8}\d{3}[\dX]/)
        assert.match(await first.locator(`[data-testid="dup-${side}"] a`).getAttribute('href'), /#\/households\/\d+$/)
      }
      await first.locator('[data-testid="dup-different"]').click()
      const box = page.locator('.el-message-box')
      await box.waitFor()
      await box.locator('input').fill('已入户核实，是兄弟')
      await box.getByRole('button', { name: '确认' }).click()
      await page.locator('.el-message', { hasText: '已判定为不同人' }).waitFor()
      await eventually(
        async () => Number(await page.locator('[data-testid="dup-total"]').getAttribute('data-total')) === total - 1,
        { what: 'one pending pair fewer' },
      )
      // The decided pair is listed under 不同人 with the note.
      await page.locator('[data-testid="dup-status"]').getByText('不同人').click()
      await page.locator('[data-testid="dup-table"]').getByText('已入户核实，是兄弟').waitFor()
      assert.deepEqual(pageErrors, [])
    })
  })

  test('inspector: 系统 → 审计日志 lists the logins, filters and expands entries', async () => {
    const inspector = await demoAccount(ctx.server.baseUrl, '督查')
    await withPage(ctx.browser, DESKTOP, 'audit', async (page, { pageErrors }) => {
      await login(page, ctx.server.baseUrl, inspector)
      await page.locator('[data-testid="app-menu"]').getByText('系统').click()
      // The page is loaded on demand: wait for its tabs before reading them.
      await page.locator('[data-testid="system-tabs"] .el-tabs__item').first().waitFor()
      const tabs = await page.locator('[data-testid="system-tabs"] .el-tabs__item').allInnerTexts()
      assert.deepEqual(tabs.map((t) => t.trim()), ['审计日志', '重复待审'], 'no 用户与角色 for the inspector')
      await page.locator('[data-testid="audit-list"][data-loading="false"]').waitFor()
      await page.locator('[data-testid="audit-table"] .el-table__body-wrapper tbody tr').first().waitFor()

      const headers = await page.locator('[data-testid="audit-table"] .el-table__header-wrapper th').allInnerTexts()
      assert.deepEqual(
        headers.map((h) => h.trim()).filter(Boolean),
        ['时间', '操作人', '角色', '来源地址', '操作', '对象', '区划', '说明'],
      )
      const actions = await page.locator('[data-testid="audit-action-cell"]').evaluateAll((els) =>
        els.map((e) => [e.dataset.action, e.textContent.trim()]),
      )
      const logins = actions.filter(([a]) => a === 'login')
      assert.ok(logins.length > 0, `login entries on the first page: ${JSON.stringify(actions)}`)
      for (const [, label] of logins) assert.equal(label, '登录')
      // Local time, to the second.
      for (const at of await page.locator('[data-testid="audit-at"]').allInnerTexts()) {
        assert.match(at.trim(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
      }
      // The inspector's own login is the newest login entry.
      const rows = await tableRows(page, 'audit-table')
      const ownLogin = rows.find((r) => r.includes('登录') && r.includes(inspector.username))
      assert.ok(ownLogin, 'the inspector\'s own login is listed')
      assert.ok(ownLogin.includes('督查'), 'with the role name')

      // An export entry (from the earlier tests) expands to its JSON.
      const exportRow = page
        .locator('[data-testid="audit-table"] .el-table__body-wrapper tbody tr', {
          has: page.locator('[data-action="export_unmasked"]'),
        })
        .first()
      if ((await exportRow.count()) > 0) {
        await exportRow.locator('.el-table__expand-icon').click()
        const detail = page.locator('[data-testid="audit-detail"]').first()
        await detail.waitFor()
        assert.match(await detail.innerText(), /"households": \d+/)
      }
      await page.screenshot({ path: artifactPath('audit.png'), fullPage: true })

      // Filter by 操作类型 = 登录.
      await page.locator('[data-testid="audit-action"]').click()
      await page.locator('.el-select-dropdown__item', { hasText: /^登录$/ }).click()
      await page.locator('[data-testid="audit-search"]').click()
      await eventually(
        async () => {
          const list = await page.locator('[data-testid="audit-action-cell"]').evaluateAll((els) =>
            els.map((e) => e.dataset.action),
          )
          return list.length > 0 && list.every((a) => a === 'login')
        },
        { what: 'only login entries' },
      )
      assert.deepEqual(pageErrors, [])
    })
  })

  test('system administrator: 用户与角色 lists the demo users and the roles', async () => {
    const sysadmin = await demoAccount(ctx.server.baseUrl, '系统管理员')
    const { logins } = await demoAccounts(ctx.server.baseUrl)
    await withPage(ctx.browser, DESKTOP, 'users', async (page, { pageErrors }) => {
      // No household permissions: the system administrator lands on 系统.
      await login(page, ctx.server.baseUrl, sysadmin)
      await page.locator('[data-testid="users-panel"]').waitFor()
      // The page is loaded on demand: wait for its tabs before reading them.
      await page.locator('[data-testid="system-tabs"] .el-tabs__item').first().waitFor()
      const tabs = await page.locator('[data-testid="system-tabs"] .el-tabs__item').allInnerTexts()
      assert.deepEqual(tabs.map((t) => t.trim()), ['用户与角色', '接口令牌', '审计日志'])
      await page.locator('[data-testid="users-table"] [data-testid="cell-username"]').first().waitFor()
      const headers = await page.locator('[data-testid="users-table"] .el-table__header-wrapper th').allInnerTexts()
      assert.deepEqual(headers.map((h) => h.trim()), ['用户名', '姓名', '角色', '区划', '部门', '状态'])
      const rows = await tableRows(page, 'users-table')
      for (const l of logins) {
        const row = rows.find((r) => r[0] === l.username)
        assert.ok(row, `demo user ${l.username} listed`)
        assert.equal(row[2], l.role_name)
        assert.match(row[3], new RegExp(l.area_name))
      }
      const roles = await tableRows(page, 'roles-table')
      const admin = roles.find((r) => r[0].startsWith('县级管理员'))
      assert.ok(admin, 'the 县级管理员 role is listed')
      assert.match(admin[2], /导入数据/)
      assert.match(admin[2], /查询审计日志/)
      assert.deepEqual(pageErrors, [])
    })
  })
})
