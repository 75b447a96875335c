/**
 * The routes of Oz API Lite, paths as oz-api-lite.md spells them (the garbled
 * `/v1/face/pattern/`extract\_and\_compare`_n` is /v1/face/pattern/extract_and_compare_n,
 * vendor-notes §6.37). Handlers are thin: behaviour lives in biometry.ts, liveness.ts, status.ts.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { VendorContext } from '../../core/vendor.js'
import * as biometry from './biometry.js'
import * as liveness from './liveness.js'
import {
  CompareBody, CompareNBody, CompareNResult, CompareResult, DetectBody, DetectResponse, ExtractAndCompareBody, ExtractAndCompareNBody,
  ExtractBody, Health, OzError, TemplateResponse, TransferHeaders, VerifyBody, VerifyNBody, VerifyResponse, Version, type OzSettings
} from './schemas.js'
import * as status from './status.js'

type Ctx = VendorContext<OzSettings>

/** Every path of the API with its one method and its error family (the not-found handler uses it for *-002002). */
export const PATHS: ReadonlyArray<{ path: string, method: 'GET' | 'POST', family: 'BPE' | 'LDE' }> = [
  { path: '/version', method: 'GET', family: 'BPE' },
  { path: '/v1/face/pattern/health', method: 'GET', family: 'BPE' },
  { path: '/v1/face/pattern/extract', method: 'POST', family: 'BPE' },
  { path: '/v1/face/pattern/compare', method: 'POST', family: 'BPE' },
  { path: '/v1/face/pattern/verify', method: 'POST', family: 'BPE' },
  { path: '/v1/face/pattern/extract_and_compare', method: 'POST', family: 'BPE' },
  { path: '/v1/face/pattern/compare_n', method: 'POST', family: 'BPE' },
  { path: '/v1/face/pattern/verify_n', method: 'POST', family: 'BPE' },
  { path: '/v1/face/pattern/extract_and_compare_n', method: 'POST', family: 'BPE' },
  { path: '/v1/face/liveness/health', method: 'GET', family: 'LDE' },
  { path: '/v1/face/liveness/detect', method: 'POST', family: 'LDE' }
]

const errors = { 400: OzError, 500: OzError }
const tags = ['oz']
const multipartTypes = ['multipart/form-data']
const base64Note = ' With `Content-Transfer-Encoding: base64`, parts are sent (and templates returned) as base64 text.'

function sendTemplate (reply: FastifyReply, r: { body: Buffer, base64: boolean }): FastifyReply {
  reply.type('application/octet-stream')
  if (r.base64) reply.header('content-transfer-encoding', 'base64')
  return reply.send(r.body)
}

function sendMultipart (reply: FastifyReply, r: { body: Buffer, contentType: string }): FastifyReply {
  return reply.type(r.contentType).send(r.body)
}

export function routes (scope: FastifyInstance, ctx: Ctx): void {
  const app = scope.withTypeProvider<ZodTypeProvider>()

  app.get('/version', {
    schema: { operationId: 'oz.version', tags, summary: 'Component version check', description: 'oz-api-lite.md, "version" (since 1.1.1).', response: { 200: Version, ...errors } }
  }, async (request) => status.version(ctx, request))

  app.get('/v1/face/pattern/health', {
    schema: { operationId: 'oz.health', tags, summary: 'Biometric processor status check', description: 'status 0: working correctly; 3: inoperative.', response: { 200: Health, ...errors } }
  }, async (request) => status.health(ctx, request))

  app.post('/v1/face/pattern/extract', {
    schema: {
      operationId: 'oz.extract',
      tags,
      summary: 'Biometric template extraction',
      description: 'The body is the image (Content-Type image/jpeg or image/png); the answer is its biometric template (application/octet-stream).' + base64Note,
      consumes: ['image/jpeg', 'image/png'],
      headers: TransferHeaders,
      body: ExtractBody,
      response: { 200: TemplateResponse, ...errors }
    }
  }, async (request, reply) => sendTemplate(reply, await biometry.extract(ctx, request)))

  app.post('/v1/face/pattern/compare', {
    schema: {
      operationId: 'oz.compare', tags, summary: 'Comparison of two biometric templates', description: 'Parts bio_feature and bio_template.' + base64Note, consumes: multipartTypes, headers: TransferHeaders, body: CompareBody, response: { 200: CompareResult, ...errors }
    }
  }, async (request) => await biometry.compare(ctx, request))

  app.post('/v1/face/pattern/verify', {
    schema: {
      operationId: 'oz.verify',
      tags,
      summary: 'Biometric verification (extract + compare)',
      description: 'Parts sample (image) and bio_template. The answer is multipart/form-data: a `score` JSON part and the `bio_feature` template extracted from the sample.' + base64Note,
      consumes: multipartTypes,
      headers: TransferHeaders,
      body: VerifyBody,
      response: { 200: VerifyResponse, ...errors }
    }
  }, async (request, reply) => sendMultipart(reply, await biometry.verify(ctx, request)))

  app.post('/v1/face/pattern/extract_and_compare', {
    schema: {
      operationId: 'oz.extract_and_compare', tags, summary: 'Extraction and comparison of templates from two images', description: 'Parts sample_1 and sample_2.' + base64Note, consumes: multipartTypes, headers: TransferHeaders, body: ExtractAndCompareBody, response: { 200: CompareResult, ...errors }
    }
  }, async (request) => await biometry.extractAndCompare(ctx, request))

  app.post('/v1/face/pattern/compare_n', {
    schema: {
      operationId: 'oz.compare_n', tags, summary: '1:N biometric template comparison', description: 'Part template_1, and one templates_n part (with a filename) per template; results in input order.' + base64Note, consumes: multipartTypes, headers: TransferHeaders, body: CompareNBody, response: { 200: CompareNResult, ...errors }
    }
  }, async (request) => await biometry.compareN(ctx, request))

  app.post('/v1/face/pattern/verify_n', {
    schema: {
      operationId: 'oz.verify_n', tags, summary: '1:N biometric verification', description: 'Part sample_1 (image), and one templates_n part (with a filename) per template; results in input order.' + base64Note, consumes: multipartTypes, headers: TransferHeaders, body: VerifyNBody, response: { 200: CompareNResult, ...errors }
    }
  }, async (request) => await biometry.verifyN(ctx, request))

  app.post('/v1/face/pattern/extract_and_compare_n', {
    schema: {
      operationId: 'oz.extract_and_compare_n', tags, summary: '1:N template extraction and comparison', description: 'Part sample_1 (image), and one samples_n part (with a filename) per image; results in input order.' + base64Note, consumes: multipartTypes, headers: TransferHeaders, body: ExtractAndCompareNBody, response: { 200: CompareNResult, ...errors }
    }
  }, async (request) => await biometry.extractAndCompareN(ctx, request))

  app.get('/v1/face/liveness/health', {
    schema: { operationId: 'oz.liveness_health', tags, summary: 'Liveness processor status check', description: 'status 0: working correctly; 3: inoperative.', response: { 200: Health, ...errors } }
  }, async (request) => status.health(ctx, request))

  app.post('/v1/face/liveness/detect', {
    schema: {
      operationId: 'oz.detect',
      tags,
      summary: 'Presentation attack detection',
      description: 'A JPEG/PNG body answers {passed, score} (score: the probability of an attack). A multipart body (media parts: images, MP4 videos, zip archives of images; an optional `payload` JSON part) answers the folder document; with payload.resolution_endpoint it is also POSTed there.' + base64Note,
      consumes: ['image/jpeg', 'image/png', 'multipart/form-data'],
      headers: TransferHeaders,
      body: DetectBody,
      response: { 200: DetectResponse, ...errors }
    },
    onResponse: (request, _reply, done) => {
      liveness.sendResolution(ctx, request)
      done()
    }
  }, async (request) => await liveness.detect(ctx, request))
}
