/**
 * The examples under examples/ run as users run them. The node:test contract test runs here, with
 * `ekyc-sandbox` resolved to this checkout's sources (the `ekyc-sandbox-source` export condition);
 * `npm run test:pack` runs it again against the installed tarball, and `npm run test:browser` the
 * Playwright example (it needs Chromium). The CI workflow and the compose file cannot run here.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'

t.setTimeout(300_000)

t.test('examples/node-test/fpt-contract.test.mjs passes', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=ekyc-sandbox-source', '--test', '--test-reporter=tap', 'examples/node-test/fpt-contract.test.mjs'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (b: Buffer) => { out += String(b) })
  child.stderr.on('data', (b: Buffer) => { out += String(b) })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 0, out.slice(-2000))
  t.match(out, /# pass 2\n/)
  t.match(out, /# fail 0\n/)
})

t.test('the examples that cannot run here say so', async (t) => {
  for (const file of ['examples/ci/github-actions.yml', 'examples/docker-compose.yml']) {
    t.match(readFileSync(file, 'utf8'), /NOT RUN HERE/, file)
  }
})
