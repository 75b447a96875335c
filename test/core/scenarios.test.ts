/**
 * Scenario loader and engine: validation errors name the file and the field; precedence; rules
 * matched by operation and request attributes; sequences per session kept in SQLite; hot reload.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { z } from 'zod'
import { migrate, openDatabase } from '../../src/core/db.js'
import { ScenarioEngine } from '../../src/core/scenarios/engine.js'
import { loadScenarioDir, ParseCache, parseScenarioFile, ScenarioFileError } from '../../src/core/scenarios/loader.js'
import type { VendorScenarioSpec } from '../../src/core/scenarios/schema.js'
import { scenarioMigration } from '../../src/core/scenarios/state.js'
import { build, json } from '../helper.js'
import { photo } from '../images.js'

const silent = { warn: () => {}, info: () => {}, error: () => {} } as any
const specs = new Map<string, VendorScenarioSpec>([
  ['acme', { operations: { 'acme.check': { errors: ['E1', 'E2'] }, 'acme.init': { errors: ['E2'] } }, outcome: z.object({ error: z.enum(['E1', 'E2']).optional(), score: z.number().optional() }).strict() }]
])
const cache = (): ParseCache => new ParseCache(specs)

function errorOf (text: string, file = 'scenarios/acme/x.yaml'): string {
  try {
    parseScenarioFile(file, text, specs)
    return 'no error'
  } catch (err) {
    return err instanceof ScenarioFileError ? err.message : `other: ${(err as Error).message}`
  }
}

const good = (name = 'acme/e1', extra = ''): string => `name: ${name}
vendor: acme
description: test
rules:
  - operation: acme.check
    outcome: { error: E1 }
${extra}`

t.test('a valid file loads, several scenarios per file with ---', async (t) => {
  const list = parseScenarioFile('x.yaml', `${good('acme/a')}---\n${good('acme/b')}`, specs)
  t.same(list.map((s) => s.name), ['acme/a', 'acme/b'])
  t.equal(list[0]?.rules[0]?.after, 'last', 'defaults are applied')
})

t.test('validation errors name the file and the field', async (t) => {
  t.equal(errorOf(good().replace('E1', 'E9')), 'scenarios/acme/x.yaml: rules[0].outcome.error: Invalid option: expected one of "E1"|"E2"')
  t.match(errorOf(good().replace('acme.check', 'acme.nope')), /^scenarios\/acme\/x\.yaml: rules\[0\]\.operation: unknown operation "acme.nope"/)
  t.match(errorOf(good().replace('vendor: acme', 'vendor: other')), /x\.yaml: name: must start with the vendor id/)
  t.match(errorOf(good('other/e1').replace('vendor: acme', 'vendor: other')), /x\.yaml: vendor: unknown vendor "other"/)
  t.match(errorOf(good('Bad Name')), /x\.yaml: name: must be "<vendor id>\/<name>"/)
  t.match(errorOf(good().replace('description: test\n', '')), /x\.yaml: description: /)
  t.match(errorOf(good() + '    colour: red\n'), /x\.yaml: rules\[0\]: Unrecognized key: "colour"/)
  t.match(errorOf(good() + '    fault: { latency_ms: -5 }\n'), /x\.yaml: rules\[0\]\.fault\.latency_ms/)
  t.match(errorOf(good() + '    fault: { drop: true, empty: true }\n'), /rules\[0\]\.fault: at most one of drop, empty, malformed/)
  t.match(errorOf(good() + '    match: { body: { name: { regex: "([" } } }\n'), /rules\[0\]\.match: bad regex/)
  t.match(errorOf('name: [unclosed'), /x\.yaml: not valid YAML/)
  t.match(errorOf('{"name": ', 'x.json'), /x\.json: not valid JSON/)
  t.match(errorOf(`name: acme/s
vendor: acme
description: d
rules:
  - operation: acme.check
    sequence:
      - outcome: { score: "high" }
`), /rules\[0\]\.sequence\[0\]\.outcome\.score: Invalid input: expected number/)
})

t.test("an error outcome must be one the rule's operation can answer: checked at load time, naming file, rule and code", async (t) => {
  t.equal(errorOf(good().replace('acme.check', 'acme.init')), 'scenarios/acme/x.yaml: rules[0].outcome.error: error "E1" is not an answer of acme.init (it answers E2)')
  t.match(errorOf(`name: acme/s
vendor: acme
description: d
rules:
  - operation: acme.init
    sequence:
      - outcome: { error: E2 }
      - outcome: { error: E1 }
`), /rules\[0\]\.sequence\[1\]\.outcome\.error: error "E1" is not an answer of acme\.init/)
})

t.test('the sandbox refuses to start with a broken scenario file, naming it', async (t) => {
  const dir = t.testdir({ 'broken.yaml': 'name: gtriip/x\nvendor: gtriip\ndescription: d\nrules:\n  - operation: gtriip.liveness\n    outcome: { error: "999" }\n' })
  await t.rejects(build(t, { scenarios: dir }), { name: 'ScenarioFileError', message: /broken\.yaml: rules\[0\]\.outcome\.error/ })
})

t.test('two files defining the same name are refused', async (t) => {
  const dir = t.testdir({ 'a.yaml': good('acme/same'), 'b.yaml': good('acme/same') })
  const db = openDatabase(':memory:')
  migrate(db, 'core', [{ version: 1, up: scenarioMigration }])
  const engine = new ScenarioEngine(db, dir, cache(), silent)
  t.throws(() => engine.library.loadInitial(), /b\.yaml: name: scenario "acme\/same" is already defined in .*a\.yaml/)
})

function engineWith (t: any, files: Record<string, string>): { engine: ScenarioEngine, dir: string, db: ReturnType<typeof openDatabase> } {
  const dir = t.testdir(files)
  const db = openDatabase(':memory:')
  migrate(db, 'core', [{ version: 1, up: scenarioMigration }])
  const engine = new ScenarioEngine(db, dir, cache(), silent)
  engine.library.loadInitial()
  return { engine, dir, db }
}

const view = { headers: {} }

t.test('precedence: request header > scenario bound to the session > namespace active scenario > default', async (t) => {
  const { engine } = engineWith(t, { 's.yaml': `${good('acme/header')}---\n${good('acme/session')}---\n${good('acme/active')}` })
  t.equal(engine.select('ns', 'acme', undefined, 'S1'), undefined, 'default: no scenario')
  engine.activate('ns', 'acme/active')
  t.equal(engine.select('ns', 'acme', undefined, 'S1')?.name, 'acme/active')
  engine.bindSession('ns', 'acme', 'S1', 'acme/session')
  t.equal(engine.select('ns', 'acme', undefined, 'S1')?.name, 'acme/session')
  t.equal(engine.select('ns', 'acme', undefined, 'S2')?.name, 'acme/active', 'another session keeps the namespace scenario')
  t.equal(engine.select('ns', 'acme', 'acme/header', 'S1')?.name, 'acme/header')
  t.equal(engine.select('other', 'acme', undefined, 'S1'), undefined, 'another namespace sees none of it')
  engine.deactivate('ns', 'acme')
  t.equal(engine.select('ns', 'acme', undefined, 'S2'), undefined)
})

t.test('an unknown X-Sandbox-Scenario, or one of another vendor, is a 400 sandbox error', async (t) => {
  const { engine } = engineWith(t, { 's.yaml': good() })
  t.equal(engine.select('ns', 'acme', 'acme/none', undefined), undefined, 'selecting never throws: the header was checked when the request came in')
  t.throws(() => engine.requireForVendor('acme/none', 'acme'), { code: 'unknown-scenario', statusCode: 400 })
  t.throws(() => engine.requireForVendor('acme/e1', 'other'), { code: 'scenario-vendor-mismatch', statusCode: 400 })
})

t.test('rules match by operation and request attributes (headers, query, body paths, regex, presence)', async (t) => {
  const { engine } = engineWith(t, {
    's.yaml': `name: acme/m
vendor: acme
description: d
rules:
  - operation: acme.check
    match: { headers: { X-Device: ios }, body: { data.phone: { regex: "^08" } } }
    outcome: { error: E1 }
  - operation: acme.check
    match: { query: { lang: vi }, body: { pin: { present: false } } }
    outcome: { error: E2 }
  - operation: acme.check
    outcome: { score: 0.5 }
`
  })
  const s = engine.get('acme/m')
  const d = (v: any): unknown => engine.decide('ns', s, 'acme.check', v, undefined).outcome
  t.same(d({ headers: { 'x-device': 'ios' }, body: { data: { phone: '0811' } } }), { error: 'E1' })
  t.same(d({ headers: { 'x-device': 'ios' }, body: { data: { phone: '62811' } } }), { score: 0.5 }, 'regex fails: next rule')
  t.same(d({ headers: {}, query: { lang: 'vi' }, body: {} }), { error: 'E2' })
  t.same(d({ headers: {}, query: { lang: 'vi' }, body: { pin: '1' } }), { score: 0.5 })
  t.same(engine.decide('ns', s, 'acme.init', view, undefined), { scenario: 'acme/m', outcome: undefined, fault: undefined }, 'no rule for the operation: default outcome')
})

t.test('sequences count per session: after last, default and repeat', async (t) => {
  const seq = (after: string): string => `name: acme/${after}
vendor: acme
description: d
rules:
  - operation: acme.check
    sequence: [ { outcome: { error: E1 } }, { outcome: { error: E2 } } ]
    after: ${after}
`
  const { engine } = engineWith(t, { 'a.yaml': seq('last'), 'b.yaml': seq('default'), 'c.yaml': seq('repeat') })
  const run = (name: string, session: string, n: number): unknown[] => Array.from({ length: n }, () => engine.decide('ns', engine.get(name), 'acme.check', view, session).outcome?.error ?? '-')
  t.same(run('acme/last', 'A', 4), ['E1', 'E2', 'E2', 'E2'])
  t.same(run('acme/default', 'A', 4), ['E1', 'E2', '-', '-'])
  t.same(run('acme/repeat', 'A', 5), ['E1', 'E2', 'E1', 'E2', 'E1'])
  t.same(run('acme/last', 'B', 1), ['E1'], 'another session starts at the 1st call')
})

t.test('sequence counters live in SQLite: a new engine on the same database continues the sequence', async (t) => {
  const file = join(t.testdir({}), 'state.db')
  const dir = t.testdir({
    'a.yaml': `name: acme/seq
vendor: acme
description: d
rules:
  - operation: acme.check
    sequence: [ { outcome: { error: E1 } }, { outcome: { error: E2 } } ]
`
  })
  const open = (): ScenarioEngine => {
    const db = openDatabase(file)
    migrate(db, 'core', [{ version: 1, up: scenarioMigration }])
    const e = new ScenarioEngine(db, dir, cache(), silent)
    e.library.loadInitial()
    t.teardown(() => db.close())
    return e
  }
  const first = open()
  t.equal(first.decide('ns', first.get('acme/seq'), 'acme.check', view, 'S').outcome?.error, 'E1')
  first.activate('ns', 'acme/seq')
  const second = open()
  t.equal(second.decide('ns', second.get('acme/seq'), 'acme.check', view, 'S').outcome?.error, 'E2')
  t.equal(second.state.activeFor('ns', 'acme'), 'acme/seq', 'the active scenario survives too')
})

t.test('a raw response and a fault come out of the decision', async (t) => {
  const { engine } = engineWith(t, {
    'a.yaml': `name: acme/raw
vendor: acme
description: d
rules:
  - operation: acme.check
    response: { status: 503, headers: { retry-after: "5" }, body: "busy" }
    fault: { latency_ms: { min: 1, max: 3 } }
`
  })
  const d = engine.decide('ns', engine.get('acme/raw'), 'acme.check', view, undefined)
  t.equal(d.response?.status, 503)
  t.same(d.response?.headers, { 'retry-after': '5' })
  t.equal(d.response?.body, 'busy')
  t.same(d.fault, { latency_ms: { min: 1, max: 3 } })
})

t.test('hot reload: a changed file is picked up; a broken edit keeps the last good version and says why', async (t) => {
  const { engine, dir } = engineWith(t, { 'a.yaml': good('acme/e1') })
  writeFileSync(join(dir, 'a.yaml'), good('acme/e1').replace('E1', 'E2'))
  t.same(engine.reload(), [])
  t.same(engine.get('acme/e1')?.rules[0]?.outcome, { error: 'E2' }, 'the edit is live')
  writeFileSync(join(dir, 'a.yaml'), good('acme/e1').replace('E1', 'E7'))
  const errors = engine.reload()
  t.equal(errors.length, 1)
  t.match(errors[0]?.message, /a\.yaml: rules\[0\]\.outcome\.error/)
  t.same(engine.get('acme/e1')?.rules[0]?.outcome, { error: 'E2' }, 'the last good version is kept')
  mkdirSync(join(dir, 'sub'))
  writeFileSync(join(dir, 'sub', 'new.yaml'), good('acme/new'))
  engine.reload()
  t.ok(engine.get('acme/new'), 'a new file in a subfolder is loaded')
})

t.test('the watcher reloads a file when it changes on disk', async (t) => {
  const { engine, dir } = engineWith(t, { 'a.yaml': good('acme/w') })
  engine.library.watch()
  t.teardown(() => engine.library.close())
  writeFileSync(join(dir, 'a.yaml'), good('acme/w').replace('E1', 'E2'))
  const deadline = Date.now() + 5000
  while (engine.get('acme/w')?.rules[0]?.outcome?.error !== 'E2' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  t.same(engine.get('acme/w')?.rules[0]?.outcome, { error: 'E2' })
})

t.test('every shipped scenario file loads and every vendor has scenarios', async (t) => {
  const app = await build(t)
  const list = json(await app.inject({ method: 'GET', url: '/__admin/scenarios' })) as Array<{ name: string, vendor: string, description: string }>
  const { byFile, errors } = loadScenarioDir('scenarios', new ParseCache(new Map()))
  t.equal(byFile.size + errors.length > 0, true, 'scenario files exist')
  t.ok(list.length >= 16)
  for (const s of list) t.ok(s.name.startsWith(`${s.vendor}/`) && s.description.length > 10, s.name)
})

t.test('admin: activate, read and clear the active scenario; an unknown name is 404', async (t) => {
  const app = await build(t)
  const ns = { 'x-sandbox-namespace': 'qa-1' }
  const put = await app.inject({ method: 'PUT', url: '/__admin/scenario', headers: ns, payload: { name: 'gtriip/051-no-face' } })
  t.same(json(put), { namespace: 'qa-1', vendor: 'gtriip', name: 'gtriip/051-no-face' })
  t.same(json(await app.inject({ method: 'GET', url: '/__admin/scenario', headers: ns })).active, { gtriip: 'gtriip/051-no-face' })
  const img = { image_bytes: (await photo()).toString('base64') }
  const inNs = await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { ...ns, 'x-api-key': 'k' }, payload: img })
  t.equal(json(inNs).error_code, '051', 'the active scenario applies in its namespace')
  const other = await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { 'x-api-key': 'k' }, payload: img })
  t.equal(json(other).success, true, 'and not in another one')
  const header = await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { ...ns, 'x-api-key': 'k', 'x-sandbox-scenario': 'gtriip/052-face-mask' }, payload: img })
  t.equal(json(header).error_code, '052', 'the request header wins over the active scenario')
  const unknown = await app.inject({ method: 'PUT', url: '/__admin/scenario', headers: ns, payload: { name: 'gtriip/nope' } })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.headers['x-sandbox-error'], 'unknown-scenario')
  const del = await app.inject({ method: 'DELETE', url: '/__admin/scenario', headers: ns, payload: { vendor: 'gtriip' } })
  t.same(json(del).active, {})
  t.equal(json(await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { ...ns, 'x-api-key': 'k' }, payload: img })).success, true)
})

t.test('an unknown X-Sandbox-Scenario on a vendor route is a 400 sandbox error, never ignored', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/gtriip/liveness/', headers: { 'x-api-key': 'k', 'x-sandbox-scenario': 'gtriip/no-such' }, payload: {} })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['x-sandbox-error'], 'unknown-scenario')
  t.equal(json(res).sandbox_error.code, 'unknown-scenario')
})

t.test('POST /__admin/scenarios/reload reloads the files and reports broken ones', async (t) => {
  const dir = t.testdir({ 'g.yaml': 'name: gtriip/mine\nvendor: gtriip\ndescription: mine\nrules:\n  - operation: gtriip.liveness\n    outcome: { error: "051" }\n' })
  const app = await build(t, { scenarios: dir })
  writeFileSync(join(dir, 'g.yaml'), readFileSync(join(dir, 'g.yaml'), 'utf8').replace('"051"', '"999"'))
  const res = json(await app.inject({ method: 'POST', url: '/__admin/scenarios/reload' }))
  t.equal(res.loaded, 1)
  t.match(res.errors[0].message, /g\.yaml: rules\[0\]\.outcome\.error/)
})
