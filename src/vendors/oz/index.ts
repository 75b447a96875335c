/**
 * Oz Forensics API Lite: biometry (/v1/face/pattern/...), liveness (/v1/face/liveness/...) and
 * /version (vendor-docs/oz-api-lite.md, and the Oz rulings in vendor-notes.md). No authentication
 * (vendor-notes §5). Stateless, like the real processor: templates are held by the client, folder
 * ids are temporary. See README.md in this folder for what is emulated.
 * @see ../../core/README.md
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { registerRawParser } from '../../core/body.js'
import { fastifyErrorCode } from '../../core/errors.js'
import { ImageError } from '../../core/images.js'
import { MultipartError, registerMultipart } from '../../core/multipart.js'
import { operationOf, type VendorModule } from '../../core/vendor.js'
import { catalogue, ozError, type Family } from './errors.js'
import { PATHS, routes } from './routes.js'
import { BODY_LIMIT, outcomeSchema, settingsSchema, type OzSettings } from './schemas.js'
import { inspect } from './inspect.js'

const OPERATIONS = [
  'oz.version', 'oz.health', 'oz.extract', 'oz.compare', 'oz.verify', 'oz.extract_and_compare',
  'oz.compare_n', 'oz.verify_n', 'oz.extract_and_compare_n', 'oz.liveness_health', 'oz.detect'
] as const

/** Operations whose parts are all templates: a part they cannot take is a template failure. */
const TEMPLATE_ONLY = new Set(['oz.compare', 'oz.compare_n'])
/** Operations whose body is raw bytes (an image): a body over the limit is an unreadable sample. */
const RAW_BODY = new Set(['oz.extract', 'oz.detect'])

function familyOf (request: FastifyRequest): Family {
  const op = operationOf(request) ?? ''
  return op === 'oz.detect' || op === 'oz.liveness_health' ? 'LDE' : 'BPE'
}

export const oz: VendorModule<OzSettings> = {
  id: 'oz',
  title: 'Oz Forensics API Lite',
  description: 'Face biometry (template extraction, 1:1 and 1:N comparison) and liveness (presentation attack detection) of Oz Forensics API Lite. No authentication.',
  prefix: '/oz',
  bodyLimit: BODY_LIMIT,
  settings: settingsSchema,
  store: { migrations: [], tables: [] },
  scenarios: { operations: OPERATIONS, outcome: outcomeSchema },
  cors: { headers: ['content-transfer-encoding'], methods: ['GET', 'POST'] },
  inspect,
  plugin: async (app: FastifyInstance, { ctx }) => {
    const s = ctx.settings
    // Every body is read by the handlers: multipart by @fastify/multipart, everything else as raw
    // bytes, so a JSON or text body reaches the handler and gets the vendor's *-002001, not a parser error.
    app.removeAllContentTypeParsers()
    await registerMultipart(app, {
      limits: {
        // The largest part: a media in base64 transfer mode (4/3 of its bytes, plus line breaks).
        fileSize: Math.ceil(Math.max(s.max_media_bytes, s.max_sample_bytes) * 4 / 3) + 64 * 1024,
        fieldSize: s.max_payload_bytes,
        files: s.max_n + 2,
        fields: 4,
        parts: s.max_n + 6
      },
      // Parts without a filename carry samples and templates (vendor-notes, Oz rulings): they must
      // be read as bytes, never as text. `payload` is read as bytes too and parsed by the handler.
      isPartAFile: () => true
    })
    registerRawParser(app, '*')

    app.setErrorHandler(ctx.errorHandler({
      catalogue,
      map: (err, request) => {
        const family = familyOf(request)
        const op = operationOf(request) ?? ''
        const role = TEMPLATE_ONLY.has(op) ? 'template' : 'sample'
        if (err instanceof ImageError) return ozError('sample', family, err.message)
        if (err instanceof MultipartError) {
          if (err.kind.endsWith('too-large') || err.kind === 'too-many-parts') return ozError(role, family, err.message)
          return ozError('content-type', family, `malformed multipart/form-data: ${err.message}`)
        }
        const code = fastifyErrorCode(err)
        if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return RAW_BODY.has(op) ? ozError('sample', family, `the body is larger than ${BODY_LIMIT} bytes`) : ozError('content-type', family, 'the body must be multipart/form-data')
        }
        if (code?.startsWith('FST_ERR_CTP') === true || code === 'FST_ERR_VALIDATION') return ozError('content-type', family, err.message)
        return undefined
      },
      internal: (_err, request) => ozError('internal', familyOf(request))
    }))

    // A known path with another method is *-002002 with HTTP 400, never 405 (oz-api-lite.md, error
    // tables; vendor-notes §5). An unknown path: 404 in the same shape (README, "Divergences").
    const known = new Map(PATHS.map((p) => [`${app.prefix}${p.path}`, p]))
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? ''
      const hit = known.get(path)
      if (hit !== undefined) {
        return ctx.sendRendered(reply, catalogue.render(ozError('method', hit.family, `${hit.path} takes ${hit.method} only`)))
      }
      const family: Family = path.startsWith(`${app.prefix}/v1/face/liveness/`) ? 'LDE' : 'BPE'
      return ctx.sendRendered(reply, catalogue.render(catalogue.error(family === 'LDE' ? 'LDE-002002' : 'BPE-002002', {
        status: 404,
        note: `no such path; the API is ${PATHS.map((p) => `${p.method} ${p.path}`).join(', ')}`
      })))
    })

    routes(app, ctx)
  }
}
