/**
 * Images and their base64 text: data: prefixes, whitespace, bad padding, other alphabets; images that
 * are truncated, empty, of another format, or whose header announces 100000x100000 pixels. The
 * damaged value goes in the target's first image field (as a file part, a base64 string or the raw
 * body, whatever the body type holds), in each documented body type in turn.
 */
import { bodyTypes, caseOf, entriesFor, fieldsFor, rotate, type Case, type Ctx, type Kind } from './cases.js'
import type { Target } from './routes.js'
import { contentType, encode, pngHeader, type Assets } from './samples.js'

/** Put `value` in the first image field (else the first field) of the target's body of this type. */
function withValue (kind: string, t: Target, ctx: Ctx, type: string, value: unknown, note: string, extra: Array<[string, string]> = []): Case {
  const fields = fieldsFor(t, type)
  const field = fields.find((f) => f.image) ?? fields[0]
  const name = field?.name ?? 'image'
  // An array of images (Riset `images`, FPT `files`) gets the damaged one as its only item.
  const v = field?.schema.type === 'array' ? [value] : value
  const entries = entriesFor(t, type, ctx).map((e) => e.name === name ? { name, value: v } : e)
  const body = type.startsWith('image/') && typeof value === 'string' ? Buffer.from(value) : encode(type, entries, ctx.assets)
  return caseOf(kind, t, ctx, [['content-type', contentType(type)], ...extra], body, `${type}, "${name}" = ${note}`)
}

/** Built on demand: only the variants a target gets are made (one is 8 MB). */
function base64Variants (jpeg: Buffer): Array<[() => string, string]> {
  const b = jpeg.toString('base64')
  const lines = b.replace(/.{1,76}/g, '$&\n')
  const list: Array<[string | (() => string), string]> = [
    [`data:image/jpeg;base64,${b}`, 'a JPEG as a data: URI'],
    [`data:;base64,${b}`, 'data:;base64, prefix'],
    [`data:image/png,${b}`, 'data:image/png, (no ;base64)'],
    ['data:', 'only "data:"'],
    [`data:image/jpeg;base64,data:image/jpeg;base64,${b}`, 'a doubled data: prefix'],
    ['data:image/jpeg;base64,', 'a data: prefix and nothing else'],
    [lines, 'base64 with a newline every 76 characters'],
    [b.replace(/(.{10})/g, '$1 \t'), 'base64 with spaces and tabs inside'],
    [b.replace(/=+$/, ''), 'base64 without padding'],
    [`${b}===`, 'base64 with extra padding'],
    [`${b.slice(0, 40)}=${b.slice(40)}`, 'base64 with = in the middle'],
    [b.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url alphabet'],
    [`${b.slice(0, 100)}!!!%%%${b.slice(100)}`, 'base64 with ! and % inside'],
    ['', 'an empty string'],
    ['A', 'one character'],
    [() => 'QUJD'.repeat(2 * 1024 * 1024), '8 MB of base64 ("ABC" repeated)'],
    [`${b.slice(0, Math.floor(b.length / 2))}`, 'a JPEG\'s base64 cut in half']
  ]
  return list.map(([v, note]) => [typeof v === 'string' ? () => v : v, note])
}

const base64: Kind = {
  name: 'media.base64',
  cases: (t, ctx) => {
    const types = bodyTypes(t)
    return rotate(base64Variants(ctx.assets.jpeg), ctx.count, ctx.rng).map(([make, note], i) => {
      const type = types[i % types.length] as string
      const text = make()
      // Oz reads parts and bodies as base64 text when told so (oz-api-lite.md, Content-Transfer-Encoding).
      const cte: Array<[string, string]> = t.op?.headers.some((h) => h.name === 'content-transfer-encoding') === true ? [['content-transfer-encoding', 'base64']] : []
      return withValue('media.base64', t, ctx, type, text, `${note} (${text.length} chars)`, cte)
    })
  }
}

function jpegSof (width: number, height: number): Buffer {
  // SOI, then a baseline SOF0 announcing width x height with 3 components, and no scan data.
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xd9])])
}

function imageVariants (a: Assets): Array<[Buffer, string]> {
  const badCrc = Buffer.from(a.png)
  badCrc[29] = (badCrc[29] ?? 0) ^ 0xff
  return [
    [a.jpeg.subarray(0, Math.floor(a.jpeg.length / 2)), 'a JPEG cut in half'],
    [Buffer.alloc(0), 'zero bytes'],
    [pngHeader(100000, 100000), 'a PNG header announcing 100000x100000'],
    [jpegSof(65500, 65500), 'a JPEG header announcing 65500x65500, no data'],
    [pngHeader(0, 0), 'a PNG header announcing 0x0'],
    [Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'a GIF'],
    [Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(24)]), 'a WebP header'],
    [Buffer.concat([a.jpeg.subarray(0, 3), Buffer.alloc(2048, 0x00)]), 'JPEG magic then 2 KB of zeros'],
    [badCrc, 'a PNG with a damaged IHDR checksum'],
    [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'), 'a PDF header'],
    [a.png.subarray(0, 30), 'a PNG cut after its header']
  ]
}

const images: Kind = {
  name: 'media.image',
  cases: (t, ctx) => {
    const types = bodyTypes(t)
    return rotate(imageVariants(ctx.assets), ctx.count, ctx.rng).map(([bytes, note], i) =>
      withValue('media.image', t, ctx, types[i % types.length] as string, bytes, `${note} (${bytes.length} B)`))
  }
}

export const mediaKinds: Kind[] = [base64, images]
