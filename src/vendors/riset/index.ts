/**
 * Riset.ai Liveness API: POST /liveness-api/verify-face-liveness (vendor-docs/riset-liveness.md, the
 * document's version: one request with `images` + `face_parameters`), plus the AuthTenant token
 * endpoints POST /oauth/client/token and /oauth/token/revoke (vendor-notes §4 and the Riset ruling).
 * See README.md in this folder for what is emulated.
 */
import type { FastifyInstance } from 'fastify'
import { registerFormParser } from '../../core/body.js'
import { fastifyErrorCode } from '../../core/errors.js'
import { ImageError } from '../../core/images.js'
import { operationOf, type VendorModule } from '../../core/vendor.js'
import { Auth } from './auth.js'
import { catalogue, refuse } from './errors.js'
import { PATHS, routes } from './routes.js'
import { outcomeSchema, settingsSchema, type RisetSettings } from './schemas.js'
import { storeSpec, TokenStore } from './store.js'
import { inspect } from './inspect.js'

/**
 * 8 images (max_images) of 4 MiB (max_image_bytes) as base64 are about 43 MiB of JSON: 48 MiB holds
 * them with room for the other fields. A larger body is refused unread with 493 (image error).
 */
const BODY_LIMIT = 48 * 1024 * 1024

export const riset: VendorModule<RisetSettings> = {
  id: 'riset',
  title: 'Riset.ai Liveness API',
  description: 'Active and passive face liveness on a set of images, one per requested pose (Riset.ai). Authentication: an oauth Accesstoken, raw, in the Accesstoken header; obtain one from POST /oauth/client/token.',
  prefix: '/riset',
  bodyLimit: BODY_LIMIT,
  settings: settingsSchema,
  store: storeSpec,
  scenarios: { operations: ['riset.verifyFaceLiveness', 'riset.clientToken', 'riset.revokeToken'], outcome: outcomeSchema },
  cors: { headers: ['accesstoken'], methods: ['POST'] },
  inspect,
  plugin: async (app: FastifyInstance, { ctx }) => {
    // authtenant.md: the token endpoints take x-www-form-urlencoded bodies.
    registerFormParser(app)

    app.setErrorHandler(ctx.errorHandler({
      catalogue,
      map: (err, request) => {
        if (err instanceof ImageError) return refuse('493', err.message)
        const code = fastifyErrorCode(err)
        if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          // On the liveness route only images make a body this large: "image error".
          return operationOf(request) === 'riset.verifyFaceLiveness'
            ? refuse('493', `the body is larger than ${BODY_LIMIT} bytes`)
            : refuse('400', 'the body is too large')
        }
        // Validation, malformed JSON, an empty body, an unsupported content type: "Request malformed".
        if (code === 'FST_ERR_VALIDATION' || code?.startsWith('FST_ERR_CTP') === true) return refuse('400', err.message)
        const status = (err as { statusCode?: unknown }).statusCode
        if (typeof status === 'number' && status >= 400 && status < 500) return refuse('400', err.message)
        return undefined
      },
      internal: () => refuse('500', 'unexpected failure in the sandbox; see its log')
    }))

    // Unknown paths and wrong methods: Riset documents no answer; ours keeps its shape (README).
    const known = new Set(Object.values(PATHS).map((p) => `${app.prefix}${p}`))
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? ''
      const rendered = known.has(path)
        ? catalogue.render(refuse('405', `only POST is allowed on ${path}`))
        : catalogue.render(refuse('404', `no such route; Riset.ai serves POST ${Object.values(PATHS).join(', POST ')}`))
      return ctx.sendRendered(reply, rendered)
    })

    routes(app, ctx, new Auth(ctx, new TokenStore(ctx.core.db)))
  }
}
