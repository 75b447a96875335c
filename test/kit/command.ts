/**
 * Runs the command as users do (`node server.js`, the sources transpiled once: test/built.ts) and collects its output, for the
 * tests about the process itself: exit codes, stderr lines, signals, closed pipes.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { builtServer } from '../built.js'

export interface Run { code: number | null, signal: NodeJS.Signals | null, out: string, err: string }

export interface CommandOptions {
  /** SIGTERM once stdout matches. */
  until?: RegExp
  /** Called with everything printed so far, at each chunk of stdout. */
  onOutput?: (out: string, child: ChildProcess) => void
  /**
   * Without the privileges that let root pass every permission check (the permission cases when the
   * suite runs as root): through setpriv, without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH. Root
   * keeps its user id, so the command is still reachable in a checkout that other users cannot
   * enter (a clone in `mktemp -d`, mode 0700).
   */
  unprivileged?: boolean
}

export function plainEnv (): NodeJS.ProcessEnv {
  return { ...process.env, PORT: '', SANDBOX_DB: '', SANDBOX_SCENARIOS: '' }
}

const DROP_FILE_PRIVILEGES = ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search']

export function command (args: string[], opts: CommandOptions = {}): Promise<Run> {
  return new Promise((resolve) => {
    // Through `env -u NODE_OPTIONS`: the test runner adds NODE_OPTIONS to every child it sees
    // spawned (an import that writes under .tap/ at exit, which another user may not do); the
    // command runs as a user would run it.
    const run = ['env', '-u', 'NODE_OPTIONS', process.execPath, builtServer(), ...args]
    const [cmd, ...argv] = opts.unprivileged === true && process.getuid?.() === 0 ? [...DROP_FILE_PRIVILEGES, ...run] : run
    const child = spawn(cmd as string, argv, { env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (b: Buffer) => {
      out += String(b)
      if (opts.until?.test(out) === true) child.kill('SIGTERM')
      opts.onOutput?.(out, child)
    })
    child.stderr.on('data', (b: Buffer) => { err += String(b) })
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, out, err }) })
  })
}

export interface HeldRequest { accepted: Promise<void>, answer: Promise<string>, finish: () => void }

/**
 * A request held in flight: with `Expect: 100-continue` the server acknowledges the request (the
 * interim 100 answer) before its body is sent, so the test knows the server has it in hand; the
 * body follows on finish().
 */
export function heldRequest (url: string): HeldRequest {
  const body = JSON.stringify({ seconds: 1 })
  const req = http.request(`${url}/__admin/clock/advance`, {
    method: 'POST',
    agent: false,
    headers: { expect: '100-continue', 'content-type': 'application/json', 'content-length': String(body.length) }
  })
  const accepted = new Promise<void>((resolve) => req.once('continue', resolve))
  const answer = new Promise<string>((resolve) => {
    req.on('response', (res) => {
      let text = ''
      res.on('data', (c: Buffer) => { text += String(c) })
      res.on('end', () => resolve(`${res.statusCode ?? 0} ${text}`))
      res.on('error', (err) => resolve(`error ${err.message}`))
    })
    req.on('error', (err) => resolve(`error ${err.message}`))
  })
  req.flushHeaders()
  return { accepted, answer, finish: () => req.end(body) }
}
