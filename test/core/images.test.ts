import sharp from 'sharp'
import t from 'tap'
import { clearImageCache, decodeBase64, decodeImage, hashDistance, headerSize, ImageDecoder, ImageError, SAMPLE_SIZE, sniffFormat, verifyImage, type DecodedImage } from '../../src/core/images.js'
import { giantPngHeader, photo } from '../images.js'

const kindOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p
    return 'ok'
  } catch (err) {
    return err instanceof ImageError ? err.kind : `other: ${(err as Error).message}`
  }
}

t.test('base64 is decoded with or without a data: prefix, and with line breaks', async (t) => {
  const bytes = await photo({ width: 64, height: 48 })
  const b64 = bytes.toString('base64')
  t.same(decodeBase64(b64), bytes)
  t.same(decodeBase64(`data:image/jpeg;base64,${b64}`), bytes)
  t.same(decodeBase64(b64.replace(/(.{76})/g, '$1\n')), bytes)
  t.same(decodeBase64(bytes.toString('base64url')), bytes, 'URL-safe base64 too')
})

t.test('text that is not base64 is refused as bad-base64, an empty string as empty', async (t) => {
  const kind = (text: string): string => {
    try {
      decodeBase64(text)
      return 'ok'
    } catch (err) {
      return (err as ImageError).kind
    }
  }
  t.equal(kind('héllo wörld'), 'bad-base64')
  t.equal(kind('abcde'), 'bad-base64', 'impossible length')
  // What the fast path (no regular expression) must refuse as the alphabet check does.
  t.equal(kind('QU*D'), 'bad-base64', 'a character outside the alphabet, where the length alone looks right')
  t.equal(kind('QQ==QQ=='), 'bad-base64', 'padding in the middle')
  t.equal(kind('QUJD='), 'bad-base64', 'one padding character too many')
  t.equal(kind('=QUJ'), 'bad-base64', 'padding first')
  t.equal(kind('data:image/png;base64,'), 'empty')
})

t.test('the format is sniffed from the bytes, never from a declared type', async (t) => {
  t.equal(sniffFormat(await photo({ width: 8, height: 8 })), 'jpeg')
  t.equal(sniffFormat(await photo({ width: 8, height: 8, format: 'png' })), 'png')
  t.equal(sniffFormat(Buffer.from('GIF89a')), undefined)
  t.equal(sniffFormat(Buffer.alloc(0)), undefined)
})

t.test('width and height are read from JPEG and PNG headers without decoding', async (t) => {
  t.same(headerSize(await photo({ width: 123, height: 45 }), 'jpeg'), { width: 123, height: 45 })
  t.same(headerSize(await photo({ width: 77, height: 99, format: 'png' }), 'png'), { width: 77, height: 99 })
  t.same(headerSize(giantPngHeader(), 'png'), { width: 100000, height: 100000 })
  t.equal(headerSize(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'jpeg'), undefined)
})

t.test('a 100000x100000 PNG header is refused before decoding (too-many-pixels)', async (t) => {
  const started = process.hrtime.bigint()
  t.equal(await kindOf(decodeImage(giantPngHeader())), 'too-many-pixels')
  t.ok(process.hrtime.bigint() - started < 1_000_000_000n, 'refused at once')
  t.equal(await kindOf(decodeImage(await photo({ width: 200, height: 200 }), { maxPixels: 39_999 })), 'too-many-pixels')
  t.equal(await kindOf(decodeImage(await photo({ width: 200, height: 200 }), { maxPixels: 40_000 })), 'ok')
})

t.test('the byte limit, empty input, unsupported formats and truncated data are refused by kind', async (t) => {
  const jpeg = await photo()
  t.equal(await kindOf(decodeImage(jpeg, { maxBytes: jpeg.length - 1 })), 'too-large')
  t.equal(await kindOf(decodeImage(jpeg, { maxBytes: jpeg.length })), 'ok')
  t.equal(await kindOf(decodeImage(Buffer.alloc(0))), 'empty')
  t.equal(await kindOf(decodeImage(Buffer.from('GIF89a....'))), 'unsupported')
  t.equal(await kindOf(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length / 2)))), 'corrupt')
  const png = await photo({ format: 'png' })
  t.equal(await kindOf(decodeImage(png.subarray(0, Math.floor(png.length / 2)))), 'corrupt')
})

t.test('a decoded image knows its size, format, mime type and sha256', async (t) => {
  const img = await decodeImage(await photo({ width: 320, height: 200, format: 'png' }))
  t.equal(img.width, 320)
  t.equal(img.height, 200)
  t.equal(img.format, 'png')
  t.equal(img.mimeType, 'image/png')
  t.match(img.sha256, /^[0-9a-f]{64}$/)
  t.same([img.sample.width, img.sample.height, img.sample.pixels.length], [320, 200, 320 * 200 * 3], 'a picture that fits is its own sample')
})

t.test('EXIF orientation is applied, as a camera app shows the photo', async (t) => {
  const rotated = await sharp(await photo({ width: 300, height: 100 })).withMetadata({ orientation: 6 }).jpeg().toBuffer()
  const img = await decodeImage(rotated)
  t.same([img.width, img.height], [100, 300])
})

t.test('sharpness separates an ordinary photo from a heavy blur; brightness and glare are measured', async (t) => {
  const sharpImg = await (await decodeImage(await photo())).stats()
  const blurred = await (await decodeImage(await photo({ blur: 8 }))).stats()
  t.ok(sharpImg.sharpness > 1, `ordinary photo sharpness ${sharpImg.sharpness}`)
  t.ok(blurred.sharpness < 0.5, `blurred sharpness ${blurred.sharpness}`)
  t.ok(sharpImg.brightness > 60 && sharpImg.brightness < 200, `brightness ${sharpImg.brightness}`)
  const dark = await (await decodeImage(await photo({ gain: 0.1 }))).stats()
  t.ok(dark.brightness < 40, `dark ${dark.brightness}`)
  t.equal(sharpImg.brightRatio, 0)
  const white = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#ffffff' } }).png().toBuffer()
  t.equal((await (await decodeImage(white)).stats()).brightRatio, 1)
})

t.test('the perceptual hash is equal for the same picture, close after re-encoding, far for another picture', async (t) => {
  const a = await photo({ seed: 1 })
  const again = await sharp(a).jpeg({ quality: 60 }).toBuffer()
  const b = await photo({ seed: 2 })
  const ha = await (await decodeImage(a)).perceptualHash()
  t.match(ha, /^[0-9a-f]{16}$/)
  t.equal(ha, await (await decodeImage(a)).perceptualHash())
  t.ok(hashDistance(ha, await (await decodeImage(again)).perceptualHash()) <= 0.1, 're-encoded copy stays close')
  t.ok(hashDistance(ha, await (await decodeImage(b)).perceptualHash()) > 0.2, 'another picture is far')
  t.equal(hashDistance('0000000000000000', 'ffffffffffffffff'), 1)
})

t.test('crops and thumbnails are real images of the requested size, clamped to the picture', async (t) => {
  const img = await decodeImage(await photo({ width: 400, height: 300 }))
  const crop = await sharp(await img.crop({ left: 10, top: 20, width: 100, height: 50 }, 'png')).metadata()
  t.same([crop.format, crop.width, crop.height], ['png', 100, 50])
  const clamped = await sharp(await img.crop({ left: 350, top: 250, width: 100, height: 100 })).metadata()
  t.same([clamped.format, clamped.width, clamped.height], ['jpeg', 50, 50])
  const thumb = await sharp(await img.thumbnail(100)).metadata()
  t.same([thumb.width, thumb.height], [100, 75])
})

t.test('the decoder decodes the same buffer once, and measures are memoized', async (t) => {
  const decoder = new ImageDecoder({})
  const bytes = await photo()
  const a = decoder.decode(bytes)
  t.equal(decoder.decode(bytes), a, 'same promise for the same bytes')
  const img = await a
  t.equal(img.stats(), img.stats())
  t.equal(img.perceptualHash(), img.perceptualHash())
})

t.test('verify checks every byte without keeping pixels: truncated JPEG and PNG fail, limits apply', async (t) => {
  const jpeg = await photo({ width: 1024, height: 768 })
  const ok = await verifyImage(jpeg)
  t.same([ok.format, ok.width, ok.height, ok.sha256.length], ['jpeg', 1024, 768, 64])
  t.equal(await kindOf(verifyImage(jpeg.subarray(0, Math.floor(jpeg.length * 0.7)))), 'corrupt')
  const png = await photo({ format: 'png' })
  t.equal(await kindOf(verifyImage(png.subarray(0, Math.floor(png.length * 0.7)))), 'corrupt')
  t.equal(await kindOf(verifyImage(giantPngHeader())), 'too-many-pixels')
  t.equal(await kindOf(verifyImage(jpeg, { maxBytes: 10 })), 'too-large')
})

/** A 12 MP JPEG quickly: a 1000x750 photo scaled up 4 times by libvips (no 12 MP loop in JavaScript). */
async function twelveMegapixels (opts: { seed?: number, blur?: number } = {}): Promise<Buffer> {
  const base = await photo({ width: 1000, height: 750, seed: opts.seed ?? 5, format: 'png' })
  let img = sharp(base).resize(4000, 3000, { kernel: 'nearest' })
  if (opts.blur !== undefined) img = sharp(await img.png({ compressionLevel: 1 }).toBuffer()).blur(opts.blur)
  return await img.jpeg({ quality: 88 }).toBuffer()
}

/** Every Buffer an object holds, a few levels down (its own fields, maps, arrays, memoized results). */
function buffersIn (value: unknown, depth = 4, seen = new Set<unknown>()): Buffer[] {
  if (value === null || typeof value !== 'object' || depth < 0 || seen.has(value)) return []
  seen.add(value)
  if (Buffer.isBuffer(value)) return [value]
  const children = value instanceof Map ? [...value.values()] : Object.values(value)
  return children.flatMap((v) => buffersIn(v, depth - 1, seen))
}

t.test('a 12 MP image is measured on a sample: no pixel buffer larger than 768 px a side is kept', async (t) => {
  const bytes = await twelveMegapixels()
  const img = await decodeImage(bytes)
  t.same([img.width, img.height], [4000, 3000], 'the original size')
  t.same([img.sample.width, img.sample.height], [SAMPLE_SIZE, 576], 'the sample fits inside 768 x 768')
  await img.stats()
  await img.perceptualHash()
  const held = buffersIn(img).filter((b) => b !== bytes)
  t.ok(held.length > 0, 'the sample is found')
  t.ok(held.every((b) => b.length <= SAMPLE_SIZE * SAMPLE_SIZE * 3), `buffers held: ${held.map((b) => b.length).join(', ')}`)
})

t.test('the same picture measures alike at every size, from 640x480 to 12 MP', async (t) => {
  const large = await twelveMegapixels()
  const glare = { input: { create: { width: 1000, height: 750, channels: 3 as const, background: '#ffffff' } }, left: 400, top: 300 }
  const largeGlared = await sharp(large).composite([glare]).png({ compressionLevel: 1 }).toBuffer()
  const sizes = [4000, 2000, 1024, 640]
  const stats = await Promise.all(sizes.map(async (w) => {
    const plain = await sharp(large).resize(w).jpeg({ quality: 88 }).toBuffer()
    const glared = await sharp(largeGlared).resize(w).jpeg({ quality: 88 }).toBuffer()
    return { plain: await (await decodeImage(plain)).stats(), glared: await (await decodeImage(glared)).stats() }
  }))
  const first = stats[0] as (typeof stats)[0]
  stats.forEach((s, i) => {
    const size = `${sizes[i] as number} px wide`
    t.ok(Math.abs(s.plain.brightness - first.plain.brightness) < 1.5, `${size}: brightness ${s.plain.brightness} vs ${first.plain.brightness}`)
    t.ok(Math.abs(s.plain.greyDeviation / first.plain.greyDeviation - 1) < 0.1, `${size}: grey deviation ${s.plain.greyDeviation} vs ${first.plain.greyDeviation}`)
    t.ok(Math.abs(s.glared.brightRatio - 1 / 16) < 0.005, `${size}: glare over 1/16 of the picture measures ${s.glared.brightRatio}`)
    t.ok(s.plain.sharpness > 0.8, `${size}: sharpness ${s.plain.sharpness}, well above FPT's 0.5`)
  })
})

t.test('a heavy blur measures below 0.5 at every size, an ordinary picture above 1 (sharpness on the sample)', async (t) => {
  for (const [width, height] of [[640, 480], [1024, 768], [1600, 1200]] as const) {
    const blur = 8 * width / 640 // the same blur relative to the picture
    const sharpImg = await (await decodeImage(await photo({ width, height }))).stats()
    const blurred = await (await decodeImage(await photo({ width, height, blur }))).stats()
    t.ok(sharpImg.sharpness > 1, `${width}x${height}: ordinary ${sharpImg.sharpness}`)
    t.ok(blurred.sharpness < 0.5, `${width}x${height}: blur ${blur} ${blurred.sharpness}`)
  }
  const blurred12 = await (await decodeImage(await twelveMegapixels({ blur: 50 }))).stats()
  t.ok(blurred12.sharpness < 0.5, `12 MP, blur 50: ${blurred12.sharpness}`)
})

t.test('a crop of a large image has the original pixels at full resolution', async (t) => {
  const bytes = await twelveMegapixels()
  const img = await decodeImage(bytes)
  const box = { left: 2100, top: 1300, width: 300, height: 200 }
  const crop = await sharp(await img.crop(box, 'png')).raw().toBuffer({ resolveWithObject: true })
  const want = await sharp(bytes).extract(box).raw().toBuffer()
  t.same([crop.info.width, crop.info.height], [300, 200])
  t.ok(crop.data.equals(want), 'the pixels of the original at that place')
})

t.test('identical bytes are decoded once: another Buffer with the same bytes shares the decoding, concurrent calls too', async (t) => {
  clearImageCache()
  const bytes = await photo({ seed: 21 })
  const [a, b] = await Promise.all([decodeImage(bytes), decodeImage(Buffer.from(bytes))])
  t.equal(a.sample, b.sample, 'one decoding for both')
  const c = await decodeImage(Buffer.from(bytes))
  t.equal(c.sample, a.sample, 'remembered afterwards')
  t.equal(c.stats(), a.stats(), 'and so are its measures')
  t.equal(c.sha256, a.sha256)
  clearImageCache()
  t.not((await decodeImage(Buffer.from(bytes))).sample, a.sample, 'decoded again once forgotten')
})

t.test('a refusal is remembered like a success: the same truncated bytes are refused again, with the same message', async (t) => {
  clearImageCache()
  const jpeg = await photo({ seed: 22 })
  const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2))
  const messages: string[] = []
  for (const check of [() => verifyImage(truncated), () => decodeImage(Buffer.from(truncated)), () => verifyImage(Buffer.from(truncated))]) {
    try {
      await check()
      messages.push('ok')
    } catch (err) {
      t.equal((err as ImageError).kind, 'corrupt')
      messages.push((err as Error).message)
    }
  }
  t.equal(new Set(messages).size, 1, messages[0] ?? '')
  t.equal(await kindOf(decodeImage(jpeg)), 'ok', 'the whole image still decodes')
})

t.test('limits apply before what is remembered: a remembered image over a smaller limit is refused', async (t) => {
  const bytes = await photo({ seed: 23, width: 200, height: 200 })
  t.equal(await kindOf(decodeImage(bytes)), 'ok')
  t.equal(await kindOf(decodeImage(bytes, { maxBytes: 10 })), 'too-large')
  t.equal(await kindOf(decodeImage(bytes, { maxPixels: 39_999 })), 'too-many-pixels')
  t.equal(await kindOf(verifyImage(bytes, { maxPixels: 39_999 })), 'too-many-pixels')
})

t.test('derive computes a value once for identical bytes', async (t) => {
  const bytes = await photo({ seed: 24 })
  let runs = 0
  const compute = (img: DecodedImage): string => { runs++; return `${img.width}x${img.height}` }
  t.equal((await decodeImage(bytes)).derive('size', compute), '640x480')
  t.equal((await decodeImage(Buffer.from(bytes))).derive('size', compute), '640x480')
  t.equal(runs, 1)
})
