/**
 * Visitors & Feedback (weber.md): POST /api/v1/visitors, /api/v1/activities, /api/v1/feedback/:service_id.
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { boundBody } from '../gin.js'
import { ActivityRequest, FeedbackRequest, ServiceIdParams, VisitorRequest, VisitorResponse, WeberMessage } from '../schemas.js'
import { ActivityBody, createActivity, createFeedback, createVisitor, FeedbackBody, VisitorBody } from '../service/visitors.js'
import { answer, BIND_NOTE, bind400, error, session401, tags, tooLarge, type WeberKit } from './shared.js'

export function visitorRoutes (app: FastifyInstance, kit: WeberKit): void {
  visitorRoute(app, kit)
  activityRoutes(app, kit)
}

function visitorRoute (app: FastifyInstance, kit: WeberKit): void {
  app.withTypeProvider<ZodTypeProvider>().post('/api/v1/visitors', {
    schema: {
      operationId: 'weber.createVisitor',
      tags,
      summary: 'Create a visitor and its session',
      description: `max_age is the session lifetime in seconds. ${BIND_NOTE}`,
      body: VisitorRequest,
      response: {
        200: answer('"Data has been processed successfully": the new session_id and its max_age', VisitorResponse),
        400: bind400('the first failing field: "email is a required field", "email must be a valid email address", ' +
          '"full_name must be at least 2 characters in length", ...; "email is invalid" for @yopmail.com'),
        413: tooLarge
      }
    },
    config: { goBody: VisitorBody }
  }, async (request) => createVisitor(kit.call(request), boundBody(request, VisitorBody)))
}

/** Activities, and the feedback that needs one. */
function activityRoutes (app: FastifyInstance, kit: WeberKit): void {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.post('/api/v1/activities', {
    schema: {
      operationId: 'weber.createActivity',
      tags,
      summary: 'Create a visitor activity',
      description: `Partner services (but aml-pep) need no session. ${BIND_NOTE}`,
      body: ActivityRequest,
      response: {
        200: answer('"Data has been processed successfully": the activity is recorded', WeberMessage),
        400: bind400(),
        401: session401,
        413: tooLarge,
        500: error('"record not found": unknown service_id')
      }
    },
    config: { goBody: ActivityBody }
  }, async (request) => createActivity(kit.call(request), boundBody(request, ActivityBody)))

  r.post('/api/v1/feedback/:service_id', {
    schema: {
      operationId: 'weber.createFeedback',
      tags,
      summary: 'Create visitor feedback by service id',
      description: `Needs an earlier activity of the session on this service. ${BIND_NOTE}`,
      params: ServiceIdParams,
      body: FeedbackRequest,
      response: {
        200: answer('"Feedback submitted!"', WeberMessage),
        400: bind400('"Your comment for this feedback is required" (rating below 4, empty comment), "rating is a required field", ' +
          '"rating must be 5 or less", "comment must be a maximum of 255 characters in length"'),
        401: session401,
        413: tooLarge,
        500: error('"record not found": no earlier activity on this service')
      }
    },
    config: { goBody: FeedbackBody }
  }, async (request) => createFeedback(kit.call(request), { serviceId: request.params.service_id, body: boundBody(request, FeedbackBody) }))
}
