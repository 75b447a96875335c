/**
 * The Weber server validates with go-playground/validator v10.9.0 and its English translations
 * (vendor-notes §1.4): the first failing field in struct order is reported, and only its first
 * failing tag. Field names are the JSON tag names. Messages are reproduced word for word.
 */

export type Rule =
  | { tag: 'required' }
  | { tag: 'min', n: number }
  | { tag: 'max', n: number }
  | { tag: 'numeric' }
  | { tag: 'email' }

export const required: Rule = { tag: 'required' }
export const numeric: Rule = { tag: 'numeric' }
export const email: Rule = { tag: 'email' }
export const min = (n: number): Rule => ({ tag: 'min', n })
export const max = (n: number): Rule => ({ tag: 'max', n })

/** A field to check: its JSON name, its bound value, its rules in tag order. */
export type Check = readonly [name: string, value: string | number | boolean | null, rules: readonly Rule[]]

/** go-playground's `numeric`: an optional sign, digits, an optional decimal part. */
const NUMERIC = /^[-+]?[0-9]+(\.[0-9]+)?$/

/**
 * An approximation of go-playground's `email` pattern (an HTML5/RFC 5322 style address): a dot-atom
 * local part, `@`, and a domain of at least two labels whose last one starts with a letter. Quoted
 * local parts are not accepted (README, divergences).
 */
const EMAIL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*@([\p{L}\p{N}]([\p{L}\p{N}.~-]*[\p{L}\p{N}])?\.)+[\p{L}]([\p{L}\p{N}.~-]*[\p{L}])?\.?$/u

/** Numbers in messages are formatted for the "en" locale: 50,000 and 1,000,000. */
function formatNumber (n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 })
}

function characters (n: number): string {
  return n === 1 ? 'character' : 'characters'
}

/** The translated message of one failing tag. */
function message (field: string, rule: Rule, isNumber: boolean): string {
  switch (rule.tag) {
    case 'required': return `${field} is a required field`
    case 'numeric': return `${field} must be a valid numeric value`
    case 'email': return `${field} must be a valid email address`
    case 'min': return isNumber
      ? `${field} must be ${formatNumber(rule.n)} or greater`
      : `${field} must be at least ${rule.n} ${characters(rule.n)} in length`
    case 'max': return isNumber
      ? `${field} must be ${formatNumber(rule.n)} or less`
      : `${field} must be a maximum of ${rule.n} ${characters(rule.n)} in length`
  }
}

function passes (value: string | number | boolean | null, rule: Rule): boolean {
  switch (rule.tag) {
    // `required` fails for the zero value: "", 0, and a nil pointer (false passes: vendor-notes §1.4).
    case 'required': return value !== '' && value !== 0 && value !== null
    case 'numeric': return typeof value !== 'string' || NUMERIC.test(value)
    case 'email': return typeof value !== 'string' || EMAIL.test(value)
    // Strings are measured in runes (code points), numbers by value.
    case 'min': return typeof value === 'number' ? value >= rule.n : typeof value === 'string' ? [...value].length >= rule.n : true
    case 'max': return typeof value === 'number' ? value <= rule.n : typeof value === 'string' ? [...value].length <= rule.n : true
  }
}

/** The message of the first failing field (struct order) and tag, or undefined when all pass. */
export function firstFailure (checks: readonly Check[]): string | undefined {
  for (const [name, value, rules] of checks) {
    for (const rule of rules) {
      if (!passes(value, rule)) return message(name, rule, typeof value === 'number')
    }
  }
  return undefined
}

/**
 * Go's strconv parse of an integer > 0, as the server uses to reject a phone or PIN that is numeric
 * for the validator but not a positive integer ("+62...", "12.50", "000000"): int64 range.
 */
export function isPositiveInt64 (s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false
  const v = BigInt(s)
  return v > 0n && v <= 2n ** 63n - 1n
}
