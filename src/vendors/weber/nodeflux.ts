/**
 * The emulated upstream: Nodeflux Cloud analytics (https://api.cloud.nodeflux.io/v1/analytics/<slug>)
 * and Nodeflux's innovation services, which the real Weber backend calls and whose answers it passes
 * through in `service_data` (vendor-notes §1.8–1.10, and the second round of rulings for the
 * innovations, whose results are innovations.ts).
 *
 * A job answer is `{"job":{"id","result":{"analytic_type","result":[...],"status"}},"message","ok"}`;
 * `job.result` is decoded by Weber into a Go map, so its keys come out sorted at every level. Weber
 * decodes an innovation's answer into the same envelope (models.ServiceRequestResultData). Results
 * are generated from the images (deterministic: the same images and seed give the same result); the
 * scenario outcome decides verdicts, scores, counts and upstream failures. An image the analytic
 * cannot use (none, too many, too large, not a decodable JPEG/PNG) gives a failed job, `ok` false.
 */
import { decodeBase64, ImageError, type DecodedImage } from '../../core/images.js'
import { catalogue } from './errors.js'
import { base32, jakartaDay } from './format.js'
import { carDamage, faceAttribute, faceOcclusion, receipt } from './innovations.js'
import { generateKtp } from './ktp.js'
import type { InnovationSlug, NodefluxCall, WeberCall, WeberOutcome, WeberSettings } from './schemas.js'

type Obj = Record<string, unknown>

export interface NodefluxJob {
  job: { id: string, result: { analytic_type: string, result: Obj[], status: string } }
  message: string
  ok: boolean
}

/** face-occlusion-attribute's answer: the two jobs run on the detected face. */
export interface FaceOcclusionAttribute { face_occlusion: NodefluxJob, face_attribute: NodefluxJob }

const ANALYTICS_URL = 'https://api.cloud.nodeflux.io/v1/analytics/'

/** The innovation jobs (the predict services behind ids 9-11). */
type InnovationJob = 'ocr-receipt' | 'car-damage' | 'face-occlusion' | 'face-attribute'
type JobKind = NodefluxCall | InnovationJob

const ANALYTIC_TYPES: Record<JobKind, string> = {
  'ocr-receipt': 'OCR_RECEIPT',
  'car-damage': 'CAR_DAMAGE_ASSESSMENT',
  'face-occlusion': 'FACE_OCCLUSION',
  'face-attribute': 'FACE_ATTRIBUTE',
  'ocr-ktp': 'OCR_KTP',
  'license-plate-recognition': 'LICENSE_PLATE_RECOGNITION',
  'people-density': 'PEOPLE_DENSITY',
  'face-match-enrollment': 'FACE_MATCH_ENROLLMENT',
  'face-mask': 'FACE_MASK',
  'face-demography': 'FACE_DEMOGRAPHY',
  'face-liveness': 'FACE_LIVENESS',
  'face-match': 'FACE_MATCH',
  'create-face-enrollment': 'FACE_ENROLLMENT'
}

/** Success messages: the ones the document shows, the others in the same style (README, guesses). */
const MESSAGES: Record<JobKind, string> = {
  'ocr-receipt': 'OCR Receipt Success',
  'car-damage': 'Car Damage Assessment Success',
  'face-occlusion': 'Face Occlusion Success',
  'face-attribute': 'Face Attribute Success',
  'ocr-ktp': 'OCR_KTP Service Success',
  'license-plate-recognition': 'License Plate Recognition Success',
  'people-density': 'People Density Success',
  'face-match-enrollment': 'Face Match Enrollment Success',
  'face-mask': 'Face Mask Detection Success',
  'face-demography': 'Face Demography Success',
  'face-liveness': 'Face Liveness Success',
  'face-match': 'The Face Pair Match',
  'create-face-enrollment': 'Face Enrollment Success'
}

/** Why an analytic cannot use its images: the failed job's message (README, guesses). */
export const IMAGE_PROBLEMS = {
  none: 'No image found in the request',
  tooMany: (n: number) => `Too many images, at most ${n} are accepted`,
  tooLarge: (bytes: number) => `Image size is too large, the maximum allowed size is ${bytes} bytes`,
  invalid: 'Image is not valid, send a JPEG or PNG image as base64 data'
}

/** The receipt OCR's message when it finds no receipt it can read (README, guesses). */
export const RECEIPT_UNREADABLE = 'Receipt cannot be read, please use another photo'

/** Sort object keys at every level, as Go's encoding of a map[string]interface{} does. */
export function sortKeys<T> (v: T): T {
  if (Array.isArray(v)) return v.map(sortKeys) as T
  if (v !== null && typeof v === 'object') {
    const out: Obj = {}
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Obj)[k])
    return out as T
  }
  return v
}

/** The analytic services of the catalogue (ids 1-6). */
type AnalyticSlug = Exclude<NodefluxCall, 'face-liveness' | 'face-match' | 'create-face-enrollment'>

const PLATE_REGIONS = ['B', 'D', 'F', 'AB', 'L', 'N', 'DK', 'BK', 'H', 'AD']
const AGE_RANGES = ['18-24', '25-34', '35-44', '45-54', '55+']

const round = (x: number, d = 6): number => Math.round(x * 10 ** d) / 10 ** d

let jobCounter = 0

export type ImagesRead = { images: DecodedImage[], problem: undefined } | { images: DecodedImage[], problem: string }

/**
 * One request's view of the upstream: decodes each image text at most once, knows the outcome, and
 * makes the emulated calls in order (the first call is the default target of `upstream_error`).
 */
export class Upstream {
  private readonly decoded = new Map<string, Promise<DecodedImage | string>>()
  private calls = 0

  constructor (private readonly call: WeberCall, readonly outcome: WeberOutcome | undefined) {}

  private get settings (): WeberSettings { return this.call.settings }

  /** Decode one image text (a data URI or bare base64), or say why the analytic cannot use it. */
  private decodeOne (text: string): Promise<DecodedImage | string> {
    let p = this.decoded.get(text)
    if (p === undefined) {
      p = (async () => {
        let bytes: Buffer
        try {
          bytes = decodeBase64(text)
        } catch (err) {
          if (err instanceof ImageError) return IMAGE_PROBLEMS.invalid
          throw err
        }
        try {
          return await this.call.images.decode(bytes, { maxBytes: this.settings.max_image_bytes })
        } catch (err) {
          if (err instanceof ImageError) return err.kind === 'too-large' ? IMAGE_PROBLEMS.tooLarge(this.settings.max_image_bytes) : IMAGE_PROBLEMS.invalid
          throw err
        }
      })()
      this.decoded.set(text, p)
    }
    return p
  }

  /** The images of one call, all decoded, or the first problem. `need` is how many the analytic takes. */
  async read (texts: readonly string[], need = 1): Promise<ImagesRead> {
    if (texts.length > this.settings.max_images) return { images: [], problem: IMAGE_PROBLEMS.tooMany(this.settings.max_images) }
    if (texts.length < need) return { images: [], problem: IMAGE_PROBLEMS.none }
    const images: DecodedImage[] = []
    for (const t of texts) {
      const d = await this.decodeOne(t)
      if (typeof d === 'string') return { images: [], problem: d }
      images.push(d)
    }
    return { images, problem: undefined }
  }

  /** The first image, decoded, if it can be (for thumbnails). */
  async first (texts: readonly string[]): Promise<DecodedImage | undefined> {
    if (texts[0] === undefined) return undefined
    const d = await this.decodeOne(texts[0])
    return typeof d === 'string' ? undefined : d
  }

  /** A call starts: the scenario's upstream_error fails it (500 with the Go error text). */
  private begin (call: NodefluxCall | InnovationSlug | 'face-detection', url: string): void {
    const first = this.calls === 0
    this.calls++
    const o = this.outcome
    if (o?.upstream_error === undefined) return
    if (o.upstream_analytic === undefined ? first : o.upstream_analytic === call) {
      throw catalogue.error('upstream-error', { message: o.upstream_error.replaceAll('{url}', url) })
    }
  }

  private jobId (call: string, images: readonly DecodedImage[]): string {
    const now = this.call.nowMs()
    const hex = this.call.random.hash('weber.job', call, ...images.map((i) => i.sha256), now, ++jobCounter).slice(0, 48)
    return hex + base32(jakartaDay(now))
  }

  private job (call: JobKind, images: readonly DecodedImage[], result: Obj[], message: string, ok = true): NodefluxJob {
    const status = this.outcome?.job_status ?? 'success'
    return {
      job: {
        id: this.jobId(call, images),
        result: sortKeys({ analytic_type: ANALYTIC_TYPES[call], result: status === 'success' ? result : [], status })
      },
      message: this.outcome?.message ?? (status === 'success' ? message : 'Job successfully submitted!'),
      ok
    }
  }

  private failed (call: JobKind, problem: string): NodefluxJob {
    return {
      job: { id: this.jobId(call, []), result: { analytic_type: ANALYTIC_TYPES[call], result: [], status: 'failed' } },
      message: problem,
      ok: false
    }
  }

  private seed (call: string, images: readonly DecodedImage[]): string[] {
    return [call, ...images.map((i) => i.sha256)]
  }

  // ---- face liveness and face match -----------------------------------------------------------

  /** face-liveness on the first image: `{"face_liveness":{"live","liveness"}}` (the v1 analytic). */
  async faceLiveness (texts: readonly string[], additionalParams?: Record<string, unknown> | null): Promise<NodefluxJob> {
    this.begin('face-liveness', `${ANALYTICS_URL}face-liveness`)
    const read = await this.read(texts.slice(0, 1))
    if (read.problem !== undefined) return this.failed('face-liveness', read.problem)
    const t = additionalParams?.liveness_threshold
    const threshold = typeof t === 'number' && t >= 0 && t <= 1 ? t : this.settings.liveness_threshold
    const o = this.outcome
    let score = o?.liveness_score
    if (score === undefined) {
      const u = this.call.random.unit(...this.seed('face-liveness', read.images))
      score = o?.liveness === false ? threshold * (0.05 + 0.9 * u) : threshold + (1 - threshold) * (0.05 + 0.9 * u)
    }
    const live = o?.liveness ?? score >= threshold
    return this.job('face-liveness', read.images, [{ face_liveness: { live, liveness: score } }],
      live ? MESSAGES['face-liveness'] : 'Face Liveness Underqualified')
  }

  private similarity (call: string, images: readonly DecodedImage[]): { match: boolean, similarity: number } {
    const o = this.outcome
    const threshold = this.settings.similarity_threshold
    let similarity = o?.similarity
    if (similarity === undefined) {
      const u = this.call.random.unit(...this.seed(call, images))
      similarity = o?.match === false ? threshold * (0.05 + 0.9 * u) : threshold + (1 - threshold) * (0.05 + 0.9 * u)
    }
    return { match: o?.match ?? similarity >= threshold, similarity }
  }

  /** face-match on two images (eKYC: [selfie, KTP]). */
  async faceMatch (texts: readonly string[]): Promise<NodefluxJob> {
    this.begin('face-match', `${ANALYTICS_URL}face-match`)
    const read = await this.read(texts, 2)
    if (read.problem !== undefined) return this.failed('face-match', read.problem)
    const r = this.similarity('face-match', read.images)
    return this.job('face-match', read.images, [{ face_match: r }], r.match ? MESSAGES['face-match'] : 'The Face Pair Not Match')
  }

  /**
   * face-match-enrollment: the first image against the face enrolled under `faceId`. `enrolled` says
   * whether there is one to compare with (none: never a match); the outcome decides otherwise.
   */
  async faceMatchEnrollment (texts: readonly string[], enrolled: (image: DecodedImage) => Promise<boolean>): Promise<NodefluxJob> {
    this.begin('face-match-enrollment', `${ANALYTICS_URL}face-match-enrollment`)
    const read = await this.read(texts.slice(0, 1))
    if (read.problem !== undefined) return this.failed('face-match-enrollment', read.problem)
    const image = read.images[0] as DecodedImage
    const found = await enrolled(image)
    // Nobody enrolled under the phone: a low similarity, no match (unless the scenario says otherwise).
    const r = found
      ? this.similarity('face-match-enrollment', read.images)
      : { match: this.outcome?.match ?? false, similarity: round(0.05 + 0.3 * this.call.random.unit('weber.no-enrollment', image.sha256), 6) }
    return this.job('face-match-enrollment', read.images, [{ face_match: r }], r.match ? MESSAGES['face-match-enrollment'] : 'The Face Pair Not Match')
  }

  /** create-face-enrollment: enrol the first image's face under face_id. */
  async createFaceEnrollment (texts: readonly string[], faceId: string): Promise<{ job: NodefluxJob, image: DecodedImage | undefined }> {
    this.begin('create-face-enrollment', `${ANALYTICS_URL}create-face-enrollment`)
    const read = await this.read(texts.slice(0, 1))
    if (read.problem !== undefined) return { job: this.failed('create-face-enrollment', read.problem), image: undefined }
    return {
      job: this.job('create-face-enrollment', read.images, [{ face_enrollment: { face_id: faceId, status: 'enrolled' } }], MESSAGES['create-face-enrollment']),
      image: read.images[0]
    }
  }

  // ---- the analytic services (POST /api/v1/services/:id, ids 1-6) ------------------------------

  private count (call: string, images: readonly DecodedImage[], min: number, max: number): number {
    return this.outcome?.detections ?? min + Math.floor(this.call.random.unit(...this.seed(`${call}.count`, images)) * (max - min + 1))
  }

  /** n boxes side by side, each in its own column of the picture, as fractions (4-6 decimals). */
  private boxes (call: string, images: readonly DecodedImage[], n: number, shape: 'plate' | 'face' | 'person'): Obj[] {
    const out: Obj[] = []
    for (let k = 0; k < n; k++) {
      const u = (i: number): number => this.call.random.unit(...this.seed(`${call}.box.${k}.${i}`, images))
      const col = 1 / n
      const width = Math.min(col * 0.9, shape === 'plate' ? 0.12 + 0.1 * u(1) : shape === 'face' ? 0.2 + 0.2 * u(1) : 0.08 + 0.1 * u(1))
      const left = k * col + (col - width) * u(2)
      const height = shape === 'plate' ? 0.05 + 0.04 * u(3) : shape === 'face' ? 0.3 + 0.3 * u(3) : 0.35 + 0.5 * u(3)
      const top = (1 - height) * (0.1 + 0.8 * u(4))
      out.push({ height: round(height), left: round(left), top: round(top), width: round(width) })
    }
    return out
  }

  private conf (call: string, images: readonly DecodedImage[], k: number, lo = 0.8): number {
    return round(lo + (0.995 - lo) * this.call.random.unit(...this.seed(`${call}.conf.${k}`, images)), 16)
  }

  /** An analytic service of the catalogue, on the request's images. */
  async analytic (slug: AnalyticSlug, texts: readonly string[], faceMatchEnrolled: (image: DecodedImage) => Promise<boolean>): Promise<NodefluxJob> {
    if (slug === 'face-match-enrollment') return await this.faceMatchEnrollment(texts, faceMatchEnrolled)
    this.begin(slug, `${ANALYTICS_URL}${slug}`)
    const read = await this.read(texts)
    if (read.problem !== undefined) return this.failed(slug, read.problem)
    return this.job(slug, read.images, [this.resultOf(slug, read.images)], MESSAGES[slug])
  }

  private resultOf (slug: Exclude<AnalyticSlug, 'face-match-enrollment'>, images: readonly DecodedImage[]): Obj {
    switch (slug) {
      case 'ocr-ktp': return { ...generateKtp(this.call.random, this.seed(slug, images)), ...(this.outcome?.ocr ?? {}) }
      case 'license-plate-recognition': return { license_plate_recognitions: this.plates(images) }
      case 'people-density': return { people_density: { attribute: this.people(images) } }
      case 'face-mask': return { face_mask: this.masks(images) }
      case 'face-demography': return { face_demography: this.demography(images) }
    }
  }

  private plates (images: readonly DecodedImage[]): Obj[] {
    const slug = 'license-plate-recognition'
    const seed = this.seed(slug, images)
    return this.boxes(slug, images, this.count(slug, images, 1, 2), 'plate').map((box, k) => ({
      bounding_box: box,
      confidence: this.conf(slug, images, k),
      detected: true,
      license_plate_number: this.call.random.generate('id', [...seed, 'plate', k], (f) =>
        `${f.helpers.arrayElement(PLATE_REGIONS)} ${f.number.int({ min: 1, max: 9999 })} ${f.string.alpha({ length: { min: 1, max: 3 }, casing: 'upper' })}`)
    }))
  }

  private people (images: readonly DecodedImage[]): Obj[] {
    const slug = 'people-density'
    return this.boxes(slug, images, this.count(slug, images, 2, 6), 'person')
      .map((box, k) => ({ bounding_box: box, confidence: this.conf(slug, images, k, 0.6), label: 'person' }))
  }

  private masks (images: readonly DecodedImage[]): Obj[] {
    const slug = 'face-mask'
    const seed = this.seed(slug, images)
    return this.boxes(slug, images, this.count(slug, images, 1, 1), 'face').map((box, k) => ({
      bounding_box: box,
      confidence: this.conf(slug, images, k),
      status: this.call.random.unit(...seed, 'mask', k) < 0.5 ? 'mask' : 'no mask'
    }))
  }

  private demography (images: readonly DecodedImage[]): Obj[] {
    const slug = 'face-demography'
    const seed = this.seed(slug, images)
    const u = (what: string, k: number): number => this.call.random.unit(...seed, what, k)
    return this.boxes(slug, images, this.count(slug, images, 1, 1), 'face').map((box, k) => ({
      age: { confidence: this.conf(slug, images, 10 + k, 0.5), prediction: AGE_RANGES[Math.floor(u('age', k) * AGE_RANGES.length)] },
      bounding_box: box,
      gender: { confidence: this.conf(slug, images, 20 + k, 0.6), prediction: u('gender', k) < 0.5 ? 'female' : 'male' }
    }))
  }

  // ---- innovation services (ids 9-11): POST URL_INNOVATIONS/<slug>/predict, no polling ----------

  /**
   * An innovation service answer (`service_data`): a job envelope, or two for face occlusion &
   * attribute. An image the predict service cannot read makes it fail; Weber then cannot decode its
   * answer: 500 with Go's JSON error text.
   */
  async innovation (slug: InnovationSlug, texts: readonly string[]): Promise<NodefluxJob | FaceOcclusionAttribute> {
    const base = this.settings.innovations_url.replace(/\/+$/, '')
    if (slug === 'face-occlusion-attribute') return await this.faceOcclusionAttribute(base, texts)
    this.begin(slug, `${base}/${slug}/predict`)
    // Car damage takes every picture (front, left, right, rear); receipt OCR the first.
    const read = await this.read(slug === 'car-damage' ? texts : texts.slice(0, 1))
    if (read.problem !== undefined) throw catalogue.error('upstream-error', { message: "invalid character 'I' looking for beginning of value" })
    const images = read.images
    if (slug === 'car-damage') {
      const result = carDamage(this.call.random, images.map((i) => this.seed(slug, [i])), this.outcome?.car_damage)
      return this.job(slug, images, [result], MESSAGES[slug])
    }
    if (this.outcome?.receipt === 'unreadable') return this.failed(slug, RECEIPT_UNREADABLE)
    return this.job(slug, images, [receipt(this.call.random, this.seed(slug, images))], MESSAGES[slug])
  }

  /**
   * Face detection first (§1.8): no face or several faces is 400 with its message; then face
   * occlusion and face attribute run in parallel on the detected face.
   */
  private async faceOcclusionAttribute (base: string, texts: readonly string[]): Promise<FaceOcclusionAttribute> {
    this.begin('face-detection', `${base}/face-detection/predict`)
    const read = await this.read(texts.slice(0, 1))
    const detection = this.outcome?.face_detection ?? (read.problem !== undefined ? 'no-face' : undefined)
    if (detection === 'no-face') throw catalogue.error('face-detection-failed', { message: 'Face not detected' })
    if (detection === 'multiple-faces') throw catalogue.error('face-detection-failed', { message: 'Multiple faces detected' })
    this.begin('face-occlusion-attribute', `${base}/face-occlusion/predict`)
    const images = read.images
    const occlusion = faceOcclusion(this.call.random, this.seed('occlusion', images), this.outcome?.face_occlusion)
    const attribute = faceAttribute(this.call.random, this.seed('attribute', images), this.outcome?.face_attributes)
    return {
      face_occlusion: this.job('face-occlusion', images, [occlusion], MESSAGES['face-occlusion']),
      face_attribute: this.job('face-attribute', images, [attribute], MESSAGES['face-attribute'])
    }
  }
}
