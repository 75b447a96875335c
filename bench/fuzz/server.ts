/**
 * The server under test, as users run it: the built `node dist/bundle/server.js` (as `npm start`) in a child process, on
 * 127.0.0.1 and a free port, with a throw-away database file. Watches what a test cannot see from
 * outside: the process exiting, its log lines at error level or above, and its resident memory.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { cpuSecondsOf as cpuOf } from '../procs.js'

/** The sandbox's http.body_timeout_ms during a fuzz run (its default is 30 s). */
export const BODY_TIMEOUT_MS = 5000

export interface LogLine { level: number, msg: string, err: string | undefined, at: number }

/** Resident set size of a process, in bytes (Linux /proc; undefined elsewhere or once it is gone). */
function rssOf (pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m === null ? undefined : Number(m[1]) * 1024
  } catch {
    return undefined
  }
}

export class Server {
  port = 0
  exited: { code: number | null, signal: string | null } | undefined
  readonly errors: LogLine[] = []
  maxRss = 0
  /** CPU seconds used by the server processes (summed over restarts). */
  cpuSeconds = 0
  private cpuBefore = 0
  private child: ChildProcess | undefined
  private sampler: NodeJS.Timeout | undefined
  /** Called for each error-level line as it arrives (to attribute it to requests in flight). */
  onError: (line: LogLine) => void = () => {}

  constructor (private readonly root: string, private readonly db: string) {}

  /** Start and resolve with the port once the `listening on http://...` line is printed. */
  async start (): Promise<number> {
    this.exited = undefined
    this.cpuBefore = this.cpuSeconds
    if (this.sampler !== undefined) clearInterval(this.sampler)
    // Bodies must arrive within 5 s: slow clients are answered well within the run's cap for them.
    const config = join(dirname(this.db), 'fuzz-settings.json')
    writeFileSync(config, JSON.stringify({ http: { body_timeout_ms: BODY_TIMEOUT_MS } }))
    const child = spawn(process.execPath, ['dist/bundle/server.js', '--port', '0', '--db', this.db, '--log-level', 'warn', '--config', config], {
      cwd: this.root, stdio: ['ignore', 'pipe', 'pipe']
    })
    this.child = child
    const port = new Promise<number>((resolve, reject) => {
      const onLine = (line: string): void => {
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(line)
        if (m !== null && this.port === 0) { this.port = Number(m[1]); resolve(this.port) }
        this.log(line)
      }
      createInterface({ input: child.stdout }).on('line', onLine)
      createInterface({ input: child.stderr }).on('line', onLine)
      child.once('exit', (code, signal) => {
        this.exited = { code, signal }
        reject(new Error(`the server exited before listening (code ${code}, signal ${signal})`))
      })
    })
    this.port = 0
    this.sampler = setInterval(() => this.sample(), 250)
    return await port
  }

  get alive (): boolean { return this.exited === undefined && this.child !== undefined }

  sample (): void {
    const pid = this.child?.pid
    const rss = pid === undefined || !this.alive ? undefined : rssOf(pid)
    if (rss !== undefined) this.maxRss = Math.max(this.maxRss, rss)
    const cpu = pid === undefined || !this.alive ? undefined : cpuOf(pid)
    if (cpu !== undefined) this.cpuSeconds = this.cpuBefore + cpu
  }

  /** A stdout/stderr line: pino JSON (level >= 50 is error or fatal) or plain text on stderr (a crash). */
  private log (line: string): void {
    let rec: { level?: number, msg?: string, err?: { message?: string } } | undefined
    try { rec = JSON.parse(line) as typeof rec } catch { rec = undefined }
    if (rec !== undefined && typeof rec.level === 'number') {
      if (rec.level >= 50) this.push({ level: rec.level, msg: rec.msg ?? '', err: rec.err?.message, at: Date.now() })
    } else if (!line.includes('listening on http://') && line.trim() !== '' && !/^\s/.test(line)) {
      // Plain text is a crash or a warning from Node itself; a stack's "    at ..." lines are skipped.
      this.push({ level: 60, msg: `(plain output) ${line.slice(0, 300)}`, err: undefined, at: Date.now() })
    }
  }

  private push (l: LogLine): void {
    this.errors.push(l)
    this.onError(l)
  }

  async stop (): Promise<void> {
    if (this.sampler !== undefined) clearInterval(this.sampler)
    const child = this.child
    if (child === undefined || !this.alive) return
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const t = setTimeout(() => child.kill('SIGKILL'), 5000)
    await gone
    clearTimeout(t)
  }
}
