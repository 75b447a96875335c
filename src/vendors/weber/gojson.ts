/**
 * How the real Weber server reads a JSON body: gin's `ctx.BindJSON`, i.e. Go's `encoding/json`
 * Decoder filling a Go struct (vendor-notes §1.2). Reproduced because clients see its effects:
 *
 * - only the first JSON value is read; bytes after it are ignored (the document's check-limit example
 *   has a stray `}` and still binds);
 * - object keys match struct fields exactly, else case-insensitively; unknown keys are ignored;
 * - a value of the wrong Go type (`"rating":"5"`, `"rating":-1` into an unsigned field, `5.0` into an
 *   int) leaves that field at its zero value, the other fields are still filled, and the bind fails;
 * - `null` leaves a field as it is (nil for pointers, slices and maps);
 * - a missing body, a body that is not JSON, or a top-level value that is not an object fails the bind
 *   with every field at its zero value.
 *
 * A failed bind does not stop the handler (it ignores the error), but gin has already written HTTP
 * 400: see gin.ts.
 */

/** A JSON number, kept as its literal text: Go decides int-ness from the literal, not the value. */
export class GoNumber {
  constructor (readonly text: string) {}
  toJSON (): number { return Number(this.text) }
  toString (): string { return this.text }
}

export type GoJson = null | boolean | string | GoNumber | GoJson[] | { [key: string]: GoJson }

export type ParseResult = { ok: true, value: GoJson } | { ok: false, reason: string }

class SyntaxFailure extends Error {}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y
// eslint-disable-next-line no-control-regex -- JSON strings must not hold raw control characters
const CONTROL = /[\u0000-\u001f]/

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d

/** A reader over the text: one method per JSON production, `i` the offset of the next character. */
class JsonReader {
  i = 0
  constructor (private readonly text: string) {}

  ws (): void {
    while (this.i < this.text.length && isSpace(this.text.charCodeAt(this.i))) this.i++
  }

  fail (what: string): never { throw new SyntaxFailure(`${what} at offset ${this.i}`) }

  /** The character at the offset is consumed when it is `c`. */
  eat (c: string): boolean {
    if (this.text[this.i] !== c) return false
    this.i++
    return true
  }

  str (): string {
    const text = this.text
    // text[i] is the opening quote. Fast path: no escapes, one slice.
    const start = this.i + 1
    let j = start
    let out = ''
    for (;;) {
      const q = text.indexOf('"', j)
      const b = text.indexOf('\\', j)
      if (q < 0) this.fail('unterminated string')
      if (b < 0 || q < b) {
        out += text.slice(j, q)
        this.i = q + 1
        break
      }
      out += text.slice(j, b) + this.escape(b)
      j = b + (text[b + 1] === 'u' ? 6 : 2)
    }
    if (CONTROL.test(text.slice(start, this.i - 1))) this.fail('control character in string')
    return out
  }

  /** An escape at `b`: let JSON.parse judge and decode it (\uXXXX, \n, ...). */
  escape (b: number): string {
    const esc = this.text.slice(b, b + (this.text[b + 1] === 'u' ? 6 : 2))
    try {
      return JSON.parse(`"${esc}"`) as string
    } catch {
      this.i = b
      return this.fail('invalid escape')
    }
  }

  object (depth: number): Record<string, GoJson> {
    const obj: Record<string, GoJson> = Object.create(null) as Record<string, GoJson>
    this.ws()
    if (this.eat('}')) return obj
    for (;;) {
      this.ws()
      if (this.text[this.i] !== '"') this.fail('expected a key')
      const key = this.str()
      this.ws()
      if (!this.eat(':')) this.fail("expected ':'")
      obj[key] = this.value(depth + 1)
      this.ws()
      if (this.eat(',')) continue
      if (this.eat('}')) return obj
      this.fail("expected ',' or '}'")
    }
  }

  array (depth: number): GoJson[] {
    const arr: GoJson[] = []
    this.ws()
    if (this.eat(']')) return arr
    for (;;) {
      arr.push(this.value(depth + 1))
      this.ws()
      if (this.eat(',')) continue
      if (this.eat(']')) return arr
      this.fail("expected ',' or ']'")
    }
  }

  value (depth: number): GoJson {
    if (depth > 10000) this.fail('exceeded max depth')
    this.ws()
    const c = this.text[this.i]
    if (this.eat('{')) return this.object(depth)
    if (this.eat('[')) return this.array(depth)
    if (c === '"') return this.str()
    for (const [word, v] of LITERALS) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length
        return v
      }
    }
    NUMBER.lastIndex = this.i
    const m = NUMBER.exec(this.text)
    if (m === null) return this.fail(c === undefined ? 'unexpected end of JSON input' : `invalid character ${JSON.stringify(c)}`)
    this.i += m[0].length
    return new GoNumber(m[0])
  }
}

const LITERALS: ReadonlyArray<[string, GoJson]> = [['true', true], ['false', false], ['null', null]]

/** Parse the first JSON value of `text` (what Go's Decoder.Decode reads); the rest is ignored. */
export function parseFirstValue (text: string): ParseResult {
  const r = new JsonReader(text)
  try {
    r.ws()
    if (r.i >= text.length) return { ok: false, reason: 'EOF' }
    const v = r.value(0)
    // Go's Decoder ends an object or array at its closing bracket; a scalar needs a delimiter after it.
    const closed = typeof v === 'object' && v !== null && !(v instanceof GoNumber)
    if (!closed && r.i < text.length && !isSpace(text.charCodeAt(r.i))) return { ok: false, reason: 'invalid character after top-level value' }
    return { ok: true, value: v }
  } catch (err) {
    if (err instanceof SyntaxFailure) return { ok: false, reason: err.message }
    // Nesting deeper than the JS stack allows (Go stops at 10000 levels): refused the same way.
    if (err instanceof RangeError) return { ok: false, reason: 'exceeded max depth' }
    throw err
  }
}

/** The parsed value as plain JSON (numbers as numbers): what the journal and scenario matching see. */
export function toPlain (v: GoJson): unknown {
  if (v instanceof GoNumber) return Number(v.text)
  if (Array.isArray(v)) return v.map(toPlain)
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x)
    return out
  }
  return v
}

// ---- Go struct specs and binding -----------------------------------------------------------

export type GoScalar = 'string' | 'int' | 'uint' | 'bool' | '*bool' | '[]string' | 'map'
export interface GoStruct { readonly kind: 'struct', readonly fields: Readonly<Record<string, GoType>> }
export type GoType = GoScalar | GoStruct

/** The TypeScript value a Go type binds to (nil pointer / nil map → null, nil slice → []). */
export type GoValue<T extends GoType> =
  T extends 'string' ? string
    : T extends 'int' | 'uint' ? number
      : T extends 'bool' ? boolean
        : T extends '*bool' ? boolean | null
          : T extends '[]string' ? string[]
            : T extends 'map' ? Record<string, unknown> | null
              : T extends GoStruct ? { -readonly [K in keyof T['fields']]: GoValue<T['fields'][K]> }
                : never

export function goStruct<F extends Record<string, GoType>> (fields: F): { kind: 'struct', fields: F } {
  return { kind: 'struct', fields }
}

export interface BindResult<T> {
  value: T
  /** The first decoding error (Go keeps the first one and goes on), if any. */
  error: string | undefined
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

function zero (t: GoType): unknown {
  switch (t) {
    case 'string': return ''
    case 'int': case 'uint': return 0
    case 'bool': return false
    case '*bool': case 'map': return null
    case '[]string': return []
    default: {
      const out: Record<string, unknown> = {}
      for (const [k, ft] of Object.entries(t.fields)) out[k] = zero(ft)
      return out
    }
  }
}

function kindOf (v: GoJson): string {
  if (v === null) return 'null'
  if (v instanceof GoNumber) return 'number'
  if (Array.isArray(v)) return 'array'
  return typeof v === 'object' ? 'object' : typeof v
}

/** Go's UnmarshalTypeError text, for logs and tests. */
function typeError (value: string, goType: string, field: string): string {
  return `json: cannot unmarshal ${value} into Go struct field ${field} of type ${goType}`
}

function integer (n: GoNumber, unsigned: boolean): number | undefined {
  // strconv.ParseInt / ParseUint on the literal: no fraction, no exponent, in range.
  if (!/^-?[0-9]+$/.test(n.text)) return undefined
  const big = BigInt(n.text)
  if (unsigned ? big < 0n || big > UINT64_MAX : big < INT64_MIN || big > INT64_MAX) return undefined
  // The sandbox keeps integers as JS numbers: beyond 2^53 the value would be rounded (README, divergences).
  const v = Number(big)
  return Number.isSafeInteger(v) ? v : undefined
}

function findKey (fields: Readonly<Record<string, GoType>>, key: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(fields, key)) return key
  const lower = key.toLowerCase()
  return Object.keys(fields).find((f) => f.toLowerCase() === lower)
}

const isObject = (v: GoJson): v is { [key: string]: GoJson } => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoNumber)

/** A JSON value into a scalar Go type: the value, or undefined (an error pushed) when it does not fit. */
function bindScalar (t: GoScalar, v: GoJson, path: string, errors: string[]): unknown {
  switch (t) {
    case 'string':
      if (typeof v === 'string') return v
      break
    case 'int':
    case 'uint': {
      if (!(v instanceof GoNumber)) break
      const n = integer(v, t === 'uint')
      if (n === undefined) errors.push(typeError(`number ${v.text}`, t, path))
      return n
    }
    case 'bool':
    case '*bool':
      if (typeof v === 'boolean') return v
      break
    case '[]string':
      if (Array.isArray(v)) return v.map((x) => bindInto('string', x, '', path, errors) as string)
      break
    case 'map':
      if (isObject(v)) return toPlain(v)
      errors.push(typeError(kindOf(v), 'map[string]interface {}', path))
      return undefined
  }
  errors.push(typeError(kindOf(v), t, path))
  return undefined
}

/** A JSON object into a struct: known keys (exactly, else case-insensitively) fill their fields. */
function bindStruct (t: GoStruct, v: GoJson, current: unknown, path: string, errors: string[]): unknown {
  if (!isObject(v)) {
    errors.push(typeError(kindOf(v), 'struct', path))
    return current
  }
  const out = current as Record<string, unknown>
  for (const [key, x] of Object.entries(v)) {
    const field = findKey(t.fields, key)
    if (field === undefined) continue
    out[field] = bindInto(t.fields[field] as GoType, x, out[field], path === '' ? field : `${path}.${field}`, errors)
  }
  return out
}

/** Bind a parsed JSON value into a Go type, as encoding/json would; a value that does not fit leaves `current`. */
function bindInto (t: GoType, v: GoJson, current: unknown, path: string, errors: string[]): unknown {
  // null: no-op for values, nil for pointers, slices and maps.
  if (v === null) return t === '*bool' || t === 'map' ? null : t === '[]string' ? [] : current
  if (typeof t !== 'string') return bindStruct(t, v, current, path, errors)
  return bindScalar(t, v, path, errors) ?? current
}

/** Bind a parse result (or no body at all) into a struct: the value, and the first error. */
export function bind<S extends GoStruct> (spec: S, parsed: ParseResult | undefined): BindResult<GoValue<S>> {
  const value = zero(spec) as GoValue<S>
  if (parsed === undefined) return { value, error: 'EOF' }
  if (!parsed.ok) return { value, error: parsed.reason }
  const errors: string[] = []
  const out = bindInto(spec, parsed.value, value, '', errors) as GoValue<S>
  return { value: out, error: errors[0] }
}
