/**
 * One contract across every vendor (issue 10, point 5): the error catalogue (`errors.ts`), the
 * README's `## Errors` tables, the shipped scenarios and the codes the routes can answer say the same
 * thing (CONTRACT.md, "Scenario files": a shipped scenario for every documented error code, carrying
 * the code in its name, so users and tests find it from the vendor's error table).
 *
 * README convention, read here: in the `## Errors` section, every table row starts with a catalogue
 * key in backticks, followed by ` (sandbox)` for the sandbox's own answers (not the vendor's); every
 * table has a `scenario` column, naming shipped scenarios in backticks, or saying "real check only"
 * for a code no scenario can choose (its text comes from the request).
 *
 * No app is built and no image is made: the scenario files are loaded once with core's loader.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { VendorError } from '../../src/core/errors.js'
import { loadGenerators, Random } from '../../src/core/random.js'
import { loadScenarioDir, ParseCache } from '../../src/core/scenarios/loader.js'
import type { Rule, Scenario } from '../../src/core/scenarios/schema.js'
import type { Miss, VendorModule } from '../../src/core/vendor/module.js'
import { RouteIndex } from '../../src/core/vendor/routes.js'
import { vietnamToday } from '../../src/vendors/fpt/dates.js'
import { DOCUMENT_TYPES, generateIdentity, renderBack, renderFront, type DocumentType } from '../../src/vendors/fpt/identity.js'
import { postCheck } from '../../src/vendors/fpt/postcheck.js'
import type { FptOutcome } from '../../src/vendors/fpt/schemas.js'
import { resultCode } from '../../src/vendors/fpt/verdict.js'
import { vendors } from '../../src/vendors/index.js'
import { T0 } from '../helper.js'

// FPT's post-checks are computed from generated identities: the generators load first.
await loadGenerators()

type Vendor = VendorModule<any, any>
type Outcome = Record<string, unknown>

// --- The shipped scenarios, loaded once ----------------------------------------------------

const loaded = loadScenarioDir('scenarios', new ParseCache(new Map(vendors.map((v) => [v.id, { operations: v.operations, outcome: v.outcome }]))))
const shipped: Scenario[] = [...loaded.byFile.values()].flat()
const scenariosOf = (v: Vendor): Scenario[] => shipped.filter((s) => s.vendor === v.id)

/** Every outcome of a rule, with or without a sequence. */
function outcomesOf (rule: Rule): Outcome[] {
  const steps = rule.sequence ?? [rule]
  return steps.flatMap((s) => s.outcome === undefined ? [] : [s.outcome])
}

/** The scenario's name without the vendor carries the code as a whole dash-separated part (`fpt/ocr-E-1-...`). */
function carries (name: string, code: string): boolean {
  const local = name.slice(name.indexOf('/') + 1)
  return new RegExp(`(^|-)${code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(-|$)`).test(local)
}

// --- What a rule's outcome makes its operation answer --------------------------------------

/** FPT's liveness thresholds at their defaults (the shipped scenarios assume them). */
const fpt = vendors.find((v) => v.id === 'fpt') as Vendor
const FPT_THRESHOLDS = (fpt.settings.parse({}) as { liveness: Parameters<typeof resultCode>[0] }).liveness

/**
 * Outcomes that produce a catalogue code other than through `error`, in each vendor's vocabulary.
 * FPT: liveness results (`code`, or the probabilities and similarity, verdict.ts) and the OCR
 * post-checks that overridden fields fail (postcheck.ts), both computed by the vendor's own code.
 * Weber (README, "Errors" and "Outcome vocabulary"): a not-live face refuses registration and payment,
 * a face mismatch payment, `upstream_error` answers the upstream error, `face_detection` the refusal
 * of the face-detection step.
 */
const PRODUCES: Record<string, (op: string, outcome: Outcome, rule: Rule) => string[]> = {
  fpt: (op, outcome, rule) => {
    if (op === 'fpt.liveness') return [resultCode(FPT_THRESHOLDS, outcome as FptOutcome)].filter((c) => c !== '200')
    if (op === 'fpt.ocr' && (outcome.fields !== undefined || outcome.holder !== undefined)) return fptPostChecks(outcome as FptOutcome, rule)
    return []
  },
  weber: (op, outcome) => {
    const out: string[] = []
    if (outcome.liveness === false && op === 'weber.facePaymentAccount') out.push('liveness-false')
    if (outcome.liveness === false && op === 'weber.pay') out.push('payment-not-live')
    if (outcome.match === false && op === 'weber.pay') out.push('payment-face-mismatch')
    if (typeof outcome.upstream_error === 'string') out.push('upstream-error')
    if (outcome.face_detection !== undefined) out.push('face-detection-failed')
    return out
  }
}

/** The document types a rule's `document-type` header matcher lets through (all without one). */
function documentTypes (rule: Rule): readonly DocumentType[] {
  const m = Object.entries(rule.match?.headers ?? {}).find(([k]) => k.toLowerCase() === 'document-type')?.[1]
  if (typeof m === 'string') return DOCUMENT_TYPES.filter((d) => d === m)
  if (typeof m === 'object' && 'regex' in m) return DOCUMENT_TYPES.filter((d) => new RegExp(m.regex).test(d))
  return DOCUMENT_TYPES
}

/** The post-checks that fail on the front call and on the call with the back, as the OCR service runs them. */
function fptPostChecks (outcome: FptOutcome, rule: Rule): string[] {
  const today = vietnamToday(T0)
  return documentTypes(rule).flatMap((doc) => {
    const identity = generateIdentity(new Random(1), ['contract'], doc, outcome.holder ?? {}, today)
    const front = renderFront(identity, outcome.fields ?? {})
    const back = doc === 'passport' ? undefined : renderBack(identity, front, outcome.fields ?? {})
    const calls = back === undefined ? [undefined] : [undefined, back]
    return calls.map((b) => postCheck({ doc, front, back: b, backType: identity.backType, today })).filter((c) => c !== undefined)
  })
}

const producedBy = new Map<Scenario, Set<string>>()

/** The codes a scenario makes the vendor answer, on any of its rules (computed once per scenario). */
function produced (v: Vendor, s: Scenario): Set<string> {
  const known = producedBy.get(s)
  if (known !== undefined) return known
  const out = new Set<string>()
  producedBy.set(s, out)
  for (const rule of s.rules) {
    for (const o of outcomesOf(rule)) {
      if (typeof o.error === 'string') out.add(o.error)
      for (const c of PRODUCES[v.id]?.(rule.operation, o, rule) ?? []) out.add(c)
    }
  }
  return out
}

// --- The README's error tables --------------------------------------------------------------

interface Row { key: string, sandbox: boolean, scenarioCell: string, scenarios: string[], text: string }

const cellsOf = (line: string): string[] => line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim())

/** The lines of the README's one section `## Errors` (empty when it has none, or several). */
function errorSection (v: Vendor): string[] {
  const lines = readFileSync(`src/vendors/${v.id}/README.md`, 'utf8').split('\n')
  const from = lines.indexOf('## Errors')
  if (from < 0 || lines.lastIndexOf('## Errors') !== from) return []
  const to = lines.findIndex((l, i) => i > from && l.startsWith('## '))
  return lines.slice(from + 1, to < 0 ? undefined : to)
}

/** The tables of the section, each as its header cells and its row lines. */
function tablesOf (section: string[]): Array<{ header: string[], rows: string[] }> {
  const tables: Array<{ header: string[], rows: string[] }> = []
  let current: { header: string[], rows: string[] } | undefined
  for (const line of section) {
    if (!line.startsWith('|')) {
      current = undefined
    } else if (current === undefined) {
      current = { header: cellsOf(line), rows: [] }
      tables.push(current)
    } else if (!/^\|\s*-/.test(line)) {
      current.rows.push(line)
    }
  }
  return tables
}

/** Every row of the error tables, or the problems that keep them from being read. */
function readmeRows (v: Vendor): { rows: Row[], problems: string[] } {
  const rows: Row[] = []
  const problems: string[] = []
  const tables = tablesOf(errorSection(v))
  if (tables.length === 0) problems.push('no table under one "## Errors" heading')
  for (const { header, rows: lines } of tables) {
    const col = header.findIndex((h) => /^scenarios?$/i.test(h))
    if (col < 0) problems.push(`a table without a scenario column: | ${header.join(' | ')} |`)
    for (const text of lines) {
      const cells = cellsOf(text)
      const key = /^`([^`]+)`( \(sandbox\))?$/.exec(cells[0] ?? '')
      if (key === null) {
        problems.push(`first column is not a catalogue key in backticks: ${text.slice(0, 100)}`)
        continue
      }
      const scenarioCell = cells[col] ?? ''
      const scenarios = [...scenarioCell.matchAll(/`([a-z0-9]+\/[A-Za-z0-9._-]+)`/g)].map((m) => m[1] as string)
      rows.push({ key: key[1] as string, sandbox: key[2] !== undefined, scenarioCell, scenarios, text })
    }
  }
  return { rows, problems }
}

const readme = new Map(vendors.map((v) => [v.id, readmeRows(v)]))
const rowsOf = (v: Vendor): Row[] => readme.get(v.id)?.rows ?? []

/** The sandbox's own catalogue entries: marked so in the README (and, where the catalogue says it, there too). */
const sandboxOwn = (v: Vendor, code: string): boolean => rowsOf(v).some((r) => r.key === code && r.sandbox)

/** Where the catalogue itself says which entries are the sandbox's own: FPT `guess: true`, Riset `documented: false`. */
function catalogueSaysOwn (v: Vendor, code: string): boolean | undefined {
  const entries = v.catalogue.entries as Record<string, { guess?: unknown, documented?: unknown }>
  const all = Object.values(entries)
  if (all.some((e) => 'guess' in e)) return entries[code]?.guess === true
  if (all.some((e) => 'documented' in e)) return entries[code]?.documented === false
  return undefined
}

// --- The codes the routes can answer --------------------------------------------------------

/** The vendor's routes as its OpenAPI document lists them (kept in sync by `npm run openapi:check`). */
function routeIndex (v: Vendor): RouteIndex {
  const doc = JSON.parse(readFileSync(`openapi/${v.id}.json`, 'utf8')) as { paths: Record<string, Record<string, unknown>> }
  const index = new RouteIndex(v.prefix)
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) index.add(method.toUpperCase(), v.prefix + path.replace(/\{([^}]+)\}/g, ':$1'))
  }
  return index
}

/** What `notFound` answers for an unknown path next to each route, and for each route with a method none takes. */
function notFoundCodes (v: Vendor): { codes: string[], raw: number } {
  const routes = routeIndex(v)
  const misses: Miss[] = [{ method: 'GET', path: '/no-such-path', prefix: v.prefix, query: '', allowed: [], routes }]
  for (const { path } of routes.list()) {
    misses.push({ method: 'PUT', path, prefix: v.prefix, query: '', allowed: routes.allowed(path), routes })
    misses.push({ method: 'POST', path: `${path}/no-such-path`, prefix: v.prefix, query: '', allowed: [], routes })
  }
  const answers = misses.map((m) => v.notFound(m))
  const codes = answers.flatMap((a) => a instanceof VendorError ? [a.code] : [])
  return { codes, raw: answers.length - codes.length }
}

/** Every code of the failure table: per vendor, per operation, and the internal error. */
function failureCodes (v: Vendor): string[] {
  const maps = [v.failures.vendor, ...Object.values(v.failures.byOperation ?? {})]
  return [...maps.flatMap((m) => Object.values(m)), v.failures.internal].filter((c): c is string => typeof c === 'string')
}

/**
 * Codes a vendor's routes answer from their real checks that its data does not declare yet (a gap
 * reported for src/, issue 10): Weber's operations list the codes scenarios may choose, not the
 * validator's messages (`validation`) nor "Undefined implementation of: <slug>", which carry a text.
 * The test fails when one gets declared, so that the entry is removed here.
 */
const KNOWN_GAPS: Record<string, readonly string[]> = {}

// --- The checks -----------------------------------------------------------------------------

t.test('every catalogue key is in the README error tables, and every key there is in the catalogue', async (t) => {
  for (const v of vendors) {
    const { rows, problems } = readme.get(v.id) ?? { rows: [], problems: [] }
    t.same(problems, [], `${v.id}: the "## Errors" tables can be read`)
    const inReadme = [...new Set(rows.map((r) => r.key))].sort()
    t.same(inReadme, [...v.catalogue.codes].sort(), `${v.id}: README keys = catalogue keys`)
  }
})

t.test('the README marks the sandbox\'s own answers as such, as the catalogue does', async (t) => {
  for (const v of vendors) {
    for (const code of v.catalogue.codes) {
      const marks = new Set(rowsOf(v).filter((r) => r.key === code).map((r) => r.sandbox))
      t.ok(marks.size <= 1, `${v.id} ${code}: every row of the key is marked alike`)
      const own = catalogueSaysOwn(v, code)
      if (own !== undefined) t.equal(sandboxOwn(v, code), own, `${v.id} ${code}: (sandbox) in the README ${own ? 'as' : 'unlike'} in the catalogue`)
    }
  }
})

t.test('every documented code has a shipped scenario that carries it in its name and produces it, named in its README row', async (t) => {
  for (const v of vendors) {
    for (const code of v.catalogue.codes.filter((c) => !sandboxOwn(v, c))) {
      const rows = rowsOf(v).filter((r) => r.key === code)
      const found = scenariosOf(v).filter((s) => carries(s.name, code) && produced(v, s).has(code)).map((s) => s.name)
      if (rows.some((r) => /^real check only\b/i.test(r.scenarioCell))) {
        t.same(found, [], `${v.id} ${code}: "real check only", and indeed no scenario gives it`)
        continue
      }
      t.ok(found.length > 0, `${v.id} ${code}: a shipped scenario named with the code gives it`)
      t.ok(found.some((name) => rows.some((r) => r.scenarios.includes(name))), `${v.id} ${code}: the README row names ${found.join(', ') || 'it'}`)
    }
  }
})

t.test('every scenario the README error tables name is shipped and produces the code of its row', async (t) => {
  for (const v of vendors) {
    const byName = new Map(scenariosOf(v).map((s) => [s.name, s]))
    for (const row of rowsOf(v)) {
      for (const name of row.scenarios) {
        const s = byName.get(name)
        t.ok(s !== undefined && produced(v, s).has(row.key), `${v.id} ${row.key}: ${name} is shipped and gives ${row.key}`)
      }
    }
  }
})

t.test('every error outcome of the shipped scenarios is a catalogue code its operation answers', async (t) => {
  t.same(loaded.errors.map((e) => e.message), [], 'the shipped scenario files load')
  for (const v of vendors) {
    for (const s of scenariosOf(v)) {
      for (const rule of s.rules) {
        for (const error of outcomesOf(rule).map((o) => o.error).filter((e) => e !== undefined)) {
          t.ok(v.catalogue.has(String(error)), `${s.name}: ${String(error)} is in the ${v.id} catalogue`)
          t.ok(v.operations[rule.operation]?.errors.includes(String(error)), `${s.name}: ${rule.operation} answers ${String(error)}`)
        }
      }
    }
  }
})

t.test('the codes the routes can answer (operations, failures, not found) are catalogue codes', async (t) => {
  for (const v of vendors) {
    const ops = Object.values(v.operations).flatMap((o) => o.errors)
    t.same(ops.filter((c) => !v.catalogue.has(c)), [], `${v.id}: operations answer catalogue codes`)
    t.same(failureCodes(v).filter((c) => !v.catalogue.has(c)), [], `${v.id}: the failure table answers catalogue codes`)
    const unknownOps = Object.keys(v.failures.byOperation ?? {}).filter((op) => !(op in v.operations))
    t.same(unknownOps, [], `${v.id}: the failure table names operations of the vendor`)
    const notFound = notFoundCodes(v)
    t.same(notFound.codes.filter((c) => !v.catalogue.has(c)), [], `${v.id}: not found answers catalogue codes`)
    // Weber answers unknown paths as gin does (`404 page not found`, text/plain): a raw answer, not a catalogue code.
    t.equal(notFound.raw > 0, v.id === 'weber', `${v.id}: ${v.id === 'weber' ? 'gin\'s' : 'no'} raw not-found answers`)
  }
})

t.test('every catalogue code can be answered by an operation, a failure, the not-found answer or a shipped scenario', async (t) => {
  for (const v of vendors) {
    const reachable = new Set([
      ...Object.values(v.operations).flatMap((o) => o.errors),
      ...failureCodes(v),
      ...notFoundCodes(v).codes,
      ...scenariosOf(v).flatMap((s) => [...produced(v, s)])
    ])
    const gaps = KNOWN_GAPS[v.id] ?? []
    t.same(v.catalogue.codes.filter((c) => !reachable.has(c) && !gaps.includes(c)), [], `${v.id}: no catalogue code is unreachable`)
    for (const c of gaps) t.notOk(reachable.has(c), `${v.id} ${c}: a known gap, still undeclared (remove it from KNOWN_GAPS once declared)`)
  }
})
