/**
 * The routes of Oz API Lite, paths as oz-api-lite.md spells them (the garbled
 * `/v1/face/pattern/`extract\_and\_compare`_n` is /v1/face/pattern/extract_and_compare_n,
 * vendor-notes §6.37). Handlers are thin: they unpack the request (the raw body or the multipart
 * parts, the transfer mode) and hand it to the services (service/), then send what they answer.
 */
import { jsonResponse } from '../../core/schemas.js'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import { header, mediaTypeOf, type HeaderMap } from '../../core/http.js'
import { readMultipart } from '../../core/multipart.js'
import type { Call } from '../../core/vendor/call.js'
import type { VendorKit } from '../../core/vendor/kit.js'
import { catalogue, OPERATIONS, ozError } from './errors.js'
import type { PartsInput, RawBody } from './input.js'
import {
  CompareBody, CompareNBody, CompareNResult, CompareResult, DetectBody, DetectResponse, ExtractAndCompareBody, ExtractAndCompareNBody,
  ExtractBody, Health, OzError, TemplateResponse, TransferHeaders, VerifyBody, VerifyNBody, VerifyResponse, Version, type OzSettings
} from './schemas.js'
import * as biometry from './service/biometry.js'
import { detect, type DetectInput } from './service/detect.js'
import * as status from './service/status.js'

type OzKit = VendorKit<OzSettings, undefined>
type App = ReturnType<FastifyInstance['withTypeProvider']>

/** A JSON answer with its description (OpenAPI: every response says what it is, in the vendor's words). */
const json = jsonResponse

/**
 * The operation's error answers, each status described by the rows of the document's error table
 * the operation can answer (errors.ts, OPERATIONS), in the document's words.
 */
function refusals (operationId: string): Record<number, ReturnType<typeof json>> {
  const op = OPERATIONS[operationId]
  const processor = op?.family === 'LDE' ? 'liveness' : 'biometric'
  const out: Record<number, ReturnType<typeof json>> = {}
  for (const status of [400, 500]) {
    // In the document's table order.
    const rows = catalogue.codes.filter((c) => op?.errors.includes(c) === true && catalogue.entries[c].status === status)
    if (rows.length === 0) continue
    const list = rows.map((c) => `${c} (${catalogue.entries[c].message})`).join(', ')
    out[status] = json(`The ${processor} processor's error, as {"code", "message"}: ${list}`, OzError)
  }
  return out
}

/** A route's responses: its success, then its refusals. */
function responses (operationId: string, ok: unknown): Record<number, unknown> {
  return { 200: ok, ...refusals(operationId) }
}

/**
 * The responses of a path that takes only GET: another method on the path answers the family's
 * "Invalid HTTP request method" (README, Errors), and OpenAPI documents answers per operation only.
 */
function getOnlyResponses (operationId: string, ok: unknown): Record<number, unknown> {
  const code = OPERATIONS[operationId]?.family === 'LDE' ? 'LDE-002002' : 'BPE-002002'
  return { ...responses(operationId, ok), 400: json(`Another method on this path (GET only): ${code} (${catalogue.entries[code].message})`, OzError) }
}

const HEALTH = (processor: string): ReturnType<typeof json> =>
  json(`The ${processor} processor status: 0 – the ${processor} processor is working correctly; 3 – the ${processor} processor is inoperative.`, Health)
const COMPARED = (what: string): ReturnType<typeof json> =>
  json(`The result of comparing ${what}: score, and decision, the recommended solution based on the score (approved: the faces match; operator_required: additional operator verification is required; declined: the faces don't match).`, CompareResult)
const COMPARED_N = (what: string): ReturnType<typeof json> =>
  json(`The result of the 1:N comparison: a list of N comparison results, the Nth for ${what}, each with the filename of its part, score and decision.`, CompareNResult)
const tags = ['oz']
const multipartTypes = ['multipart/form-data']
const base64Note = ' With `Content-Transfer-Encoding: base64`, parts are sent (and templates returned) as base64 text.'

/** Whether the request uses the base64 transfer mode (header value compared case-insensitively). */
function base64Mode (headers: HeaderMap): boolean {
  return header(headers, 'content-transfer-encoding')?.trim().toLowerCase() === 'base64'
}

/** The raw body: its declared media type and its bytes (an empty body reaches the handler without a Buffer). */
function rawBody (request: FastifyRequest): RawBody {
  return {
    mediaType: mediaTypeOf(header(request.headers, 'content-type')),
    bytes: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    base64: base64Mode(request.headers)
  }
}

async function partsOf (request: FastifyRequest): Promise<PartsInput> {
  return { body: await readMultipart(request), base64: base64Mode(request.headers) }
}

async function detectInput (request: FastifyRequest): Promise<DetectInput> {
  return request.isMultipart() ? { folder: await partsOf(request) } : { image: rawBody(request) }
}

function sendTemplate (reply: FastifyReply, r: biometry.TemplateAnswer): FastifyReply {
  reply.type('application/octet-stream')
  if (r.base64) reply.header('content-transfer-encoding', 'base64')
  return reply.send(r.template)
}

function sendMultipart (reply: FastifyReply, r: biometry.MultipartAnswer): FastifyReply {
  return reply.type(r.contentType).send(r.body)
}

function statusRoutes (app: App, kit: OzKit): void {
  app.get('/version', {
    schema: { operationId: 'oz.version', tags, summary: 'Component version check', description: 'oz-api-lite.md, "version" (since 1.1.1).', response: getOnlyResponses('oz.version', json('The versions of the components: core, the API Lite core version number; tfss, the TFSS version number; models, each model\'s name and version number.', Version)) }
  }, async (request) => status.version(kit.call(request)))

  app.get('/v1/face/pattern/health', {
    schema: { operationId: 'oz.health', tags, summary: 'Biometric processor status check', description: 'status 0: working correctly; 3: inoperative.', response: getOnlyResponses('oz.health', HEALTH('biometric')) }
  }, async (request) => status.health(kit.call(request)))
}

interface PartsRoute<T> {
  path: string
  operationId: string
  summary: string
  description: string
  body: z.ZodType
  ok: unknown
  run: (call: Call<OzSettings>, input: PartsInput) => Promise<T>
  /** How the answer goes on the wire; JSON by default. */
  send?: (reply: FastifyReply, answer: T) => FastifyReply
}

/**
 * A multipart-only biometry method. Its content type is checked before the body is read: anything
 * but multipart/form-data is BPE-002001 whatever its size (a large image body is not read for nothing).
 */
function partsRoute<T> (app: App, kit: OzKit, multipartOnly: { hook: ReturnType<OzKit['precheck']>['hook'] }, r: PartsRoute<T>): void {
  app.post(r.path, {
    schema: { operationId: r.operationId, tags, summary: r.summary, description: r.description + base64Note, consumes: multipartTypes, headers: TransferHeaders, body: r.body, response: responses(r.operationId, r.ok) },
    onRequest: multipartOnly.hook
  }, async (request, reply) => {
    const answer = await r.run(kit.call(request), await partsOf(request))
    return r.send === undefined ? answer : r.send(reply, answer)
  })
}

function biometryRoutes (app: App, kit: OzKit): void {
  app.post('/v1/face/pattern/extract', {
    schema: {
      operationId: 'oz.extract',
      tags,
      summary: 'Biometric template extraction',
      description: 'The body is the image (Content-Type image/jpeg or image/png); the answer is its biometric template (application/octet-stream).' + base64Note,
      consumes: ['image/jpeg', 'image/png'],
      headers: TransferHeaders,
      body: ExtractBody,
      response: responses('oz.extract', TemplateResponse)
    }
  }, async (request, reply) => sendTemplate(reply, await biometry.extract(kit.call(request), rawBody(request))))

  const multipartOnly = kit.precheck((_call, headers) => {
    if (mediaTypeOf(header(headers, 'content-type')) !== 'multipart/form-data') throw ozError('content-type', 'BPE', 'the body must be multipart/form-data')
  })
  const route = <T>(r: PartsRoute<T>): void => { partsRoute(app, kit, multipartOnly, r) }
  route({ path: '/v1/face/pattern/compare', operationId: 'oz.compare', summary: 'Comparison of two biometric templates', description: 'Parts bio_feature and bio_template.', body: CompareBody, ok: COMPARED('two templates'), run: biometry.compare })
  route({
    path: '/v1/face/pattern/verify',
    operationId: 'oz.verify',
    summary: 'Biometric verification (extract + compare)',
    description: 'Parts sample (image) and bio_template. The answer is multipart/form-data: a `score` JSON part and the `bio_feature` template extracted from the sample.',
    body: VerifyBody,
    ok: VerifyResponse,
    run: biometry.verify,
    send: sendMultipart
  })
  route({ path: '/v1/face/pattern/extract_and_compare', operationId: 'oz.extract_and_compare', summary: 'Extraction and comparison of templates from two images', description: 'Parts sample_1 and sample_2.', body: ExtractAndCompareBody, ok: COMPARED('the two extracted templates'), run: biometry.extractAndCompare })
  route({ path: '/v1/face/pattern/compare_n', operationId: 'oz.compare_n', summary: '1:N biometric template comparison', description: 'Part template_1, and one templates_n part (with a filename) per template; results in input order.', body: CompareNBody, ok: COMPARED_N('the main and Nth templates'), run: biometry.compareN })
  route({ path: '/v1/face/pattern/verify_n', operationId: 'oz.verify_n', summary: '1:N biometric verification', description: 'Part sample_1 (image), and one templates_n part (with a filename) per template; results in input order.', body: VerifyNBody, ok: COMPARED_N('the template derived from the main image and the Nth template'), run: biometry.verifyN })
  route({ path: '/v1/face/pattern/extract_and_compare_n', operationId: 'oz.extract_and_compare_n', summary: '1:N template extraction and comparison', description: 'Part sample_1 (image), and one samples_n part (with a filename) per image; results in input order.', body: ExtractAndCompareNBody, ok: COMPARED_N('the main and Nth images'), run: biometry.extractAndCompareN })
}

function livenessRoutes (app: App, kit: OzKit): void {
  app.get('/v1/face/liveness/health', {
    schema: { operationId: 'oz.liveness_health', tags, summary: 'Liveness processor status check', description: 'status 0: working correctly; 3: inoperative.', response: getOnlyResponses('oz.liveness_health', HEALTH('liveness')) }
  }, async (request) => status.health(kit.call(request)))

  app.post('/v1/face/liveness/detect', {
    schema: {
      operationId: 'oz.detect',
      tags,
      summary: 'Presentation attack detection',
      description: 'A JPEG/PNG body answers {passed, score} (score: the probability of an attack). A multipart body (media parts: images, MP4 videos, zip archives of images; an optional `payload` JSON part) answers the folder document; with payload.resolution_endpoint it is also POSTed there.' + base64Note,
      consumes: ['image/jpeg', 'image/png', 'multipart/form-data'],
      headers: TransferHeaders,
      body: DetectBody,
      response: responses('oz.detect', json('An image body: {passed, score}, score being the probability of an attack (passed is false when it is above the threshold). A multipart body: the folder document, with its media, one QUALITY analysis per requested analysis with the confidence_spoofing of each media, and each resolution (DECLINED when a score is higher than threshold_spoofing, else SUCCESS).', DetectResponse))
    }
  }, async (request) => await detect(kit.call(request), await detectInput(request)))
}

/** Registered in the document's order (the OpenAPI document lists them so). */
export function routes (scope: FastifyInstance, kit: OzKit): void {
  const app = scope.withTypeProvider<ZodTypeProvider>()
  statusRoutes(app, kit)
  biometryRoutes(app, kit)
  livenessRoutes(app, kit)
}
