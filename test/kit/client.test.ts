/**
 * SandboxClient against a real sandbox (one per file, each test in its own namespace): every
 * method of the contract, typed answers, SandboxError for refusals, argument checks naming the
 * argument, the admin token, and a clear error for a URL that is not a sandbox.
 */
import http from 'node:http'
import t from 'tap'
import { NotASandboxError, SandboxClient, SandboxError, startSandbox, type Sandbox } from '../../src/kit/index.js'

let sandbox: Sandbox
t.before(async () => { sandbox = await startSandbox() })
t.teardown(() => sandbox.close())

const initFpt = async (kit: SandboxClient, extra: Record<string, string> = {}): Promise<Response> =>
  await fetch(`${sandbox.vendorUrl('fpt')}/session/init`, { method: 'POST', headers: { 'api-key': 'k', 'device-type': 'android', ...kit.headers(), ...extra } })

t.test('health, clock, advance and reset of the clock', async (t) => {
  const kit = sandbox.client()
  t.match(await kit.health(), { status: 'ok', vendors: ['weber', 'gtriip', 'fpt', 'riset', 'oz'], version: /^\d+\.\d+\.\d+/ })
  const before = await kit.clock()
  t.equal(before.offset_ms, 0)
  const after = await kit.advanceClock(90.5)
  t.equal(after.offset_ms, 90_500)
  t.ok(Date.parse(after.now) - Date.parse(before.now) >= 90_500)
  t.equal((await kit.resetClock()).offset_ms, 0)
})

t.test('scenarios, useScenario, clearScenario, and the outcome they give', async (t) => {
  const kit = sandbox.client()
  const list = await kit.scenarios()
  t.match(list.find((s) => s.name === 'fpt/init-401-api-key'), { vendor: 'fpt', description: /401/ })
  t.same(await kit.useScenario('fpt/init-401-api-key'), { namespace: kit.namespace, vendor: 'fpt', name: 'fpt/init-401-api-key' })
  t.equal((await initFpt(kit)).status, 401)
  t.same(await kit.clearScenario('fpt'), { namespace: kit.namespace, active: {} })
  t.equal((await initFpt(kit)).status, 200)
  await kit.useScenario('gtriip/051-no-face')
  t.same((await kit.clearScenario()).active, {})
})

t.test('requests: the journal newest first, filtered; clearRequests; reset', async (t) => {
  const kit = sandbox.client()
  await initFpt(kit)
  await initFpt(kit, { 'X-Sandbox-Scenario': 'fpt/init-401-api-key' })
  const all = await kit.requests()
  t.equal(all.length, 2)
  t.match(all[0], { vendor: 'fpt', operation: 'fpt.session_init', method: 'POST', path: '/fpt/session/init', status: 401, scenario: 'fpt/init-401-api-key' })
  t.ok((all[0]?.id ?? 0) > (all[1]?.id ?? 0), 'newest first')
  t.equal((await kit.requests({ status: 200 })).length, 1)
  t.equal((await kit.requests({ scenario: 'fpt/init-401-api-key', vendor: 'fpt', operation: 'fpt.session_init' })).length, 1)
  t.equal((await kit.requests({ limit: 1 })).length, 1)
  t.equal((await kit.requests({ vendor: 'oz' })).length, 0)
  t.same(await kit.clearRequests(), { cleared: 2 })
  await kit.advanceClock(5)
  await initFpt(kit)
  t.same(await kit.reset(), { reset: 'namespace', namespace: kit.namespace })
  t.equal((await kit.requests()).length, 0)
  t.equal((await kit.clock()).offset_ms, 0)
})

t.test('headers(): the control headers for a client\'s own calls', async (t) => {
  const kit = sandbox.client('team-a.run-1')
  t.same(kit.headers(), { 'X-Sandbox-Namespace': 'team-a.run-1' })
  t.same(kit.headers('fpt/slow'), { 'X-Sandbox-Namespace': 'team-a.run-1', 'X-Sandbox-Scenario': 'fpt/slow' })
})

t.test('withNamespace(): the same sandbox in another namespace', async (t) => {
  const kit = sandbox.client('default')
  const other = kit.withNamespace()
  t.not(other.namespace, kit.namespace)
  t.equal(other.url, kit.url)
  t.equal(kit.withNamespace('x-1').namespace, 'x-1')
  await other.advanceClock(1)
  t.equal((await kit.withNamespace(other.namespace).clock()).offset_ms, 1000)
})

t.test('arguments are checked before any request, naming the argument', async (t) => {
  const kit = sandbox.client()
  await t.rejects(kit.advanceClock(-5), { name: 'RangeError', message: /^advanceClock\(seconds\): expected a number of seconds from 0 to \d+ \(the clock only moves forward\), got -5/ })
  await t.rejects(kit.advanceClock(Number.NaN), { name: 'RangeError' })
  await t.rejects(kit.advanceClock('10' as any), { name: 'RangeError' })
  await t.rejects(kit.useScenario('liveness-fails'), { name: 'TypeError', message: /^useScenario\(name\): "liveness-fails" is not a scenario name/ })
  await t.rejects(kit.useScenario('acme/x'), { message: /useScenario\(name\)/ })
  await t.rejects(kit.clearScenario('acme' as any), { message: /^clearScenario\(vendor\): "acme" is not a vendor id \(weber, gtriip, fpt, riset, oz\)/ })
  await t.rejects(kit.requests({ vendor: 'acme' } as any), { message: /^requests\(query\)\.vendor: "acme" is not a vendor id/ })
  await t.rejects(kit.requests({ operation: 'ocr' }), { message: /^requests\(query\)\.operation: "ocr" is not an operation id/ })
  await t.rejects(kit.requests({ status: 1000 }), { message: /^requests\(query\)\.status: expected an HTTP status/ })
  await t.rejects(kit.requests({ limit: 0 }), { message: /^requests\(query\)\.limit: expected an integer 1-10000/ })
  await t.rejects(kit.requests({ verb: 'GET' } as any), { message: /^requests\(query\): unknown field "verb" \(fields: vendor, operation, scenario, status, limit\)/ })
  await t.rejects(kit.waitForRequest({ limit: 1 } as any), { message: /^waitForRequest\(filter\): unknown field "limit"/ })
  await t.rejects(kit.waitForRequest({}, { timeoutMs: -1 }), { message: /^waitForRequest: options\.timeoutMs: expected a positive number/ })
  t.throws(() => kit.headers('nope'), { message: /^headers\(scenario\): "nope" is not a scenario name/ })
  t.throws(() => kit.withNamespace('-bad'), { message: /^withNamespace\(namespace\): "-bad" is not a namespace/ })
  t.throws(() => new SandboxClient({ url: 'localhost:4400' }), { message: 'new SandboxClient: option url: "localhost:4400" is not an http(s) URL (e.g. http://127.0.0.1:4400)' })
  t.throws(() => new SandboxClient({ url: '127.0.0.1' }), { message: 'new SandboxClient: option url: "127.0.0.1" is not a URL (e.g. http://127.0.0.1:4400)' })
  t.throws(() => new SandboxClient({ url: sandbox.url, namespace: 'a b' }), { message: /option namespace: "a b" is not a namespace/ })
  t.throws(() => new SandboxClient({ url: sandbox.url, token: 'x' } as any), { message: /unknown option "token"/ })
})

t.test('a refusal of the sandbox is a SandboxError with status, code and message', async (t) => {
  const kit = sandbox.client()
  const err = await kit.useScenario('fpt/no-such-scenario').catch((e: unknown) => e)
  t.type(err, SandboxError)
  t.match(err, { name: 'SandboxError', status: 404, code: 'unknown-scenario', message: 'no scenario named "fpt/no-such-scenario" is loaded' })
})

t.test('with an admin token: the client sends it; without it the sandbox refuses (401)', async (t) => {
  const locked = await startSandbox({ adminToken: 'sesame' })
  t.teardown(() => locked.close())
  const withToken = new SandboxClient({ url: locked.url, adminToken: 'sesame', namespace: 'n1' })
  t.equal((await withToken.clock()).offset_ms, 0)
  const without = new SandboxClient({ url: locked.url })
  t.match(await without.health(), { status: 'ok' }, 'health needs no token')
  const err = await without.clock().catch((e: unknown) => e)
  t.match(err, { name: 'SandboxError', status: 401, code: 'admin-unauthorized' })
})

t.test('a URL where no sandbox answers, or something else answers: NotASandboxError saying so', async (t) => {
  const closed = await startSandbox()
  const url = closed.url
  await closed.close()
  const nobody = await new SandboxClient({ url }).health().catch((e: unknown) => e)
  t.type(nobody, NotASandboxError)
  t.match(nobody, { url, message: new RegExp(`^${url} is not an eKYC sandbox: GET /__admin/health got no answer \\(.*ECONNREFUSED`) })

  const web = http.createServer((req, res) => {
    if (req.url === '/__admin/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"healthy":true}')
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>')
  })
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve))
  t.teardown(() => web.close())
  const other = new SandboxClient({ url: `http://127.0.0.1:${(web.address() as { port: number }).port}/` })
  t.equal(other.url, `http://127.0.0.1:${(web.address() as { port: number }).port}`, 'the trailing slash is dropped')
  await t.rejects(other.health(), { name: 'NotASandboxError', message: /is not an eKYC sandbox: GET \/__admin\/health answered \{"healthy":true\}, not \{"status":"ok","vendors":\[\.\.\.\]\}/ })
  await t.rejects(other.clock(), { name: 'NotASandboxError', message: /is not an eKYC sandbox: GET \/__admin\/clock answered 404 text\/html: <h1>Not Found<\/h1>/ })
})
