#!/usr/bin/env node
/**
 * `npm run build` only when dist/ is older than what it is built from, so that `npm start` on a
 * current dist/ starts at once (issue 15, point 4) and a fresh clone or a pull still builds first.
 * The build's last step (scripts/bundle.ts) writes the stamp dist/.built. Plain JavaScript: this
 * runs before every `npm start`, and a TypeScript loader would cost more than the check.
 *   node scripts/build-if-stale.mjs   (npm start's prestart; bench and fuzz run it too)
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const STAMP = join(ROOT, 'dist', '.built')
const INPUTS = ['src', 'dashboard', 'scenarios', 'scripts/bundle.ts', 'scripts/build-dashboard.ts', 'tsconfig.json', 'package-lock.json']

function newest (path) {
  let stat
  try { stat = statSync(path) } catch { return 0 }
  if (!stat.isDirectory()) return stat.mtimeMs
  let max = stat.mtimeMs
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)))
  return max
}

function isStale () {
  let built
  try { built = statSync(STAMP).mtimeMs } catch { return true }
  return INPUTS.some((p) => newest(join(ROOT, p)) > built)
}

if (process.argv[1] === fileURLToPath(import.meta.url) && isStale()) {
  process.stderr.write('ekyc-sandbox: dist/ is missing or older than its sources: npm run build\n')
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })
  process.exit(r.status ?? 1)
}
