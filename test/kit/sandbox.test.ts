/**
 * startSandbox (CONTRACT.md, "Test kit"): defaults for a test run, every option checked with an
 * error naming it, instances that share nothing, vendorUrl/client, and close() that frees
 * everything so that a test process exits on its own.
 */
import { spawn } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { startSandbox } from '../../src/kit/index.js'
import { SHIPPED_SCENARIOS } from '../../src/core/package.js'

t.test('defaults: 127.0.0.1 on a free port, in-memory, the shipped scenarios; answers once it resolves', async (t) => {
  const sandbox = await startSandbox()
  t.teardown(() => sandbox.close())
  t.match(sandbox.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal(sandbox.url, `http://127.0.0.1:${sandbox.port}`)
  const kit = sandbox.client()
  t.match(await kit.health(), { status: 'ok', vendors: ['weber', 'gtriip', 'fpt', 'riset', 'oz'] })
  const scenarios = await kit.scenarios()
  t.ok(scenarios.some((s) => s.name === 'fpt/liveness-fails-twice-then-passes'))
  t.equal(realpathSync(SHIPPED_SCENARIOS), join(realpathSync('.'), 'scenarios'), 'the package\'s own folder (the working directory does not matter: see the last test)')
  t.equal(sandbox.vendorUrl('fpt'), `${sandbox.url}/fpt`)
  t.throws(() => sandbox.vendorUrl('acme' as any), { message: /vendorUrl\(id\): "acme" is not a vendor id/ })
})

t.test('every option is checked: the error names it', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [{ prot: 1 }, /^startSandbox: unknown option "prot" \(options: port, host, /],
    [{ port: 'abc' }, /^startSandbox: option port: expected an integer 0-65535/],
    [{ port: 70000 }, /option port/],
    [{ host: '' }, /option host/],
    [{ db: 3 }, /option db/],
    [{ seed: -1 }, /option seed/],
    [{ vendor: 'acme' }, /^startSandbox: option vendor: expected one of weber, gtriip, fpt, riset, oz, got "acme"/],
    [{ scenarios: false }, /option scenarios/],
    [{ apiKeys: 'k1,k2' }, /option apiKeys: expected a non-empty array/],
    [{ apiKeys: [] }, /option apiKeys/],
    [{ adminToken: '' }, /option adminToken/],
    [{ config: 42 }, /option config: expected a settings file path or a settings object/],
    [{ logLevel: 'loud' }, /option logLevel/],
    [{ tlsCert: 'c.pem' }, /^startSandbox: option tlsCert needs tlsKey too/],
    [{ shutdownGrace: -1 }, /option shutdownGrace/],
    ['fast', /startSandbox\(options\): expected an object/]
  ]
  for (const [options, message] of cases) await t.rejects(startSandbox(options as any), { message }, JSON.stringify(options))
})

t.test('what only shows at start names the option too: settings, scenarios directory, database, certificate', async (t) => {
  const dir = t.testdir({ data: {} })
  await t.rejects(startSandbox({ config: { gtriip: { liveness_threshold: 'high' }, colour: 1 } }), {
    message: 'startSandbox: option config: colour: unknown section (expected one of journal, images, callbacks, http, scenarios, weber, gtriip, fpt, riset, oz)\noption config: gtriip.liveness_threshold: Invalid input: expected number, received string'
  })
  await t.rejects(startSandbox({ config: join(dir, 'missing.yaml') }), { message: /^startSandbox: settings file .*missing\.yaml: cannot be read/ })
  await t.rejects(startSandbox({ scenarios: join(dir, 'nope') }), { message: `startSandbox: option scenarios ${join(dir, 'nope')}: no such directory` })
  await t.rejects(startSandbox({ db: join(dir, 'data') }), { message: /^startSandbox: option db .*data: is a directory/ })
  await t.rejects(startSandbox({ tlsCert: join(dir, 'c.pem'), tlsKey: join(dir, 'k.pem') }), { message: /^startSandbox: option tlsCert .*c\.pem: cannot be read \(ENOENT\)/ })
})

t.test('two instances in one process share no state and no clock', async (t) => {
  const [a, b] = await Promise.all([startSandbox(), startSandbox({ seed: 5 })])
  t.teardown(() => Promise.all([a.close(), b.close()]))
  t.not(a.port, b.port)
  const ka = a.client('shared-name')
  const kb = b.client('shared-name')
  await ka.advanceClock(3600)
  t.equal((await ka.clock()).offset_ms, 3_600_000)
  t.equal((await kb.clock()).offset_ms, 0, 'the same namespace on the other instance did not move')
  await ka.useScenario('fpt/init-401-api-key')
  const init = (s: typeof a): Promise<Response> => fetch(`${s.vendorUrl('fpt')}/session/init`, { method: 'POST', headers: { 'api-key': 'k', 'device-type': 'android', ...ka.headers() } })
  t.equal((await init(a)).status, 401)
  t.equal((await init(b)).status, 200, 'the scenario is active on one instance only')
  t.equal((await ka.requests()).length, 1)
  t.equal((await kb.requests()).length, 1)
})

t.test('client(): a fresh namespace per call, or the one given; the admin token is sent', async (t) => {
  const sandbox = await startSandbox({ adminToken: 'sesame', vendor: 'fpt' })
  t.teardown(() => sandbox.close())
  const one = sandbox.client()
  const two = sandbox.client()
  t.not(one.namespace, two.namespace)
  t.match(one.namespace, /^test-[0-9a-f-]{36}$/)
  t.equal(sandbox.client('default').namespace, 'default')
  t.throws(() => sandbox.client('bad namespace'), { message: /client\(namespace\): "bad namespace" is not a namespace/ })
  await one.advanceClock(10)
  t.equal((await one.clock()).offset_ms, 10_000, 'the admin token went along')
  t.equal((await two.clock()).offset_ms, 0)
  t.equal(sandbox.vendorUrl('fpt'), sandbox.url, 'a single vendor is served at the root')
  t.throws(() => sandbox.vendorUrl('oz'), { message: 'vendorUrl("oz"): this sandbox serves only fpt (option vendor)' })
})

t.test('close() frees the port and is safe to call twice', async (t) => {
  const sandbox = await startSandbox()
  await sandbox.close()
  await sandbox.close()
  await t.rejects(fetch(`${sandbox.url}/__admin/health`), 'nothing listens any more')
})

t.test('a test process exits on its own after close(), watchers and keep-alive connections included', async (t) => {
  // Run from an empty directory: the shipped scenarios are found from the package, not the working directory.
  const script = `
    import { startSandbox } from ${JSON.stringify(join(process.cwd(), 'src', 'kit', 'index.ts'))}
    const sandbox = await startSandbox({ config: { scenarios: { watch: true } } })
    const kit = sandbox.client()
    if ((await kit.scenarios()).length < 50) throw new Error('not the shipped scenarios')
    await fetch(sandbox.vendorUrl('gtriip') + '/liveness/', { method: 'POST', headers: kit.headers() })
    await kit.waitForRequest({ vendor: 'gtriip' }, { timeoutMs: 5000 })
    await sandbox.close()
    console.log('closed')
  `
  const child = spawn(process.execPath, ['--import', join(process.cwd(), 'node_modules', 'tsx', 'dist', 'loader.mjs'), '--input-type=module', '-e', script], { cwd: t.testdir({}), stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (b: Buffer) => { out += String(b) })
  let killed = false
  const timer = setTimeout(() => { killed = true; child.kill('SIGKILL') }, 120_000)
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  clearTimeout(timer)
  t.equal(out, 'closed\n')
  t.equal(killed, false, 'nothing kept the event loop alive')
  t.equal(code, 0)
})
