/**
 * Screenshots of the dashboard's main views for the README (docs/screenshots/*.png, palette PNGs
 * made small by sharp), and the page's load figures measured in the browser: bytes transferred
 * (Resource Timing) and time to first render (Paint Timing and the page's own marks), median of
 * several cold loads.
 *   npx tsx test/dashboard/capture.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { photo } from '../images.js'
import { admin, fptSession, launch, startSandbox, type Sandbox } from './browser.js'

const OUT = 'docs/screenshots'
const NS = 'demo'

async function seed (base: string): Promise<void> {
  const h = { 'x-sandbox-namespace': NS }
  await fptSession(base, NS)
  await fptSession(base, NS)
  const img = await photo()
  const send = async (scenario?: string): Promise<void> => {
    const form = new FormData()
    form.set('image', new Blob([img], { type: 'image/jpeg' }), 'selfie.jpg')
    await fetch(`${base}/gtriip/liveness/`, { method: 'POST', headers: { ...h, 'x-api-key': 'demo-key', ...(scenario === undefined ? {} : { 'x-sandbox-scenario': scenario }) }, body: form })
  }
  await send()
  await send('gtriip/051-no-face')
  await fetch(`${base}/riset/oauth/client/token`, { method: 'POST', headers: { ...h, 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=riset.ai&password=secret' })
  await fetch(`${base}/weber/api/v1/visitors`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'qa@example.com', full_name: 'Dewi Lestari', company: 'Acme', job_title: 'QA', industry: 'Finance' }) })
  await admin(base, 'PUT', '/scenario', NS, { name: 'fpt/ocr-QC03-blurry' })
  await admin(base, 'POST', '/clock/advance', NS, { seconds: 600 })
  await fptSession(base, NS)
  await admin(base, 'POST', '/clock/advance', 'ci-run-17', { seconds: 60 })
}

async function shot (page: Page, name: string, fullPage = false): Promise<void> {
  const png = await page.screenshot({ fullPage })
  const small = await sharp(png).png({ palette: true, colours: 64, compressionLevel: 9, effort: 10 }).toBuffer()
  writeFileSync(`${OUT}/${name}`, small)
  console.log(`${OUT}/${name}: ${small.length} B`)
}

interface Load { fcp: number, firstRender: number, ready: number, transfer: number, encoded: number, decoded: number }

async function measure (page: Page, url: string): Promise<Load> {
  await page.goto(url)
  await page.getByText('live', { exact: true }).waitFor()
  // A string, not a function: tsx would wrap inner functions in a helper the page does not have.
  return await page.evaluate(`(() => {
    const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN
    const own = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].filter((e) => !e.name.includes('/__admin/'))
    const sum = (k) => own.reduce((s, e) => s + e[k], 0)
    return { fcp: mark('first-contentful-paint'), firstRender: mark('dashboard:first-render'), ready: mark('dashboard:ready'),
      transfer: sum('transferSize'), encoded: sum('encodedBodySize'), decoded: sum('decodedBodySize') }
  })()`) as Load
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

async function loads (sb: Sandbox, browser: Awaited<ReturnType<typeof launch>>): Promise<void> {
  const runs: Load[] = []
  for (let i = 0; i < 7; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    runs.push(await measure(await context.newPage(), `${sb.url}/__dashboard/#ns=${NS}`))
    await context.close()
  }
  const r = (k: keyof Load): number => Math.round(median(runs.map((x) => x[k])) * 10) / 10
  console.log(`cold loads (median of ${runs.length}): first contentful paint ${r('fcp')} ms, script rendered ${r('firstRender')} ms, dashboard ready ${r('ready')} ms after navigation start`)
  console.log(`page transfer (index.html + script + stylesheet, brotli): ${r('transfer')} B on the wire with headers, ${r('encoded')} B compressed bodies, ${r('decoded')} B uncompressed`)
}

async function main (): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  const browser = await launch()
  const sb = await startSandbox()
  const locked = await startSandbox(['--admin-token', 'secret'])
  try {
    await seed(sb.url)
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await page.goto(`${sb.url}/__dashboard/#ns=${NS}`)
    await page.getByText('live', { exact: true }).waitFor()
    await page.getByRole('list', { name: 'fpt state' }).waitFor()
    await page.getByRole('table', { name: 'Requests' }).getByRole('row').filter({ hasText: '051-no-face' }).click()
    await page.locator('.detail').waitFor()
    await shot(page, 'dashboard-1280.png')
    await page.getByLabel('Search scenarios').fill('QC03')
    await page.getByLabel('Search scenarios').scrollIntoViewIfNeeded()
    await page.evaluate('window.scrollBy(0, 200)')
    await shot(page, 'dashboard-catalogue-1280.png')

    const narrow = await (await browser.newContext({ viewport: { width: 400, height: 800 } })).newPage()
    await narrow.goto(`${sb.url}/__dashboard/#ns=${NS}`)
    await narrow.getByText('live', { exact: true }).waitFor()
    await narrow.getByRole('list', { name: 'fpt state' }).waitFor()
    await shot(narrow, 'dashboard-narrow.png')
    await narrow.getByRole('heading', { name: 'Request journal' }).scrollIntoViewIfNeeded()
    await shot(narrow, 'dashboard-narrow-journal.png')

    const prompt = await (await browser.newContext({ viewport: { width: 640, height: 480 } })).newPage()
    await prompt.goto(`${locked.url}/__dashboard/`)
    await prompt.getByLabel('Admin token').fill('not-it')
    await prompt.getByRole('button', { name: 'Use token' }).click()
    await prompt.getByRole('alert').waitFor()
    await shot(prompt, 'dashboard-token.png')

    await loads(sb, browser)
  } finally {
    await browser.close()
    await sb.close()
    await locked.close()
  }
}

main().catch((err: unknown) => { console.error(err); process.exit(1) })
