/**
 * npm run bench: autocannon, in one run, against
 *   (a) a bare Fastify route answering the same bytes as the Gtriip success (the baseline),
 *   (b) the Gtriip success path with a ~100 KB JPEG,
 *   (c) an admin JSON route,
 * and the vendors' own hot paths (Oz extract, FPT session init, Weber service list) when present.
 * Prints req/s, p50 and p99 latency and each ratio to (a). Servers run in a child process, on
 * 127.0.0.1 only. Options: --duration S (default 8), --connections N (default 10).
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import sharp from 'sharp'

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}
const duration = arg('--duration', 8)
const connections = arg('--connections', 10)

/** A ~100 KB JPEG: a textured 880x660 picture. */
async function jpeg100k (): Promise<Buffer> {
  const w = 880
  const h = 660
  const px = Buffer.alloc(w * h * 3)
  let s = 12345
  for (let i = 0; i < px.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    const x = (i / 3) % w
    const y = Math.floor(i / 3 / w)
    px[i] = (x / 4 + y / 5 + ((x >> 4) ^ (y >> 4)) * 9 + (s % 24)) & 0xff
  }
  return await sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 82 }).toBuffer()
}

function multipart (field: string, file: Buffer, filename: string): { body: Buffer, type: string } {
  const boundary = 'bench-boundary-0123456789'
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: image/jpeg\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
  return { body, type: `multipart/form-data; boundary=${boundary}` }
}

interface Target { name: string, url: string, method: 'GET' | 'POST', headers?: Record<string, string>, body?: Buffer | string }
interface Row { name: string, rps: number, p50: number, p99: number, errors: number, non2xx: number }

async function run (t: Target): Promise<Row> {
  const result = await autocannon({ url: t.url, method: t.method, headers: t.headers, body: t.body, connections, duration })
  return { name: t.name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx }
}

async function main (): Promise<void> {
  const img = await jpeg100k()
  const success = JSON.stringify({ result: { liveness: true, score: 0.9179980379214382 }, success: true })
  const child = fork(fileURLToPath(new URL('./servers.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_BARE_BODY: success }
  })
  const ports = await new Promise<{ barePort: number, sandboxPort: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { barePort: number, sandboxPort: number }))
    child.once('exit', (code) => reject(new Error(`servers exited with ${code}`)))
  })
  const sb = `http://127.0.0.1:${ports.sandboxPort}`
  const mp = multipart('image', img, 'selfie.jpg')
  const health = await (await fetch(`${sb}/__admin/health`)).json() as { vendors: string[] }
  const paths = new Set<string>()
  for (const v of health.vendors) {
    const doc = await (await fetch(`${sb}/openapi/${v}.json`)).json() as { paths: Record<string, unknown> }
    for (const p of Object.keys(doc.paths ?? {})) paths.add(`/${v}${p}`)
  }

  const targets: Target[] = [
    { name: '(a) bare Fastify, same request and answer', url: `http://127.0.0.1:${ports.barePort}/bare`, method: 'POST', headers: { 'content-type': mp.type }, body: mp.body },
    { name: '(b) gtriip POST /liveness/ (100 KB JPEG)', url: `${sb}/gtriip/liveness/`, method: 'POST', headers: { 'content-type': mp.type, 'x-api-key': 'bench' }, body: mp.body },
    { name: '(c) admin GET /__admin/clock', url: `${sb}/__admin/clock`, method: 'GET' }
  ]
  if (paths.has('/oz/v1/face/pattern/extract')) {
    targets.push({ name: 'oz POST /v1/face/pattern/extract (100 KB JPEG)', url: `${sb}/oz/v1/face/pattern/extract`, method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: img })
  }
  if (paths.has('/fpt/session/init')) {
    targets.push({ name: 'fpt POST /session/init', url: `${sb}/fpt/session/init`, method: 'POST', headers: { 'api-key': 'bench', client_uuid: 'bench-client', 'device-type': 'api' } })
  }
  if (paths.has('/weber/api/v1/services')) {
    targets.push({ name: 'weber GET /api/v1/services', url: `${sb}/weber/api/v1/services`, method: 'GET' })
  }

  console.log(`autocannon: ${connections} connections, ${duration} s per target, servers in a child process on 127.0.0.1; JPEG ${img.length} bytes`)
  const rows: Row[] = []
  for (const t of targets) {
    const row = await run(t)
    rows.push(row)
    console.log(`  done: ${t.name}`)
  }
  child.send('stop')
  const base = rows[0] as Row
  const pad = (s: string, n: number): string => s.padEnd(n)
  console.log(`\n${pad('target', 52)}${pad('req/s', 10)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('req/s vs (a)', 14)}non-2xx/errors`)
  for (const r of rows) {
    console.log(`${pad(r.name, 52)}${pad(r.rps.toFixed(0), 10)}${pad(String(r.p50), 9)}${pad(String(r.p99), 9)}${pad((r.rps / base.rps).toFixed(3), 14)}${r.non2xx}/${r.errors}`)
  }
}

main().catch((err: unknown) => { console.error(err); process.exit(1) })
