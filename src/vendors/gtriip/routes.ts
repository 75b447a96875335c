/**
 * The one route of the Liveness Check API. The handler unpacks HTTP into the service's input: the
 * selfie from a multipart file or text part, a form field or a JSON field.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { firstField, firstFile, readMultipart } from '../../core/multipart.js'
import type { VendorKit } from '../../core/vendor/kit.js'
import { ImageBytesField, LivenessHeaders, LivenessRequest, livenessResponses, type GtriipSettings } from './schemas.js'
import { authenticate, liveness, type LivenessInput } from './service.js'

/** The selfie from a multipart body: the file wins over base64 (ruling 18). */
async function fromMultipart (request: FastifyRequest): Promise<LivenessInput> {
  const parts = await readMultipart(request)
  const file = firstFile(parts, 'image')
  if (file !== undefined) return { selfie: { bytes: file.data }, fields: parts.fields }
  const asFile = firstFile(parts, 'image_bytes')
  const text = asFile !== undefined ? asFile.data.toString('latin1') : firstField(parts, 'image_bytes')
  return { selfie: typeof text === 'string' && text !== '' ? { base64: text } : undefined, fields: parts.fields }
}

/** The selfie from a URL-encoded form (the vendor's own notebook) or a JSON body (tolerated). */
function fromFields (request: FastifyRequest): LivenessInput {
  const parsed = ImageBytesField.safeParse(request.body)
  return { selfie: parsed.success ? { base64: parsed.data.image_bytes } : undefined, fields: request.body }
}

export function routes (app: FastifyInstance, kit: VendorKit<GtriipSettings, undefined>): void {
  // Authentication comes before the body is read: a request without a key gets 001 whatever it carries.
  const apiKey = kit.precheck((call, headers) => { authenticate(call, headers['x-api-key']) })
  app.withTypeProvider<ZodTypeProvider>().post('/liveness/', {
    schema: {
      operationId: 'gtriip.liveness',
      tags: ['gtriip'],
      summary: 'Passive liveness of a selfie',
      description: 'gtriip-liveness.md. Send the selfie as a file (`image`) or base64 (`image_bytes`). The path has a trailing slash.',
      consumes: ['multipart/form-data', 'application/x-www-form-urlencoded', 'application/json'],
      headers: LivenessHeaders,
      body: LivenessRequest,
      response: livenessResponses()
    },
    onRequest: apiKey.hook
  }, async (request) => await liveness(kit.call(request), request.isMultipart() ? await fromMultipart(request) : fromFields(request)))
}
