/**
 * The admin API's additions for the dashboard: namespaces that hold state, the live state per vendor
 * on the virtual clock, scenario rules, faults in the journal (core migration 2), and the journal as
 * server-sent events. Plus what the dashboard needs around it: GET / and /docs branding.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { build, json, multipart, T0 } from '../helper.js'
import { photo } from '../images.js'
import { obtainToken, REVOKE_URL, FORM, form } from '../vendors/riset/fixtures/riset.js'
import { activeAccount, visitor } from '../vendors/weber/fixtures/weber.js'
import { migrate, openDatabase } from '../../src/core/db.js'
import { clockMigration } from '../../src/core/clock.js'
import { journalMigration } from '../../src/core/journal/index.js'
import { scenarioMigration } from '../../src/core/scenarios/state.js'

type App = Awaited<ReturnType<typeof build>>
const FPT = { 'api-key': 'k', client_uuid: 'u-1', 'device-type': 'api' }

const admin = async (app: App, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, ns?: string, payload?: unknown): Promise<any> => {
  const res = await app.inject({ method, url: `/__admin${url}`, headers: ns === undefined ? {} : { 'x-sandbox-namespace': ns }, ...(payload === undefined ? {} : { payload: payload as object }) })
  if (res.statusCode >= 400) throw new Error(`${method} ${url}: ${res.statusCode} ${res.payload}`)
  return json(res)
}

async function fptSession (app: App, ns: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/fpt/session/init', headers: { ...FPT, 'x-sandbox-namespace': ns } })
  return json(res)['session-id'] as string
}

t.test('GET /__admin/namespaces: every namespace holding state, sorted, default always, with journal size, offset and active scenarios', async (t) => {
  const app = await build(t)
  t.same(await admin(app, 'GET', '/namespaces'), { namespaces: [{ name: 'default', journal: 0, offset_ms: 0, active: {} }] })
  await admin(app, 'POST', '/clock/advance', 'only-clock', { seconds: 5 })
  await admin(app, 'PUT', '/scenario', 'only-scenario', { name: 'gtriip/spoof' })
  await fptSession(app, 'b-fpt')
  await app.inject({ method: 'POST', url: '/riset/oauth/client/token', headers: { ...FORM, 'x-sandbox-namespace': 'a-riset' }, payload: form({ client_id: 'c', password: 'p' }) })
  const { namespaces } = await admin(app, 'GET', '/namespaces')
  t.same(namespaces.map((n: any) => n.name), ['a-riset', 'b-fpt', 'default', 'only-clock', 'only-scenario'])
  t.same(namespaces.find((n: any) => n.name === 'b-fpt'), { name: 'b-fpt', journal: 1, offset_ms: 0, active: {} }, 'the request is counted before it is flushed')
  t.same(namespaces.find((n: any) => n.name === 'only-clock'), { name: 'only-clock', journal: 0, offset_ms: 5000, active: {} })
  t.same(namespaces.find((n: any) => n.name === 'only-scenario').active, { gtriip: 'gtriip/spoof' })
  await admin(app, 'POST', '/reset', 'b-fpt')
  t.notOk((await admin(app, 'GET', '/namespaces')).namespaces.some((n: any) => n.name === 'b-fpt'), 'a reset namespace holds nothing')
})

t.test('GET /__admin/state: an FPT session with its lifetime on the namespace clock, attempts and retries', async (t) => {
  const app = await build(t)
  const id = await fptSession(app, 'st')
  const before = await admin(app, 'GET', '/state', 'st')
  t.equal(before.namespace, 'st')
  t.equal(before.now, new Date(T0).toISOString())
  t.same(Object.keys(before.vendors), ['weber', 'fpt', 'riset', 'oz'], 'every served vendor with an inspect (gtriip keeps no state)')
  t.same(before.vendors.fpt, [{
    kind: 'session',
    id,
    expires_at: new Date(T0 + 1800_000).toISOString(),
    remaining_seconds: 1800,
    fields: { state: 'new', device_type: 'api', document_type: null, attempts: 0, retry_limit: 5, retries_left: 5, closed_reason: null }
  }])
  await admin(app, 'POST', '/clock/advance', 'st', { seconds: 600 })
  const after = await admin(app, 'GET', '/state', 'st')
  t.equal(after.now, new Date(T0 + 600_000).toISOString())
  t.equal(after.vendors.fpt[0].remaining_seconds, 1200, 'the remaining lifetime follows the virtual clock')
  await admin(app, 'POST', '/clock/advance', 'st', { seconds: 1200 })
  t.equal((await admin(app, 'GET', '/state', 'st')).vendors.fpt[0].remaining_seconds, 0, 'expired')
  t.same((await admin(app, 'GET', '/state')).vendors.fpt, [], 'other namespaces see nothing')
})

t.test('GET /__admin/state: Weber visitors and face-payment accounts, Riset tokens with revocation', async (t) => {
  const app = await build(t)
  const ns = { 'x-sandbox-namespace': 'w' }
  const lone = await visitor(app, ns)
  const { session, phone } = await activeAccount(app, { headers: ns, phone: '0811112222', minimum_payment: 75000 })
  const token = await obtainToken(app, 'riset.ai', ns)
  await app.inject({ method: 'POST', url: REVOKE_URL, headers: { ...FORM, ...ns, accesstoken: token }, payload: form({ client_id: 'riset.ai', password: 'x' }) })
  await obtainToken(app, 'other', ns)
  const { vendors } = await admin(app, 'GET', '/state', 'w')
  const visitors = vendors.weber.filter((i: any) => i.kind === 'visitor')
  t.same(visitors.map((v: any) => v.id).sort(), [lone, session].sort())
  t.match(visitors[0], { expires_at: new Date(T0 + 86400_000).toISOString(), remaining_seconds: 86400, fields: { full_name: String } }, 'a session lasts SESSION_EXPIRATION days')
  const [account] = vendors.weber.filter((i: any) => i.kind === 'account')
  t.match(account, { expires_at: null, remaining_seconds: null, fields: { session_id: session, phone, balance: 1000000, minimum_payment: 75000, active: true } })
  t.same(vendors.riset.map((i: any) => [i.fields.client_id, i.fields.revoked, i.expires_at]), [['other', false, null], ['riset.ai', true, null]], 'newest first; tokens never expire by default')
  t.equal(vendors.riset[1].id, token.split('.')[2]?.slice(0, 12), 'a token is named by the start of its signature')
})

t.test('GET /__admin/state: Oz resolution callbacks still running', async (t) => {
  const app = await build(t)
  // A receiver that holds the callback until released: meanwhile it is pending.
  let release = (): void => {}
  let arrive = (): void => {}
  const arrived = new Promise<void>((resolve) => { arrive = resolve })
  const server = createServer((req, res) => {
    req.resume()
    release = () => { res.end('{}') }
    arrive()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { release(); server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)) })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  const res = await app.inject({ method: 'POST', url: '/oz/v1/face/liveness/detect', ...multipart([{ name: 'media_key1', value: await photo(), filename: 'a.jpg' }, { name: 'payload', value: JSON.stringify({ resolution_endpoint: url }) }], { 'x-sandbox-namespace': 'oz' }) })
  t.equal(res.statusCode, 200)
  await arrived
  const pending = (await admin(app, 'GET', '/state', 'oz')).vendors.oz
  t.same(pending, [{ kind: 'callback', id: 'callback-1', expires_at: null, remaining_seconds: null, fields: { url, operation: 'oz.resolution_callback', attempts: 1, started: new Date(T0).toISOString() } }])
  t.same((await admin(app, 'GET', '/state')).vendors.oz, [], 'only in its own namespace')
  release()
  await app.core.outbound.settle()
  t.same((await admin(app, 'GET', '/state', 'oz')).vendors.oz, [], 'gone once answered')
})

t.test('GET /__admin/state refuses a malformed namespace with the sandbox error', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/__admin/state', headers: { 'x-sandbox-namespace': 'bad name!' } })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['x-sandbox-error'], 'invalid-namespace')
})

t.test('GET /__admin/scenarios lists each scenario with its rules as loaded', async (t) => {
  const app = await build(t)
  const list = await admin(app, 'GET', '/scenarios')
  const slow = list.find((s: any) => s.name === 'fpt/slow')
  t.same(slow.rules[0], { operation: 'fpt.session_init', fault: { latency_ms: { min: 1500, max: 3000 } }, after: 'last' })
  t.ok(list.find((s: any) => s.name === 'gtriip/051-no-face').rules.some((r: any) => JSON.stringify(r).includes('051')), 'error codes are in the rules')
})

t.test('the journal records the fault a scenario applied (or null)', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: '/fpt/session/init', headers: FPT })
  await app.inject({ method: 'POST', url: '/fpt/ocr', headers: { ...FPT, 'x-sandbox-scenario': 'fpt/ocr-connection-dropped' } }).catch(() => {})
  const [dropped, plain] = (await admin(app, 'GET', '/requests')).requests
  t.same(dropped.fault, { drop: true }, 'a fault applied to a request refused by a real check too')
  t.equal(dropped.status, 0)
  t.equal(plain.fault, null)
})

t.test('core migration 2 adds the fault column to a journal written before it', async (t) => {
  const dir = t.testdir()
  const file = `${dir}/old.db`
  const db = openDatabase(file)
  migrate(db, 'core', [{ version: 1, up: clockMigration + ';\n' + scenarioMigration + journalMigration }])
  db.prepare(`INSERT INTO core_journal (namespace, time, vendor, operation, method, path, status, scenario, duration_ms, request, response)
    VALUES ('default', '2026-01-01T00:00:00.000Z', 'gtriip', 'gtriip.liveness', 'POST', '/gtriip/liveness/', 200, NULL, 1, '{}', '{}')`).run()
  db.close()
  const app = await build(t, { db: file })
  const [old] = (await admin(app, 'GET', '/requests')).requests
  t.match(old, { vendor: 'gtriip', fault: null })
})

t.test('GET / sends a browser to the dashboard; /__dashboard to /__dashboard/; with --vendor the root is the vendor\'s', async (t) => {
  const app = await build(t)
  const root = await app.inject({ method: 'GET', url: '/' })
  t.equal(root.statusCode, 302)
  t.equal(root.headers.location, '/__dashboard/')
  const bare = await app.inject({ method: 'GET', url: '/__dashboard' })
  t.equal(bare.statusCode, 301)
  t.equal(bare.headers.location, '/__dashboard/')
  const one = await build(t, { argv: ['--vendor', 'gtriip'] })
  t.not((await one.inject({ method: 'GET', url: '/' })).headers.location, '/__dashboard/')
})

t.test('Swagger UI at /docs carries the sandbox\'s name and mark, not the Fastify logo', async (t) => {
  const app = await build(t)
  const html = (await app.inject({ method: 'GET', url: '/docs' })).payload
  t.match(html, /<title>eKYC vendor sandbox: API documentation<\/title>/)
  const init = (await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' })).payload
  const logo = /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(init)
  t.ok(logo, 'the logo is replaced')
  t.match(Buffer.from(logo?.[1] ?? '', 'base64').toString(), /eKYC vendor sandbox/)
})

t.test('the admin OpenAPI documents the new calls, the stream as text/event-stream with its events', async (t) => {
  const app = await build(t)
  const doc = json(await app.inject({ method: 'GET', url: '/openapi/admin.json' }))
  t.ok(doc.paths['/namespaces'].get)
  t.ok(doc.paths['/state'].get.parameters.some((p: any) => p.name === 'x-sandbox-namespace'))
  const stream = doc.paths['/requests/stream'].get
  t.ok(stream.responses['200'].content['text/event-stream'])
  t.match(stream.description, /`request`[\s\S]*`cleared`/)
  t.same(stream.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name).sort(), ['namespace', 'operation', 'scenario', 'status', 'vendor'])
  t.ok(doc.components.schemas.SandboxJournalEntry.properties.fault, 'journal entries document their fault')
})
