/**
 * The innovation pages of the Weber frontend (nodefluxio/weber frontend/, ids 9, 10, 11) against the
 * sandbox: each test reads the answer the way the page does (app/api/innovationsAPI.ts and the page
 * templates), so a page that would show "There is a problem on our analytics", nothing, or a clear
 * face for a masked one fails here. The readers below restate the pages' expressions.
 */
import t from 'tap'
import { carDamage } from '../../../src/vendors/weber/innovations.js'
import { Random } from '../../../src/core/random.js'
import { build, json } from '../../helper.js'
import { dataUri, post, visitor } from './fixtures/weber.js'

type Body = any

/** innovationsAPI.ts postInnovation: `data.ok`, then `service_data.ok && job.result.result.length > 0` gives result[0], else the message. */
function postInnovation (data: Body): unknown {
  if (data.ok !== true) return undefined
  if (data.service_data.ok === true && data.service_data.job.result.result.length > 0) return data.service_data.job.result.result[0]
  return data.service_data.message
}

/** utils.ts isOCRReceipt: `ocr_receipt` with address, number, date, item, and info an array of strings. */
function isOCRReceipt (obj: Body): boolean {
  if (obj === undefined || obj === null || typeof obj !== 'object' || !('ocr_receipt' in obj)) return false
  const r = obj.ocr_receipt
  const info = Array.isArray(r.info) && r.info.every((i: unknown) => typeof i === 'string')
  return 'address' in r && 'number' in r && 'date' in r && 'item' in r && info
}

/** OCRReceiptPage renderResult: a warning (string), the receipt (ReceiptDisplay), raw JSON, or the analytics problem. */
function receiptPage (data: Body): { shows: 'warning' | 'receipt' | 'json' | 'problem', value: any } {
  const res = postInnovation(data)
  if (res === undefined) return { shows: 'problem', value: 'There is a problem on our analytics. Please use another photo.' }
  if (typeof res === 'string') return { shows: 'warning', value: res }
  return isOCRReceipt(res) ? { shows: 'receipt', value: res } : { shows: 'json', value: res }
}

/** CarDamagePage: per side i (front, left, right, rear) `car_damage_assessment[i].damage/severity/score`, then total and recommendation. */
function carDamagePage (data: Body): { sides: Array<{ status: string, severity: string, score: number }>, total: number, recommendation: string } | 'Oops, Something Went Wrong' {
  // postCarDamage returns the data only when data.ok, service_data.ok and a result are there.
  if (!(data.ok === true && data.service_data.ok === true && data.service_data.job.result.result.length > 0)) return 'Oops, Something Went Wrong'
  const r = data.service_data.job.result.result[0]
  const sides = ['front', 'left', 'right', 'rear'].map((_, i) => ({
    status: r.car_damage_assessment[i].damage,
    severity: r.car_damage_assessment[i].severity,
    score: r.car_damage_assessment[i].score
  }))
  return { sides, total: r.total_score, recommendation: r.recommendation }
}

const FACE_OCCLUSION_LABEL = ['Forehead', 'Eyebrow Left', 'Eyebrow Right', 'Eye Left', 'Eye Right', 'Cheek Left', 'Cheek Right', 'Nose', 'Mouth', 'Chin']
const FACE_ATTRIBUTE_LABEL = ['mask', 'sunglasses', 'eyeglasses', 'helm', 'cap']

/** FaceOcclusionAttributePage's effect: the occlusion sentence and the progress bars of both tabs (`map.get(label) || 0`). */
function faceOcclusionPage (data: Body): { sentence: string, occlusion: Record<string, number>, attribute: Record<string, number> } {
  const result = data.service_data
  const occ = new Map<string, number>()
  const att = new Map<string, number>()
  let occluded = false
  if (result.face_occlusion.ok === true) {
    const fo = result.face_occlusion.job.result.result[0].face_occlusion
    occluded = fo.occlusion
    fo.detections.forEach((d: Body) => occ.set(d.label, d.confidence))
  }
  if (result.face_attribute.ok === true) {
    const fa = result.face_attribute.job.result.result[0].face_attribute
    fa.occlusion_object.forEach((o: Body) => att.set(o.label, parseFloat((o.confidence * 100).toFixed(2))))
    fa.additional_info_object.forEach((o: Body) => att.set(o.label, parseFloat((o.confidence * 100).toFixed(2))))
  }
  return {
    sentence: occluded ? 'One or more areas of your face are occluded!' : 'Your face is clear and free from occlusion!',
    occlusion: Object.fromEntries(FACE_OCCLUSION_LABEL.map((l) => [l, occ.get(l) ?? 0])),
    attribute: Object.fromEntries(FACE_ATTRIBUTE_LABEL.map((l) => [l, att.get(l) ?? 0]))
  }
}

/** What the pages post: one picture for 9 and 11 (with additional_params.templates), four for 10. */
async function innovation (app: Awaited<ReturnType<typeof build>>, id: number, images: string[], scenario?: string): Promise<Body> {
  const session = await visitor(app)
  const headers: Record<string, string> = scenario === undefined ? {} : { 'x-sandbox-scenario': scenario }
  const res = await post(app, `/services/${id}`, { session_id: session, data: { additional_params: { templates: [] }, images } }, headers)
  if (res.statusCode !== 200) throw new Error(`service ${id}${scenario === undefined ? '' : ` with ${scenario}`}: ${res.statusCode} ${res.payload}`)
  return json(res)
}

t.test('OCR Receipt Recognition: the page shows the receipt: address, number, date, the items with qty, price and total, and TOTAL', async (t) => {
  const app = await build(t)
  const page = receiptPage(await innovation(app, 9, [await dataUri({ seed: 21 })]))
  t.equal(page.shows, 'receipt')
  const r = page.value.ocr_receipt
  for (const field of ['address', 'number', 'date']) t.match(r[field], /\S/, `Merchant ${field}`)
  t.match(r.date, /^\d\d\/\d\d\/\d{4}$/)
  t.ok(r.item.length >= 1)
  for (const item of r.item) {
    t.match(item.name, /\S/)
    t.equal(Number(item.total), Number(item.price) * Number(item.qty), `${item.name}: qty x price`)
  }
  t.equal(Number(r.total), r.item.reduce((s: number, i: Body) => s + Number(i.total), 0), 'the TOTAL row the page adds from the receipt\'s keys')
  t.ok(r.info.includes(`TOTAL ${r.total as string}`))
})

t.test('weber/receipt-unreadable: the page shows the warning with the service\'s message, not "There is a problem on our analytics"', async (t) => {
  const app = await build(t)
  const data = await innovation(app, 9, [await dataUri({ seed: 21 })], 'weber/receipt-unreadable')
  t.same(receiptPage(data), { shows: 'warning', value: 'Receipt cannot be read, please use another photo' })
  t.match(data.service_data, { ok: false, job: { result: { analytic_type: 'OCR_RECEIPT', result: [], status: 'failed' } } })
})

t.test('Car Damage Assessment: one assessment per side the page sends (front, left, right, rear), in the page\'s vocabulary', async (t) => {
  const app = await build(t)
  const images = await Promise.all([31, 32, 33, 34].map(async (seed) => await dataUri({ seed })))
  const page = carDamagePage(await innovation(app, 10, images))
  if (page === 'Oops, Something Went Wrong') return t.fail(page)
  const scores: Record<string, number> = { Minor: 2, Moderate: 4, Severe: 8 }
  for (const side of page.sides) {
    t.ok(['Damage', 'Normal'].includes(side.status), `Status: ${side.status}`)
    t.ok(['Minor', 'Moderate', 'Severe'].includes(side.severity), `Severity: ${side.severity}`)
    t.equal(side.score, side.status === 'Normal' ? 0 : scores[side.severity], `Score: ${side.score}`)
  }
  t.equal(page.total, page.sides.reduce((s, x) => s + x.score, 0), 'Total Score')
  t.ok(['Not Urgent', 'Important', 'Urgent To Fix'].includes(page.recommendation), `Recomendation: ${page.recommendation}`)
})

t.test('weber/car-severe-damage: every side Damage, Severe, score 8; total 32, "Urgent To Fix"', async (t) => {
  const app = await build(t)
  const images = await Promise.all([31, 32, 33, 34].map(async (seed) => await dataUri({ seed })))
  t.same(carDamagePage(await innovation(app, 10, images, 'weber/car-severe-damage')), {
    sides: Array.from({ length: 4 }, () => ({ status: 'Damage', severity: 'Severe', score: 8 })),
    total: 32,
    recommendation: 'Urgent To Fix'
  })
  const fine = carDamagePage(await innovation(app, 10, images, 'weber/car-no-damage'))
  t.match(fine, { total: 0, recommendation: 'Not Urgent' })
})

t.test('the worst side decides the recommendation; a chosen list applies to each picture in turn', async (t) => {
  const random = new Random(0)
  const seeds = [['a'], ['b'], ['c'], ['d']]
  const r = carDamage(random, seeds, ['none', 'moderate', 'minor']) as Body
  t.same(r.car_damage_assessment.map((a: Body) => [a.damage, a.severity, a.score]), [['Normal', 'Minor', 0], ['Damage', 'Moderate', 4], ['Damage', 'Minor', 2], ['Damage', 'Minor', 2]])
  t.equal(r.total_score, 8)
  t.equal(r.recommendation, 'Important')
  t.same(carDamage(random, seeds), carDamage(new Random(0), seeds), 'the same pictures and seed give the same assessment')
})

t.test('Face Occlusion & Attribute: a face without a scenario is clear, every bar at 0', async (t) => {
  const app = await build(t)
  const page = faceOcclusionPage(await innovation(app, 11, [await dataUri({ seed: 41 })]))
  t.equal(page.sentence, 'Your face is clear and free from occlusion!')
  t.ok(Object.values(page.occlusion).every((v) => v === 0))
  t.ok(Object.values(page.attribute).every((v) => v === 0))
})

t.test('weber/face-masked: "One or more areas of your face are occluded!", the lower face covered, a mask found', async (t) => {
  const app = await build(t)
  const page = faceOcclusionPage(await innovation(app, 11, [await dataUri({ seed: 41 })], 'weber/face-masked'))
  t.equal(page.sentence, 'One or more areas of your face are occluded!')
  for (const part of ['Cheek Left', 'Cheek Right', 'Nose', 'Mouth', 'Chin']) t.ok((page.occlusion[part] ?? 0) >= 80 && (page.occlusion[part] ?? 0) <= 100, `${part}: ${page.occlusion[part]}%`)
  for (const part of ['Forehead', 'Eye Left', 'Eye Right']) t.equal(page.occlusion[part], 0, `${part} is not covered`)
  t.ok((page.attribute.mask ?? 0) >= 80, `mask: ${page.attribute.mask}%`)
  t.equal(page.attribute.sunglasses, 0)
})

t.test('weber/face-eyeglasses: the face stays clear; eyeglasses show on the attribute tab as additional info', async (t) => {
  const app = await build(t)
  const data = await innovation(app, 11, [await dataUri({ seed: 41 })], 'weber/face-eyeglasses')
  const page = faceOcclusionPage(data)
  t.equal(page.sentence, 'Your face is clear and free from occlusion!')
  t.ok((page.attribute.eyeglasses ?? 0) > 0)
  t.equal(data.service_data.face_attribute.job.result.result[0].face_attribute.attribute_detected, false, 'eyeglasses cover nothing')
})

t.test('innovation results follow the picture and the seed (job ids aside)', async (t) => {
  const app = await build(t)
  const seeded = await build(t, { argv: ['--seed', '7'] })
  const read = async (a: typeof app, seed: number): Promise<unknown> => (await innovation(a, 9, [await dataUri({ seed })])).service_data.job.result
  const first = await read(app, 21)
  t.same(await read(app, 21), first)
  t.notSame(await read(app, 22), first)
  t.notSame(await read(seeded, 21), first)
})
