/**
 * Framing and addressing: bodies whose Content-Length lies (shorter or longer than sent, then the
 * client closes), broken chunked encoding, random bytes as a body or as the whole request, and
 * UTF-8, NUL and odd forms in paths and query strings.
 */
import { baseCase, rotate, type Case, type Ctx, type Kind } from './cases.js'
import type { Target } from './routes.js'

type Framing = (c: Case) => Partial<Case>

const drop = (c: Case, name: string): Array<[string, string]> => c.headers.filter(([k]) => k.toLowerCase() !== name)

const chunked = (body: Buffer, bad = false): Buffer => Buffer.concat([
  Buffer.from(`${bad ? 'zz' : body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')
])

const FRAMINGS: Array<[string, Framing]> = [
  ['content-length half of the body sent (the rest follows as garbage)', (c) => ({ contentLength: Math.floor(c.body.length / 2) })],
  ['content-length twice the body, then the client closes', (c) => ({ contentLength: c.body.length * 2, endAfterSend: true, needsAnswer: false })],
  ['content-length 10^12, 1 KB sent, then the client closes', (c) => ({ contentLength: 1e12, sendBytes: Math.min(1024, c.body.length), endAfterSend: true, needsAnswer: false })],
  ['content-length "abc"', (c) => ({ contentLength: null, headers: [...drop(c, 'content-length'), ['content-length', 'abc']] })],
  ['content-length -1', (c) => ({ contentLength: null, headers: [...drop(c, 'content-length'), ['content-length', '-1']] })],
  ['two different content-length headers', (c) => ({ contentLength: null, headers: [...drop(c, 'content-length'), ['content-length', String(c.body.length)], ['content-length', '1']] })],
  ['content-length and transfer-encoding: chunked', (c) => ({ contentLength: null, body: chunked(c.body), headers: [...c.headers, ['content-length', String(c.body.length)], ['transfer-encoding', 'chunked']] })],
  ['chunked with a bad chunk size', (c) => ({ contentLength: null, body: chunked(c.body, true), headers: [...c.headers, ['transfer-encoding', 'chunked']] })],
  ['chunked, cut in the middle, then the client closes', (c) => {
    const body = chunked(c.body)
    return { contentLength: null, body, sendBytes: Math.floor(body.length / 2), endAfterSend: true, needsAnswer: false, headers: [...c.headers, ['transfer-encoding', 'chunked']] }
  }],
  ['transfer-encoding: gzip, chunked (body not gzip)', (c) => ({ contentLength: null, body: chunked(c.body), headers: [...c.headers, ['transfer-encoding', 'gzip, chunked']] })],
  ['content-encoding: gzip on a plain body', (c) => ({ headers: [...c.headers, ['content-encoding', 'gzip']] })]
]

/** The target's well-formed request, with a small JSON body where it takes none (framing needs a body). */
function withBody (t: Target, ctx: Ctx): Case {
  const c = baseCase('framing.content-length', t, ctx)
  return c.body.length > 0 ? c : { ...c, headers: [...c.headers, ['content-type', 'application/json']], body: Buffer.from('{"fuzz":"framing"}'), note: '18 B JSON body' }
}

const contentLength: Kind = {
  name: 'framing.content-length',
  cases: (t, ctx) => rotate(FRAMINGS, ctx.count, ctx.rng).map(([note, f]) => {
    const c = withBody(t, ctx)
    return { ...c, ...f(c), note: `${note}; ${c.note}` }
  })
}

function randomCase (t: Target, ctx: Ctx, i: number): Case {
  const r = ctx.rng.fork(String(i))
  const body = r.bytes(r.int(64 * 1024))
  const c = baseCase('random-bytes', t, ctx)
  switch (i % 3) {
    case 0: return { ...c, body, note: `${body.length} random bytes with the documented content-type` }
    case 1: return { ...c, body, headers: [...c.headers.filter(([k]) => k !== 'content-type'), ['content-type', 'application/json']], note: `${body.length} random bytes as application/json` }
    default: return { ...c, rawHead: Buffer.concat([r.bytes(1 + r.int(512)), Buffer.from('\r\n\r\n')]), body: Buffer.alloc(0), note: 'random bytes instead of a request line and headers' }
  }
}

const randomBytes: Kind = {
  name: 'random-bytes',
  cases: (t, ctx) => Array.from({ length: ctx.count }, (_v, i) => randomCase(t, ctx, i))
}

const PATHS: Array<[string, (p: string) => string]> = [
  ['raw UTF-8 segment', (p) => `${p}/é✓`],
  ['%00 at the end', (p) => `${p}%00`],
  ['raw NUL in the path', (p) => `${p}\u0000x`],
  ['invalid percent-encoding %ff%fe', (p) => `${p}%ff%fe`],
  ['a lone %', (p) => `${p}/%`],
  ['encoded ../ towards the admin API', (p) => `${p}/..%2f..%2f__admin%2freset`],
  ['double slash', (p) => p.replace(/^\//, '//')],
  ['query with raw UTF-8', (p) => `${p}?q=é✓`],
  ['query with %00 and raw NUL', (p) => `${p}?a=%00&b=\u0000`],
  ['nested query a[b][c]=1&a=2', (p) => `${p}?a[b][c]=1&a=2`],
  ['query __proto__ / constructor', (p) => `${p}?__proto__[x]=1&constructor[prototype][y]=1`],
  ['8 KB path', (p) => `${p}/${'p'.repeat(8 * 1024)}`],
  ['40 KB query string', (p) => `${p}?q=${'q'.repeat(40 * 1024)}`],
  ['absolute-form target', (p) => `http://127.0.0.1${p}`],
  ['matrix parameter ;x=1', (p) => `${p};x=1`],
  ['fragment #x', (p) => `${p}#x`],
  ['a thousand query parameters', (p) => `${p}?${Array.from({ length: 1000 }, (_v, i) => `k${i}=v`).join('&')}`]
]

const paths: Kind = {
  name: 'path.odd',
  cases: (t, ctx) => rotate(PATHS, ctx.count, ctx.rng).map(([note, f]) => {
    const c = baseCase('path.odd', t, ctx)
    return { ...c, path: f(t.path), note: `${note}; ${c.note}` }
  })
}

export const framingKinds: Kind[] = [contentLength, randomBytes, paths]
