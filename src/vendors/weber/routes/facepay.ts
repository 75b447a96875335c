/**
 * Face payment (weber.md, "Face Payment" endpoints): the account (validate or create, activate, get),
 * check-limit, payments and the balance reset.
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { boundBody } from '../gin.js'
import { AccountRequest, AccountResponse, ActivationRequest, CheckLimitRequest, CheckLimitResponse, PayRequest, SessionParams, WeberMessage } from '../schemas.js'
import {
  AccountBody, ActivationBody, activateAccount, checkLimit, CheckLimitBody, getAccount, pay, PayBody, postAccount, resetBalance
} from '../service/facepay.js'
import { answer, BIND_NOTE, bind400, error, notFound, session401, tags, tooLarge, type WeberKit } from './shared.js'

const noActiveAccount = notFound('"This session id does not have an active face payment account"')

function getAccountRoute (app: FastifyInstance, kit: WeberKit): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/face-payment/account/:session_id', {
    schema: {
      operationId: 'weber.getFacePaymentAccount',
      tags,
      summary: 'Get the active face payment account of a session',
      params: SessionParams,
      response: {
        200: answer('"This session id has an active face payment account": the account, its phone without the prefix, the wallet balance',
          AccountResponse),
        401: session401,
        404: noActiveAccount
      }
    }
  }, async (request) => getAccount(kit.call(request), request.params.session_id))
}

/** One path, two methods: POST validates or creates the account, PATCH activates it. */
function accountRoutes (app: FastifyInstance, kit: WeberKit): void {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.post('/api/v1/face-payment/account', {
    schema: {
      operationId: 'weber.facePaymentAccount',
      tags,
      summary: 'Validate new face payment account data, or create the account',
      description: `Without data.images (or with an empty list): validate full_name, phone and have_twin. With images: create the account. ${BIND_NOTE}`,
      body: AccountRequest,
      response: {
        200: answer('"Phone number is valid" (validate), or "Face payment account registration has been successful" (create)', WeberMessage),
        400: bind400('validate: a validator message, "phone must be a valid positive numeric value", "phone number already exist, ' +
          'try to use another number"; create: "Liveness result for the inputted image is false"'),
        401: session401,
        413: tooLarge,
        500: error('an upstream error text; an empty body (no Content-Type: a Go panic) when have_twin is missing in create mode')
      }
    },
    config: { goBody: AccountBody }
  }, async (request) => await postAccount(kit.call(request), boundBody(request, AccountBody)))

  r.patch('/api/v1/face-payment/account', {
    schema: {
      operationId: 'weber.activateFacePaymentAccount',
      tags,
      summary: 'Activate the PIN and create a wallet of the new face payment account',
      description: BIND_NOTE,
      body: ActivationRequest,
      response: {
        200: answer('"Account activation and wallet creation has been successful" (setting activation_message "code": ' +
          '"Account activated successfully")', WeberMessage),
        400: bind400('"pin must be a valid numeric value", "pin must be a valid positive numeric value", "pin must be a maximum of 6 ' +
          'characters in length", "minimum_payment must be 50,000 or greater", "minimum_payment must be 1,000,000 or less", ...'),
        401: session401,
        413: tooLarge,
        500: error('"WHERE conditions required": the session has no account')
      }
    },
    config: { goBody: ActivationBody }
  }, async (request) => activateAccount(kit.call(request), boundBody(request, ActivationBody)))
}

/** check-limit is absent from the real server at HEAD: with check_limit false it is not served at all (404). */
function checkLimitRoute (app: FastifyInstance, kit: WeberKit): void {
  app.withTypeProvider<ZodTypeProvider>().post('/api/v1/face-payment/check-limit', {
    schema: {
      operationId: 'weber.checkLimit',
      tags,
      summary: 'Check limit minimum payment',
      description: `is_limit is amount > minimum_payment. Absent from the real server at HEAD (setting check_limit: false gives its 404). ${BIND_NOTE}`,
      body: CheckLimitRequest,
      response: {
        200: answer('"Check limit minimum payment success": balance, full_name, have_twin and is_limit', CheckLimitResponse),
        400: bind400('"phone is a required field", "phone must be a valid numeric value", "amount is a required field"'),
        401: error('"Your phone number is wrong", or a session error'),
        404: notFound('"record not found": no active account'),
        413: tooLarge
      }
    },
    config: { goBody: CheckLimitBody }
  }, async (request) => checkLimit(kit.call(request), boundBody(request, CheckLimitBody)))
}

function paymentRoutes (app: FastifyInstance, kit: WeberKit): void {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.post('/api/v1/face-payment/pay', {
    schema: {
      operationId: 'weber.pay',
      tags,
      summary: 'Create a face payment transaction',
      description: BIND_NOTE,
      body: PayRequest,
      response: {
        200: answer('"Payment transaction success": the amount is debited', WeberMessage),
        400: bind400('"Face payment has failed, try to get clear image and accordance with guideline." (not live), ' +
          '"Face payment has failed, face does not match the registered face.", a validator message'),
        401: error('"Wrong pin!", or a session error'),
        402: error('"Your balance is not enough to make this transaction"'),
        404: notFound('"record not found": no active account'),
        413: tooLarge,
        500: error('an upstream error text')
      }
    },
    config: { goBody: PayBody }
  }, async (request) => await pay(kit.call(request), boundBody(request, PayBody)))

  r.patch('/api/v1/face-payment/reset-balance/:session_id', {
    schema: {
      operationId: 'weber.resetBalance',
      tags,
      summary: 'Reset the balance of the face payment account to 1,000,000',
      params: SessionParams,
      response: {
        200: answer('"The balance in this account has been reset successfully"', WeberMessage),
        401: session401,
        404: noActiveAccount
      }
    }
  }, async (request) => resetBalance(kit.call(request), request.params.session_id))
}

export function facePaymentRoutes (app: FastifyInstance, kit: WeberKit): void {
  getAccountRoute(app, kit)
  accountRoutes(app, kit)
  if (kit.settings.check_limit) checkLimitRoute(app, kit)
  paymentRoutes(app, kit)
}
