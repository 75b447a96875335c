/**
 * The processes under measurement. The sandbox is the built CLI (`node dist/bundle/server.js`, as `npm start`), the way a
 * user runs it, so the bench depends on nothing but the CLI: its port comes from the `listening on`
 * line it prints. The floor (bench/floor.ts) is transpiled to plain JavaScript and run the same way.
 * Both are children of the bench, never sharing its event loop, and both bind 127.0.0.1 only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface Running {
  proc: ChildProcess
  pid: number
  url: string
}

/** Builds dist/ first when it is missing or older than its sources (scripts/build-if-stale.mjs). */
export function ensureBuilt (): void {
  const r = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${String(r.status)})`)
}

/** Writes the floor as floor.mjs into dir (with a node_modules link so its imports resolve). */
export function buildFloor (dir: string): string {
  const source = readFileSync(join(ROOT, 'bench', 'floor.ts'), 'utf8')
  const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' })
  const file = join(dir, 'floor.mjs')
  writeFileSync(file, code)
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'))
  return file
}

/** Spawns `node ...args` and resolves once it prints `listening on <url>`. */
export async function spawnListening (args: string[]): Promise<Running> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  proc.stderr?.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000) })
  return await new Promise((resolve, reject) => {
    let out = ''
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m?.[1] !== undefined && proc.pid !== undefined) {
        proc.stdout?.removeAllListeners('data')
        proc.stdout?.resume()
        resolve({ proc, pid: proc.pid, url: m[1] })
      }
    })
    proc.once('exit', (code) => reject(new Error(`node ${args.join(' ')} exited with ${String(code)} before listening:\n${stderr}`)))
  })
}

/** The sandbox CLI on a free port with a SQLite file (the default kind of store), logging nothing. */
export async function startSandbox (db: string, nodeArgs: string[] = []): Promise<Running> {
  return await spawnListening([...nodeArgs, 'dist/bundle/server.js', '--port', '0', '--host', '127.0.0.1', '--db', db, '--log-level', 'silent'])
}

export async function startFloor (script: string, answers?: string): Promise<Running> {
  return await spawnListening([script, '--port', '0', ...(answers === undefined ? [] : ['--answers', answers])])
}

/** SIGTERM (the sandbox then closes cleanly and a --cpu-prof profile gets written); SIGKILL after 10 s. */
export async function stop (running: Running): Promise<void> {
  const { proc } = running
  if (proc.exitCode !== null || proc.signalCode !== null) return
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/** CPU time (user + system, every thread) a process has used, in seconds (Linux /proc, 100 ticks a second). */
export function cpuSecondsOf (pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}

/** Resident set size now and at its peak, in MB, from /proc/<pid>/status. */
export function memoryOf (pid: number): { rssMB: number, peakMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 }
}
