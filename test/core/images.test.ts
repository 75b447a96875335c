import sharp from 'sharp'
import t from 'tap'
import { decodeBase64, decodeImage, hashDistance, headerSize, ImageDecoder, ImageError, sniffFormat } from '../../src/core/images.js'
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
  t.equal(img.pixels.length, 320 * 200 * 3)
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
  const { verifyImage } = await import('../../src/core/images.js')
  const jpeg = await photo({ width: 1024, height: 768 })
  const ok = await verifyImage(jpeg)
  t.same([ok.format, ok.width, ok.height, ok.sha256.length], ['jpeg', 1024, 768, 64])
  t.equal(await kindOf(verifyImage(jpeg.subarray(0, Math.floor(jpeg.length * 0.7)))), 'corrupt')
  const png = await photo({ format: 'png' })
  t.equal(await kindOf(verifyImage(png.subarray(0, Math.floor(png.length * 0.7)))), 'corrupt')
  t.equal(await kindOf(verifyImage(giantPngHeader())), 'too-many-pixels')
  t.equal(await kindOf(verifyImage(jpeg, { maxBytes: 10 })), 'too-large')
})
