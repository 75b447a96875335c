/**
 * What a mutation kind produces: cases, each one request (raw, see wire.ts) with a one-line
 * description for the finding's reproduction. Kinds are pure functions of (target, context), and a
 * case's randomness comes from the seed, the kind, the target and the case's index, so that running
 * a subset (--kinds, --routes) sends the very same bytes.
 */
import { createHash } from 'node:crypto'
import { fieldsOf, norm, type Field, type Target } from './routes.js'
import { baseHeaders, contentType, encode, sampleEntries, type Assets, type Entry } from './samples.js'
import type { Minted } from './mint.js'
import type { WireRequest } from './wire.js'

export interface Case extends WireRequest {
  kind: string
  target: Target
  /** What was sent, in words (body description, framing); the method, target and headers are printed as they are. */
  note: string
  /** False when closing without an answer is fine (the request itself was incomplete). */
  needsAnswer: boolean
}

export interface Ctx {
  count: number
  assets: Assets
  rng: Rng
  /** Credentials minted for this (kind, target): sessions, tokens (mint.ts). */
  minted: Minted
}

export interface Kind {
  name: string
  /** Cases for one target, at most about ctx.count unless the kind is a fixed list (issue 11's items). */
  cases: (t: Target, ctx: Ctx) => Case[]
}

/** A small deterministic PRNG (mulberry32), seeded from a hash of its name parts. */
export class Rng {
  private s: number
  constructor (seed: number, ...parts: string[]) {
    this.s = createHash('sha256').update([String(seed), ...parts].join('\u0000')).digest().readUInt32BE(0)
  }

  /** A derived generator, independent of how many numbers this one has given. */
  fork (...parts: string[]): Rng {
    return new Rng(this.s, ...parts)
  }

  next (): number {
    this.s = (this.s + 0x6d2b79f5) | 0
    let t = this.s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int (n: number): number { return Math.floor(this.next() * n) }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)] as T }
  bytes (n: number): Buffer {
    const b = Buffer.alloc(n + 3)
    for (let i = 0; i < n; i += 4) b.writeUInt32LE(Math.floor(this.next() * 4294967296), i)
    return b.subarray(0, n)
  }
}

/** `count` items of a fixed list, starting at a seeded offset, so that different targets cover different items. */
export function rotate<T> (xs: readonly T[], count: number, rng: Rng): T[] {
  const start = rng.int(xs.length)
  return Array.from({ length: Math.min(count, xs.length) }, (_v, i) => xs[(start + i) % xs.length] as T)
}

/** The body types a target documents (unknown paths and bodiless routes: JSON, what a client sends most). */
export function bodyTypes (t: Target): string[] {
  const types = t.op?.bodies.map((b) => b.type) ?? []
  return types.length > 0 ? types : ['application/json']
}

/** Documented fields of the target's body of the given type (a stand-in field when none are documented). */
export function fieldsFor (t: Target, type: string): Field[] {
  const b = t.op?.bodies.find((x) => x.type === type)
  const fields = b === undefined ? [] : fieldsOf(t.vendor.doc, b.schema)
  return fields.length > 0 ? fields : [{ name: 'fuzz', schema: { type: 'string' }, required: false, file: false, image: false }]
}

export function entriesFor (t: Target, type: string, ctx: Ctx): Entry[] {
  return sampleEntries(t.vendor.doc, fieldsFor(t, type), ctx.assets, ctx.minted)
}

/** A case that sends `body` with `headers` (after the target's required headers) to the target. */
export function caseOf (kind: string, t: Target, ctx: Ctx, headers: Array<[string, string]>, body: Buffer | string, note: string, extra: Partial<Case> = {}): Case {
  return { kind, target: t, method: t.method, path: pathOf(t, ctx.minted), headers: [...baseHeaders(t, ctx.minted), ...headers], body: Buffer.from(body), note, needsAnswer: true, ...extra }
}

/** The target's path, with minted values in the path parameters that have one (Weber `{session_id}`). */
function pathOf (t: Target, minted: Minted): string {
  if (t.op === undefined) return t.path
  const template = t.op.template.split('/')
  return t.path.split('/').map((seg, i) => {
    const m = /^\{(.+)\}$/.exec(template[i] ?? '')
    return m === null ? seg : encodeURIComponent(minted.get(norm(m[1] as string)) ?? seg)
  }).join('/')
}

/** A well-formed request to the target with the given body type (default: the first documented), or these entries. */
export function baseCase (kind: string, t: Target, ctx: Ctx, type = bodyTypes(t)[0] as string, entries?: Entry[]): Case {
  // A documented operation without a body (GET) gets none, so that the mutation is the only oddity.
  if (t.op !== undefined && t.op.bodies.length === 0 && entries === undefined) return caseOf(kind, t, ctx, [], '', 'no body')
  const body = encode(type, entries ?? entriesFor(t, type, ctx), ctx.assets)
  return caseOf(kind, t, ctx, [['content-type', contentType(type)]], body, `well-formed ${type} body (${body.length} B)`)
}
