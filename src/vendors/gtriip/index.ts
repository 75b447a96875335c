/**
 * Gtriip (Trevo) Liveness Check API: POST /liveness/ (vendor-docs/gtriip-liveness.md, and the
 * Gtriip rulings in vendor-notes.md). See README.md in this folder for what is emulated.
 */
import type { FastifyInstance } from 'fastify'
import { registerFormParser } from '../../core/body.js'
import { fastifyErrorCode } from '../../core/errors.js'
import { ImageError } from '../../core/images.js'
import { MultipartError, registerMultipart } from '../../core/multipart.js'
import type { VendorModule } from '../../core/vendor.js'
import { catalogue } from './errors.js'
import { routes } from './routes.js'
import { outcomeSchema, settingsSchema, type GtriipSettings } from './schemas.js'

/** Big enough for a 10 MB image as URL-encoded base64; anything larger is 003 without reading further. */
const BODY_LIMIT = 40 * 1024 * 1024

export const gtriip: VendorModule<GtriipSettings> = {
  id: 'gtriip',
  title: 'Gtriip Liveness Check API',
  description: 'Passive liveness of a selfie (Gtriip / Trevo KYC API). Authentication: x-api-key header.',
  prefix: '/gtriip',
  bodyLimit: BODY_LIMIT,
  settings: settingsSchema,
  store: { migrations: [], tables: [] },
  scenarios: { operations: ['gtriip.liveness'], outcome: outcomeSchema },
  cors: { headers: ['x-api-key'], methods: ['POST'] },
  plugin: async (app: FastifyInstance, { ctx }) => {
    await registerMultipart(app, {
      limits: { fileSize: ctx.settings.max_image_bytes, fieldSize: BODY_LIMIT, files: 2, fields: 10, parts: 12 }
    })
    registerFormParser(app)

    app.setErrorHandler(ctx.errorHandler({
      catalogue,
      map: (err) => {
        if (err instanceof ImageError) return catalogue.error('002')
        if (err instanceof MultipartError) return catalogue.error(err.kind.endsWith('too-large') ? '003' : '004')
        const code = fastifyErrorCode(err)
        if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return catalogue.error('003')
        // Malformed JSON, unsupported content type, empty body, bad multipart: "not in the correct format".
        if (code?.startsWith('FST_ERR_CTP') === true || code === 'FST_ERR_VALIDATION') return catalogue.error('004')
        return undefined
      },
      internal: () => catalogue.error('005')
    }))

    // The API has one route; anything else gets the vendor's error shape, with a note for humans.
    const livenessPath = `${app.prefix}/liveness/`
    app.setNotFoundHandler((request, reply) => {
      const onLiveness = request.url.split('?')[0] === livenessPath
      const rendered = catalogue.render(catalogue.error('004', {
        note: onLiveness ? 'the Liveness Check API allows only POST on /liveness/' : 'no such route; the Liveness Check API is POST /liveness/ (with the trailing slash)'
      }))
      return ctx.sendRendered(reply, { ...rendered, status: onLiveness ? 405 : 404 })
    })

    routes(app, ctx)
  }
}
