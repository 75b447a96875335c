/**
 * Oz API Lite liveness: detect on a single image and on multipart folders (images, MP4 videos, zip
 * archives), the best shot, thresholds and resolution, base64 mode, and the resolution_endpoint
 * callback (oz-api-lite.md, "detect – presentation attack detection"; vendor-notes.md, Oz rulings).
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import sharp from 'sharp'
import t from 'tap'
import { build, json, multipart } from '../../helper.js'
import { photo } from '../../images.js'
import { mp4, zip } from '../../core/media/fixtures/builders.js'
import { P } from './fixtures/oz.js'

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The document's payload example (request of "Multipart/form-data with Best Shot"). */
const documentPayload = {
  'folder:meta_data': { partner_side_folder_id: 'partner_side_folder_id_if_needed', person_info: { first_name: 'John', middle_name: 'Jameson', last_name: 'Doe' } },
  'media:meta_data': { media_key1: { foo: 'bar2' } },
  'media:tags': { media_key1: ['video_selfie', 'video_selfie_blank'] },
  analyses: [{ type: 'quality', meta_data: { example1: 'some_example1' }, params: { threshold_spoofing: 0.6, extract_best_shot: true } }]
}

const detect = (media: Array<{ name: string, value: Buffer | string, filename?: string, contentType?: string }>, payload?: unknown, headers: Record<string, string> = {}): ReturnType<typeof multipart> =>
  multipart([...media, ...(payload === undefined ? [] : [{ name: 'payload', value: typeof payload === 'string' ? payload : JSON.stringify(payload) }])], headers)

t.test('detect on a JPEG or PNG body answers {passed, score}: live by default, score the probability of an attack', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 1 })
  const res = await app.inject({ method: 'POST', url: P.detect, headers: { 'content-type': 'image/jpeg' }, payload: img })
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.same(Object.keys(body), ['passed', 'score'])
  t.equal(body.passed, true)
  t.ok(body.score >= 0 && body.score < 0.01, `score ${body.score} is far below the 0.5 threshold`)
  t.same(json(await app.inject({ method: 'POST', url: P.detect, headers: { 'content-type': 'image/jpeg' }, payload: img })), body, 'deterministic')
  const png = await app.inject({ method: 'POST', url: P.detect, headers: { 'content-type': 'image/png' }, payload: await photo({ seed: 2, format: 'png' }) })
  t.equal(png.statusCode, 200)
  t.not(json(png).score, body.score, 'another image, another score')
  const b64 = await app.inject({ method: 'POST', url: P.detect, headers: { 'content-type': 'image/jpeg', 'content-transfer-encoding': 'base64' }, payload: img.toString('base64') })
  t.same(json(b64), body, 'base64 transfer mode: the same answer for the same image')
})

t.test('detect multipart: the folder document of the vendor example, with the payload echoed', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 1 })
  const res = await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: img, filename: 'selfie.jpg', contentType: 'multipart/form-data' }], documentPayload) })
  t.equal(res.statusCode, 200)
  const f = json(res)
  t.same(Object.keys(f), ['company_id', 'time_created', 'folder_id', 'user_id', 'resolution_endpoint', 'resolution_status', 'resolution_comment', 'system_resolution',
    'resolution_time', 'resolution_author_id', 'resolution_state_hash', 'operator_comment', 'operator_status', 'is_cleared', 'meta_data', 'technical_meta_data',
    'time_updated', 'media', 'analyses'], 'the keys of the document example, in its order')
  t.match(f.folder_id, UUID, 'a temporary id')
  t.equal(f.time_created, Date.parse('2026-01-15T09:00:00.000Z') / 1000, 'seconds since the epoch, on the virtual clock')
  t.same({ rs: f.resolution_status, sr: f.system_resolution, rc: f.resolution_comment, re: f.resolution_endpoint }, { rs: 'FINISHED', sr: 'SUCCESS', rc: '[]', re: null })
  t.same(f.meta_data, documentPayload['folder:meta_data'], 'folder:meta_data echoed')
  const m = f.media[0]
  t.equal(f.media.length, 1)
  t.equal(m.media_type, 'IMAGE_FOLDER')
  t.same(m.info, { thumb: null, original: { md5: md5(img), width: 640, height: 480, size: img.length, 'mime-type': 'image/jpeg' } })
  t.same(m.tags, ['video_selfie', 'video_selfie_blank'], 'media:tags echoed, nothing added')
  t.same(m.meta_data, { foo: 'bar2' }, 'media:meta_data echoed')
  t.equal(m.original_name, 'selfie.jpg', 'the filename as sent')
  t.equal(m.folder_id, f.folder_id)
  t.match(m.media_id, UUID)
  const a = f.analyses[0]
  t.equal(f.analyses.length, 1)
  t.same({ type: a.type, state: a.state, resolution: a.resolution, resolution_status: a.resolution_status }, { type: 'QUALITY', state: 'FINISHED', resolution: 'SUCCESS', resolution_status: 'SUCCESS' })
  t.same(a.confs, { threshold_replay: 0.5, extract_best_shot: true, threshold_liveness: 0.5, threshold_spoofing: 0.6 }, 'the params as sent')
  t.same(a.meta_data, { example1: 'some_example1' }, 'the analysis meta_data as sent')
  t.same(a.source_media, f.media)
  const r = a.results_media[0]
  t.equal(r.media_association_id, m.media_id)
  t.equal(r.source_media_id, m.media_id)
  t.ok(r.results_data.confidence_spoofing < 0.01)
  t.equal(r.output_images.length, 1, 'the best shot, as asked')
  const again = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: img, filename: 'selfie.jpg' }], documentPayload) }))
  t.same(again, f, 'the same request at the same virtual time gives the same document')
  await app.inject({ method: 'POST', url: '/__admin/clock/advance', payload: { seconds: 90 } })
  const later = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: img, filename: 'selfie.jpg' }], documentPayload) }))
  t.equal(later.time_created, f.time_created + 90, 'times follow the virtual clock')
  t.not(later.folder_id, f.folder_id, 'temporary ids are new for each call')
  t.equal(later.analyses[0].results_media[0].results_data.confidence_spoofing, r.results_data.confidence_spoofing, 'the score belongs to the media')
})

t.test('detect multipart without payload: one quality analysis with the default threshold', async (t) => {
  const app = await build(t)
  const f = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'photo1', value: await photo() }]) }))
  t.equal(f.analyses.length, 1)
  t.same(f.analyses[0].confs, { threshold_replay: 0.5, extract_best_shot: false, threshold_liveness: 0.5, threshold_spoofing: 0.5 })
  t.same(f.analyses[0].results_media[0].output_images, [])
  t.same(f.meta_data, {})
  t.same(f.media[0].tags, [])
  t.equal(f.media[0].original_name, 'photo1', 'without a filename, the part name')
})

t.test('an MP4 video: duration, FPS, width and height read from the container; VIDEO_FOLDER with video_id', async (t) => {
  const app = await build(t)
  const video = mp4({ width: 960, height: 720, seconds: 3.76, frames: 86, mdat: Buffer.alloc(5000, 3) })
  const f = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: video, filename: 'video-5mb.mp4', contentType: 'video/mp4' }], { analyses: [{ type: 'QUALITY', params: { extract_best_shot: true } }] }) }))
  const m = f.media[0]
  t.equal(m.media_type, 'VIDEO_FOLDER')
  t.same(m.info, { thumb: null, video: { duration: 3.76, FPS: 22.87, width: 960, height: 720, md5: md5(video), size: video.length, 'mime-type': 'video/mp4' } })
  t.equal(m.video_id, m.media_id)
  t.equal(m.video_url, null)
  const shot = f.analyses[0].results_media[0].output_images[0]
  const meta = await sharp(Buffer.from(shot.image_b64, 'base64')).metadata()
  t.equal(meta.format, 'jpeg', 'the best shot of a video is a JPEG')
  t.same([meta.width, meta.height], [576, 576], 'of the video\'s face region size (60% x 80%)')
})

t.test('a zip archive of images: a SHOTS_SET whose best shot is a crop of its sharpest frame', async (t) => {
  const app = await build(t)
  const sharp1 = await photo({ seed: 1, width: 320, height: 400 })
  const blurred = await photo({ seed: 1, width: 320, height: 400, blur: 6 })
  const archive = zip([{ name: '__MACOSX/._001.jpg', data: Buffer.from('resource fork') }, { name: 'frames/001.jpg', data: blurred }, { name: 'frames/002.jpg', data: sharp1 }, { name: 'frames/.DS_Store', data: Buffer.from('x') }])
  const f = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'frames', value: archive, filename: 'frames.zip', contentType: 'application/zip' }], { analyses: [{ type: 'quality', params: { extract_best_shot: true } }] }) }))
  const m = f.media[0]
  t.equal(m.media_type, 'SHOTS_SET')
  t.same(m.info, { thumb: null, shots_set: { frames: 2, width: 320, height: 400, md5: md5(archive), size: archive.length, 'mime-type': 'application/zip' } })
  const shot = f.analyses[0].results_media[0].output_images[0]
  const crop = await sharp(sharp1).extract({ left: 64, top: 32, width: 192, height: 320 }).raw().toBuffer()
  const got = await sharp(Buffer.from(shot.image_b64, 'base64')).raw().toBuffer()
  let diff = 0
  for (let i = 0; i < crop.length; i++) diff += Math.abs((crop[i] as number) - (got[i] as number))
  t.ok(diff / crop.length < 8, `the best shot is the sharp frame's face region (mean difference ${(diff / crop.length).toFixed(2)})`)
})

t.test('extract_best_shot returns a real JPEG crop of the input image in image_b64, described by its info', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 3, width: 500, height: 600 })
  const f = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: img }], documentPayload) }))
  const shot = f.analyses[0].results_media[0].output_images[0]
  const jpeg = Buffer.from(shot.image_b64, 'base64')
  const meta = await sharp(jpeg).metadata()
  t.equal(meta.format, 'jpeg')
  t.same(shot.info, { thumb: null, original: { md5: md5(jpeg), width: 300, height: 480, size: jpeg.length, 'mime-type': 'image/jpeg' } })
  t.same([meta.width, meta.height], [300, 480])
  t.equal(shot.media_type, 'IMAGE_RESULT_ANALYSIS_SINGLE')
  t.equal(shot.media_association_id, f.media[0].media_id)
  t.match(shot.original_name, /^<PIL\.JpegImagePlugin\.JpegImageFile image mode=RGB size=300x480 at 0x[0-9A-F]{12}>$/)
})

t.test('threshold_spoofing from params decides the resolution; the folder is DECLINED when any analysis is', async (t) => {
  const app = await build(t)
  const img = await photo()
  const H = { 'x-sandbox-scenario': 'oz/spoof-score-0.6' }
  const payload = { analyses: [{ type: 'quality', params: { threshold_spoofing: 0.7 } }, { type: 'quality' }, { type: 'quality', params: { threshold_spoofing: 0.6, custom: 'kept' } }] }
  const f = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'm', value: img }], payload, H) }))
  t.same(f.analyses.map((a: { resolution: string }) => a.resolution), ['SUCCESS', 'DECLINED', 'SUCCESS'], '0.6 is above 0.5 only; a score equal to the threshold passes')
  t.same(f.analyses.map((a: { resolution_status: string }) => a.resolution_status), ['SUCCESS', 'DECLINED', 'SUCCESS'])
  t.equal(f.analyses[2].confs.custom, 'kept', 'other params are echoed in confs')
  t.equal(f.system_resolution, 'DECLINED')
  const one = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'm', value: img }], { analyses: [payload.analyses[0]] }, H) }))
  t.equal(one.system_resolution, 'SUCCESS')
  const raw = json(await app.inject({ method: 'POST', url: P.detect, headers: { 'content-type': 'image/jpeg', ...H }, payload: img }))
  t.same(raw, { passed: false, score: 0.6 }, 'a single image uses the configured threshold (0.5)')
  const relaxed = await build(t, { settings: { oz: { liveness_threshold: 0.65 } } })
  t.same(json(await relaxed.inject({ method: 'POST', url: P.detect, headers: { 'content-type': 'image/jpeg', ...H }, payload: img })), { passed: true, score: 0.6 })
})

t.test('several media: one media entry and one result per part, in input order', async (t) => {
  const app = await build(t)
  const a = await photo({ seed: 1 })
  const b = await photo({ seed: 2 })
  const f = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: a, filename: 'a.jpg' }, { name: 'media_key2', value: b, filename: 'b.jpg' }], { 'media:tags': { media_key2: ['photo_selfie'] } }) }))
  t.same(f.media.map((m: { original_name: string }) => m.original_name), ['a.jpg', 'b.jpg'])
  t.same(f.media.map((m: { tags: string[] }) => m.tags), [[], ['photo_selfie']])
  t.same(f.analyses[0].results_media.map((r: { source_media_id: string }) => r.source_media_id), f.media.map((m: { media_id: string }) => m.media_id))
  t.not(f.media[0].media_id, f.media[1].media_id)
})

t.test('base64 transfer mode: multipart media parts in base64', async (t) => {
  const app = await build(t)
  const img = await photo({ seed: 8 })
  const plain = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: img, filename: 'a.jpg' }], documentPayload) }))
  const b64 = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: img.toString('base64'), filename: 'a.jpg' }], documentPayload, { 'content-transfer-encoding': 'base64' }) }))
  t.same(b64, plain)
  const payloadB64 = json(await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: img.toString('base64'), filename: 'a.jpg' }], Buffer.from(JSON.stringify(documentPayload)).toString('base64'), { 'content-transfer-encoding': 'base64' }) }))
  t.same(payloadB64, plain, 'a base64-encoded payload is tolerated in base64 mode')
})

/** A local receiver for resolution_endpoint callbacks: answers the given statuses in turn (then 200). */
async function receiver (t: { teardown: (fn: () => unknown) => void }, statuses: number[] = []): Promise<{ url: string, calls: Array<{ headers: IncomingMessage['headers'], body: string }>, next: () => Promise<void> }> {
  const calls: Array<{ headers: IncomingMessage['headers'], body: string }> = []
  let wake: (() => void) | undefined
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => {
      calls.push({ headers: req.headers, body })
      res.statusCode = statuses.shift() ?? 200
      res.end('{}')
      wake?.()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { await new Promise((resolve) => server.close(resolve)) })
  const next = async (): Promise<void> => { await new Promise<void>((resolve) => { wake = resolve }) }
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oz-result`, calls, next }
}

const requests = async (app: Awaited<ReturnType<typeof build>>, operation: string): Promise<Array<{ status: number, path: string, response: { body: unknown } }>> =>
  json(await app.inject({ method: 'GET', url: `/__admin/requests?operation=${operation}` })).requests

t.test('resolution_endpoint: the folder is POSTed there after the response, and the call is journaled', async (t) => {
  const app = await build(t)
  const r = await receiver(t)
  const arrived = r.next()
  const res = await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: await photo() }], { ...documentPayload, resolution_endpoint: r.url }) })
  t.equal(res.statusCode, 200)
  t.equal(json(res).resolution_endpoint, r.url)
  await arrived
  await app.core.outbound.settle()
  t.equal(r.calls.length, 1)
  t.equal(r.calls[0]?.headers['content-type'], 'application/json')
  t.same(JSON.parse(r.calls[0]?.body ?? ''), json(res), 'the callback carries the folder document')
  const journal = await requests(app, 'oz.resolution_callback')
  t.equal(journal.length, 1)
  t.equal(journal[0]?.status, 200)
  t.equal(journal[0]?.path, r.url)
})

t.test('resolution_endpoint: a failing receiver is retried', async (t) => {
  const app = await build(t)
  const r = await receiver(t, [500, 503])
  await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'm', value: await photo() }], { resolution_endpoint: r.url }) })
  while (r.calls.length < 3) await r.next()
  await app.core.outbound.settle()
  t.equal(r.calls.length, 3, 'two failures, then delivered')
  t.same((await requests(app, 'oz.resolution_callback')).map((e) => e.status), [200, 503, 500], 'every attempt is journaled (newest first)')
})

t.test('resolution_endpoint: a host not on the allow-list is not contacted, and the skip is journaled', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'm', value: await photo() }], { resolution_endpoint: 'https://www.your-custom-endpoint.com' }) })
  t.equal(res.statusCode, 200)
  let journal: Awaited<ReturnType<typeof requests>> = []
  for (let i = 0; i < 50 && journal.length === 0; i++) {
    await app.core.outbound.settle()
    journal = await requests(app, 'oz.resolution_callback')
    if (journal.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.equal(journal.length, 1)
  t.equal(journal[0]?.status, 0)
  t.match(JSON.stringify(journal[0]?.response.body), /not on the allow-list/)
})

t.test('resolution_callback: false switches the callback off', async (t) => {
  const app = await build(t, { settings: { oz: { resolution_callback: false } } })
  const r = await receiver(t)
  const res = await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'm', value: await photo() }], { resolution_endpoint: r.url }) })
  t.equal(json(res).resolution_endpoint, r.url, 'still echoed in the folder')
  await new Promise((resolve) => setTimeout(resolve, 50))
  await app.core.outbound.settle()
  t.equal(r.calls.length, 0)
  t.same(await requests(app, 'oz.resolution_callback'), [])
})

const LDE = {
  '002001': { code: 'LDE-002001', message: 'Invalid Content-Type of HTTP request' },
  '002004': { code: 'LDE-002004', message: 'Failed to extract the biometric sample' },
  '002005': { code: 'LDE-002005', message: 'Invalid Content-Type of the multiparted HTTP request part' }
}

t.test('LDE-002001 Invalid Content-Type of HTTP request: neither an image nor multipart/form-data', async (t) => {
  const app = await build(t)
  const img = await photo()
  const cases: Array<[string, Record<string, string>, string | Buffer | undefined]> = [
    ['JSON', { 'content-type': 'application/json' }, '{"image":"x"}'],
    ['text', { 'content-type': 'text/plain' }, 'hello'],
    ['an image declared application/octet-stream', { 'content-type': 'application/octet-stream' }, img],
    ['a raw MP4 body', { 'content-type': 'video/mp4' }, mp4({ width: 64, height: 64, seconds: 1, frames: 10 })],
    ['no body', {}, undefined],
    ['broken multipart', { 'content-type': 'multipart/form-data; boundary=XyZ' }, '--XyZ\r\nContent-Disposition: form-da']
  ]
  for (const [what, headers, payload] of cases) {
    const res = await app.inject({ method: 'POST', url: P.detect, headers, ...(payload === undefined ? {} : { payload }) })
    t.equal(res.statusCode, 400, what)
    t.same(json(res), LDE['002001'], what)
  }
})

t.test('LDE-002004 Failed to extract the biometric sample: no media, or a media that cannot be read', async (t) => {
  const img = await photo({ width: 160, height: 120 })
  const app = await build(t, { settings: { oz: { max_n: 2, max_archive_entries: 2, max_media_bytes: 20_000 } } })
  const video = mp4({ width: 64, height: 64, seconds: 1, frames: 10 })
  const noVideo = Buffer.from(video)
  noVideo.write('soun', noVideo.indexOf('vide'), 'latin1')
  const cases: Array<[string, ReturnType<typeof detect>]> = [
    ['a payload without media', detect([], {})],
    ['an empty image', detect([{ name: 'm', value: Buffer.alloc(0) }])],
    ['a truncated JPEG', detect([{ name: 'm', value: img.subarray(0, 300) }])],
    ['a PDF', detect([{ name: 'm', value: Buffer.from('%PDF-1.4 not a media') }])],
    ['an MP4 cut short', detect([{ name: 'm', value: video.subarray(0, 60) }])],
    ['an MP4 without a video track', detect([{ name: 'm', value: noVideo }])],
    ['a video larger than max_media_bytes', detect([{ name: 'm', value: mp4({ width: 64, height: 64, seconds: 1, frames: 10, mdat: Buffer.alloc(20_000) }) }])],
    ['an archive with a file that is not an image', detect([{ name: 'm', value: zip([{ name: 'a.jpg', data: img }, { name: 'notes.txt', data: Buffer.from('hello') }]) }])],
    ['an archive without images', detect([{ name: 'm', value: zip([]) }])],
    ['an archive with more images than max_archive_entries', detect([{ name: 'm', value: zip([1, 2, 3].map((i) => ({ name: `${i}.jpg`, data: img }))) }])],
    ['two media parts with the same name', detect([{ name: 'm', value: img }, { name: 'm', value: img }])],
    ['more media parts than max_n', detect([1, 2, 3].map((i) => ({ name: `m${i}`, value: img })))],
    ['more parts than the multipart parser takes', detect([1, 2, 3, 4, 5, 6, 7].map((i) => ({ name: `m${i}`, value: img })))],
    ['base64 mode with media that is not base64', detect([{ name: 'm', value: '***' }], undefined, { 'content-transfer-encoding': 'base64' })]
  ]
  for (const [what, req] of cases) {
    const res = await app.inject({ method: 'POST', url: P.detect, ...req })
    t.equal(res.statusCode, 400, what)
    t.same(json(res), LDE['002004'], what)
  }
  const raw = await app.inject({ method: 'POST', url: P.detect, headers: { 'content-type': 'image/jpeg' }, payload: img.subarray(0, 300) })
  t.same(json(raw), LDE['002004'], 'a truncated JPEG body')
})

t.test('LDE-002005 Invalid Content-Type of the multiparted HTTP request part: a payload that is not the documented JSON', async (t) => {
  const app = await build(t, { settings: { oz: { max_payload_bytes: 2048 } } })
  const img = await photo({ width: 160, height: 120 })
  const cases: Array<[string, unknown]> = [
    ['not JSON', '{"analyses": ['],
    ['a JSON array', '[]'],
    ['an analysis type API Lite does not run', { analyses: [{ type: 'biometry' }] }],
    ['threshold_spoofing above 1', { analyses: [{ type: 'quality', params: { threshold_spoofing: 2 } }] }],
    ['tags that are not strings', { 'media:tags': { m: [1, 2] } }],
    ['larger than max_payload_bytes', { 'folder:meta_data': { note: 'x'.repeat(3000) } }]
  ]
  for (const [what, payload] of cases) {
    const res = await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'm', value: img }], payload) })
    t.equal(res.statusCode, 400, what)
    t.same(json(res), LDE['002005'], what)
  }
})

t.test('LDE-002005 Invalid Content-Type of the multiparted HTTP request part: a media part declared text/plain, or any text/*', async (t) => {
  const app = await build(t)
  const img = await photo({ width: 160, height: 120 })
  for (const contentType of ['text/plain', 'text/plain; charset=utf-8', 'text/csv']) {
    const res = await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'media_key1', value: img, filename: 'a.jpg', contentType }]) })
    t.equal(res.statusCode, 400, contentType)
    t.same(json(res), LDE['002005'], contentType)
    t.match(res.headers['x-sandbox-note'], /media_key1/, 'the note names the part')
  }
  const second = await app.inject({ method: 'POST', url: P.detect, ...detect([{ name: 'a', value: img }, { name: 'b', value: img, contentType: 'text/plain' }]) })
  t.same(json(second), LDE['002005'], 'whichever media part it is')
})

t.test('detect media parts under any name and declaring any media type (or none) are read by their bytes; the payload may declare text/plain', async (t) => {
  const app = await build(t)
  const img = await photo({ width: 160, height: 120 })
  const media = ['image/png', 'video/mp4', 'application/octet-stream', 'application/zip', 'multipart/form-data', undefined].map((contentType, i) => ({ name: `selfie-${i}`, value: img, ...(contentType === undefined ? {} : { contentType }) }))
  const payload = { name: 'payload', value: JSON.stringify({ 'media:tags': { 'selfie-5': ['undeclared'] } }), contentType: 'text/plain' }
  const res = await app.inject({ method: 'POST', url: P.detect, ...multipart([...media, payload]) })
  t.equal(res.statusCode, 200)
  const f = json(res)
  t.same(f.media.map((m: { original_name: string }) => m.original_name), media.map((m) => m.name))
  t.ok(f.media.every((m: { media_type: string }) => m.media_type === 'IMAGE_FOLDER'), 'every one read as the JPEG it is')
  t.same(f.media[5].tags, ['undeclared'], 'the payload declared text/plain is read as JSON')
})
