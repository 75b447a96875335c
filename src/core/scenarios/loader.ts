/**
 * Reads scenario files (YAML, possibly several documents separated by `---`, or JSON) and validates
 * them: first the core format, then the vendor's own vocabulary (its operations, its outcome schema,
 * and that an outcome's error code is one the operation can answer). Every error names the file and
 * the field, e.g.
 * `scenarios/gtriip/errors.yaml: rules[0].outcome.error: Invalid option: expected one of "001"|...`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { loadAll } from 'js-yaml'
import type { z } from 'zod'
import { PACKAGE_ROOT, PREPARED_SCENARIOS } from '../package.js'
import { ScenarioSchema, type Rule, type Scenario, type VendorScenarioSpec } from './schema.js'

export class ScenarioFileError extends Error {
  constructor (readonly file: string, message: string) {
    super(`${file}: ${message}`)
    this.name = 'ScenarioFileError'
  }
}

function pathText (path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : (out === '' ? String(p) : `.${String(p)}`)
  return out === '' ? '(top level)' : out
}

function issuesText (err: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): string {
  return err.issues.map((i) => `${pathText([...prefix, ...i.path])}: ${i.message}`).join('; ')
}

/** The scenario files under `dir`, recursively, sorted (so that loading is deterministic). */
export function listScenarioFiles (dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const p = join(d, entry.name)
      if (entry.isDirectory()) walk(p)
      else if (/\.(ya?ml|json)$/i.test(entry.name)) out.push(p)
    }
  }
  try {
    if (statSync(dir).isDirectory()) walk(dir)
  } catch {
    return [] // no scenario directory: no scenarios (the default outcomes apply)
  }
  return out.sort()
}

/** The documents of a file: a JSON value or array, or every YAML document. */
function documentsOf (file: string, text: string, label: string): unknown[] {
  if (/\.json$/i.test(file)) {
    try {
      const parsed: unknown = JSON.parse(text)
      return Array.isArray(parsed) ? parsed : [parsed]
    } catch (err) {
      throw new ScenarioFileError(label, `not valid JSON (${(err as Error).message})`)
    }
  }
  try {
    return loadAll(text).filter((value) => value !== null && value !== undefined)
  } catch (err) {
    throw new ScenarioFileError(label, `not valid YAML (${(err as Error).message.split('\n')[0] ?? ''})`)
  }
}

/** Check one rule against the vendor's vocabulary; the outcomes are replaced by their parsed values. */
function checkRule (rule: Rule, r: number, spec: VendorScenarioSpec, vendor: string, fail: (message: string) => never): void {
  const op = spec.operations[rule.operation]
  if (op === undefined) fail(`rules[${r}].operation: unknown operation "${rule.operation}" (${vendor} has ${Object.keys(spec.operations).join(', ')})`)
  const steps = rule.sequence ?? [rule]
  steps.forEach((step, k) => {
    if (step.outcome === undefined) return
    const at = rule.sequence === undefined ? ['rules', r, 'outcome'] : ['rules', r, 'sequence', k, 'outcome']
    const out = spec.outcome.safeParse(step.outcome)
    if (!out.success) fail(issuesText(out.error, at))
    const error = (out.data as { error?: unknown }).error
    if (typeof error === 'string' && !(op as { errors: readonly string[] }).errors.includes(error)) {
      fail(`${pathText([...at, 'error'])}: error "${error}" is not an answer of ${rule.operation} (it answers ${(op as { errors: readonly string[] }).errors.join(', ')})`)
    }
    step.outcome = out.data as Record<string, unknown>
  })
  for (const re of Object.values({ ...rule.match?.headers, ...rule.match?.query, ...rule.match?.params, ...rule.match?.body })) {
    if (typeof re !== 'object' || !('regex' in re)) continue
    try {
      // eslint-disable-next-line no-new
      new RegExp(re.regex)
    } catch (err) {
      fail(`rules[${r}].match: bad regex ${JSON.stringify(re.regex)} (${(err as Error).message})`)
    }
  }
}

/** Parse and validate one file's scenarios; throws ScenarioFileError naming the file and field. */
export function parseScenarioFile (file: string, text: string, vendors: ReadonlyMap<string, VendorScenarioSpec>, label = file): Scenario[] {
  const docs = documentsOf(file, text, label)
  if (docs.length === 0) throw new ScenarioFileError(label, 'holds no scenario')
  return docs.map((doc, i) => {
    const where = docs.length > 1 ? `document ${i + 1}: ` : ''
    const fail = (message: string): never => { throw new ScenarioFileError(label, where + message) }
    const parsed = ScenarioSchema.safeParse(doc)
    if (!parsed.success) fail(issuesText(parsed.error))
    const s = parsed.data as z.output<typeof ScenarioSchema>
    const spec = vendors.get(s.vendor)
    if (spec === undefined) fail(`vendor: unknown vendor "${s.vendor}" (known: ${[...vendors.keys()].join(', ')})`)
    s.rules.forEach((rule, r) => { checkRule(rule, r, spec as VendorScenarioSpec, s.vendor, fail) })
    return { ...s, file: label }
  })
}

export interface LoadResult {
  /** Scenarios per file (relative path). */
  byFile: Map<string, Scenario[]>
  errors: ScenarioFileError[]
}

/** A file parsed ahead of time: its text, and its scenarios without their `file` label. */
export interface PreparedFile { text: string, scenarios: Array<Omit<Scenario, 'file'>> }

/**
 * Files parsed by the build (scripts/bundle.ts), keyed by their path under `root`: a file whose
 * text is still the same is not parsed again at start-up (issue 15, point 4). A missing or
 * unreadable list only means parsing everything.
 */
export function readPrepared (listFile: string | undefined, root: string): ReadonlyMap<string, PreparedFile> {
  const out = new Map<string, PreparedFile>()
  if (listFile === undefined) return out
  try {
    const files = JSON.parse(readFileSync(listFile, 'utf8')) as Record<string, PreparedFile>
    for (const [path, prepared] of Object.entries(files)) out.set(resolve(root, path), prepared)
  } catch { /* not built, or from another build: parse */ }
  return out
}

/** The build's prepared files, read once per process (every app of a process starts from them). */
let shipped: ReadonlyMap<string, PreparedFile> | undefined
const preparedShipped = (): ReadonlyMap<string, PreparedFile> => (shipped ??= readPrepared(PREPARED_SCENARIOS, PACKAGE_ROOT))

/**
 * Parsed files by their text: parsing and validating is most of the cost of a load, and an unchanged
 * file need not be parsed again (a reload after another file changed; many apps built by one test
 * process, which share one cache; the shipped files the build parsed). Scenarios are never mutated
 * once loaded.
 */
export class ParseCache {
  private readonly byLabel = new Map<string, { text: string, list: Scenario[] }>()
  constructor (readonly vendors: ReadonlyMap<string, VendorScenarioSpec>, private readonly prepared = preparedShipped()) {}

  parse (file: string, text: string, label: string): Scenario[] {
    const hit = this.byLabel.get(label)
    if (hit !== undefined && hit.text === text) return hit.list
    const ready = this.prepared.get(resolve(file))
    const list = ready !== undefined && ready.text === text
      ? ready.scenarios.map((s) => ({ ...s, file: label }))
      : parseScenarioFile(file, text, this.vendors, label)
    this.byLabel.set(label, { text, list })
    return list
  }
}

/** Load every file of the directory; errors are collected per file, never thrown. */
export function loadScenarioDir (dir: string, cache: ParseCache): LoadResult {
  const byFile = new Map<string, Scenario[]>()
  const errors: ScenarioFileError[] = []
  for (const file of listScenarioFiles(dir)) {
    const label = relative(process.cwd(), file) || file
    try {
      byFile.set(label, cache.parse(file, readFileSync(file, 'utf8'), label))
    } catch (err) {
      errors.push(err instanceof ScenarioFileError ? err : new ScenarioFileError(label, (err as Error).message))
    }
  }
  return { byFile, errors }
}
