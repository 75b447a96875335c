/**
 * The Weber backend (Nodeflux demo application): visitors and feedback, the services catalogue and
 * demo requests, e-KYC, face payment and passive liveness (vendor-docs/weber.md, the Weber rulings
 * and the research notes §1 in vendor-notes.md). See README.md in this folder for what is emulated.
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import { fastifyErrorCode, RawResponse } from '../../core/errors.js'
import type { VendorModule } from '../../core/vendor.js'
import { catalogue } from './errors.js'
import { leaveUntouched, registerGin } from './http.js'
import { OPERATIONS, routes } from './routes.js'
import { outcomeSchema, settingsSchema, type WeberSettings } from './schemas.js'
import { Weber } from './service.js'
import { storeSpec, WeberStore } from './store.js'
import { inspect } from './inspect.js'

/**
 * gin reads bodies of any size; the sandbox stops at 16 MiB (an e-KYC request carries four images of
 * at most 1 MB each, as base64 in JSON).
 */
const BODY_LIMIT = 16 * 1024 * 1024

export const weber: VendorModule<WeberSettings> = {
  id: 'weber',
  title: 'Weber backend (Nodeflux demo application)',
  description: 'Visitors and feedback, the services catalogue and demo requests (Nodeflux analytics), e-KYC, face payment and passive liveness. No authentication: a visitor session_id travels in the body or the path.',
  prefix: '/weber',
  bodyLimit: BODY_LIMIT,
  settings: settingsSchema,
  store: storeSpec,
  scenarios: { operations: OPERATIONS, outcome: outcomeSchema },
  // The real server's own CORS middleware is reproduced (http.ts).
  cors: 'own',
  inspect,
  plugin: async (app: FastifyInstance, { ctx }) => {
    const w = new Weber(ctx, new WeberStore(ctx.core.db))
    registerGin(app)

    const handle = ctx.errorHandler({
      catalogue,
      map: (err) => {
        const code = fastifyErrorCode(err)
        if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return catalogue.error('body-too-large')
        // A body that ends before its announced length: Go's decoder says "unexpected EOF".
        if (code?.startsWith('FST_ERR_CTP') === true) return { status: 400, body: { message: 'unexpected EOF', ok: false } }
        return undefined
      },
      // Anything unexpected is what a Go panic looks like through gin's Recovery: an empty 500.
      internal: () => catalogue.error('panic')
    })
    app.setErrorHandler((err, request, reply) => {
      if (err instanceof RawResponse) leaveUntouched(request)
      return handle(err as FastifyError, request, reply)
    })

    routes(app, w)
  }
}
