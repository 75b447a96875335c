/**
 * The biometry methods of Oz API Lite (oz-api-lite.md, "Biometry"): extract, compare, verify,
 * extract_and_compare and their 1:N forms. Order of decisions (vendor-notes, rulings): the request
 * content type (BPE-002001), then each part in the document's order — present, of an allowed type
 * (BPE-002005), readable (sample: BPE-002003; template: BPE-002004) — then the scenario's outcome,
 * then the comparison.
 */
import type { FastifyRequest } from 'fastify'
import { decodeImage, ImageError, type DecodedImage } from '../../core/images.js'
import type { VendorContext } from '../../core/vendor.js'
import { ozError } from './errors.js'
import { base64Mode, multipartBody, Parts, rawImageBody, type Part } from './input.js'
import { buildMultipart } from './multipart-out.js'
import { outcomeOf } from './outcome.js'
import type { DecisionValue, OzOutcome, OzSettings } from './schemas.js'
import { contentScore, extractTemplate, parseTemplate, round, type Template } from './template.js'

type Ctx = VendorContext<OzSettings>

export interface CompareValue { score: number, decision: DecisionValue }
export interface NResult { filename: string, score: number, decision: DecisionValue }

/**
 * The template of an image: decoded, checked (BPE-002003) and reduced to its signature. Decoded with
 * core's decodeImage rather than the per-request memo, so that the pixels of each of N samples can
 * be released as soon as its template exists (a 1:N call holds templates, not images).
 */
async function templateOf (ctx: Ctx, bytes: Buffer, what: string): Promise<Template> {
  let image: DecodedImage
  try {
    image = await decodeImage(bytes, { maxBytes: ctx.settings.max_sample_bytes, maxPixels: ctx.core.config.settings.core.images.max_pixels })
  } catch (err) {
    if (err instanceof ImageError) throw ozError('sample', 'BPE', `${what}: ${err.message}`)
    throw err
  }
  return extractTemplate(image)
}

function readTemplate (part: Part): Template {
  const t = parseTemplate(part.bytes)
  if (t === undefined) throw ozError('template', 'BPE', `part "${part.field}" is not a biometric template (see the Oz README, "Biometric templates")`)
  return t
}

function partsView (parts: Parts): Record<string, unknown> {
  return { parts: parts.body.files.map((f) => ({ name: f.field, filename: f.filename ?? null })) }
}

/** The decision of a score (vendor-notes, Oz rulings): approved at or above the threshold; the operator band only when configured. */
export function decisionOf (settings: OzSettings, score: number): DecisionValue {
  if (score >= settings.approved_threshold) return 'approved'
  const band = settings.operator_required_threshold
  if (band !== null && score >= band) return 'operator_required'
  return 'declined'
}

/**
 * Score two templates. Precedence: the scenario's scores[index], its score, a score generated in the
 * band of its decision, then the compare mode (the scenario's, else the setting's): "default" gives
 * 1.0 for the same signature and a high deterministic score otherwise (CONTRACT.md: default outcomes
 * succeed); "content" the perceptual distance.
 */
export function compareTemplates (ctx: Ctx, outcome: OzOutcome, a: Template, b: Template, index = 0): CompareValue {
  const s = ctx.settings
  const pair = [a.signature, b.signature].sort()
  const u = ctx.core.random.unit('oz.compare', pair[0], pair[1])
  let score = outcome.scores?.[index] ?? outcome.score
  if (score === undefined && outcome.decision !== undefined) {
    const op = s.operator_required_threshold ?? Math.max(0, s.approved_threshold - 0.1)
    const [lo, hi] = outcome.decision === 'approved' ? [s.approved_threshold, 1] : outcome.decision === 'operator_required' ? [op, s.approved_threshold] : [0, Math.min(op, s.approved_threshold)]
    score = round(lo + (hi - lo) * (0.1 + 0.8 * u), 4)
  }
  if (score === undefined) {
    const mode = outcome.compare_mode ?? s.compare_mode
    if (mode === 'content') score = contentScore(a, b)
    else score = a.signature === b.signature ? 1 : round(s.approved_threshold + (1 - s.approved_threshold) * (0.1 + 0.8 * u), 4)
  }
  return { score, decision: outcome.decision ?? decisionOf(s, score) }
}

function out (template: Template, base64: boolean): Buffer {
  return base64 ? Buffer.from(template.bytes.toString('base64'), 'latin1') : template.bytes
}

/** POST /v1/face/pattern/extract: the template of the image body. */
export async function extract (ctx: Ctx, request: FastifyRequest): Promise<{ body: Buffer, base64: boolean }> {
  const base64 = base64Mode(request)
  const template = await templateOf(ctx, rawImageBody(request, 'BPE'), 'the body')
  outcomeOf(ctx, request, {})
  return { body: out(template, base64), base64 }
}

async function parts (request: FastifyRequest): Promise<Parts> {
  return new Parts(await multipartBody(request, 'BPE'), base64Mode(request), 'BPE')
}

/** POST /v1/face/pattern/compare: bio_feature against bio_template. */
export async function compare (ctx: Ctx, request: FastifyRequest): Promise<CompareValue> {
  const p = await parts(request)
  const a = readTemplate(p.one('bio_feature', 'template'))
  const b = readTemplate(p.one('bio_template', 'template'))
  return compareTemplates(ctx, outcomeOf(ctx, request, partsView(p)), a, b)
}

/**
 * POST /v1/face/pattern/verify: the sample's template against bio_template. The answer is
 * multipart (document, "verify"; vendor-notes §6.38): a JSON `score` part without decision, and the
 * `bio_feature` part (base64 in base64 mode).
 */
export async function verify (ctx: Ctx, request: FastifyRequest): Promise<{ body: Buffer, contentType: string }> {
  const p = await parts(request)
  const a = await templateOf(ctx, p.one('sample', 'sample').bytes, 'part "sample"')
  const b = readTemplate(p.one('bio_template', 'template'))
  const { score } = compareTemplates(ctx, outcomeOf(ctx, request, partsView(p)), a, b)
  return buildMultipart([
    { name: 'score', contentType: 'application/json', body: Buffer.from(JSON.stringify({ score })) },
    { name: 'bio_feature', contentType: 'application/octet-stream', body: out(a, p.base64), base64: p.base64 }
  ], ctx.core.random.hash('oz.verify.boundary', a.signature, b.signature).slice(0, 24))
}

/** POST /v1/face/pattern/extract_and_compare: sample_1 against sample_2. */
export async function extractAndCompare (ctx: Ctx, request: FastifyRequest): Promise<CompareValue> {
  const p = await parts(request)
  const a = await templateOf(ctx, p.one('sample_1', 'sample').bytes, 'part "sample_1"')
  const b = await templateOf(ctx, p.one('sample_2', 'sample').bytes, 'part "sample_2"')
  return compareTemplates(ctx, outcomeOf(ctx, request, partsView(p)), a, b)
}

/**
 * The filename of an Nth part, as its result names it (document: "You also need to pass the
 * filename in the header"). Without one, the part's name (README, "Divergences and guesses").
 */
const nameOf = (part: Part): string => part.filename ?? part.field

function results (ctx: Ctx, outcome: OzOutcome, main: Template, items: Array<{ part: Part, template: Template }>): { results: NResult[] } {
  return {
    results: items.map(({ part, template }, i) => ({ filename: nameOf(part), ...compareTemplates(ctx, outcome, main, template, i) }))
  }
}

/** POST /v1/face/pattern/compare_n: template_1 against each templates_n, in input order. */
export async function compareN (ctx: Ctx, request: FastifyRequest): Promise<{ results: NResult[] }> {
  const p = await parts(request)
  const main = readTemplate(p.one('template_1', 'template'))
  const items = p.many('templates_n', 'template', ctx.settings.max_n).map((part) => ({ part, template: readTemplate(part) }))
  return results(ctx, outcomeOf(ctx, request, partsView(p)), main, items)
}

/** POST /v1/face/pattern/verify_n: the template of sample_1 against each templates_n. */
export async function verifyN (ctx: Ctx, request: FastifyRequest): Promise<{ results: NResult[] }> {
  const p = await parts(request)
  const main = await templateOf(ctx, p.one('sample_1', 'sample').bytes, 'part "sample_1"')
  const items = p.many('templates_n', 'template', ctx.settings.max_n).map((part) => ({ part, template: readTemplate(part) }))
  return results(ctx, outcomeOf(ctx, request, partsView(p)), main, items)
}

/** POST /v1/face/pattern/extract_and_compare_n: the template of sample_1 against that of each samples_n. */
export async function extractAndCompareN (ctx: Ctx, request: FastifyRequest): Promise<{ results: NResult[] }> {
  const p = await parts(request)
  const main = await templateOf(ctx, p.one('sample_1', 'sample').bytes, 'part "sample_1"')
  const items: Array<{ part: Part, template: Template }> = []
  // One at a time: only one decoded image is alive at once, whatever N.
  for (const part of p.many('samples_n', 'sample', ctx.settings.max_n)) items.push({ part, template: await templateOf(ctx, part.bytes, `part "samples_n" (${nameOf(part)})`) })
  return results(ctx, outcomeOf(ctx, request, partsView(p)), main, items)
}
