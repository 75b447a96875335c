/**
 * npm run bench: the sandbox against a like-for-like floor, in one run, on 127.0.0.1 only
 * (issue 15, point 7; issue 11, point 6).
 *
 *   A  GET /weber/api/v1/services              } autocannon against the sandbox and against a bare
 *   B  POST /fpt/session/init                  } Fastify floor answering the same request with the
 *   C  POST /gtriip/liveness/, ~98 KB JPEG     } bytes the sandbox answered (bench/floor.ts); ratio
 *                                                = sandbox req/s / floor req/s
 *   startup  spawn to first 200 of /__admin/health, median of --starts (bench/startup.ts)
 *   rss      VmRSS (and peak) of both processes after the A/B/C load, and the sandbox's after health
 *   health   /__admin/health latency with no load and under 5 MB uploads (bench/health.ts)
 *
 * The sandbox is the built CLI with a SQLite file (its default store) in a child process; the
 * floor is another child process. Options: --connections N (50), --duration S (8), --warmup S (1),
 * --only A,B,C,startup,rss,health, --json FILE, --starts N (5), --upload-clients N (20),
 * --health-seconds S (4), --profile A|B|C (that target only, the sandbox under node --cpu-prof,
 * then its top 15 functions by self time during the measured load; the profile file is kept).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { measureHealth } from './health.js'
import { selfieJpeg } from './images.js'
import { buildFloor, cpuSecondsOf, ensureBuilt, memoryOf, ROOT, startFloor, startSandbox, stop, type Running } from './procs.js'
import { profileIn, topSelf } from './profile.js'
import { machine, render, type Report, type TargetRow } from './report.js'
import { measureStartup } from './startup.js'
import { capture, checkFloor, floorRoute, load, targets, type Capture, type Target, type TargetId } from './targets.js'

const PARTS = ['A', 'B', 'C', 'startup', 'rss', 'health']
/** After a load, CPU time is read this much later: the journal's worker writes up to a second after. */
const CPU_SETTLE_MS = 1500

interface Options {
  connections: number
  duration: number
  warmup: number
  only: Set<string>
  json: string | undefined
  profile: TargetId | undefined
  starts: number
  uploadClients: number
  healthSeconds: number
}

function positive (name: string, value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${value}`)
  return n
}

function options (argv: string[]): Options {
  const str = (d: string): { type: 'string', default: string } => ({ type: 'string', default: d })
  const { values: v } = parseArgs({
    args: argv,
    options: {
      connections: str('50'),
      duration: str('8'),
      warmup: str('1'),
      only: str(PARTS.join(',')),
      starts: str('5'),
      'upload-clients': str('20'),
      'health-seconds': str('4'),
      json: { type: 'string' },
      profile: { type: 'string' }
    }
  })
  const only = new Set(v.only.split(',').map((s) => s.trim()))
  for (const p of only) if (!PARTS.includes(p)) throw new Error(`--only: unknown part ${p} (known: ${PARTS.join(',')})`)
  if (v.profile !== undefined && !['A', 'B', 'C'].includes(v.profile)) throw new Error('--profile takes A, B or C')
  return {
    connections: positive('connections', v.connections),
    duration: positive('duration', v.duration),
    warmup: v.warmup === '0' ? 0 : positive('warmup', v.warmup),
    only,
    json: v.json,
    profile: v.profile as TargetId | undefined,
    starts: positive('starts', v.starts),
    uploadClients: positive('upload-clients', v['upload-clients']),
    healthSeconds: positive('health-seconds', v['health-seconds'])
  }
}

const log = (line: string): void => { process.stderr.write(line + '\n') }

/** Captures the sandbox's answer to each target, noting anything a like-for-like floor cannot copy. */
async function captureAll (url: string, chosen: Target[], notes: string[]): Promise<Array<Target & Capture>> {
  const out: Array<Target & Capture> = []
  for (const t of chosen) {
    const c = await capture(url, t)
    if (c.answer.status >= 300) notes.push(`${t.id}: the sandbox answered ${c.answer.status}: ${c.answer.body.toString().slice(0, 200)}`)
    if (c.varies !== '') notes.push(`${t.id}: the sandbox's answer varies per request (${c.varies}); the floor replays the first one`)
    out.push({ ...t, ...c })
  }
  return out
}

/** Warm-up, then the measured load; `measuring` is called when the measured part starts. */
async function measure (url: string, t: Target, o: Options, measuring = (): void => {}): Promise<ReturnType<typeof load>> {
  if (o.warmup > 0) await load(url, t, o.connections, o.warmup)
  measuring()
  return await load(url, t, o.connections, o.duration)
}

/**
 * The measured load, and the CPU time (every thread) the process spent on it per 1,000 requests,
 * read once what the load left behind is done (the journal's worker writes up to a second later).
 * On a small shared machine req/s moves with whatever else runs (the load generator included);
 * CPU per request is the work each request costs, what paired runs of two builds compare best.
 */
async function measureWithCpu (running: Running, t: Target, o: Options): Promise<{ load: Awaited<ReturnType<typeof load>>, cpuMsPer1k: number | undefined }> {
  let before: number | undefined
  const l = await measure(running.url, t, o, () => { before = cpuSecondsOf(running.pid) })
  await sleep(CPU_SETTLE_MS)
  const after = cpuSecondsOf(running.pid)
  const cpuMsPer1k = before === undefined || after === undefined || l.requests === 0 ? undefined : (after - before) * 1e6 / l.requests
  return { load: l, cpuMsPer1k }
}

async function measureTarget (c: Target & Capture, sandbox: Running, floor: Running, o: Options, notes: string[]): Promise<TargetRow> {
  const mismatch = await checkFloor(floor.url, c, c.answer)
  if (mismatch !== '') notes.push(`${c.id}: the floor's answer differs from the captured one: ${mismatch}`)
  const { load: s, cpuMsPer1k: sCpu } = await measureWithCpu(sandbox, c, o)
  log(`  ${c.id} sandbox: ${Math.round(s.rps)} req/s`)
  const { load: f, cpuMsPer1k: fCpu } = await measureWithCpu(floor, c, o)
  log(`  ${c.id} floor:   ${Math.round(f.rps)} req/s`)
  for (const [who, l] of [['sandbox', s], ['floor', f]] as const) {
    if (l.non2xx + l.errors + l.timeouts > 0) notes.push(`${c.id} ${who}: ${l.non2xx} non-2xx, ${l.errors} errors, ${l.timeouts} timeouts of ${l.requests} requests`)
  }
  const answer = { status: c.answer.status, bytes: c.answer.body.length, contentType: c.answer.headers['content-type'] ?? '' }
  const cpu = sCpu === undefined || fCpu === undefined ? undefined : { sandbox: sCpu, floor: fCpu }
  return { id: c.id, label: c.label, answer, sandbox: s, floor: f, ratio: s.rps / f.rps, ...(cpu === undefined ? {} : { cpu }) }
}

function newReport (o: Options): Report {
  const { only, ...rest } = o
  return { machine: machine(), options: { ...rest, only: [...only].join(',') }, targets: [], notes: [] }
}

async function loadAndMemory (report: Report, o: Options, tmp: string, floorScript: string, sandbox: Running): Promise<void> {
  const chosen = targets(await selfieJpeg()).filter((t) => o.only.has(t.id))
  const captured = await captureAll(sandbox.url, chosen, report.notes)
  const answers = join(tmp, 'answers.json')
  writeFileSync(answers, JSON.stringify(captured.map((c) => floorRoute(c, c.answer))))
  const floor = await startFloor(floorScript, answers)
  try {
    for (const c of captured) report.targets.push(await measureTarget(c, sandbox, floor, o, report.notes))
    const after = chosen.length === 0 ? 'start (no load)' : `the ${chosen.map((t) => t.id).join('/')} load`
    if (o.only.has('rss')) report.rss = { after, sandbox: memoryOf(sandbox.pid), floor: memoryOf(floor.pid) }
  } finally {
    await stop(floor)
  }
}

async function fullRun (o: Options, tmp: string): Promise<Report> {
  const report = newReport(o)
  const floorScript = buildFloor(tmp)
  if (o.only.has('startup')) {
    log('start-up...')
    report.startup = await measureStartup(tmp, floorScript, o.starts)
  }
  const sandbox = await startSandbox(join(tmp, 'load.db'))
  try {
    if (['A', 'B', 'C', 'rss'].some((p) => o.only.has(p))) await loadAndMemory(report, o, tmp, floorScript, sandbox)
    if (o.only.has('health')) {
      log('health under upload load...')
      report.health = await measureHealth(sandbox.url, { clients: o.uploadClients, seconds: o.healthSeconds, minProbes: 10, maxProbes: 1000 }, log)
      if (report.rss !== undefined) report.rss.afterHealth = memoryOf(sandbox.pid)
    }
  } finally {
    await stop(sandbox)
  }
  return report
}

async function profileRun (o: Options, tmp: string): Promise<Report> {
  const report = newReport(o)
  const dir = mkdtempSync(join(tmpdir(), 'ekyc-bench-profile-'))
  const t = targets(await selfieJpeg()).find((x) => x.id === o.profile) as Target
  const spawned = performance.now()
  let skipMs = 0
  const sandbox = await startSandbox(join(tmp, 'profile.db'), ['--cpu-prof', '--cpu-prof-dir', dir])
  try {
    const [c] = await captureAll(sandbox.url, [t], report.notes)
    const s = await measure(sandbox.url, t, o, () => { skipMs = performance.now() - spawned })
    const answer = { status: c?.answer.status ?? 0, bytes: c?.answer.body.length ?? 0, contentType: c?.answer.headers['content-type'] ?? '' }
    report.targets.push({ id: t.id, label: `${t.label} (sandbox under --cpu-prof)`, answer, sandbox: s })
  } finally {
    await stop(sandbox)
  }
  const file = profileIn(dir)
  report.profile = { file, top: topSelf(file, ROOT, 15, skipMs) }
  return report
}

async function main (): Promise<void> {
  const o = options(process.argv.slice(2))
  ensureBuilt()
  const tmp = mkdtempSync(join(tmpdir(), 'ekyc-bench-'))
  try {
    const report = o.profile !== undefined ? await profileRun(o, tmp) : await fullRun(o, tmp)
    process.stdout.write(render(report) + '\n')
    if (o.json !== undefined) writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n')
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
