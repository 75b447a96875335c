/**
 * multipart/form-data bodies: truncated, without or with a wrong boundary, thousands of tiny parts, a
 * 64 KB part header, odd Content-Disposition values, and each documented field sent as the wrong
 * kind of part (text for a file, a file for text, twice, or not at all). Sent to every target.
 */
import { caseOf, entriesFor, rotate, type Case, type Ctx, type Kind } from './cases.js'
import type { Target } from './routes.js'
import { BOUNDARY, closing, encodeMultipart, formPart, rawPart, type Entry } from './samples.js'

const TYPE = `multipart/form-data; boundary=${BOUNDARY}`

function multipartType (t: Target): string {
  return t.op?.bodies.find((b) => b.type.startsWith('multipart/'))?.type ?? 'multipart/form-data'
}

function sample (t: Target, ctx: Ctx): Entry[] {
  return entriesFor(t, multipartType(t), ctx)
}

function mpCase (kind: string, t: Target, ctx: Ctx, body: Buffer, note: string, type = TYPE): Case {
  return caseOf(kind, t, ctx, [['content-type', type]], body, note)
}

const truncated: Kind = {
  name: 'multipart.truncated',
  cases: (t, ctx) => {
    const full = encodeMultipart(sample(t, ctx))
    return Array.from({ length: ctx.count }, (_v, i) => {
      const cut = 1 + ctx.rng.fork(String(i)).int(full.length - 1)
      return mpCase('multipart.truncated', t, ctx, full.subarray(0, cut), `the sample multipart body (${full.length} B) cut after ${cut} B`)
    })
  }
}

const BOUNDARIES: Array<[string, (body: Buffer) => Buffer, string]> = [
  ['multipart/form-data', (b) => b, 'no boundary parameter'],
  ['multipart/form-data; boundary=not-the-one', (b) => b, 'a boundary that is not the body\'s'],
  ['multipart/form-data; boundary=', (b) => b, 'an empty boundary'],
  [`multipart/form-data; boundary=${'b'.repeat(200)}`, (b) => b, 'a 200-character boundary (RFC 2046: at most 70)'],
  [`multipart/form-data; boundary="${BOUNDARY}"`, (b) => b, 'a quoted boundary (valid)'],
  [TYPE, (b) => b.subarray(0, b.lastIndexOf(`--${BOUNDARY}--`)), 'no closing delimiter'],
  [TYPE, (b) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'), 'LF line ends instead of CRLF'],
  [TYPE, (b) => Buffer.concat([Buffer.from('preamble garbage\r\n'.repeat(100)), b]), '1.8 KB of preamble'],
  [TYPE, () => closing(), 'only the closing delimiter'],
  ['multipart/mixed; boundary=' + BOUNDARY, (b) => b, 'multipart/mixed instead of form-data']
]

const boundary: Kind = {
  name: 'multipart.boundary',
  cases: (t, ctx) => {
    const body = encodeMultipart(sample(t, ctx))
    return rotate(BOUNDARIES, ctx.count, ctx.rng).map(([type, f, note]) => mpCase('multipart.boundary', t, ctx, f(body), `${note}, on the sample multipart body`, type))
  }
}

const manyParts: Kind = {
  name: 'multipart.many-parts',
  cases: (t, ctx) => rotate([1000, 5000, 20000], ctx.count, ctx.rng).map((n) => {
    const parts = Array.from({ length: n }, (_v, i) => formPart(`f${i}`, 'x'))
    return mpCase('multipart.many-parts', t, ctx, Buffer.concat([...parts, closing()]), `${n} one-byte text parts`)
  })
}

const HEADER_64K = 64 * 1024

const bigHeader: Kind = {
  name: 'multipart.big-header',
  cases: (t, ctx) => {
    const entries = sample(t, ctx)
    const name = entries[0]?.name ?? 'fuzz'
    const variants: Array<[string[], string]> = [
      [[`Content-Disposition: form-data; name="${name}"; filename="${'f'.repeat(HEADER_64K)}.jpg"`, 'Content-Type: image/jpeg'], 'a 64 KB filename'],
      [[`Content-Disposition: form-data; name="${name}"`, `X-Fuzz: ${'h'.repeat(HEADER_64K)}`], 'a 64 KB extra part header'],
      [[`Content-Disposition: form-data; name="${name}"`, ...Array.from({ length: 2000 }, (_v, i) => `X-H${i}: v`)], '2000 part headers'],
      [[`Content-Disposition: form-data; name="${'n'.repeat(HEADER_64K)}"`], 'a 64 KB part name']
    ]
    return rotate(variants, ctx.count, ctx.rng).map(([hs, note]) =>
      mpCase('multipart.big-header', t, ctx, Buffer.concat([rawPart(hs, ctx.assets.jpeg), closing()]), `one part with ${note}`))
  }
}

const DISPOSITIONS: Array<[string[], string]> = [
  [['Content-Disposition: inline; name="image"'], 'Content-Disposition inline'],
  [['Content-Type: image/jpeg'], 'no Content-Disposition'],
  [['Content-Disposition: form-data'], 'form-data without a name'],
  [['Content-Disposition: form-data; name='], 'an empty unquoted name'],
  [['Content-Disposition: form-data; name="a\u0000b"'], 'NUL in the name'],
  [['Content-Disposition: form-data; name="image"; filename*=UTF-8\'\'%E2%9C%93.jpg'], 'an RFC 5987 filename*']
]

const disposition: Kind = {
  name: 'multipart.disposition',
  cases: (t, ctx) => rotate(DISPOSITIONS, ctx.count, ctx.rng).map(([hs, note]) => {
    const size = 1 + ctx.rng.int(40 * 1024)
    return mpCase('multipart.disposition', t, ctx, Buffer.concat([rawPart(hs, Buffer.alloc(size, 0x42)), closing()]), `one part with ${note}, ${size} B`)
  })
}

/** Each documented field as the wrong kind of part. */
function fieldVariants (e: Entry): Array<[Entry[], string]> {
  const bin = Buffer.isBuffer(e.value) || (Array.isArray(e.value) && e.value.some(Buffer.isBuffer))
  return [
    [[{ name: e.name, value: bin ? '12345' : Buffer.from('{"not":"text"}') }], bin ? 'a text part instead of a file' : 'a file part instead of text'],
    [[e, e], 'sent twice'],
    [[], 'left out'],
    [[{ name: e.name, value: Buffer.alloc(0) }], 'an empty file part'],
    [[{ name: e.name, value: '' }], 'an empty text part']
  ]
}

const fields: Kind = {
  name: 'multipart.fields',
  cases: (t, ctx) => {
    const entries = sample(t, ctx)
    return entries.flatMap((e) => rotate(fieldVariants(e), ctx.count, ctx.rng.fork(e.name)).map(([replacement, note]) => {
      const body = encodeMultipart(entries.flatMap((x) => x.name === e.name ? replacement : [x]))
      return mpCase('multipart.fields', t, ctx, body, `sample multipart with "${e.name}" ${note}`)
    }))
  }
}

export const multipartKinds: Kind[] = [truncated, boundary, manyParts, bigHeader, disposition, fields]
