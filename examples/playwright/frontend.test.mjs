// A frontend test in the Playwright style: a browser page drives the FPT.AI eKYC flow against the
// sandbox, and each test gives its browser context a namespace of its own through extra HTTP
// headers, so tests running at the same time (below: concurrently) never see each other's state.
//
// Runs with playwright-core and the system's Chromium (Debian: apt-get install chromium), or set
// CHROMIUM to another browser binary. With @playwright/test, the same idea is
// `test.use({ extraHTTPHeaders: kit.headers() })` in a fixture.
import assert from 'node:assert/strict'
import http from 'node:http'
import { after, before, describe, test } from 'node:test'
import { chromium } from 'playwright-core'
import { startSandbox } from 'ekyc-sandbox'

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** The page under test, as a frontend would have it: it calls FPT's session/init and shows the outcome. */
const page = (fptUrl) => `<!doctype html>
<title>eKYC</title>
<button id="start">Start verification</button>
<p role="status" id="status">idle</p>
<script>
  document.getElementById('start').onclick = async () => {
    const status = document.getElementById('status')
    const res = await fetch(${JSON.stringify(`${fptUrl}/session/init`)}, { method: 'POST', headers: { 'api-key': 'web-key', 'device-type': 'web-sdk' } })
    const body = await res.json()
    status.textContent = res.ok ? 'Session ready' : 'Sorry: ' + body.message
  }
</script>`

let sandbox
let browser
let app // the frontend's dev server
before(async () => {
  sandbox = await startSandbox()
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ARGS })
  // Served from the loopback like a dev server: Chromium refuses calls from a public origin (or a
  // routed fake one) to a loopback address (Local Network Access).
  app = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page(sandbox.vendorUrl('fpt'))))
  await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve))
})
after(async () => {
  await browser?.close()
  await sandbox?.close()
  app?.close()
})

/** A browser context whose every request carries the client's namespace, on the app's page. */
async function openApp (kit) {
  const context = await browser.newContext({ extraHTTPHeaders: kit.headers() })
  const tab = await context.newPage()
  await tab.goto(`http://127.0.0.1:${app.address().port}/`)
  return { context, tab }
}

describe('eKYC start page', { concurrency: true }, () => {
  test('a new session: the page says it is ready', async () => {
    const kit = sandbox.client()
    const { context, tab } = await openApp(kit)
    await tab.getByRole('button', { name: 'Start verification' }).click()
    await tab.getByText('Session ready').waitFor()
    const entry = await kit.waitForRequest({ operation: 'fpt.session_init' })
    assert.equal(entry.status, 200)
    assert.equal(entry.request.headers['device-type'], 'web-sdk')
    await context.close()
  })

  test('a revoked API key: the page shows the vendor\'s message', async () => {
    const kit = sandbox.client()
    // Active for this namespace only: the test above, running at the same time, still gets the default.
    await kit.useScenario('fpt/init-401-api-key')
    const { context, tab } = await openApp(kit)
    await tab.getByRole('button', { name: 'Start verification' }).click()
    await tab.getByText('Sorry: get api key info failed').waitFor()
    const entry = await kit.waitForRequest({ operation: 'fpt.session_init', status: 401 })
    assert.equal(entry.scenario, 'fpt/init-401-api-key')
    assert.equal((await kit.requests()).length, 1, 'this namespace saw only its own request')
    await context.close()
  })
})
