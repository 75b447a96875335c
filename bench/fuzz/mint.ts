/**
 * Real credentials for the starting point, so that mutations reach past authentication: a value an
 * operation needs (a header, path parameter or body field such as FPT `session-id`, Weber
 * `session_id`, Riset `accesstoken`) is taken from the 200 answer of another operation of the same
 * vendor that produces a property of that name (FPT session/init, Weber visitors, Riset
 * oauth/client/token), called with its own well-formed sample. Names compare without case and
 * punctuation (`accesstoken` = `access_token`). Found from the documents, not from vendor code.
 */
import { fieldsOf, norm, resolve, type Operation, type Schema, type Target, type Vendor } from './routes.js'
import { encode, sampleEntries, type Assets } from './samples.js'

/** Normalized name → value. */
export type Minted = Map<string, string>

/** The names an operation takes: header and path parameters, top-level body fields. */
function inputsOf (v: Vendor, op: Operation): string[] {
  const body = op.bodies.flatMap((b) => fieldsOf(v.doc, b.schema).map((f) => f.name))
  return [...op.headers, ...op.params].map((p) => p.name).concat(body).map(norm)
}

/** Property paths of a schema, by normalized name (depth-limited; arrays step into their items). */
function producedPaths (doc: Schema, s: unknown, path: string[] = [], out = new Map<string, string[]>(), depth = 0): Map<string, string[]> {
  const r = resolve(doc, s)
  if (depth > 5) return out
  if (r.type === 'array') return producedPaths(doc, r.items, [...path, '0'], out, depth + 1)
  for (const [k, sub] of Object.entries((r.properties ?? {}) as Record<string, unknown>)) {
    if (!out.has(norm(k))) out.set(norm(k), [...path, k])
    producedPaths(doc, sub, [...path, k], out, depth + 1)
  }
  return out
}

interface Producer { op: Operation, path: string[] }

/** For each name some operation needs, an operation that produces it (and does not need it itself). */
export function producers (v: Vendor): Map<string, Producer> {
  const needed = new Set(v.ops.flatMap((op) => inputsOf(v, op)))
  const out = new Map<string, Producer>()
  for (const op of v.ops) {
    const ok = op.responses.get(200)
    if (ok === undefined || op.params.some((p) => p.required)) continue
    const inputs = new Set(inputsOf(v, op))
    for (const [name, path] of producedPaths(v.doc, ok)) {
      if (needed.has(name) && !inputs.has(name) && !out.has(name)) out.set(name, { op, path })
    }
  }
  return out
}

/** Call the producer with its sample (JSON when it takes JSON) and read the value; undefined when it fails. */
export async function mintOne (base: string, v: Vendor, p: Producer, assets: Assets): Promise<string | undefined> {
  const headers: Record<string, string> = {}
  for (const h of p.op.headers) if (h.required) headers[h.name] = (h.schema.enum as string[] | undefined)?.[0] ?? 'fuzz-key'
  const b = p.op.bodies.find((x) => x.type === 'application/json') ?? p.op.bodies[0]
  let body: Buffer | undefined
  if (b !== undefined) {
    headers['content-type'] = b.type
    body = encode(b.type, sampleEntries(v.doc, fieldsOf(v.doc, b.schema), assets), assets)
  }
  try {
    const res = await fetch(base + p.op.template, { method: p.op.method, headers, body })
    const value = p.path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], await res.json())
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
  } catch {
    return undefined
  }
}

/** Fresh values for the names the target's operation needs and another operation produces. */
export async function mintFor (base: string, t: Target, assets: Assets): Promise<Minted> {
  const out: Minted = new Map()
  if (t.op === undefined) return out
  const wanted = new Set(inputsOf(t.vendor, t.op))
  for (const [name, p] of producers(t.vendor)) {
    if (!wanted.has(name)) continue
    const value = await mintOne(base, t.vendor, p, assets)
    if (value !== undefined) out.set(name, value)
  }
  return out
}
