/**
 * The three routes of the full flow (fpt-ekyc.vi.md), each in its own scope: init ignores any body;
 * /ocr and /face/liveness read multipart with their own limits. Header checks run as prechecks,
 * before any body is read. Header schemas name the canonical headers as required (for OpenAPI);
 * their validation is attached, not enforced, because the real checks (which also accept the
 * tolerated spellings, e.g. `api_key`) have already answered in the vendor's own words.
 * Handlers unpack headers and parts into the services' inputs (service/).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { anyHeader, header } from '../../core/http.js'
import { MultipartError, readMultipart, registerMultipart, type MultipartBody } from '../../core/multipart.js'
import type { VendorKit } from '../../core/vendor/kit.js'
import {
  InitHeaders, InitResponses, livenessRequest, LivenessHeaders, LivenessResponses,
  OcrHeaders, OcrRequest, OcrResponses, type FptSettings
} from './schemas.js'
import { checkInit, init } from './service/init.js'
import { checkLiveness, liveness, type LivenessInput } from './service/liveness.js'
import { checkOcr, ocr, planOcr } from './service/ocr.js'
import type { FptHeaders } from './service/session.js'
import type { FptStore } from './store.js'

type Kit = VendorKit<FptSettings, FptStore>

/** The FPT headers of a request (first values; `api_key` is the document tables' spelling of `api-key`). */
function fptHeaders (headers: FastifyRequest['headers']): FptHeaders {
  return {
    apiKey: anyHeader(headers, 'api-key', 'api_key'),
    deviceType: header(headers, 'device-type'),
    sessionId: header(headers, 'session-id'),
    documentType: header(headers, 'document-type'),
    lang: header(headers, 'lang')
  }
}

/** The file parts of one field, in arrival order. */
function filesOf (parts: MultipartBody, field: string): Buffer[] {
  return parts.files.filter((f) => f.field === field).map((f) => f.data)
}

/** Any body that is not multipart is read (within the body limit) and left aside. */
function acceptAnyBody (scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
}

/** Image parts arrive with or without a filename (curl -F 'files=@...' adds one; SDKs may not). */
function isImagePart (name: string): (field: string | undefined, contentType: string | undefined, filename: string | undefined) => boolean {
  return (field, contentType, filename) => field === name || filename !== undefined || (contentType ?? '').startsWith('image/')
}

function initRoute (scope: FastifyInstance, kit: Kit): void {
  const checked = kit.precheck((call, headers) => checkInit(call, fptHeaders(headers)))
  scope.withTypeProvider<ZodTypeProvider>().post('/session/init', {
    schema: {
      operationId: 'fpt.session_init',
      tags: ['fpt'],
      summary: 'Step 1: init an eKYC session',
      description: 'Creates a session (30 minutes by default) and answers its `session-id` and the SDK configuration of the device type. No body.',
      headers: InitHeaders,
      response: InitResponses
    },
    attachValidation: true,
    onRequest: checked.hook
  }, async (request) => init(kit.call(request), checked.of(request)))
}

async function ocrRoute (scope: FastifyInstance, kit: Kit): Promise<void> {
  await registerMultipart(scope, {
    limits: { fileSize: kit.settings.max_image_bytes, fieldSize: 64 * 1024, files: 2, fields: 20, parts: 22 },
    isPartAFile: isImagePart('files')
  })
  const checked = kit.precheck((call, headers) => checkOcr(call, fptHeaders(headers)))
  scope.withTypeProvider<ZodTypeProvider>().post('/ocr', {
    schema: {
      operationId: 'fpt.ocr',
      tags: ['fpt'],
      summary: 'Steps 2 and 3: OCR of the document, front then back',
      description: 'With `side-type`, one side per request (front first, E101/E103); without it, front and back in one request (idr, dlr); a passport is one file. The back answer lists front and back fields. Errors travel with HTTP 200 (general table, quality, forgery, post-check), 400 (input-file errors 1, 3, 7) or 403 (session expired), in `errorCode`/`errorMessage`.',
      consumes: ['multipart/form-data'],
      headers: OcrHeaders,
      body: OcrRequest,
      response: OcrResponses
    },
    attachValidation: true,
    onRequest: checked.hook
  }, async (request) => {
    const c = checked.of(request)
    // The side and the call order are refused before the body is read.
    const mode = planOcr(c, header(request.headers, 'side-type'))
    const parts = await readMultipart(request)
    return await ocr(kit.call(request), { ...c, mode, files: filesOf(parts, 'files'), fields: parts.fields })
  })
}

/** The selfies; a body that cannot be read as multipart is no selfies (409, an attempt: the service decides). */
async function selfiesOf (request: FastifyRequest): Promise<Pick<LivenessInput, 'selfies' | 'fields'>> {
  try {
    const parts = await readMultipart(request)
    return { selfies: filesOf(parts, 'selfies'), fields: parts.fields }
  } catch (err) {
    if (err instanceof MultipartError) return { selfies: undefined, fields: {} }
    throw err
  }
}

async function livenessRoute (scope: FastifyInstance, kit: Kit): Promise<void> {
  const { max_selfies: maxSelfies, max_image_bytes: maxImageBytes } = kit.settings
  await registerMultipart(scope, {
    limits: { fileSize: maxImageBytes, fieldSize: 4096, files: maxSelfies, fields: 10, parts: maxSelfies + 10 },
    isPartAFile: isImagePart('selfies')
  })
  const checked = kit.precheck((call, headers) => checkLiveness(call, fptHeaders(headers)))
  scope.withTypeProvider<ZodTypeProvider>().post('/face/liveness', {
    schema: {
      operationId: 'fpt.liveness',
      tags: ['fpt'],
      summary: 'Step 4: liveness and face match of selfies',
      description: 'Only once OCR is complete. Results, failures included, answer HTTP 200 with the outcome in `code`; every failure is an attempt, and after `sdk_config.limit` of them `is_complete_session` is true and the session is over (403 "Session expired" afterwards). A success ends the session too.',
      consumes: ['multipart/form-data'],
      headers: LivenessHeaders,
      body: livenessRequest(maxSelfies),
      response: LivenessResponses
    },
    attachValidation: true,
    onRequest: checked.hook
  }, async (request) => await liveness(kit.call(request), { ...checked.of(request), ...await selfiesOf(request) }))
}

export async function routes (app: FastifyInstance, kit: Kit): Promise<void> {
  await app.register(async (scope) => {
    acceptAnyBody(scope)
    initRoute(scope, kit)
  })
  await app.register(async (scope) => {
    acceptAnyBody(scope)
    await ocrRoute(scope, kit)
  })
  await app.register(async (scope) => {
    acceptAnyBody(scope)
    await livenessRoute(scope, kit)
  })
}
