/**
 * HTTP-level mutations around a well-formed body: wrong methods, wrong / missing / duplicated
 * content types, oversized and numerous headers, and bad sandbox control headers.
 */
import { baseCase, caseOf, rotate, type Case, type Ctx, type Kind } from './cases.js'
import type { Target } from './routes.js'
import { BOUNDARY } from './samples.js'

/** Methods llhttp parses; BREW is not one (Node answers 400 itself). CONNECT is left out: Node hands it to a 'connect' listener. */
const METHODS = ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'POST', 'OPTIONS', 'TRACE', 'PROPFIND', 'BREW']

function documentedMethods (t: Target): Set<string> {
  return new Set(t.vendor.ops.filter((o) => o.template === t.op?.template).map((o) => o.method))
}

const wrongMethod: Kind = {
  name: 'method.wrong',
  cases: (t, ctx) => {
    const ok = documentedMethods(t)
    return rotate(METHODS.filter((m) => !ok.has(m)), ctx.count, ctx.rng).map((m) =>
      caseOf('method.wrong', t, ctx, [['content-type', 'application/json']], '{"fuzz":1}', `method ${m}, 10 B JSON body`, { method: m }))
  }
}

/** Replace the content-type header(s) of a well-formed case. */
function withType (c: Case, types: string[], note: string): Case {
  const headers = c.headers.filter(([k]) => k.toLowerCase() !== 'content-type')
  return { ...c, headers: [...headers, ...types.map((v): [string, string] => ['content-type', v])], note: `${note}; ${c.note}` }
}

const CONTENT_TYPES: Array<[string[], string]> = [
  [[], 'no content-type'],
  [['text/plain'], 'content-type text/plain'],
  [['application/xml'], 'content-type application/xml'],
  [['application/json'], 'content-type application/json on the documented body'],
  [[`multipart/form-data; boundary=${BOUNDARY}`], 'content-type multipart on the documented body'],
  [['application/json', `multipart/form-data; boundary=${BOUNDARY}`], 'two content-type headers (json, multipart)'],
  [['application/json; charset=utf-16'], 'content-type application/json; charset=utf-16'],
  [['application/json;;;'], 'content-type application/json;;;'],
  [['image/jpeg'], 'content-type image/jpeg on the documented body'],
  [['*/*'], 'content-type */*'],
  [['application/x-www-form-urlencoded'], 'content-type form on the documented body'],
  [[''], 'empty content-type'],
  [['APPLICATION/JSON'], 'content-type APPLICATION/JSON'],
  [['application/json, text/plain'], 'content-type "application/json, text/plain"'],
  [['application/octet-stream'], 'content-type application/octet-stream']
]

const contentTypes: Kind = {
  name: 'content-type.wrong',
  cases: (t, ctx) => rotate(CONTENT_TYPES, ctx.count, ctx.rng).map(([types, note]) => withType(baseCase('content-type.wrong', t, ctx), types, note))
}

const big = (n: number): string => 'a'.repeat(n)

/** Variants of headers a client should not send; each is added to a well-formed request. */
const HEADERS: Array<[Array<[string, string]>, string]> = [
  [[['x-fuzz', big(8 * 1024)]], 'one 8 KB header value'],
  [[['x-fuzz', big(20 * 1024)]], 'one 20 KB header value (over Node\'s 16 KB)'],
  [[['cookie', big(64 * 1024)]], 'a 64 KB cookie'],
  [Array.from({ length: 200 }, (_v, i): [string, string] => [`x-fuzz-${i}`, 'v']), '200 headers'],
  [Array.from({ length: 2500 }, (_v, i): [string, string] => [`x${i}`, '']), '2500 empty headers'],
  [[['x-fold', 'a\r\n folded']], 'an obs-fold header line'],
  [[['x bad name', '1']], 'a header name with spaces'],
  [[['x-utf8', 'héllo wörld ✓']], 'raw UTF-8 in a header value'],
  [[['x-nul', 'a\u0000b']], 'NUL in a header value'],
  [[['host', 'a'], ['host', 'b']], 'two Host headers'],
  [[['expect', '100-continue']], 'expect: 100-continue'],
  [[['expect', 'tea']], 'expect: tea'],
  [[['accept-encoding', 'gzip;q=2, br, *;q=-1']], 'odd accept-encoding']
]

const headers: Kind = {
  name: 'headers.odd',
  cases: (t, ctx) => rotate(HEADERS, ctx.count, ctx.rng).map(([hs, note]) => {
    const c = baseCase('headers.odd', t, ctx)
    return { ...c, headers: [...c.headers, ...hs], note: `${note}; ${c.note}` }
  })
}

const NAMESPACES: Array<[Array<[string, string]>, string]> = [
  [[['x-sandbox-namespace', '']], 'empty namespace'],
  [[['x-sandbox-namespace', ' ']], 'namespace " "'],
  [[['x-sandbox-namespace', 'n'.repeat(65)]], '65-character namespace'],
  [[['x-sandbox-namespace', '../../etc']], 'namespace ../../etc'],
  [[['x-sandbox-namespace', 'ü-名前']], 'UTF-8 namespace'],
  [[['x-sandbox-namespace', '.start']], 'namespace .start'],
  [[['x-sandbox-namespace', 'a'], ['x-sandbox-namespace', 'b']], 'two namespace headers'],
  [[['x-sandbox-namespace', '__proto__']], 'namespace __proto__'],
  [[['x-sandbox-scenario', 'nope/none']], 'unknown scenario'],
  [[['x-sandbox-scenario', 'other-vendor/051-no-face']], 'another vendor\'s scenario name'],
  [[['x-sandbox-scenario', 's'.repeat(10 * 1024)]], '10 KB scenario name'],
  [[['x-sandbox-scenario', '__proto__']], 'scenario __proto__'],
  [[['x-sandbox-scenario', 'constructor']], 'scenario constructor'],
  [[['x-sandbox-scenario', 'toString']], 'scenario toString'],
  [[['x-sandbox-scenario', 'a'], ['x-sandbox-scenario', 'b']], 'two scenario headers'],
  [[['x-sandbox-scenario', '']], 'empty scenario']
]

function controlCase (t: Target, ctx: Ctx, hs: Array<[string, string]>, note: string): Case {
  const c = baseCase('control-headers', t, ctx)
  const vendorScenario = hs.map(([k, v]): [string, string] => [k, v.replace('other-vendor', t.vendor.id === 'oz' ? 'fpt' : 'oz')])
  return { ...c, headers: [...c.headers, ...vendorScenario], note: `${note}; ${c.note}` }
}

const controlHeaders: Kind = {
  name: 'control-headers',
  cases: (t, ctx) => rotate(NAMESPACES, ctx.count, ctx.rng).map(([hs, note]) => controlCase(t, ctx, hs, note))
}

export const httpKinds: Kind[] = [wrongMethod, contentTypes, headers, controlHeaders]
