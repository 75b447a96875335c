/**
 * Services (weber.md): GET /ping, the catalogue (GET /api/v1/services, /api/v1/services/:slug) and
 * the demo requests (POST /api/v1/services/:id). The catalogue answers are serialised once.
 *
 * The real router has /api/v1/services/:slug for GET and /api/v1/services/:id for POST: one path
 * segment read as a slug or as an id by method. OpenAPI 3 allows one template per path, so both
 * routes name it `id`, and its description says what each method reads there.
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { boundBody } from '../gin.js'
import { AnalyticResponse, InnovationResponse, ServiceParams, ServiceRequest, ServiceResponse, ServicesResponse, TypeQuery } from '../schemas.js'
import { getService, listServices, requestService, ServiceBody } from '../service/services.js'
import { decide } from '../service/session.js'
import { answer, BIND_NOTE, bind400, error, notFound, sendJson, session401, tags, tooLarge, type WeberKit } from './shared.js'

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
      response: { 200: answer('The JSON string "pong"', z.literal('pong')) }
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
      description: 'The 17 seeded services (vendor-notes §1.6), in id order.',
      querystring: TypeQuery,
      response: {
        200: answer('"Get all services success", or per type "Get all analytics service success", "Get all solutions service success", ' +
          '"Get all innovations service success", "Get all solution partner service success": the services in id order', ServicesResponse),
        400: error("\"Value of argument '?type=' is not valid\": a type other than analytic, solution, innovation, solution-partner")
      }
    }
  }, async (request, reply) => sendJson(reply, listServices(kit.call(request), request.query.type)))

  r.get('/api/v1/services/:id', {
    schema: {
      operationId: 'weber.getService',
      tags,
      summary: 'Show a service by slug',
      description: 'The real router\'s GET /api/v1/services/:slug: the path segment is the service\'s slug.',
      params: ServiceParams,
      response: {
        200: answer('"Get service by slug=<slug> success": `data` is the service object', ServiceResponse),
        404: notFound('"Service not found"')
      }
    }
  }, async (request, reply) => sendJson(reply, getService(kit.call(request), request.params.id)))
}

function serviceRequestRoute (app: FastifyInstance, kit: WeberKit): void {
  app.withTypeProvider<ZodTypeProvider>().post('/api/v1/services/:id', {
    schema: {
      operationId: 'weber.requestService',
      tags,
      summary: 'Create a service request by id',
      description: 'Records a visitor activity (completeness 100), then runs the service: analytic services (ids 1-6) answer the ' +
        'Nodeflux job and thumbnails; innovation services (ids 9-11) their job, without thumbnails. The path segment is the ' +
        `service's id. ${BIND_NOTE}`,
      params: ServiceParams,
      body: ServiceRequest,
      response: {
        200: answer('"Service demo request success": the Nodeflux job in service_data (its own ok may be false), with thumbnails for ' +
          'the analytic services', z.union([AnalyticResponse, InnovationResponse])),
        400: bind400("\"Expected an integer value from argument 'id'\"; face-occlusion-attribute: \"Face not detected\" or \"Multiple faces detected\""),
        401: session401,
        413: tooLarge,
        500: error('"record not found" (unknown id), "Undefined implementation of: <slug>" (solution and partner services), ' +
          'an upstream error text; an empty body (no Content-Type: a Go panic) when an analytic service gets no images or images[0] has no data-URI comma')
      }
    },
    config: { goBody: ServiceBody }
  }, async (request) => await requestService(kit.call(request), { id: request.params.id, body: boundBody(request, ServiceBody) }))
}
