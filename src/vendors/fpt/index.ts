/**
 * FPT.AI eKYC full flow: POST /session/init, POST /ocr, POST /face/liveness (vendor-docs/
 * fpt-ekyc.vi.md, and the FPT rulings in vendor-notes.md). See README.md in this folder for what
 * is emulated, the settings, every error code and how to trigger it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { fastifyErrorCode } from '../../core/errors.js'
import { ImageError } from '../../core/images.js'
import { MultipartError } from '../../core/multipart.js'
import { operationOf, type VendorModule } from '../../core/vendor.js'
import { catalogue, type Shape } from './errors.js'
import { routes } from './routes.js'
import { BODY_LIMIT, outcomeSchema, settingsSchema, type FptSettings } from './schemas.js'
import { FptService } from './service.js'
import { FptStore, storeSpec } from './store.js'
import { inspect } from './inspect.js'

function shapeOf (request: FastifyRequest): Shape {
  const op = operationOf(request)
  return op === 'fpt.ocr' ? 'ocr' : op === 'fpt.liveness' ? 'liveness' : 'init'
}

export const fpt: VendorModule<FptSettings> = {
  id: 'fpt',
  title: 'FPT.AI eKYC',
  description: 'FPT.AI eKYC full flow: session init, OCR of the document (front then back), liveness and face match of selfies with a retry limit. Authentication: api-key header.',
  prefix: '/fpt',
  bodyLimit: BODY_LIMIT,
  settings: settingsSchema,
  store: storeSpec,
  scenarios: { operations: ['fpt.session_init', 'fpt.ocr', 'fpt.liveness'], outcome: outcomeSchema },
  cors: {
    headers: ['api-key', 'api_key', 'client_uuid', 'client-uuid', 'device-type', 'session-id', 'document-type', 'side-type', 'lang', 'auto'],
    methods: ['POST']
  },
  inspect,
  plugin: async (app: FastifyInstance, { ctx }) => {
    const service = new FptService(ctx, new FptStore(ctx.core.db))

    app.setErrorHandler(ctx.errorHandler({
      catalogue,
      map: (err, request) => {
        const shape = shapeOf(request)
        const code = fastifyErrorCode(err)
        const bodyError = err instanceof MultipartError || err instanceof ImageError || code?.startsWith('FST_ERR_CTP') === true || code === 'FST_ERR_VALIDATION'
        if (!bodyError) return undefined
        // The body could not be read as the endpoint expects it: OCR's input-file errors (7 for a
        // file or body too large, else 1), liveness's 409 "Invalid upload image"; init has no body
        // to refuse, only one too large for the gateway.
        if (shape === 'ocr') {
          const tooLarge = code === 'FST_ERR_CTP_BODY_TOO_LARGE' || (err instanceof MultipartError && (err.kind === 'file-too-large' || err.kind === 'body-too-large')) || (err instanceof ImageError && err.kind === 'too-large')
          return catalogue.error(tooLarge ? '7' : '1')
        }
        if (shape === 'liveness') return catalogue.error('409', { shape })
        return code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? catalogue.error('413-body') : undefined
      },
      internal: (_err, request) => catalogue.error('500', { shape: shapeOf(request) })
    }))

    // Unknown paths and wrong methods: the document is silent; answered in the init/liveness shape
    // (code, message) with a note for humans (README, "Divergences and guesses").
    const known = new Set(['/session/init', '/ocr', '/face/liveness'].map((p) => `${app.prefix}${p}`))
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? ''
      const rendered = known.has(path)
        ? catalogue.render(catalogue.error('405', { note: `${path} allows only POST` }))
        : catalogue.render(catalogue.error('404', { note: 'no such route; the eKYC flow is POST /session/init, POST /ocr, POST /face/liveness' }))
      return ctx.sendRendered(reply, rendered)
    })

    await routes(app, service, ctx.settings)
  }
}
