/**
 * The biometry methods of Oz API Lite (oz-api-lite.md, "Biometry"): extract, compare, verify,
 * extract_and_compare and their 1:N forms. Order of decisions (vendor-notes, rulings): the request
 * content type (BPE-002001), then each part in the document's order — present, of an allowed type
 * (BPE-002005), readable (sample: BPE-002003; template: BPE-002004) — then the scenario's outcome,
 * then the comparison.
 */
import type { Call } from '../../../core/vendor/call.js'
import { ozError } from '../errors.js'
import { decodeSample, Parts, rawImage, type Part, type PartsInput, type RawBody } from '../input.js'
import { buildMultipart } from '../multipart-out.js'
import type { DecisionValue, OzOutcome, OzSettings } from '../schemas.js'
import { contentScore, extractTemplate, parseTemplate, round, type Template } from '../template.js'

type OzCall = Call<OzSettings>

export interface CompareValue { score: number, decision: DecisionValue }
export interface NResult { filename: string, score: number, decision: DecisionValue }
export interface TemplateAnswer { template: Buffer, base64: boolean }
export interface MultipartAnswer { body: Buffer, contentType: string }

/** The template of an image: decoded, checked (BPE-002003) and reduced to its signature. */
async function templateOf (call: OzCall, bytes: Buffer, what: string): Promise<Template> {
  return extractTemplate(await decodeSample(call, bytes, what, 'BPE'))
}

function readTemplate (part: Part): Template {
  const t = parseTemplate(part.bytes)
  if (t === undefined) throw ozError('template', 'BPE', `part "${part.field}" is not a biometric template (see the Oz README, "Biometric templates")`)
  return t
}

/** The decision of a score (vendor-notes, Oz rulings): approved at or above the threshold; the operator band only when configured. */
export function decisionOf (settings: OzSettings, score: number): DecisionValue {
  if (score >= settings.approved_threshold) return 'approved'
  const band = settings.operator_required_threshold
  if (band !== null && score >= band) return 'operator_required'
  return 'declined'
}

/** The score range of a decision a scenario chose without a score. */
function bandOf (settings: OzSettings, decision: DecisionValue): [number, number] {
  const approved = settings.approved_threshold
  const operator = settings.operator_required_threshold ?? Math.max(0, approved - 0.1)
  if (decision === 'approved') return [approved, 1]
  if (decision === 'operator_required') return [operator, approved]
  return [0, Math.min(operator, approved)]
}

/**
 * Score two templates. Precedence: the scenario's scores[index], its score, a score generated in the
 * band of its decision, then the compare mode (the scenario's, else the setting's): "default" gives
 * 1.0 for the same signature and a high deterministic score otherwise (CONTRACT.md: default outcomes
 * succeed); "content" the perceptual distance.
 */
export function compareTemplates (call: OzCall, outcome: OzOutcome, a: Template, b: Template, index = 0): CompareValue {
  const s = call.settings
  const [first, second] = [a.signature, b.signature].sort()
  // Seeded by the pair, sorted: the order of the templates does not change the score.
  const u = call.random.unit('oz.compare', first, second)
  let score = outcome.scores?.[index] ?? outcome.score
  if (score === undefined && outcome.decision !== undefined) {
    const [lo, hi] = bandOf(s, outcome.decision)
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

/** The scenario's outcome for a multipart call, its parts given to rules as `parts: [{name, filename}]`. */
function decide (call: OzCall, parts: Parts): OzOutcome {
  return call.decideOrThrow<OzOutcome>({ body: parts.view() })
}

/** POST /v1/face/pattern/extract: the template of the image body. */
export async function extract (call: OzCall, input: RawBody): Promise<TemplateAnswer> {
  const template = await templateOf(call, rawImage(input, 'BPE'), 'the body')
  call.decideOrThrow({ body: {} })
  return { template: out(template, input.base64), base64: input.base64 }
}

/** POST /v1/face/pattern/compare: bio_feature against bio_template. */
export async function compare (call: OzCall, input: PartsInput): Promise<CompareValue> {
  const p = new Parts(input.body, input.base64, 'BPE')
  const a = readTemplate(p.one('bio_feature', 'template'))
  const b = readTemplate(p.one('bio_template', 'template'))
  return compareTemplates(call, decide(call, p), a, b)
}

/**
 * POST /v1/face/pattern/verify: the sample's template against bio_template. The answer is
 * multipart (document, "verify"; vendor-notes §6.38): a JSON `score` part without decision, and the
 * `bio_feature` part (base64 in base64 mode).
 */
export async function verify (call: OzCall, input: PartsInput): Promise<MultipartAnswer> {
  const p = new Parts(input.body, input.base64, 'BPE')
  const a = await templateOf(call, p.one('sample', 'sample').bytes, 'part "sample"')
  const b = readTemplate(p.one('bio_template', 'template'))
  const { score } = compareTemplates(call, decide(call, p), a, b)
  return buildMultipart([
    { name: 'score', contentType: 'application/json', body: Buffer.from(JSON.stringify({ score })) },
    { name: 'bio_feature', contentType: 'application/octet-stream', body: out(a, p.base64), base64: p.base64 }
  ], call.random.hash('oz.verify.boundary', a.signature, b.signature).slice(0, 24))
}

/** POST /v1/face/pattern/extract_and_compare: sample_1 against sample_2. */
export async function extractAndCompare (call: OzCall, input: PartsInput): Promise<CompareValue> {
  const p = new Parts(input.body, input.base64, 'BPE')
  const a = await templateOf(call, p.one('sample_1', 'sample').bytes, 'part "sample_1"')
  const b = await templateOf(call, p.one('sample_2', 'sample').bytes, 'part "sample_2"')
  return compareTemplates(call, decide(call, p), a, b)
}

/**
 * The filename of an Nth part, as its result names it (document: "You also need to pass the
 * filename in the header"). Without one, the part's name (README, "Divergences and guesses").
 */
const nameOf = (part: Part): string => part.filename ?? part.field

interface Item { part: Part, template: Template }

function results (call: OzCall, outcome: OzOutcome, main: Template, items: Item[]): { results: NResult[] } {
  return {
    results: items.map(({ part, template }, i) => ({ filename: nameOf(part), ...compareTemplates(call, outcome, main, template, i) }))
  }
}

function templatesN (call: OzCall, p: Parts): Item[] {
  return p.many('templates_n', 'template', call.settings.max_n).map((part) => ({ part, template: readTemplate(part) }))
}

/** POST /v1/face/pattern/compare_n: template_1 against each templates_n, in input order. */
export async function compareN (call: OzCall, input: PartsInput): Promise<{ results: NResult[] }> {
  const p = new Parts(input.body, input.base64, 'BPE')
  const main = readTemplate(p.one('template_1', 'template'))
  const items = templatesN(call, p)
  return results(call, decide(call, p), main, items)
}

/** POST /v1/face/pattern/verify_n: the template of sample_1 against each templates_n. */
export async function verifyN (call: OzCall, input: PartsInput): Promise<{ results: NResult[] }> {
  const p = new Parts(input.body, input.base64, 'BPE')
  const main = await templateOf(call, p.one('sample_1', 'sample').bytes, 'part "sample_1"')
  const items = templatesN(call, p)
  return results(call, decide(call, p), main, items)
}

/** POST /v1/face/pattern/extract_and_compare_n: the template of sample_1 against that of each samples_n. */
export async function extractAndCompareN (call: OzCall, input: PartsInput): Promise<{ results: NResult[] }> {
  const p = new Parts(input.body, input.base64, 'BPE')
  const main = await templateOf(call, p.one('sample_1', 'sample').bytes, 'part "sample_1"')
  const items: Item[] = []
  // One at a time: only one decoded image is alive at once, whatever N.
  for (const part of p.many('samples_n', 'sample', call.settings.max_n)) {
    items.push({ part, template: await templateOf(call, part.bytes, `part "samples_n" (${nameOf(part)})`) })
  }
  return results(call, decide(call, p), main, items)
}
