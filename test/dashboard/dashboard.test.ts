/**
 * The dashboard in a real browser (headless Chromium through playwright-core), by the accessible
 * names of CONTRACT.md, "Dashboard". One browser and one context for the file, a page (a tab: its own
 * sessionStorage, so its own browser session for the token) per test, each test in its own
 * namespace. Waits are the locators' own, bounded; no sleeps.
 */
import { createHash } from 'node:crypto'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import t from 'tap'
import { redact } from '../../src/core/journal/summarise.js'

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
import { photo } from '../images.js'
import { admin, fptSession, launch, startSandbox, type Sandbox } from './browser.js'

let browser: Browser
let context: BrowserContext
let sandbox: Sandbox
let locked: Sandbox

t.before(async () => {
  browser = await launch()
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  sandbox = await startSandbox()
  locked = await startSandbox(['--admin-token', 'open-sesame'])
})
t.teardown(async () => {
  await browser?.close()
  await sandbox?.close()
  await locked?.close()
})

/** A new tab on the dashboard, in namespace `ns`, ready (the journal feed is live). */
async function open (t: { teardown: (fn: () => unknown) => void }, ns: string): Promise<Page> {
  const page = await context.newPage()
  t.teardown(() => page.close())
  await page.goto(`${sandbox.url}/__dashboard/#ns=${ns}`)
  await page.getByText('live', { exact: true }).waitFor()
  return page
}

// Generous: a busy CI machine runs another suite beside the browser; a pass never waits this long.
const WAIT = { timeout: 10_000 }

t.test('the Namespace field picks the namespace every control acts in, and offers the namespaces that hold state', async (t) => {
  await admin(sandbox.url, 'POST', '/clock/advance', 'offered', { seconds: 1 })
  const page = await open(t, 'default')
  const field = page.getByLabel('Namespace')
  t.equal(await field.inputValue(), 'default')
  await page.locator('#ns-list option[value="offered"]').waitFor({ state: 'attached', ...WAIT })
  await field.fill('picked')
  await page.getByLabel('Seconds').fill('42')
  await page.getByRole('button', { name: 'Advance clock' }).click()
  await page.getByLabel('Clock').filter({ hasText: '2026-01-15T09:00:42.000Z' }).waitFor(WAIT)
  t.equal((await admin(sandbox.url, 'GET', '/clock', 'picked')).offset_ms, 42000, 'the clock moved in the picked namespace')
  t.equal((await admin(sandbox.url, 'GET', '/clock', 'default')).offset_ms, 0, 'not in the default one')
})

t.test('a namespace the sandbox refuses shows the sandbox\'s own message next to the field, and the page stays', async (t) => {
  const page = await open(t, 'default')
  await page.getByLabel('Namespace').fill('no spaces allowed')
  await page.locator('#ns-help').filter({ hasText: 'X-Sandbox-Namespace must be 1-64 characters' }).waitFor(WAIT)
  t.equal(await page.getByRole('button', { name: 'Reset namespace' }).isDisabled(), true)
  await page.getByLabel('Namespace').fill('fine-again')
  await page.locator('#ns-help').filter({ hasText: 'hold' }).waitFor(WAIT)
  t.ok(await page.getByRole('table', { name: 'Requests' }).isVisible())
})

t.test('choosing a scenario for a vendor makes it the namespace\'s active one at once; default clears it', async (t) => {
  const page = await open(t, 'scen')
  const select = page.getByLabel('Scenario for gtriip')
  t.ok((await select.locator('option').allTextContents()).includes('gtriip/051-no-face'))
  await select.selectOption('gtriip/051-no-face')
  await page.getByRole('status').filter({ hasText: 'gtriip: gtriip/051-no-face active' }).waitFor(WAIT)
  t.same((await admin(sandbox.url, 'GET', '/scenario', 'scen')).active, { gtriip: 'gtriip/051-no-face' })
  await select.selectOption('default')
  await page.getByRole('status').filter({ hasText: 'back to the default' }).waitFor(WAIT)
  t.same((await admin(sandbox.url, 'GET', '/scenario', 'scen')).active, {})
  await admin(sandbox.url, 'PUT', '/scenario', 'scen', { name: 'fpt/ocr-QC03-blurry' })
  await page.getByLabel('Scenario for fpt').and(page.locator('select:has(option[value="fpt/ocr-QC03-blurry"]:checked)')).waitFor(WAIT)
  t.pass('a scenario activated elsewhere is shown')
})

t.test('Search scenarios finds a scenario by an error code in its rules', async (t) => {
  const page = await open(t, 'search')
  const search = page.getByLabel('Search scenarios')
  await search.fill('QC03')
  await page.locator('#catalogue').getByText('fpt/ocr-QC03-blurry').waitFor(WAIT)
  await search.fill('051')
  await page.locator('#catalogue').getByText('gtriip/051-no-face', { exact: true }).waitFor(WAIT)
  t.notOk(await page.locator('#catalogue').getByText('fpt/ocr-QC03-blurry').isVisible(), 'filtered out')
})

t.test('a request sent to a vendor appears in Requests within 2 seconds; choosing it shows request and response', async (t) => {
  const page = await open(t, 'journal')
  const id = await fptSession(sandbox.url, 'journal')
  const table = page.getByRole('table', { name: 'Requests' })
  const row = table.getByRole('row').filter({ hasText: 'fpt.session_init' })
  await row.waitFor(WAIT)
  t.match(await row.textContent(), /fpt.*fpt\.session_init.*200/)
  await row.click()
  const detail = page.locator('.detail')
  await detail.getByText('POST /fpt/session/init → 200').waitFor(WAIT)
  // Credentials and session ids are shown as the journal keeps them: a prefix and a hash.
  t.match(await detail.getByRole('region', { name: 'Request' }).textContent(), new RegExp(`api-key\\s*${escape(redact('k'))}`))
  t.match(await detail.getByRole('region', { name: 'Response' }).textContent(), new RegExp(`"session-id": "${escape(redact(id))}"`))
})

t.test('binary payloads are shown as size and sha256; Enter on a row opens it; Copy as curl', async (t) => {
  const page = await open(t, 'binary')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sandbox.url })
  const img = await photo()
  const form = new FormData()
  form.set('image', new Blob([img], { type: 'image/jpeg' }), 'me.jpg')
  await fetch(`${sandbox.url}/gtriip/liveness/`, { method: 'POST', headers: { 'x-api-key': 'k', 'x-sandbox-namespace': 'binary' }, body: form })
  const row = page.getByRole('table', { name: 'Requests' }).getByRole('row').filter({ hasText: 'gtriip.liveness' })
  await row.waitFor(WAIT)
  await row.focus()
  await page.keyboard.press('Enter')
  const sha = createHash('sha256').update(img).digest('hex')
  await page.locator('.detail').getByText(`<binary: ${img.length.toLocaleString('en')} bytes, sha256 ${sha}>`).waitFor(WAIT)
  await page.getByRole('button', { name: 'Copy as curl' }).click()
  await page.getByText('Copied to the clipboard').waitFor(WAIT)
  const curl = await page.evaluate('navigator.clipboard.readText()') as string
  t.match(curl, /curl -X POST '.*\/gtriip\/liveness\/'/)
  t.match(curl, /-H "x-api-key: \$X_API_KEY"/, 'a redacted credential comes from the shell')
  t.match(curl, /# x-api-key is redacted in the journal: set X_API_KEY/)
  t.match(curl, /-F 'image=@me\.jpg;type=image\/jpeg'/)
  t.match(curl, new RegExp(`# me\\.jpg: <binary: .* sha256 ${sha}>`))
})

t.test('advancing the clock moves the Clock and an FPT session\'s remaining lifetime; reset brings both back', async (t) => {
  const page = await open(t, 'clock')
  const id = await fptSession(sandbox.url, 'clock')
  const session = page.getByRole('list', { name: 'fpt state' }).getByRole('listitem').filter({ hasText: id })
  await session.filter({ hasText: '30:00 left' }).waitFor(WAIT)
  await page.getByLabel('Seconds').fill('600')
  await page.getByRole('button', { name: 'Advance clock' }).click()
  await page.getByLabel('Clock').filter({ hasText: '2026-01-15T09:10:00.000Z' }).waitFor(WAIT)
  await session.filter({ hasText: '20:00 left' }).waitFor(WAIT)
  await page.getByRole('button', { name: 'Advance 1 day' }).click()
  await page.getByLabel('Clock').filter({ hasText: '2026-01-16T09:10:00.000Z' }).waitFor(WAIT)
  await session.filter({ hasText: 'expired' }).waitFor(WAIT)
  await page.getByRole('button', { name: 'Reset clock' }).click()
  await page.getByLabel('Clock').filter({ hasText: '2026-01-15T09:00:00.000Z' }).waitFor(WAIT)
  await session.filter({ hasText: '30:00 left' }).waitFor(WAIT)
  t.equal((await admin(sandbox.url, 'GET', '/clock', 'clock')).offset_ms, 0)
})

t.test('Reset namespace empties the journal (and the state)', async (t) => {
  const page = await open(t, 'wipe')
  await fptSession(sandbox.url, 'wipe')
  await fptSession(sandbox.url, 'wipe')
  const rows = page.getByRole('table', { name: 'Requests' }).locator('tbody tr')
  await rows.nth(1).waitFor(WAIT)
  await page.getByRole('button', { name: 'Reset namespace' }).click()
  await page.getByText('No requests in this namespace yet').waitFor(WAIT)
  t.equal(await rows.count(), 0)
  t.same((await admin(sandbox.url, 'GET', '/requests', 'wipe')).requests, [])
  await page.getByRole('list', { name: 'fpt state' }).waitFor({ state: 'detached', ...WAIT })
})

t.test('with --admin-token the page asks for the token and shows nothing else; a wrong one is refused clearly', async (t) => {
  const page = await context.newPage()
  t.teardown(() => page.close())
  await page.goto(`${locked.url}/__dashboard/`)
  const token = page.getByLabel('Admin token')
  await token.waitFor(WAIT)
  t.equal(await page.getByLabel('Namespace').count(), 0, 'nothing but the prompt')
  t.equal(await page.getByRole('table', { name: 'Requests' }).count(), 0)
  await token.fill('wrong')
  await page.getByRole('button', { name: 'Use token' }).click()
  await page.getByRole('alert').filter({ hasText: 'Wrong token' }).waitFor(WAIT)
  t.equal(await page.getByLabel('Namespace').count(), 0)
  await page.getByLabel('Admin token').fill('open-sesame')
  await page.getByRole('button', { name: 'Use token' }).click()
  await page.getByLabel('Namespace').waitFor(WAIT)
  await page.getByText('live', { exact: true }).waitFor(WAIT)
  await fptSession(locked.url, 'default')
  await page.getByRole('table', { name: 'Requests' }).getByRole('row').filter({ hasText: 'fpt.session_init' }).waitFor(WAIT)
  await page.reload()
  await page.getByLabel('Namespace').waitFor(WAIT)
  t.pass('the token is kept for the browser session (the tab)')
  const other = await context.newPage()
  t.teardown(() => other.close())
  await other.goto(`${locked.url}/__dashboard/`)
  await other.getByLabel('Admin token').waitFor(WAIT)
  t.pass('a new tab (a new session) asks again')
})
