/**
 * Rule matching, as pure functions of a scenario and a request view: which rule of a scenario applies
 * to a request, and which step of a rule's sequence the n-th call gets.
 */
import type { Match, Matcher, Rule, Scenario, Step } from './schema.js'

/** The request as rules see it. Header names are lower case. */
export interface RequestView {
  headers: Record<string, unknown>
  query?: Record<string, unknown>
  params?: Record<string, unknown>
  body?: unknown
}

/** A value at a field name, or at a dotted path (`data.phone`). */
function lookup (obj: unknown, path: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined
  const direct = (obj as Record<string, unknown>)[path]
  if (direct !== undefined || !path.includes('.')) return direct
  let cur: unknown = obj
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur
}

/** Compiled once per pattern (scenarios are immutable once loaded). */
const regexes = new Map<string, RegExp>()
function regexOf (source: string): RegExp {
  let re = regexes.get(source)
  if (re === undefined) {
    re = new RegExp(source)
    regexes.set(source, re)
  }
  return re
}

function valueMatches (value: unknown, m: Matcher): boolean {
  if (Array.isArray(value)) value = value[0]
  if (typeof m === 'object') {
    if ('present' in m) return (value !== undefined && value !== null) === m.present
    return value !== undefined && value !== null && regexOf(m.regex).test(typeof value === 'string' ? value : JSON.stringify(value))
  }
  return value !== undefined && value !== null && String(value) === String(m)
}

function allMatch (matchers: Record<string, Matcher> | undefined, read: (key: string) => unknown): boolean {
  for (const [k, m] of Object.entries(matchers ?? {})) if (!valueMatches(read(k), m)) return false
  return true
}

export function ruleMatches (match: Match | undefined, view: RequestView): boolean {
  if (match === undefined) return true
  return allMatch(match.headers, (k) => view.headers[k.toLowerCase()]) &&
    allMatch(match.query, (k) => lookup(view.query, k)) &&
    allMatch(match.params, (k) => lookup(view.params, k)) &&
    allMatch(match.body, (k) => lookup(view.body, k))
}

/** The first rule of the scenario for this operation whose match fits the request. */
export function findRule (s: Scenario, operation: string, view: RequestView): { rule: Rule, index: number } | undefined {
  const index = s.rules.findIndex((r) => r.operation === operation && ruleMatches(r.match, view))
  return index < 0 ? undefined : { rule: s.rules[index] as Rule, index }
}

/** The step of a sequence rule for its n-th use (1-based), following `after` once the sequence is used up. */
export function stepAt (rule: Rule, n: number): Step {
  const seq = rule.sequence
  if (seq === undefined) return rule
  if (n <= seq.length) return seq[n - 1] as Step
  if (rule.after === 'last') return seq[seq.length - 1] as Step
  if (rule.after === 'repeat') return seq[(n - 1) % seq.length] as Step
  return {}
}
