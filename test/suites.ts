/**
 * The suites `npm test` runs: each is one process (test/suites/<name>.test.ts) that loads a group
 * of test files. Starting a process, loading TypeScript and building the first app costs 1-2 s of
 * CPU; paid once per suite instead of once per file, it is a fraction of the run. The files stay
 * runnable one by one (`npx tap test/core/journal.test.ts`).
 *
 * An entry is a test file or a folder (its *.test.ts files, sub-folders included, but for those
 * another suite names as files). Every test file belongs to exactly one suite
 * (test/contract/shape.test.ts checks it).
 */
import { readdirSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'

export const SUITES: Record<string, readonly string[]> = {
  contract: ['test/contract'],
  core: ['test/core'],
  // Sockets, files, child processes and large images: the slow part of core, in a process of its own.
  'core-io': ['test/core/config.test.ts', 'test/core/hardening.test.ts', 'test/core/store-faults.test.ts', 'test/core/persistence.test.ts', 'test/core/images.test.ts'],
  dashboard: ['test/dashboard'],
  fpt: ['test/vendors/fpt'],
  kit: ['test/kit'],
  // The kit's tests that start processes: the command's (exit codes, signals, pipes) on their own,
  // the longest suite otherwise; then start, examples, TLS.
  'kit-command': ['test/kit/command.test.ts'],
  'kit-process': ['test/kit/start.test.ts', 'test/kit/examples.test.ts', 'test/kit/tls.test.ts', 'test/kit/sandbox.test.ts'],
  // The two passive liveness APIs.
  liveness: ['test/vendors/gtriip', 'test/vendors/riset'],
  oz: ['test/vendors/oz'],
  weber: ['test/vendors/weber']
}

/** Every *.test.ts file under a folder, sorted. */
export function testFiles (dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f).split(sep).join('/'))
    .sort()
}

/** The files of a suite: its file entries, and its folders' files that no suite names as a file. */
export function suiteFiles (name: string): string[] {
  const named = new Set(Object.values(SUITES).flat().filter((e) => e.endsWith('.ts')))
  return (SUITES[name] ?? []).flatMap((e) => e.endsWith('.ts') ? [e] : testFiles(e).filter((f) => !named.has(f)))
}

/** Load (and so run, in this process) every file of the suite. */
export async function runSuite (name: string): Promise<void> {
  const files = suiteFiles(name)
  if (files.length === 0) throw new Error(`no test files in suite ${name}`)
  for (const f of files) await import(pathToFileURL(resolve(f)).href)
}
