/**
 * Reads scenario files (YAML, possibly several documents separated by `---`, or JSON) and validates
 * them: first the core format, then the vendor's own vocabulary (its operations and outcome schema).
 * Every error names the file and the field, e.g.
 * `scenarios/gtriip/errors.yaml: rules[0].outcome.error: Invalid option: expected one of "001"|...`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseAllDocuments } from 'yaml'
import type { z } from 'zod'
import { ScenarioSchema, type Scenario, type VendorScenarioSpec } from './schema.js'

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
    return []
  }
  return out.sort()
}

/** Parse and validate one file's scenarios; throws ScenarioFileError naming the file and field. */
export function parseScenarioFile (file: string, text: string, vendors: ReadonlyMap<string, VendorScenarioSpec>, label = file): Scenario[] {
  let docs: unknown[]
  if (/\.json$/i.test(file)) {
    try {
      const parsed: unknown = JSON.parse(text)
      docs = Array.isArray(parsed) ? parsed : [parsed]
    } catch (err) {
      throw new ScenarioFileError(label, `not valid JSON (${(err as Error).message})`)
    }
  } else {
    const all = parseAllDocuments(text)
    const list = Array.isArray(all) ? all : [all]
    docs = []
    for (const [i, doc] of list.entries()) {
      if (doc.errors.length > 0) throw new ScenarioFileError(label, `not valid YAML (document ${i + 1}: ${doc.errors[0]?.message ?? ''})`)
      const value: unknown = doc.toJS()
      if (value !== null && value !== undefined) docs.push(value)
    }
  }
  if (docs.length === 0) throw new ScenarioFileError(label, 'holds no scenario')
  return docs.map((doc, i) => {
    const where = docs.length > 1 ? `document ${i + 1}: ` : ''
    const parsed = ScenarioSchema.safeParse(doc)
    if (!parsed.success) throw new ScenarioFileError(label, where + issuesText(parsed.error))
    const s = parsed.data
    const spec = vendors.get(s.vendor)
    if (spec === undefined) throw new ScenarioFileError(label, `${where}vendor: unknown vendor "${s.vendor}" (known: ${[...vendors.keys()].join(', ')})`)
    s.rules.forEach((rule, r) => {
      if (!spec.operations.includes(rule.operation)) {
        throw new ScenarioFileError(label, `${where}rules[${r}].operation: unknown operation "${rule.operation}" (${s.vendor} has ${spec.operations.join(', ')})`)
      }
      const steps = rule.sequence ?? [rule]
      steps.forEach((step, k) => {
        if (step.outcome === undefined) return
        const out = spec.outcome.safeParse(step.outcome)
        const at = rule.sequence === undefined ? ['rules', r, 'outcome'] : ['rules', r, 'sequence', k, 'outcome']
        if (!out.success) throw new ScenarioFileError(label, where + issuesText(out.error, at))
        step.outcome = out.data as Record<string, unknown>
      })
      for (const re of Object.values({ ...rule.match?.headers, ...rule.match?.query, ...rule.match?.params, ...rule.match?.body })) {
        if (typeof re === 'object' && 'regex' in re) {
          try {
            // eslint-disable-next-line no-new
            new RegExp(re.regex)
          } catch (err) {
            throw new ScenarioFileError(label, `${where}rules[${r}].match: bad regex ${JSON.stringify(re.regex)} (${(err as Error).message})`)
          }
        }
      }
    })
    return { ...s, file: label }
  })
}

export interface LoadResult {
  /** Scenarios per file (relative path). */
  byFile: Map<string, Scenario[]>
  errors: ScenarioFileError[]
}

/**
 * Parsed files by their text, per vendor vocabulary: parsing and validating is most of the cost of a
 * load, and an unchanged file (a reload after another file changed, every app built by the tests)
 * need not be parsed again. Scenarios are never mutated once loaded.
 */
const parsed = new WeakMap<ReadonlyMap<string, VendorScenarioSpec>, Map<string, { text: string, list: Scenario[] }>>()

/** Load every file of the directory; errors are collected per file, never thrown. */
export function loadScenarioDir (dir: string, vendors: ReadonlyMap<string, VendorScenarioSpec>): LoadResult {
  const byFile = new Map<string, Scenario[]>()
  const errors: ScenarioFileError[] = []
  let cache = parsed.get(vendors)
  if (cache === undefined) {
    cache = new Map()
    parsed.set(vendors, cache)
  }
  for (const file of listScenarioFiles(dir)) {
    const label = relative(process.cwd(), file) || file
    try {
      const text = readFileSync(file, 'utf8')
      let hit = cache.get(label)
      if (hit === undefined || hit.text !== text) {
        hit = { text, list: parseScenarioFile(file, text, vendors, label) }
        cache.set(label, hit)
      }
      byFile.set(label, hit.list)
    } catch (err) {
      errors.push(err instanceof ScenarioFileError ? err : new ScenarioFileError(label, (err as Error).message))
    }
  }
  return { byFile, errors }
}
