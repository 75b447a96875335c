/**
 * Solution services in particular (weber.md): POST /api/v1/ekyc and POST /api/v1/passive-liveness.
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { boundBody } from '../gin.js'
import { EkycRequest, EkycResponse, PassiveLivenessRequest, PassiveLivenessResponse } from '../schemas.js'
import { ekyc, EkycBody, passiveLiveness, PassiveLivenessBody } from '../service/solutions.js'
import { answer, BIND_NOTE, bind400, error, session401, tags, tooLarge, type WeberKit } from './shared.js'

export function solutionRoutes (app: FastifyInstance, kit: WeberKit): void {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.post('/api/v1/ekyc', {
    schema: {
      operationId: 'weber.ekyc',
      tags,
      summary: 'Create a service request for e-KYC',
      description: `face_liveness, ocr_ktp and face_match Nodeflux jobs, passed through. ${BIND_NOTE}`,
      body: EkycRequest,
      response: {
        200: answer('"Service demo request success": the face_liveness, ocr_ktp and face_match jobs in service_data', EkycResponse),
        400: bind400(),
        401: session401,
        413: tooLarge,
        500: error('an upstream error text')
      }
    },
    config: { goBody: EkycBody }
  }, async (request) => await ekyc(kit.call(request), boundBody(request, EkycBody)))

  r.post('/api/v1/passive-liveness', {
    schema: {
      operationId: 'weber.passiveLiveness',
      tags,
      summary: 'Create a service request for passive face liveness detection',
      description: `The v1 face-liveness job (live, liveness). ${BIND_NOTE}`,
      body: PassiveLivenessRequest,
      response: {
        200: answer('"Service demo request success": the face-liveness job in service_data ("Face Liveness Underqualified" when not live)',
          PassiveLivenessResponse),
        400: bind400(),
        401: session401,
        413: tooLarge,
        500: error('an upstream error text')
      }
    },
    config: { goBody: PassiveLivenessBody }
  }, async (request) => await passiveLiveness(kit.call(request), boundBody(request, PassiveLivenessBody)))
}
