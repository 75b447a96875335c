/**
 * The three routes: their schemas (the OpenAPI document) and thin handlers that hand the Accesstoken
 * and the body to the services. The Accesstoken is checked in onRequest, before the body is read.
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { header } from '../../core/http.js'
import type { Precheck, VendorKit } from '../../core/vendor/kit.js'
import {
  AccessTokenResponse,
  AccesstokenHeader,
  answer,
  ClientCredentials,
  errorResponses,
  RevokeResponse,
  VerifyFaceLivenessRequest,
  VerifyFaceLivenessSuccess,
  type RisetSettings
} from './schemas.js'
import { verifyFaceLiveness } from './service/liveness.js'
import { authenticate, issueToken, revokeToken, type Authenticated } from './service/tokens.js'
import type { TokenStore } from './store.js'

/** The token endpoints read a two-field form: 64 KiB is plenty; more is 400. */
const OAUTH_BODY_LIMIT = 64 * 1024

export const PATHS = {
  verifyFaceLiveness: '/liveness-api/verify-face-liveness',
  clientToken: '/oauth/client/token',
  revokeToken: '/oauth/token/revoke'
} as const

type Kit = VendorKit<RisetSettings, TokenStore>

export function routes (app: FastifyInstance, kit: Kit): void {
  // Authentication comes before the body is read: without a valid Accesstoken, 401 whatever the body.
  const accessToken = kit.precheck((call, headers) => authenticate(call, header(headers, 'accesstoken') ?? ''))
  livenessRoute(app, kit, accessToken)
  tokenRoutes(app, kit, accessToken)
}

function livenessRoute (app: FastifyInstance, kit: Kit, accessToken: Precheck<Authenticated>): void {
  app.withTypeProvider<ZodTypeProvider>().post(PATHS.verifyFaceLiveness, {
    schema: {
      operationId: 'riset.verifyFaceLiveness',
      tags: ['riset'],
      summary: 'Active and passive liveness of a set of face images',
      description: 'riset-liveness.md. One image per requested face parameter ("left" or "face left", "right", "up", "down", "front", "eyes open", "eyes closed", "mouth open", "mouth closed"); results keyed image1..imageN. Errors answer {"status","status_message"} with the same HTTP status.',
      consumes: ['application/json'],
      headers: AccesstokenHeader,
      body: VerifyFaceLivenessRequest,
      response: {
        // Document, "Response": `liveness` "describes if the requested images are considered alive".
        200: answer('200 Success: "liveness" describes if the requested images are considered alive ("passed" or "failed"); "results" contains detailed info for each requested image', VerifyFaceLivenessSuccess),
        ...errorResponses()
      }
    },
    onRequest: accessToken.hook
  }, async (request) => await verifyFaceLiveness(kit.call(request), request.body))
}

/** AuthTenant (vendor-notes §4): obtain and revoke an Accesstoken, with a small form body. */
function tokenRoutes (app: FastifyInstance, kit: Kit, accessToken: Precheck<Authenticated>): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.post(PATHS.clientToken, {
    bodyLimit: OAUTH_BODY_LIMIT,
    schema: {
      operationId: 'riset.clientToken',
      tags: ['riset'],
      summary: 'Obtain a new Accesstoken (AuthTenant)',
      description: 'authtenant.md: a new Accesstoken on every call. With --api-keys only the listed client ids obtain one.',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: ClientCredentials,
      response: { 200: answer('A new Accesstoken, issued on every call', AccessTokenResponse), ...errorResponses() }
    }
  }, async (request) => issueToken(kit.call(request), request.body.client_id))

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
      response: { 200: answer('Success Revoke Token: the Accesstoken is blacklisted', RevokeResponse), ...errorResponses() }
    },
    onRequest: accessToken.hook
  }, async (request) => revokeToken(kit.call(request), accessToken.of(request), request.body.client_id))
}
