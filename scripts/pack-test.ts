/**
 * The package as users get it (`npm run test:pack`, slow: it builds and installs): `npm pack`, then,
 * in a new empty project, `npm install <tarball>` and there
 *   - the node:test example (examples/node-test), importing `ekyc-sandbox` from node_modules;
 *   - the command: `npx ekyc-sandbox --version`, `--help`, and a start (with the shipped scenarios,
 *     since that project has no ./scenarios) stopped by SIGTERM with exit code 0;
 *   - the published types: tsc (strict, skipLibCheck off) over a file using the kit and
 *     `ekyc-sandbox/types/fpt`.
 *
 * better-sqlite3 has no prebuilt binary reachable here and compiles from source on install (about
 * two minutes). So the tarball is installed with --ignore-scripts (npm resolves and unpacks the
 * whole tree as usual; better-sqlite3's is the only install script in it), and better-sqlite3's
 * compiled addon is then copied from this project, which holds the same version built on this
 * machine; with another version, `npm rebuild better-sqlite3` compiles it. Packages come from npm's
 * cache (--prefer-offline). `--compile` installs with the scripts instead (the plain install, slow).
 */
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string, dependencies: Record<string, string> }

function timed<T> (label: string, fn: () => T): T {
  const t0 = performance.now()
  const out = fn()
  console.log(`pack-test: ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  return out
}

/** Runs a command; when it fails, what it printed on stdout (tsc's errors go there) is part of the error. */
function run (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 })
  } catch (err) {
    const out = (err as { stdout?: string }).stdout ?? ''
    throw new Error(`${(err as Error).message}${out === '' ? '' : `\n${out}`}`)
  }
}

interface Packed { filename: string, size: number, unpackedSize: number, entryCount: number, files: Array<{ path: string }> }

function pack (dest: string): Packed {
  const out = run(NPM, ['pack', '--json', '--pack-destination', dest], ROOT)
  const packed = (JSON.parse(out.slice(out.indexOf('['))) as Packed[])[0]
  if (packed === undefined) throw new Error('npm pack printed nothing')
  const paths = packed.files.map((f) => f.path)
  const stray = paths.filter((p) => /^(src|test|bench|examples|scripts)\/|\.map$|tsbuildinfo/.test(p))
  if (stray.length > 0) throw new Error(`the tarball holds files users do not need: ${stray.slice(0, 10).join(', ')}`)
  for (const need of ['dist/kit/index.js', 'dist/kit/index.d.ts', 'dist/server.js', 'dist/bundle/server.js', 'dist/bundle/worker.js', 'bin/ekyc-sandbox.js', 'types/fpt.d.ts', 'collections/fpt.json', 'openapi/fpt.json', 'scenarios/fpt/liveness.yaml', 'README.md']) {
    if (!paths.includes(need)) throw new Error(`the tarball lacks ${need}`)
  }
  return packed
}

/** After an install without scripts: this project's compiled better-sqlite3 addon when the versions match, else a rebuild. */
function provideNativeAddon (project: string): string {
  const addon = join('build', 'Release', 'better_sqlite3.node')
  const own = join(ROOT, 'node_modules', 'better-sqlite3')
  const installed = join(project, 'node_modules', 'better-sqlite3')
  const version = (dir: string): string | undefined => existsSync(join(dir, 'package.json')) ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version : undefined
  if (version(own) !== undefined && version(own) === version(installed) && existsSync(join(own, addon))) {
    mkdirSync(join(installed, 'build', 'Release'), { recursive: true })
    cpSync(join(own, addon), join(installed, addon))
    return `better-sqlite3 ${version(installed) ?? ''}: compiled addon copied from this project`
  }
  run(NPM, ['rebuild', 'better-sqlite3'], project)
  return `better-sqlite3 ${version(installed) ?? ''}: rebuilt (this project has ${version(own) ?? 'none'})`
}

const TYPECHECK = `import { SandboxClient, SandboxError, startSandbox, testPhoto, type JournalEntry, type SandboxClock, type ScenarioInfo } from 'ekyc-sandbox'
import type { paths } from 'ekyc-sandbox/types/fpt'

type InitAnswer = paths['/session/init']['post']['responses'][200]['content']['application/json']
const sandbox = await startSandbox({ vendor: 'fpt', seed: 7, config: { fpt: { session_lifetime_seconds: 60 } } })
const kit: SandboxClient = sandbox.client()
const clock: SandboxClock = await kit.advanceClock(1)
const scenarios: ScenarioInfo[] = await kit.scenarios()
const entry: JournalEntry = await kit.waitForRequest({ operation: 'fpt.session_init', status: 200 }, { timeoutMs: 100 }).catch(() => ({}) as JournalEntry)
const answer: InitAnswer | undefined = undefined
const photo: Buffer = await testPhoto({ seed: 1 })
try { await kit.useScenario('fpt/none') } catch (err) { if (err instanceof SandboxError) console.log(err.status, err.code) }
console.log(clock.offset_ms, scenarios.length, entry.id, answer, photo.length, sandbox.vendorUrl('fpt'))
await sandbox.close()
`

function typecheck (project: string): void {
  writeFileSync(join(project, 'typecheck.ts'), TYPECHECK)
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')]
    },
    files: ['typecheck.ts']
  }))
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project)
}

/** Starts the installed command, waits for its listening line, checks the shipped scenarios, stops it with SIGTERM. */
async function startCommand (project: string): Promise<void> {
  const child = spawn(join(project, 'node_modules', '.bin', 'ekyc-sandbox'), ['--port', '0', '--db', ':memory:', '--log-level', 'warn'], { cwd: project, stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (b: Buffer) => {
      out += String(b)
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m !== null) resolve(m[1] as string)
    })
    child.on('exit', (code) => reject(new Error(`ekyc-sandbox exited with ${code}: ${out}`)))
  })
  const scenarios = await (await fetch(`${url}/__admin/scenarios`)).json() as unknown[]
  if (scenarios.length < 50) throw new Error(`the installed command loaded ${scenarios.length} scenarios, not the shipped ones`)
  const code = await new Promise<number | null>((resolve) => { child.on('exit', resolve); child.kill('SIGTERM') })
  if (code !== 0) throw new Error(`ekyc-sandbox exited with ${code} on SIGTERM`)
}

async function main (): Promise<void> {
  const copyAddon = !process.argv.includes('--compile')
  const work = mkdtempSync(join(tmpdir(), 'ekyc-sandbox-pack-'))
  const project = join(work, 'project')
  mkdirSync(project, { recursive: true })
  const t0 = performance.now()
  try {
    const packed = timed('npm pack (prepack builds dist/)', () => pack(work))
    console.log(`pack-test: ${packed.filename}: ${(packed.size / 1024).toFixed(0)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${packed.entryCount} files`)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pack-test', private: true, type: 'module' }, null, 2))
    const flags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel', 'error', ...(copyAddon ? ['--ignore-scripts'] : [])]
    timed(`npm install <tarball>${copyAddon ? ' --ignore-scripts' : ''}`, () => run(NPM, ['install', join(work, packed.filename), ...flags], project))
    if (copyAddon) console.log(`pack-test: ${timed('native addon', () => provideNativeAddon(project))}`)
    cpSync(join(ROOT, 'examples', 'node-test', 'fpt-contract.test.mjs'), join(project, 'fpt-contract.test.mjs'))
    timed('node --test examples/node-test/fpt-contract.test.mjs', () => run(process.execPath, ['--test', 'fpt-contract.test.mjs'], project))
    const version = run(join(project, 'node_modules', '.bin', 'ekyc-sandbox'), ['--version'], project).trim()
    if (version !== pkg.version) throw new Error(`npx ekyc-sandbox --version printed ${version}, not ${pkg.version}`)
    if (!run(join(project, 'node_modules', '.bin', 'ekyc-sandbox'), ['--help'], project).includes('--tls-cert FILE')) throw new Error('--help does not list --tls-cert')
    await startCommand(project)
    timed('tsc over the published types', () => typecheck(project))
    console.log(`pack-test: ok in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  } finally {
    if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true })
    else console.log(`pack-test: kept ${work}`)
  }
}

main().catch((err: unknown) => {
  console.error(`pack-test: FAILED: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
