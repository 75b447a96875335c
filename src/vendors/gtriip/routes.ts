import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { VendorContext } from '../../core/vendor.js'
import { catalogue } from './errors.js'
import { LivenessFailure, LivenessHeaders, LivenessRequest, LivenessSuccess, type GtriipSettings } from './schemas.js'
import { liveness } from './service.js'

export function routes (app: FastifyInstance, ctx: VendorContext<GtriipSettings>): void {
  app.withTypeProvider<ZodTypeProvider>().post('/liveness/', {
    schema: {
      operationId: 'gtriip.liveness',
      tags: ['gtriip'],
      summary: 'Passive liveness of a selfie',
      description: 'gtriip-liveness.md. Send the selfie as a file (`image`) or base64 (`image_bytes`). The path has a trailing slash.',
      consumes: ['multipart/form-data', 'application/x-www-form-urlencoded', 'application/json'],
      headers: LivenessHeaders,
      body: LivenessRequest,
      response: { 200: LivenessSuccess, 400: LivenessFailure, 401: LivenessFailure, 413: LivenessFailure, 500: LivenessFailure }
    },
    // Authentication comes before the body is read: a request without a key gets 001 whatever it carries.
    onRequest: (request, _reply, done) => {
      done(ctx.core.acceptsKey(request.headers['x-api-key']) ? undefined : catalogue.error('001'))
    }
  }, async (request) => await liveness(ctx, request))
}
