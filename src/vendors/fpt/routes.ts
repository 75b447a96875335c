/**
 * The three routes of the full flow (fpt-ekyc.vi.md), each in its own scope: init ignores any body;
 * /ocr and /face/liveness read multipart with their own limits. Header checks run in onRequest,
 * before any body is read. Header schemas name the canonical headers as required (for OpenAPI);
 * their validation is attached, not enforced, because the real checks (which also accept the
 * tolerated spellings, e.g. `api_key`) have already answered in the vendor's own words.
 */
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { registerMultipart } from '../../core/multipart.js'
import type { FptService } from './service.js'
import {
  FptCodeMessage, InitHeaders, InitSuccess, LivenessHeaders, LivenessRequest, LivenessResponse,
  OcrHeaders, OcrRequest, OcrResponse, type FptSettings
} from './schemas.js'

/** Any body that is not multipart is read (within the body limit) and left aside. */
function acceptAnyBody (scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
}

function checked (check: (request: FastifyRequest) => void): onRequestHookHandler {
  return (request, _reply, done) => {
    try {
      check(request)
    } catch (err) {
      done(err as Error)
      return
    }
    done()
  }
}

export async function routes (app: FastifyInstance, service: FptService, settings: FptSettings): Promise<void> {
  await app.register(async (scope) => {
    acceptAnyBody(scope)
    scope.withTypeProvider<ZodTypeProvider>().post('/session/init', {
      schema: {
        operationId: 'fpt.session_init',
        tags: ['fpt'],
        summary: 'Step 1: init an eKYC session',
        description: 'Creates a session (30 minutes by default) and answers its `session-id` and the SDK configuration of the device type. No body.',
        headers: InitHeaders,
        response: { 200: InitSuccess, 400: FptCodeMessage, 401: FptCodeMessage, 413: FptCodeMessage, 500: FptCodeMessage }
      },
      attachValidation: true,
      onRequest: checked((request) => { service.checkInit(request) })
    }, async (request) => service.init(request))
  })

  await app.register(async (scope) => {
    acceptAnyBody(scope)
    await registerMultipart(scope, {
      limits: { fileSize: settings.max_image_bytes, fieldSize: 64 * 1024, files: 2, fields: 20, parts: 22 },
      // Clients send image parts with or without a filename (curl -F 'files=@...' adds one; SDKs may not).
      isPartAFile: (field, contentType, filename) => field === 'files' || filename !== undefined || (contentType ?? '').startsWith('image/')
    })
    scope.withTypeProvider<ZodTypeProvider>().post('/ocr', {
      schema: {
        operationId: 'fpt.ocr',
        tags: ['fpt'],
        summary: 'Steps 2 and 3: OCR of the document, front then back',
        description: 'With `side-type`, one side per request (front first, E101/E103); without it, front and back in one request (idr, dlr); a passport is one file. The back answer lists front and back fields. Errors travel with HTTP 200 (general table, quality, forgery, post-check), 400 (input-file errors 1, 3, 7) or 403 (session expired), in `errorCode`/`errorMessage`.',
        consumes: ['multipart/form-data'],
        headers: OcrHeaders,
        body: OcrRequest,
        response: { 200: OcrResponse, 400: OcrResponse, 403: OcrResponse, 500: OcrResponse }
      },
      attachValidation: true,
      onRequest: checked((request) => { service.checkOcr(request) })
    }, async (request) => await service.ocr(request))
  })

  await app.register(async (scope) => {
    acceptAnyBody(scope)
    await registerMultipart(scope, {
      limits: { fileSize: settings.max_image_bytes, fieldSize: 4096, files: settings.max_selfies, fields: 10, parts: settings.max_selfies + 10 },
      isPartAFile: (field, contentType, filename) => field === 'selfies' || filename !== undefined || (contentType ?? '').startsWith('image/')
    })
    scope.withTypeProvider<ZodTypeProvider>().post('/face/liveness', {
      schema: {
        operationId: 'fpt.liveness',
        tags: ['fpt'],
        summary: 'Step 4: liveness and face match of selfies',
        description: 'Only once OCR is complete. Results, failures included, answer HTTP 200 with the outcome in `code`; every failure is an attempt, and after `sdk_config.limit` of them `is_complete_session` is true and the session is over (403 "Session expired" afterwards). A success ends the session too.',
        consumes: ['multipart/form-data'],
        headers: LivenessHeaders,
        body: LivenessRequest,
        response: { 200: LivenessResponse, 400: LivenessResponse, 401: LivenessResponse, 403: LivenessResponse, 500: LivenessResponse }
      },
      attachValidation: true,
      onRequest: checked((request) => { service.checkLiveness(request) })
    }, async (request) => await service.liveness(request))
  })
}
