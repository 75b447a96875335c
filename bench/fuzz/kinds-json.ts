/**
 * JSON bodies: truncated, invalid, deeply nested, with huge strings, and with a value of the wrong
 * type in each documented field. Sent as application/json to every target, JSON route or not.
 */
import { caseOf, entriesFor, fieldsFor, rotate, type Case, type Ctx, type Kind } from './cases.js'
import type { Target } from './routes.js'
import { encodeJson, type Entry } from './samples.js'

const JSON_TYPE: [string, string] = ['content-type', 'application/json']

/** The target's sample JSON object (its documented JSON fields, else its first body type's fields). */
function jsonType (t: Target): string {
  return t.op?.bodies.find((b) => b.type === 'application/json')?.type ?? t.op?.bodies[0]?.type ?? 'application/json'
}

function sample (t: Target, ctx: Ctx): Entry[] {
  return entriesFor(t, jsonType(t), ctx)
}

function jsonCase (kind: string, t: Target, ctx: Ctx, body: Buffer | string, note: string): Case {
  return caseOf(kind, t, ctx, [JSON_TYPE], body, note)
}

const truncated: Kind = {
  name: 'json.truncated',
  cases: (t, ctx) => {
    const full = encodeJson(sample(t, ctx))
    return Array.from({ length: ctx.count }, (_v, i) => {
      const cut = 1 + ctx.rng.fork(String(i)).int(Math.max(1, full.length - 1))
      return jsonCase('json.truncated', t, ctx, full.subarray(0, cut), `the sample JSON body (${full.length} B) cut after ${cut} B`)
    })
  }
}

const INVALID: Array<[string, string]> = [
  ["{'a':1}", 'single quotes'],
  ['{"a":1,}', 'trailing comma'],
  ['{"a":NaN}', 'NaN'],
  ['{"a":1}}', 'an extra brace'],
  ['undefined', 'the word undefined'],
  ['\ufeff{"a":1}', 'a byte-order mark first'],
  ['{"a":"\u0000"}', 'a raw NUL in a string'],
  ['{"a":"\\ud800"}', 'a lone surrogate escape'],
  ['{"a":1 /* c */}', 'a comment'],
  ['{"__proto__":{"polluted":1}}', '__proto__ key'],
  ['{"constructor":{"prototype":{"polluted":1}}}', 'constructor.prototype key'],
  ['[]', 'an array'],
  ['null', 'null'],
  ['"just a string"', 'a string'],
  ['1e999999', 'a number out of range'],
  ['{"a":1,"a":2}', 'a duplicated key'],
  ['\xff\xfe{"a":1}', 'invalid UTF-8 first']
]

const invalid: Kind = {
  name: 'json.invalid',
  cases: (t, ctx) => rotate(INVALID, ctx.count, ctx.rng).map(([body, note]) =>
    jsonCase('json.invalid', t, ctx, body.startsWith('\xff') ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body.slice(2))]) : body, `invalid JSON: ${note}`))
}

/** A field holding `depth` nested arrays or objects. */
function nested (name: string, depth: number, objects: boolean): string {
  return objects ? `{"${name}":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}` : `{"${name}":${'['.repeat(depth)}${']'.repeat(depth)}}`
}

const deep: Kind = {
  name: 'json.deep',
  cases: (t, ctx) => {
    const name = fieldsFor(t, jsonType(t))[0]?.name ?? 'fuzz'
    return rotate([[1000, false], [10000, true], [100000, false], [500000, true]] as const, ctx.count, ctx.rng)
      .map(([depth, objects]) => jsonCase('json.deep', t, ctx, nested(name, depth, objects), `field "${name}" holding ${depth} nested ${objects ? 'objects' : 'arrays'}`))
  }
}

const hugeString: Kind = {
  name: 'json.huge-string',
  cases: (t, ctx) => {
    const entries = sample(t, ctx)
    const name = entries[0]?.name ?? 'fuzz'
    const variants: Array<[() => unknown, string]> = [
      [() => 's'.repeat(256 * 1024), 'a 256 KB string'],
      [() => 's'.repeat(4 * 1024 * 1024), 'a 4 MB string'],
      [() => Array.from({ length: 100 }, () => 'x'.repeat(40 * 1024)), 'an array of 100 strings of 40 KB']
    ]
    return rotate(variants, ctx.count, ctx.rng).map(([make, note]) =>
      jsonCase('json.huge-string', t, ctx, encodeJson(entries.map((e) => e.name === name ? { name, value: make() } : e)), `sample JSON with field "${name}" = ${note}`))
  }
}

const WRONG: Array<[string, unknown]> = [
  ['number', 12345], ['string', '12345'], ['boolean', true], ['null', null], ['array', [1, 'a', null]],
  ['object', { a: { b: 1 } }], ['negative', -1], ['float', 1.5], ['huge number', 1e308], ['empty string', '']
]

/** Which wrong values fit a field: not its own type. */
function wrongFor (type: unknown): Array<[string, unknown]> {
  return WRONG.filter(([name]) => !(name === type || (type === 'integer' && /number|negative/.test(name)) || (type === 'number' && /number|negative|float/.test(name))))
}

const wrongTypes: Kind = {
  name: 'json.wrong-types',
  cases: (t, ctx) => {
    const entries = sample(t, ctx)
    const out: Case[] = []
    for (const e of entries) {
      const f = fieldsFor(t, jsonType(t)).find((x) => x.name === e.name)
      for (const [name, value] of rotate(wrongFor(f?.schema.type), ctx.count, ctx.rng.fork(e.name))) {
        out.push(jsonCase('json.wrong-types', t, ctx, encodeJson(entries.map((x) => x.name === e.name ? { name: e.name, value } : x)), `sample JSON with field "${e.name}" = ${name} ${JSON.stringify(value)}`))
      }
    }
    return out
  }
}

export const jsonKinds: Kind[] = [truncated, invalid, deep, hugeString, wrongTypes]
