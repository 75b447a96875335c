/**
 * The processes under measurement. The sandbox is the built CLI (`node dist/server.js`), the way a
 * user runs it, so the bench depends on nothing but the CLI: its port comes from the `listening on`
 * line it prints. The floor (bench/floor.ts) is transpiled to plain JavaScript and run the same way.
 * Both are children of the bench, never sharing its event loop, and both bind 127.0.0.1 only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface Running {
  proc: ChildProcess
  pid: number
  url: string
}

function newestMtime (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

/** Runs `npm run build` when dist/ is missing or older than src/. */
export function ensureBuilt (): void {
  let stale = true
  try {
    stale = newestMtime(join(ROOT, 'dist')) < newestMtime(join(ROOT, 'src'))
  } catch { /* no dist/ yet */ }
  if (!stale) return
  process.stdout.write('dist/ is missing or older than src/: npm run build\n')
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${String(r.status)})`)
  // tsc rewrites only outputs whose content changed: a stamp keeps a merely touched src/ from
  // triggering a build on every run.
  writeFileSync(join(ROOT, 'dist', '.bench-built'), new Date().toISOString() + '\n')
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
  return await spawnListening([...nodeArgs, 'dist/server.js', '--port', '0', '--host', '127.0.0.1', '--db', db, '--log-level', 'silent'])
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

/** Resident set size now and at its peak, in MB, from /proc/<pid>/status. */
export function memoryOf (pid: number): { rssMB: number, peakMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 }
}
