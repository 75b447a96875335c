import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { VendorContext } from '../../core/vendor.js'
import { Auth } from './auth.js'
import type { IssuedToken } from './store.js'
import {
  AccessTokenResponse,
  AccesstokenHeader,
  ClientCredentials,
  errorResponses,
  RevokeResponse,
  VerifyFaceLivenessRequest,
  VerifyFaceLivenessSuccess,
  type RisetSettings
} from './schemas.js'
import { verifyFaceLiveness } from './service.js'

/** The token endpoints read a two-field form: 64 KiB is plenty; more is 400. */
const OAUTH_BODY_LIMIT = 64 * 1024

export const PATHS = {
  verifyFaceLiveness: '/liveness-api/verify-face-liveness',
  clientToken: '/oauth/client/token',
  revokeToken: '/oauth/token/revoke'
} as const

export function routes (app: FastifyInstance, ctx: VendorContext<RisetSettings>, auth: Auth): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const authenticated = new WeakMap<FastifyRequest, { token: string, issued: IssuedToken | undefined }>()
  // Authentication comes before the body is read: without a valid Accesstoken, 401 whatever the body.
  const requireToken = (request: FastifyRequest, _reply: unknown, done: (err?: Error) => void): void => {
    try {
      authenticated.set(request, auth.authenticate(request))
      done()
    } catch (err) {
      done(err as Error)
    }
  }

  r.post(PATHS.verifyFaceLiveness, {
    schema: {
      operationId: 'riset.verifyFaceLiveness',
      tags: ['riset'],
      summary: 'Active and passive liveness of a set of face images',
      description: 'riset-liveness.md. One image per requested face parameter ("left" or "face left", "right", "up", "down", "front", "eyes open", "eyes closed", "mouth open", "mouth closed"); results keyed image1..imageN. Errors answer {"status","status_message"} with the same HTTP status.',
      consumes: ['application/json'],
      headers: AccesstokenHeader,
      body: VerifyFaceLivenessRequest,
      response: { 200: VerifyFaceLivenessSuccess, ...errorResponses() }
    },
    onRequest: requireToken
  }, async (request) => await verifyFaceLiveness(ctx, request))

  r.post(PATHS.clientToken, {
    bodyLimit: OAUTH_BODY_LIMIT,
    schema: {
      operationId: 'riset.clientToken',
      tags: ['riset'],
      summary: 'Obtain a new Accesstoken (AuthTenant)',
      description: 'authtenant.md: a new Accesstoken on every call. With --api-keys only the listed client ids obtain one.',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: ClientCredentials,
      response: { 200: AccessTokenResponse, ...errorResponses() }
    }
  }, async (request) => auth.issue(request, request.body.client_id))

  r.post(PATHS.revokeToken, {
    bodyLimit: OAUTH_BODY_LIMIT,
    schema: {
      operationId: 'riset.revokeToken',
      tags: ['riset'],
      summary: 'Revoke an Accesstoken (AuthTenant)',
      description: 'authtenant.md: the Accesstoken of the header goes on the blacklist and never authenticates again.',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      headers: AccesstokenHeader,
      body: ClientCredentials,
      response: { 200: RevokeResponse, ...errorResponses() }
    },
    onRequest: requireToken
  }, async (request) => {
    const { token, issued } = authenticated.get(request) ?? auth.authenticate(request)
    return auth.revoke(request, token, issued, request.body.client_id)
  })
}
