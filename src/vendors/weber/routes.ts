/**
 * Weber's routes (weber.md; the complete list from the real router, vendor-notes §1.1): schemas and
 * thin handlers. Bodies are bound Go-style before the handler (http.ts, `config.goBody`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { activateAccount, ActivationBody, AccountBody, checkLimit, CheckLimitBody, getAccount, pay, PayBody, postAccount, resetBalance } from './facepay.js'
import { boundBody } from './http.js'
import {
  AccountRequest, AccountResponse, ActivationRequest, ActivityRequest, AnalyticResponse, CheckLimitRequest, CheckLimitResponse,
  EkycRequest, EkycResponse, FeedbackRequest, IdParams, InnovationResponse, PassiveLivenessRequest, PassiveLivenessResponse, PayRequest,
  ServiceIdParams, ServiceRequest, ServiceResponse, ServicesResponse, SessionParams, SlugParams, TypeQuery, VisitorRequest,
  VisitorResponse, WeberError, WeberMessage
} from './schemas.js'
import { getService, listServices, requestService, ServiceBody } from './services.js'
import type { Weber } from './service.js'
import { ekyc, EkycBody, passiveLiveness, PassiveLivenessBody } from './solutions.js'
import { ActivityBody, createActivity, createFeedback, createVisitor, FeedbackBody, VisitorBody } from './visitors.js'

export const OPERATIONS = [
  'weber.ping', 'weber.listServices', 'weber.getService', 'weber.requestService', 'weber.createVisitor', 'weber.createActivity',
  'weber.createFeedback', 'weber.ekyc', 'weber.getFacePaymentAccount', 'weber.facePaymentAccount', 'weber.activateFacePaymentAccount',
  'weber.checkLimit', 'weber.pay', 'weber.resetBalance', 'weber.passiveLiveness'
] as const

const BIND_NOTE = 'The body is read as Go\'s encoding/json reads it. When it cannot be bound (no body, not JSON, a field of the wrong type), the server still answers the body below, but with HTTP 400 and Content-Type text/plain (gin, vendor-notes §1.2).'

const error = (description: string): z.ZodType => WeberError.describe(description)
const tooLarge = error('the body is larger than the sandbox accepts (16 MiB): "http: request body too large"')
const session401 = error('"Session ID is not valid" (unknown or empty session_id) or "Session ID has expired"')

const json = (reply: FastifyReply, body: string): FastifyReply => reply.type('application/json; charset=utf-8').send(body)

export function routes (app: FastifyInstance, w: Weber): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const tags = ['weber']

  r.get('/ping', {
    schema: {
      operationId: 'weber.ping',
      tags,
      summary: 'Health check',
      description: 'Answers the JSON string "pong" (vendor-notes §1.1).',
      response: { 200: z.literal('pong') }
    }
  }, async (request, reply) => {
    w.decide(request, '', undefined)
    return json(reply, '"pong"')
  })

  r.get('/api/v1/services', {
    schema: {
      operationId: 'weber.listServices',
      tags,
      summary: 'Show all services, or all services of a type',
      description: 'The 17 seeded services (vendor-notes §1.6), in id order. Messages: "Get all services success", or per type "Get all analytics service success", "Get all solutions service success", "Get all innovations service success", "Get all solution partner service success".',
      querystring: TypeQuery,
      response: { 200: ServicesResponse, 400: error("\"Value of argument '?type=' is not valid\"") }
    }
  }, async (request, reply) => json(reply, listServices(w, request, request.query.type)))

  r.get('/api/v1/services/:slug', {
    schema: {
      operationId: 'weber.getService',
      tags,
      summary: 'Show a service by slug',
      description: 'Message "Get service by slug=<slug> success"; `data` is the service object.',
      params: SlugParams,
      response: { 200: ServiceResponse, 404: error('"Service not found"') }
    }
  }, async (request, reply) => json(reply, getService(w, request, request.params.slug)))

  r.post('/api/v1/services/:id', {
    schema: {
      operationId: 'weber.requestService',
      tags,
      summary: 'Create a service request by id',
      description: `Records a visitor activity (completeness 100), then runs the service: analytic services (ids 1-6) answer the Nodeflux job and thumbnails; innovation services (ids 9-11) their predict answer, without thumbnails. ${BIND_NOTE}`,
      params: IdParams,
      body: ServiceRequest,
      response: {
        200: z.union([AnalyticResponse, InnovationResponse]),
        400: error("\"Expected an integer value from argument 'id'\"; face-occlusion-attribute: the face-detection message"),
        401: session401,
        413: tooLarge,
        500: error('"record not found" (unknown id), "Undefined implementation of: <slug>" (solution and partner services), an upstream error text; an empty body when images[0] has no data-URI comma')
      }
    },
    config: { goBody: ServiceBody }
  }, async (request) => await requestService(w, request, request.params.id, boundBody(request)))

  r.post('/api/v1/visitors', {
    schema: {
      operationId: 'weber.createVisitor',
      tags,
      summary: 'Create a visitor and its session',
      description: `max_age is the session lifetime in seconds. ${BIND_NOTE}`,
      body: VisitorRequest,
      response: {
        200: VisitorResponse,
        400: error('the first failing field: "email is a required field", "email must be a valid email address", "full_name must be at least 2 characters in length", ...; "email is invalid" for @yopmail.com'),
        413: tooLarge
      }
    },
    config: { goBody: VisitorBody }
  }, async (request) => createVisitor(w, request, boundBody(request)))

  r.post('/api/v1/activities', {
    schema: {
      operationId: 'weber.createActivity',
      tags,
      summary: 'Create a visitor activity',
      description: `Partner services (but aml-pep) need no session. ${BIND_NOTE}`,
      body: ActivityRequest,
      response: { 200: WeberMessage, 401: session401, 413: tooLarge, 500: error('"record not found": unknown service_id') }
    },
    config: { goBody: ActivityBody }
  }, async (request) => createActivity(w, request, boundBody(request)))

  r.post('/api/v1/feedback/:service_id', {
    schema: {
      operationId: 'weber.createFeedback',
      tags,
      summary: 'Create visitor feedback by service id',
      description: `Needs an earlier activity of the session on this service. ${BIND_NOTE}`,
      params: ServiceIdParams,
      body: FeedbackRequest,
      response: {
        200: WeberMessage,
        400: error('"Your comment for this feedback is required" (rating below 4, empty comment), "rating is a required field", "rating must be 5 or less", "comment must be a maximum of 255 characters in length"'),
        401: session401,
        413: tooLarge,
        500: error('"record not found": no earlier activity on this service')
      }
    },
    config: { goBody: FeedbackBody }
  }, async (request) => createFeedback(w, request, request.params.service_id, boundBody(request)))

  r.post('/api/v1/ekyc', {
    schema: {
      operationId: 'weber.ekyc',
      tags,
      summary: 'Create a service request for e-KYC',
      description: `face_liveness, ocr_ktp and face_match Nodeflux jobs, passed through. ${BIND_NOTE}`,
      body: EkycRequest,
      response: { 200: EkycResponse, 401: session401, 413: tooLarge, 500: error('an upstream error text') }
    },
    config: { goBody: EkycBody }
  }, async (request) => await ekyc(w, request, boundBody(request)))

  r.get('/api/v1/face-payment/account/:session_id', {
    schema: {
      operationId: 'weber.getFacePaymentAccount',
      tags,
      summary: 'Get the active face payment account of a session',
      params: SessionParams,
      response: { 200: AccountResponse, 401: session401, 404: error('"This session id does not have an active face payment account"') }
    }
  }, async (request) => getAccount(w, request, request.params.session_id))

  r.post('/api/v1/face-payment/account', {
    schema: {
      operationId: 'weber.facePaymentAccount',
      tags,
      summary: 'Validate new face payment account data, or create the account',
      description: `Without data.images (or with an empty list): validate full_name, phone and have_twin ("Phone number is valid"). With images: create the account ("Face payment account registration has been successful"). ${BIND_NOTE}`,
      body: AccountRequest,
      response: {
        200: WeberMessage,
        400: error('validate: a validator message, "phone must be a valid positive numeric value", "phone number already exist, try to use another number"; create: "Liveness result for the inputted image is false"'),
        401: session401,
        413: tooLarge,
        500: error('an upstream error text; an empty body when have_twin is missing in create mode')
      }
    },
    config: { goBody: AccountBody }
  }, async (request) => await postAccount(w, request, boundBody(request)))

  r.patch('/api/v1/face-payment/account', {
    schema: {
      operationId: 'weber.activateFacePaymentAccount',
      tags,
      summary: 'Activate the PIN and create a wallet of the new face payment account',
      description: BIND_NOTE,
      body: ActivationRequest,
      response: {
        200: WeberMessage,
        400: error('"pin must be a valid numeric value", "pin must be a valid positive numeric value", "pin must be a maximum of 6 characters in length", "minimum_payment must be 50,000 or greater", "minimum_payment must be 1,000,000 or less", ...'),
        401: session401,
        413: tooLarge,
        500: error('"WHERE conditions required": the session has no account')
      }
    },
    config: { goBody: ActivationBody }
  }, async (request) => activateAccount(w, request, boundBody(request)))

  r.post('/api/v1/face-payment/check-limit', {
    schema: {
      operationId: 'weber.checkLimit',
      tags,
      summary: 'Check limit minimum payment',
      description: `is_limit is amount > minimum_payment. Absent from the real server at HEAD (setting check_limit: false gives its 404). ${BIND_NOTE}`,
      body: CheckLimitRequest,
      response: {
        200: CheckLimitResponse,
        400: error('"phone is a required field", "phone must be a valid numeric value", "amount is a required field"'),
        401: error('"Your phone number is wrong", or a session error'),
        404: error('"record not found": no active account'),
        413: tooLarge
      }
    },
    config: { goBody: CheckLimitBody }
  }, async (request, reply) => {
    if (!w.ctx.settings.check_limit) return reply.callNotFound()
    return checkLimit(w, request, boundBody(request))
  })

  r.post('/api/v1/face-payment/pay', {
    schema: {
      operationId: 'weber.pay',
      tags,
      summary: 'Create a face payment transaction',
      description: BIND_NOTE,
      body: PayRequest,
      response: {
        200: WeberMessage,
        400: error('"Face payment has failed, try to get clear image and accordance with guideline." (not live), "Face payment has failed, face does not match the registered face.", a validator message'),
        401: error('"Wrong pin!", or a session error'),
        402: error('"Your balance is not enough to make this transaction"'),
        404: error('"record not found": no active account'),
        413: tooLarge,
        500: error('an upstream error text')
      }
    },
    config: { goBody: PayBody }
  }, async (request) => await pay(w, request, boundBody(request)))

  r.patch('/api/v1/face-payment/reset-balance/:session_id', {
    schema: {
      operationId: 'weber.resetBalance',
      tags,
      summary: 'Reset the balance of the face payment account to 1,000,000',
      params: SessionParams,
      response: { 200: WeberMessage, 401: session401, 404: error('"This session id does not have an active face payment account"') }
    }
  }, async (request) => resetBalance(w, request, request.params.session_id))

  r.post('/api/v1/passive-liveness', {
    schema: {
      operationId: 'weber.passiveLiveness',
      tags,
      summary: 'Create a service request for passive face liveness detection',
      description: `The v1 face-liveness job (live, liveness). ${BIND_NOTE}`,
      body: PassiveLivenessRequest,
      response: { 200: PassiveLivenessResponse, 401: session401, 413: tooLarge, 500: error('an upstream error text') }
    },
    config: { goBody: PassiveLivenessBody }
  }, async (request) => await passiveLiveness(w, request, boundBody(request)))
}
