/**
 * The command as a process (issue 11, points 7 and 8): a --db that cannot be used and a port in use
 * give one line and exit code 2; SIGTERM lets requests in flight finish and exits 0, a second
 * signal exits at once; closed stdout/stderr never kill it. Each case runs `src/server.ts` (tsx).
 * The message wording for every --db case is checked in-process in start.test.ts.
 */
import { spawn } from 'node:child_process'
import { builtServer } from '../built.js'
import { chmodSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { makeCertificates } from '../../scripts/cert.js'
import { command, heldRequest, plainEnv, type HeldRequest } from './command.js'

// Every test starts the command once or twice: allow for a busy CI machine.
t.setTimeout(600_000)

t.test('a --db that is a directory: one line naming --db and the reason, exit code 2, no stack', async (t) => {
  const dir = t.testdir({ data: {} })
  const { code, err } = await command(['--db', join(dir, 'data'), '--port', '0'])
  t.equal(code, 2)
  t.equal(err, `ekyc-sandbox: --db ${join(dir, 'data')}: is a directory (give a file in it, e.g. ${join(dir, 'data', 'sandbox.db')})\n`)
})

// Root passes every permission check (SQLite too), so these run the command without that privilege.
const asUser = { unprivileged: true }

t.test('a read-only database file, a directory that cannot be written: one line each, exit code 2', async (t) => {
  const dir = t.testdir({ ro: {}, locked: {} })
  for (const d of [dir, join(dir, 'ro'), join(dir, 'locked')]) chmodSync(d, 0o777)
  const file = join(dir, 'ro', 'sandbox.db')
  const first = await command(['--db', file, '--port', '0', '--log-level', 'silent'], { until: /listening/ })
  t.equal(first.code, 0, 'a database is created there first')
  chmodSync(file, 0o444)
  chmodSync(join(dir, 'ro'), 0o555)
  chmodSync(join(dir, 'locked'), 0o555)
  const ro = await command(['--db', file, '--port', '0'], asUser)
  t.equal(ro.code, 2)
  t.equal(ro.err, `ekyc-sandbox: --db ${file}: is read-only (the sandbox keeps its state there; use a writable file or :memory:)\n`)
  const locked = join(dir, 'locked', 'sandbox.db')
  const unwritable = await command(['--db', locked, '--port', '0'], asUser)
  t.equal(unwritable.code, 2)
  t.equal(unwritable.err, `ekyc-sandbox: --db ${locked}: the directory ${join(dir, 'locked')} is not writable (SQLite writes its -wal and -shm files next to the database)\n`)
})

t.test('a port in use: one line naming the port, exit code 2', async (t) => {
  const taken = net.createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => taken.close())
  const port = (taken.address() as net.AddressInfo).port
  const { code, err } = await command(['--port', String(port), '--db', ':memory:'])
  t.equal(code, 2)
  t.equal(err, `ekyc-sandbox: port ${port} is already in use (--port)\n`)
})

/** Starts the command, holds a request in flight, sends `signal`, then calls `next` once the stopping line names it. */
async function withRequestInFlight (args: string[], signal: NodeJS.Signals, next: (child: import('node:child_process').ChildProcess, held: HeldRequest) => void) {
  let held: HeldRequest | undefined
  let stage = 0
  const run = await command(['--port', '0', '--db', ':memory:', '--log-level', 'silent', ...args], {
    onOutput: (out, child) => {
      const url = /listening on (\S+)/.exec(out)?.[1]
      if (stage === 0 && url !== undefined) {
        stage = 1
        const h = heldRequest(url)
        held = h
        h.accepted.then(() => { child.kill(signal) }, () => {})
      }
      if (stage === 1 && /1 request in flight/.test(out) && held !== undefined) {
        stage = 2
        next(child, held)
      }
    }
  })
  return { run, answer: await held?.answer }
}

t.test('SIGTERM: the request in flight gets its answer, then the process exits 0', async (t) => {
  const { run, answer } = await withRequestInFlight(['--shutdown-grace', '60'], 'SIGTERM', (_child, held) => held.finish())
  t.match(run.out, /SIGTERM: stopping; 1 request in flight, waiting up to 60 s/)
  t.match(answer, /^200 \{"now":/, 'answered, not cut')
  t.equal(run.code, 0)
})

t.test('past the grace period the request in flight is cut and the process exits 0', async (t) => {
  const { run, answer } = await withRequestInFlight(['--shutdown-grace', '0.2'], 'SIGTERM', () => {})
  t.match(answer, /^error /)
  t.equal(run.code, 0)
})

t.test('a second signal exits at once, without waiting for the request in flight', async (t) => {
  const { run, answer } = await withRequestInFlight(['--shutdown-grace', '600'], 'SIGINT', (child) => child.kill('SIGINT'))
  t.match(run.out, /SIGINT: stopping; 1 request in flight, waiting up to 600 s/)
  t.equal(run.err, 'ekyc-sandbox: second SIGINT: exiting now\n')
  t.equal(run.code, 130)
  t.match(answer, /^error /, 'the held request was cut')
})

t.test('stdout and stderr closed by their reader: the process keeps serving and exits 0 on SIGTERM', async (t) => {
  const child = spawn(process.execPath, [builtServer(), '--port', '0', '--db', ':memory:', '--log-level', 'trace'], {
    env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe']
  })
  const url = await new Promise<string>((resolve) => {
    let out = ''
    child.stdout.on('data', (b: Buffer) => {
      out += String(b)
      const m = /listening on (\S+)/.exec(out)
      if (m !== null) resolve(m[1] as string)
    })
  })
  child.stdout.destroy()
  child.stderr.destroy()
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  // Calls that log at trace level, an unknown path that logs at warn, then the stopping line: all
  // written to pipes nobody reads any more.
  for (const path of ['/__admin/health', '/nowhere', '/gtriip/liveness/']) {
    const res = await fetch(`${url}${path}`, { method: path.startsWith('/gtriip') ? 'POST' : 'GET' })
    t.ok(res.status > 0, path)
  }
  child.kill('SIGTERM')
  t.equal(await exited, 0)
})

t.test('with --tls-cert and --tls-key the listening line says https', async (t) => {
  const files = makeCertificates(t.testdir({}))
  const { code, out } = await command(['--port', '0', '--db', ':memory:', '--log-level', 'warn', '--tls-cert', files.cert, '--tls-key', files.key], { until: /listening/ })
  t.match(out, /^ekyc-sandbox listening on https:\/\/127\.0\.0\.1:\d+ /)
  t.equal(code, 0)
})
