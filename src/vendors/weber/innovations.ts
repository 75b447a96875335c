/**
 * The results of Nodeflux's innovation services (POST URL_INNOVATIONS/<slug>/predict, ids 9-11), in
 * the shapes the Weber frontend reads (vendor-notes, second round; frontend/app/types/responses.ts
 * and results.ts, the innovation pages). Each is the `result[0]` of a Nodeflux job envelope
 * (nodeflux.ts). Generated from the images (the same images and seed give the same result); the
 * scenario outcome says what the picture shows (a covered face, a damaged car, an unreadable receipt).
 *
 * Shapes and vocabularies are the frontend's: receipt `{ocr_receipt: {address, number, date, info,
 * item: [{name, price, qty, total}]}}` (strings, as ReceiptItem types them); car damage
 * `{car_damage_assessment: [one per image], total_score, recommendation}` with the CarDamageStatus,
 * CarDamageSeverity, CarDamageScore and CarDamageRecomendation values; face occlusion
 * `{face_occlusion: {detections, inference_time_seconds, occlusion}}` with the FACE_OCCLUSION_LABEL
 * parts, and face attribute `{face_attribute: {additional_info_object, attribute_detected,
 * occlusion_object}}` with the FACE_ATTRIBUTE_LABEL objects. Everything else (numbers, the scores
 * per level, the recommendation rule, the occlusion confidence in percent) is a guess (README).
 */
import type { Random, Seedable } from '../../core/random.js'

type Obj = Record<string, unknown>

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d

// ---- OCR receipt (service 9) -------------------------------------------------------------------

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** A supermarket receipt read from the picture: items with quantity and price, their total, the cash paid. */
export function receipt (random: Random, seed: readonly Seedable[]): Obj {
  return random.generate('id', ['weber.receipt', ...seed], (f) => {
    const item = Array.from({ length: f.number.int({ min: 1, max: 5 }) }, () => {
      const qty = f.number.int({ min: 1, max: 3 })
      const price = f.number.int({ min: 3, max: 80 }) * 500
      return { name: f.commerce.productName().toUpperCase(), price: String(price), qty: String(qty), total: String(price * qty) }
    })
    const total = item.reduce((s, i) => s + Number(i.total), 0)
    const cash = Math.ceil(total / 50_000) * 50_000
    const day = f.date.between({ from: '2021-06-01T00:00:00Z', to: '2022-06-30T00:00:00Z' })
    return {
      ocr_receipt: {
        address: `${f.location.street().toUpperCase()} NO. ${f.number.int({ min: 1, max: 200 })}, ${f.location.city().toUpperCase()}`,
        date: `${pad2(day.getUTCDate())}/${pad2(day.getUTCMonth() + 1)}/${day.getUTCFullYear()}`,
        info: [`TOTAL ${total}`, `TUNAI ${cash}`, `KEMBALI ${cash - total}`],
        item,
        number: String(f.number.int({ min: 100000, max: 999999 })),
        // A key the receipt page shows beside the items (ReceiptDisplay's additional fields).
        total: String(total)
      }
    }
  })
}

// ---- car damage assessment (service 10) ---------------------------------------------------------

export const CAR_DAMAGE_LEVELS = ['none', 'minor', 'moderate', 'severe'] as const
export type CarDamageLevel = (typeof CAR_DAMAGE_LEVELS)[number]

/** Per level: the damage status, the severity class and the score the page shows. */
const LEVEL = {
  none: { damage: 'Normal', severity: 'Minor', score: 0 },
  minor: { damage: 'Damage', severity: 'Minor', score: 2 },
  moderate: { damage: 'Damage', severity: 'Moderate', score: 4 },
  severe: { damage: 'Damage', severity: 'Severe', score: 8 }
} as const

/** The worst side decides: severe → urgent, moderate → important, else not urgent. */
function recommendation (levels: readonly CarDamageLevel[]): string {
  if (levels.includes('severe')) return 'Urgent To Fix'
  if (levels.includes('moderate')) return 'Important'
  return 'Not Urgent'
}

/** A level drawn from the picture: most sides are fine or lightly damaged. */
function drawnLevel (random: Random, seed: readonly Seedable[]): CarDamageLevel {
  const u = random.unit('weber.car-damage.level', ...seed)
  return u < 0.4 ? 'none' : u < 0.7 ? 'minor' : u < 0.9 ? 'moderate' : 'severe'
}

/**
 * One assessment per image, in order (the page sends front, left, right, rear); `chosen` is the
 * scenario's level for every side, or for each image in turn (the last repeats).
 */
export function carDamage (random: Random, seeds: ReadonlyArray<readonly Seedable[]>, chosen?: CarDamageLevel | readonly CarDamageLevel[]): Obj {
  const levels = seeds.map((seed, k): CarDamageLevel => {
    if (chosen === undefined) return drawnLevel(random, seed)
    return typeof chosen === 'string' ? chosen : chosen[Math.min(k, chosen.length - 1)] ?? 'none'
  })
  const assessment = levels.map((level, k) => ({
    ...LEVEL[level],
    damage_confidence: random.between(0.7, 0.99, 4, 'weber.car-damage.damage', ...(seeds[k] ?? [])),
    severity_confidence: random.between(0.6, 0.99, 4, 'weber.car-damage.severity', ...(seeds[k] ?? []))
  }))
  return {
    car_damage_assessment: assessment,
    recommendation: recommendation(levels),
    total_score: assessment.reduce((s, a) => s + a.score, 0)
  }
}

// ---- face occlusion and face attribute (service 11) ---------------------------------------------

/** The face parts face occlusion reports (the frontend's FACE_OCCLUSION_LABEL), with their place on the face crop. */
const FACE_REGIONS = {
  Forehead: { height: 0.18, left: 0.2, top: 0.02, width: 0.6 },
  'Eyebrow Left': { height: 0.06, left: 0.2, top: 0.24, width: 0.22 },
  'Eyebrow Right': { height: 0.06, left: 0.58, top: 0.24, width: 0.22 },
  'Eye Left': { height: 0.08, left: 0.22, top: 0.32, width: 0.18 },
  'Eye Right': { height: 0.08, left: 0.6, top: 0.32, width: 0.18 },
  'Cheek Left': { height: 0.2, left: 0.1, top: 0.45, width: 0.22 },
  'Cheek Right': { height: 0.2, left: 0.68, top: 0.45, width: 0.22 },
  Nose: { height: 0.2, left: 0.4, top: 0.38, width: 0.2 },
  Mouth: { height: 0.1, left: 0.32, top: 0.66, width: 0.36 },
  Chin: { height: 0.14, left: 0.3, top: 0.82, width: 0.4 }
} as const

export type FacePart = keyof typeof FACE_REGIONS
export const FACE_PARTS = Object.keys(FACE_REGIONS) as [FacePart, ...FacePart[]]

/** What face attribute names (the frontend's FACE_ATTRIBUTE_LABEL); eyeglasses cover nothing: additional info. */
export const FACE_ATTRIBUTES = ['mask', 'sunglasses', 'eyeglasses', 'helm', 'cap'] as const
export type FaceAttribute = (typeof FACE_ATTRIBUTES)[number]

/**
 * Face occlusion on the detected face: the covered parts, each with its box and a confidence in
 * percent (the page shows it as a percentage as it is, where it multiplies face attribute's by 100).
 */
export function faceOcclusion (random: Random, seed: readonly Seedable[], covered: readonly FacePart[] = []): Obj {
  const parts = FACE_PARTS.filter((p) => covered.includes(p))
  return {
    face_occlusion: {
      detections: parts.map((label) => ({
        bounding_box: FACE_REGIONS[label],
        confidence: random.between(80, 99.9, 2, 'weber.face-occlusion', label, ...seed),
        label
      })),
      inference_time_seconds: round(0.02 + 0.05 * random.unit('weber.face-occlusion.time', ...seed), 6),
      occlusion: parts.length > 0
    }
  }
}

/** Face attribute on the detected face: what covers it (occlusion_object) and what does not (additional info). */
export function faceAttribute (random: Random, seed: readonly Seedable[], worn: readonly FaceAttribute[] = []): Obj {
  const found = (label: FaceAttribute): Obj => ({ confidence: random.between(0.8, 0.99, 4, 'weber.face-attribute', label, ...seed), label })
  const covering = FACE_ATTRIBUTES.filter((a) => a !== 'eyeglasses' && worn.includes(a))
  return {
    face_attribute: {
      additional_info_object: worn.includes('eyeglasses') ? [found('eyeglasses')] : [],
      attribute_detected: covering.length > 0,
      occlusion_object: covering.map(found)
    }
  }
}
