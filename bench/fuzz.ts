/**
 * npm run fuzz: a bounded fuzz run against the built server (issue 11, "Deliver"), loopback only.
 *
 * It builds dist/ if its sources are newer, starts `node dist/bundle/server.js --port 0 --db <temp>
 * --log-level warn`, discovers every vendor route from `GET /openapi/<id>.json`, and sends each kind of
 * malformed request (bench/fuzz/kinds-*.ts) to every route, to an unknown path under each prefix and
 * to each prefix itself, a few connections at a time; meanwhile a few slow clients drip a body one
 * byte per second. At the end the server must still answer `GET /__admin/health` with 200.
 *
 * Findings (exit code 1 when there is any):
 * - crash: the server process exited (it is started again, and the run goes on);
 * - undocumented-5xx: a 5xx that the vendor's OpenAPI document does not list for the operation the
 *   request lands on (method + path template), or whose body is not that status's documented shape.
 *   The documents list 500 on most operations, each with the vendor's own error body (Gtriip 005, FPT
 *   `{"code":"500",...}`, Oz, Riset, Weber's "record not found"); they list no 5xx for unknown paths,
 *   wrong methods or the prefixes (those are the vendor's 404/405), so any 5xx there is a finding;
 * - internal: any answer with `x-sandbox-error: internal` (the sandbox's own bug answer);
 * - fastify-shape: any body shaped `{"statusCode":..,"error":..,"message":..}`;
 * - hang: no complete answer within --timeout-ms, nor within twice that when sent again (or a slow
 *   client still open at --slow-seconds);
 * - unanswered: the server closed the connection without an answer, twice (requests are sent with
 *   keep-alive, as clients do; an answer lost once and received the second time is only listed);
 * - error-log: a server log line at level >= 50 (error, fatal) or plain text on its output (a crash
 *   trace), attributed to the request that prints it again when sent alone;
 * - unhealthy: at the end, `GET /__admin/health` or `GET /__admin/requests?limit=1000` (the journal
 *   must stay readable whatever was sent, issue 11 point 4) is not 200 within 10 s.
 *
 * Options: --count N (mutations per route per kind, default 2), --seed N (default 1), --max-seconds S
 * (hard cap, default 110), --json FILE, --concurrency N (default 6), --timeout-ms N (default 5000),
 * --slow N (slow clients, default 10; 0: none), --slow-seconds S (their cap, default 30),
 * --kinds a,b (kinds whose name starts so), --routes TEXT (targets whose key contains TEXT), --trace
 * (print every request and its answer).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Rng, type Kind } from './fuzz/cases.js'
import { framingKinds } from './fuzz/kinds-framing.js'
import { httpKinds } from './fuzz/kinds-http.js'
import { issueKinds } from './fuzz/kinds-issue.js'
import { jsonKinds } from './fuzz/kinds-json.js'
import { mediaKinds } from './fuzz/kinds-media.js'
import { multipartKinds } from './fuzz/kinds-multipart.js'
import { printReport, summarize, writeJson } from './fuzz/report.js'
import { mintFor } from './fuzz/mint.js'
import { discover, targetsOf } from './fuzz/routes.js'
import { attributeLogs, confirmUnanswered } from './fuzz/replay.js'
import { pairsOf, runCases, type RunState } from './fuzz/runner.js'
import { makeAssets } from './fuzz/samples.js'
import { Server } from './fuzz/server.js'
import { ensureBuilt } from './procs.js'
import { slowClients, type SlowResult } from './fuzz/slow.js'
import { exchange } from './fuzz/wire.js'

const KINDS: Kind[] = [...issueKinds, ...httpKinds, ...framingKinds, ...jsonKinds, ...multipartKinds, ...mediaKinds]

function option (name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

function num (name: string, dflt: number): number {
  const raw = option(name)
  const v = raw === undefined ? dflt : Number(raw)
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}: expected a number >= 0, got ${raw}`)
  return v
}

const opts = {
  count: num('--count', 2),
  seed: num('--seed', 1),
  maxSeconds: num('--max-seconds', 110),
  concurrency: Math.max(1, num('--concurrency', 6)),
  timeoutMs: num('--timeout-ms', 5000),
  slow: num('--slow', 10),
  slowSeconds: num('--slow-seconds', 30),
  json: option('--json'),
  trace: process.argv.includes('--trace'),
  kinds: option('--kinds')?.split(','),
  routes: option('--routes')
}

/** GET path answers 200 within 10 s. */
async function answers200 (port: number, path: string): Promise<boolean> {
  const o = await exchange(port, { method: 'GET', path, headers: [], body: Buffer.alloc(0) }, 10_000)
  return o.type === 'response' && o.status === 200
}

const newState = (): RunState => ({
  requests: 0,
  statuses: new Map(),
  byKind: new Map(),
  byRoute: new Map(),
  findings: [],
  skipped: 0,
  restarts: 0,
  logs: [],
  replayed: 0,
  documented: [],
  timedOut: [],
  closed: [],
  flaky: []
})

/** Discovery, the main run with the slow clients beside it, then the second look (replay.ts). */
async function fuzz (server: Server, started: number): Promise<{ state: RunState, slow: SlowResult[], slowCap: number }> {
  const base = `http://127.0.0.1:${server.port}`
  const vendors = await discover(base)
  const targets = targetsOf(vendors).filter((t) => opts.routes === undefined || t.key.includes(opts.routes))
  const kinds = KINDS.filter((k) => opts.kinds === undefined || opts.kinds.some((p) => k.name.startsWith(p)))
  console.log(`fuzz: server on ${base}; ${vendors.length} vendors, ${targets.length} targets, ${kinds.length} kinds, count ${opts.count}, seed ${opts.seed}, cap ${opts.maxSeconds} s`)
  const state = newState()
  const assets = await makeAssets()
  const slowCap = Math.min(opts.slowSeconds, Math.max(1, opts.maxSeconds - 15))
  const slowRun = slowClients(server.port, targets, opts.slow, slowCap, async (t) => await mintFor(base, t, assets))
  // Leave room for the last requests in flight, the second try of unanswered ones (twice the
  // timeout), the log attribution, the health checks and the shutdown (15 s together).
  const runOpts = { ...opts, deadline: started + (opts.maxSeconds * 1000) - 3 * opts.timeoutMs - 15_000, assets }
  const secs = (): string => ((performance.now() - started) / 1000).toFixed(1)
  await runCases(server, vendors, pairsOf(kinds, targets, opts.seed), runOpts, state, (k, t) => new Rng(opts.seed, k.name, t.key))
  console.log(`fuzz: ${state.requests} requests sent by ${secs()} s`)
  await confirmUnanswered(server, vendors, state, runOpts)
  console.log(`fuzz: ${state.timedOut.length + state.closed.length} unanswered requests sent again by ${secs()} s`)
  const slow = await slowRun
  await new Promise((resolve) => setTimeout(resolve, 500)) // the log lines of the last dropped slow clients
  console.log(`fuzz: slow clients done by ${secs()} s`)
  const drops = slow.filter((r) => r.end === 'hang').map((r) => ({ vendor: r.vendor, at: r.endedAt }))
  await attributeLogs(server, state, runOpts, drops, Math.min(performance.now() + 15_000, started + (opts.maxSeconds - 5) * 1000))
  console.log(`fuzz: ${state.replayed} requests sent again (unanswered ones, log attribution) by ${secs()} s`)
  return { state, slow, slowCap }
}

async function main (): Promise<number> {
  const started = performance.now()
  const root = fileURLToPath(new URL('..', import.meta.url))
  ensureBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'ekyc-fuzz-'))
  const server = new Server(root, join(dir, 'fuzz.db'))
  // Ctrl-C: stop the server and remove its database before leaving.
  process.once('SIGINT', () => { server.stop().finally(() => { rmSync(dir, { recursive: true, force: true }); process.exit(130) }).catch(() => {}) })
  try {
    await server.start()
    const { state, slow, slowCap } = await fuzz(server, started)
    server.sample()
    const ok = server.alive && await answers200(server.port, '/__admin/health')
    // Issue 11 point 4: whatever was sent, the journal of what was sent must stay readable.
    const journal = server.alive && await answers200(server.port, '/__admin/requests?limit=1000')
    const sum = summarize(state, slow, server, (performance.now() - started) / 1000, ok, journal)
    printReport(sum, state, slow, slowCap)
    if (opts.json !== undefined) writeJson(opts.json, sum, state, slow, opts)
    if (state.skipped > 0) console.log(`\nfuzz: the time cap stopped the run; ${state.skipped} (kind, target) pairs not sent (raise --max-seconds or lower --count)`)
    if (!ok) console.log('\n[unhealthy] at the end, GET /__admin/health did not answer 200 within 10 s')
    if (!journal) console.log('\n[unhealthy] at the end, GET /__admin/requests?limit=1000 did not answer 200 within 10 s')
    const findings = state.findings.length + slow.filter((r) => r.end === 'hang').length + (ok ? 0 : 1) + (journal ? 0 : 1)
    return findings > 0 ? 1 : 0
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then((code) => { process.exitCode = code }, (err: unknown) => {
  console.error('fuzz:', err)
  process.exitCode = 2
})
