/**
 * Time from startSandbox() to the first answer (GET /__admin/health through a SandboxClient), in a
 * fresh process each run (module loading included, as a test file pays it), plus a second instance
 * in the same process (what each further startSandbox() costs). Uses the compiled dist/ (run
 * `npm run build` first) so that TypeScript compilation is not measured.
 *   npx tsx bench/kit-start.ts [runs]
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const runs = Number(process.argv[2] ?? 5)
if (!existsSync('dist/kit/index.js')) throw new Error('dist/ is missing: npm run build')

const script = `
const t0 = performance.now()
const { startSandbox } = await import('./dist/kit/index.js')
const t1 = performance.now()
const a = await startSandbox()
await a.client().health()
const t2 = performance.now()
const b = await startSandbox()
await b.client().health()
const t3 = performance.now()
await Promise.all([a.close(), b.close()])
console.log(JSON.stringify({ import: t1 - t0, first: t2 - t1, second: t3 - t2 }))
`

const results = Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as Record<string, number>)
const median = (k: string): number => results.map((r) => r[k] as number).sort((x, y) => x - y)[Math.floor(runs / 2)] as number
console.log(`runs: ${runs}; median ms: import ${median('import').toFixed(0)}, startSandbox() to first answer ${median('first').toFixed(0)}, a second instance ${median('second').toFixed(0)}`)
