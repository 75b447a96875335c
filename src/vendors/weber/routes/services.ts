/**
 * Services (weber.md): GET /ping, the catalogue (GET /api/v1/services, /api/v1/services/:slug) and
 * the demo requests (POST /api/v1/services/:id). The catalogue answers are serialised once.
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { boundBody } from '../gin.js'
import { AnalyticResponse, IdParams, InnovationResponse, ServiceRequest, ServiceResponse, ServicesResponse, SlugParams, TypeQuery } from '../schemas.js'
import { getService, listServices, requestService, ServiceBody } from '../service/services.js'
import { decide } from '../service/session.js'
import { BIND_NOTE, error, sendJson, session401, tags, tooLarge, type WeberKit } from './shared.js'

export function serviceRoutes (app: FastifyInstance, kit: WeberKit): void {
  catalogueRoutes(app, kit)
  serviceRequestRoute(app, kit)
}

function catalogueRoutes (app: FastifyInstance, kit: WeberKit): void {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.get('/ping', {
    schema: {
      operationId: 'weber.ping',
      tags,
      summary: 'Health check',
      description: 'Answers the JSON string "pong" (vendor-notes §1.1).',
      response: { 200: z.literal('pong') }
    }
  }, async (request, reply) => {
    decide(kit.call(request), '', undefined)
    return sendJson(reply, '"pong"')
  })

  r.get('/api/v1/services', {
    schema: {
      operationId: 'weber.listServices',
      tags,
      summary: 'Show all services, or all services of a type',
      description: 'The 17 seeded services (vendor-notes §1.6), in id order. Messages: "Get all services success", or per type ' +
        '"Get all analytics service success", "Get all solutions service success", "Get all innovations service success", ' +
        '"Get all solution partner service success".',
      querystring: TypeQuery,
      response: { 200: ServicesResponse, 400: error("\"Value of argument '?type=' is not valid\"") }
    }
  }, async (request, reply) => sendJson(reply, listServices(kit.call(request), request.query.type)))

  r.get('/api/v1/services/:slug', {
    schema: {
      operationId: 'weber.getService',
      tags,
      summary: 'Show a service by slug',
      description: 'Message "Get service by slug=<slug> success"; `data` is the service object.',
      params: SlugParams,
      response: { 200: ServiceResponse, 404: error('"Service not found"') }
    }
  }, async (request, reply) => sendJson(reply, getService(kit.call(request), request.params.slug)))
}

function serviceRequestRoute (app: FastifyInstance, kit: WeberKit): void {
  app.withTypeProvider<ZodTypeProvider>().post('/api/v1/services/:id', {
    schema: {
      operationId: 'weber.requestService',
      tags,
      summary: 'Create a service request by id',
      description: 'Records a visitor activity (completeness 100), then runs the service: analytic services (ids 1-6) answer the ' +
        `Nodeflux job and thumbnails; innovation services (ids 9-11) their predict answer, without thumbnails. ${BIND_NOTE}`,
      params: IdParams,
      body: ServiceRequest,
      response: {
        200: z.union([AnalyticResponse, InnovationResponse]),
        400: error("\"Expected an integer value from argument 'id'\"; face-occlusion-attribute: the face-detection message"),
        401: session401,
        413: tooLarge,
        500: error('"record not found" (unknown id), "Undefined implementation of: <slug>" (solution and partner services), ' +
          'an upstream error text; an empty body when images[0] has no data-URI comma')
      }
    },
    config: { goBody: ServiceBody }
  }, async (request) => await requestService(kit.call(request), { id: request.params.id, body: boundBody(request, ServiceBody) }))
}
