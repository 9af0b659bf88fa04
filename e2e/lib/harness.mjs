// Test harness: starts a throwaway fangpin demo server and a headless Chromium.
//
// Environment:
//   FANGPIN_BIN      fangpin binary (default: ../target/debug/fangpin, relative to e2e/)
//   CHROMIUM_PATH    browser executable (default: /usr/bin/chromium, Debian's package)
//   E2E_HOUSEHOLDS   demo size (default 400)
//   E2E_KEEP_DB=1    keep the temporary database directory after the run
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, before } from 'node:test'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts')

const STARTUP_TIMEOUT_MS = 120_000
const LOG_LIMIT = 64 * 1024

export function fangpinBin() {
  const env = process.env.FANGPIN_BIN
  return env ? path.resolve(env) : path.resolve(E2E_DIR, '..', 'target', 'debug', 'fangpin')
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** Keeps the last LOG_LIMIT characters of a child's output. */
function tail(stream) {
  const buf = { text: '' }
  stream.setEncoding('utf8')
  stream.on('data', (chunk) => {
    buf.text = (buf.text + chunk).slice(-LOG_LIMIT)
  })
  return buf
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * Starts `fangpin demo` on a fresh SQLite database and a free port, and waits
 * until GET /healthz answers 200. Returns { baseUrl, stop, logs, dir }.
 *
 * `dir` reuses the database of an earlier server (stopped with `stop({ keep: true })`);
 * `env` adds environment variables, e.g. `FANGPIN_DEMO_NOW` for a fixed clock.
 */
export async function startServer({
  households = Number(process.env.E2E_HOUSEHOLDS ?? 1500),
  seed = 7,
  dir = null,
  env = {},
} = {}) {
  const bin = fangpinBin()
  if (!fs.existsSync(bin)) {
    throw new Error(
      `fangpin binary not found at ${bin}. Build it first (cargo build -p fangpin) or set FANGPIN_BIN.`,
    )
  }
  const tmp = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fangpin-e2e-'))
  const port = await freePort()
  const args = [
    'demo',
    '--households', String(households),
    '--seed', String(seed),
    '--database', `sqlite:${path.join(tmp, 'e2e.db')}`,
    '--bind', `127.0.0.1:${port}`,
  ]
  const child = spawn(bin, args, {
    cwd: tmp,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
  })
  const stderr = tail(child.stderr)
  const stdout = tail(child.stdout)
  let exited = null
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal }
      resolve(exited)
    })
    child.on('error', (err) => {
      exited = { code: null, signal: null, error: err }
      resolve(exited)
    })
  })

  const baseUrl = `http://127.0.0.1:${port}`
  const logs = () =>
    `--- command ---\n${bin} ${args.join(' ')}\n--- stderr (last ${LOG_LIMIT} chars) ---\n${stderr.text}` +
    `\n--- stdout (last ${LOG_LIMIT} chars) ---\n${stdout.text}`

  /** Stops the server; `keep` leaves its database for a later `startServer({ dir })`. */
  async function stop({ keep = false } = {}) {
    if (exited === null) {
      child.kill('SIGTERM')
      const done = await Promise.race([exitPromise, sleep(10_000).then(() => null)])
      if (done === null) {
        child.kill('SIGKILL')
        await exitPromise
      }
    }
    if (!keep && process.env.E2E_KEEP_DB !== '1') fs.rmSync(tmp, { recursive: true, force: true })
  }

  const deadline = Date.now() + STARTUP_TIMEOUT_MS
  let lastProblem = 'no answer yet'
  for (;;) {
    if (exited !== null) {
      const how = exited.error ? `failed to start: ${exited.error.message}` : `exited with code ${exited.code} signal ${exited.signal}`
      await stop()
      throw new Error(`fangpin ${how} before /healthz answered.\n${logs()}`)
    }
    try {
      const resp = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })
      if (resp.status === 200) break
      lastProblem = `HTTP ${resp.status}`
    } catch (e) {
      lastProblem = e.cause?.code ?? e.message
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(
        `fangpin did not answer GET /healthz with 200 within ${STARTUP_TIMEOUT_MS / 1000} s (last: ${lastProblem}).\n${logs()}`,
      )
    }
    await sleep(250)
  }
  const database = `sqlite:${path.join(tmp, 'e2e.db')}`
  // `fangpin demo` keeps the data key next to the database (e2e.db → e2e.key).
  const keyFile = path.join(tmp, 'e2e.key')

  /**
   * Creates a user with `fangpin user-add` on the running server's database.
   * Returns the printed initial password (it must be changed at first login).
   */
  async function addUser({ username, displayName, role, area }) {
    const out = await new Promise((resolve, reject) => {
      const p = spawn(
        bin,
        ['user-add', '--database-url', database, '--key-file', keyFile, '--username', username,
          '--display-name', displayName, '--role', role, '--area', area],
        { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
      )
      const o = tail(p.stdout)
      const e = tail(p.stderr)
      p.on('error', reject)
      p.on('exit', (code) =>
        code === 0 ? resolve(o.text + e.text) : reject(new Error(`fangpin user-add exited ${code}:\n${o.text}${e.text}`)),
      )
    })
    const m = /初始密码[：:]\s*(\S+?)（/.exec(out)
    if (!m) throw new Error(`no initial password in the output of fangpin user-add:\n${out}`)
    return m[1]
  }

  return { baseUrl, stop, logs, addUser, dir: tmp }
}

/**
 * Starts a demo server (`startServer(options)`) and a browser before the
 * file's tests and stops both after them. Read `ctx.server` and
 * `ctx.browser` inside tests, once `before` has run.
 */
export function useServerAndBrowser(options = {}) {
  const ctx = { server: null, browser: null }
  before(
    async () => {
      ;[ctx.server, ctx.browser] = await Promise.all([startServer(options), launchBrowser()])
    },
    { timeout: 180_000 },
  )
  after(async () => {
    await ctx.browser?.close()
    await ctx.server?.stop()
  })
  return ctx
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Launches Debian's Chromium through playwright-core. Playwright gives every
 * launch a fresh temporary user-data-dir and removes it on close.
 */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}. Run scripts/setup-e2e.sh or set CHROMIUM_PATH.`)
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS })
}

export function artifactPath(name) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true })
  return path.join(ARTIFACTS_DIR, name)
}

/**
 * Opens a page in a fresh browser context, runs `fn(page)`, and on failure
 * saves `<name>-failure.png` and reports page errors alongside the assertion.
 */
export async function withPage(browser, contextOptions, name, fn) {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    reducedMotion: 'reduce', // charts skip their entry animation: stable screenshots
    ...contextOptions,
  })
  context.setDefaultTimeout(20_000)
  const page = await context.newPage()
  const pageErrors = []
  const consoleErrors = []
  page.on('pageerror', (err) => pageErrors.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text())
  })
  try {
    await fn(page, { pageErrors, consoleErrors })
  } catch (err) {
    await page.screenshot({ path: artifactPath(`${name}-failure.png`), fullPage: true }).catch(() => {})
    const extra = [
      pageErrors.length ? `page errors:\n  ${pageErrors.join('\n  ')}` : '',
      consoleErrors.length ? `console errors:\n  ${consoleErrors.join('\n  ')}` : '',
    ]
      .filter(Boolean)
      .join('\n')
    if (extra) err.message += `\n${extra}`
    throw err
  } finally {
    await context.close()
  }
}

/** Polls `fn` until it returns a truthy value (returned) or the timeout passes. */
export async function eventually(fn, { timeout = 20_000, interval = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  let last
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
      last = v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`)
    }
    await sleep(interval)
  }
}

// ---- accounts and login ------------------------------------------------------

/** The demo accounts a `fangpin demo` server lists in GET /api/meta. */
export async function demoAccounts(baseUrl) {
  const resp = await fetch(`${baseUrl}/api/meta`)
  if (resp.status !== 200) throw new Error(`GET /api/meta answered ${resp.status}`)
  const meta = await resp.json()
  if (!Array.isArray(meta.demo_logins) || meta.demo_logins.length === 0 || !meta.demo_password) {
    throw new Error(`GET /api/meta lists no demo accounts: ${JSON.stringify(meta)}`)
  }
  return { logins: meta.demo_logins, password: meta.demo_password, meta }
}

/** The first demo account with the given role name (e.g. 县级管理员), with the demo password. */
export async function demoAccount(baseUrl, roleName) {
  const { logins, password } = await demoAccounts(baseUrl)
  const found = logins.find((l) => l.role_name === roleName)
  if (!found) {
    throw new Error(`no demo account with role ${roleName}; have: ${logins.map((l) => l.role_name).join(', ')}`)
  }
  return { ...found, password }
}

/** Opens `#<target>`, is sent to the login page (no session yet), fills it in and submits. */
export async function submitLogin(page, baseUrl, account, { target = '/' } = {}) {
  await page.goto(`${baseUrl}/#${target}`)
  await page.locator('[data-testid="login-form"]').waitFor()
  await page.locator('[data-testid="login-username"]').fill(account.username)
  await page.locator('[data-testid="login-password"]').fill(account.password)
  await page.locator('[data-testid="login-submit"]').click()
}

/**
 * Signs in through the login page. Opens `#<target>` first: without a session
 * the app sends the browser to the login page and, after login, back to the target.
 */
export async function login(page, baseUrl, account, options) {
  await submitLogin(page, baseUrl, account, options)
  await page.locator('[data-testid="user-menu"]').waitFor()
}

/** Signs in as the county administrator (县级管理员), landing on `target`. */
export async function loginAsAdmin(page, baseUrl, options) {
  await login(page, baseUrl, await demoAccount(baseUrl, '县级管理员'), options)
}
