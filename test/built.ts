/**
 * The sources as JavaScript, for the tests that start the command in a process of its own (exit
 * codes, signals, closed pipes): esbuild transpiles src/ once per test process (a fraction of a
 * second) into .tap/js-<pid>/, with the package.json the code reads beside it, so each started
 * process runs plain JavaScript instead of loading TypeScript through tsx (seconds per start).
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { buildSync } from 'esbuild'
import tap from 'tap'

let root: string | undefined

function sources (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
}

/** The directory holding the transpiled `src/` (built on first use; removed when the file's tests end). */
export function builtRoot (): string {
  if (root !== undefined) return root
  const dir = resolve('.tap', `js-${process.pid}`)
  buildSync({ entryPoints: sources('src'), outbase: 'src', outdir: join(dir, 'src'), format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' })
  mkdirSync(dir, { recursive: true })
  copyFileSync('package.json', join(dir, 'package.json'))
  tap.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  root = dir
  return dir
}

/** `node <this> ...args` starts the server as the command does. */
export function builtServer (): string {
  return join(builtRoot(), 'src', 'server.js')
}
