/**
 * Oz Forensics API Lite: biometry (/v1/face/pattern/...), liveness (/v1/face/liveness/...) and
 * /version (vendor-docs/oz-api-lite.md, and the Oz rulings in vendor-notes.md). No authentication
 * (vendor-notes §5). Stateless, like the real processor: templates are held by the client, folder
 * ids are temporary. See README.md in this folder for what is emulated.
 * @see ../../core/README.md
 */
import { registerRawParser } from '../../core/body.js'
import { registerMultipart } from '../../core/multipart.js'
import type { Miss, VendorModule } from '../../core/vendor/module.js'
import { catalogue, codeFor, failures, familyOfPath, OPERATIONS, ozError } from './errors.js'
import { routes } from './routes.js'
import { BODY_LIMIT, outcomeSchema, settingsSchema, type OzSettings } from './schemas.js'
import { inspect } from './state.js'

/**
 * A known path with another method is *-002002 with HTTP 400, never 405 (oz-api-lite.md, error
 * tables; vendor-notes §5). An unknown path: 404 in the same shape (README, "Divergences").
 */
function notFound ({ path, allowed, routes }: Miss): ReturnType<typeof ozError> {
  const family = familyOfPath(path)
  const shown = (method: string): boolean => method !== 'HEAD' // Fastify's automatic HEAD of each GET
  if (allowed.length > 0) return ozError('method', family, `${path} takes ${allowed.filter(shown).join(', ')} only`)
  const api = routes.list().filter((r) => shown(r.method)).map((r) => `${r.method} ${r.path}`).join(', ')
  return catalogue.error(codeFor('method', family), { status: 404, note: `no such path; the API is ${api}` })
}

export const oz: VendorModule<OzSettings> = {
  id: 'oz',
  title: 'Oz Forensics API Lite',
  description: 'Face biometry (template extraction, 1:1 and 1:N comparison) and liveness (presentation attack detection) of Oz Forensics API Lite. No authentication.',
  prefix: '/oz',
  bodyLimit: BODY_LIMIT,
  settings: settingsSchema,
  // No tables (API Lite keeps nothing): the state shown is the callbacks core holds for Oz (state.ts).
  store: { spec: { migrations: [], tables: [] }, open: () => undefined, inspect },
  catalogue,
  operations: OPERATIONS,
  outcome: outcomeSchema,
  failures,
  notFound,
  cors: { headers: ['content-transfer-encoding'], methods: ['GET', 'POST'] },
  plugin: async (app, kit) => {
    const s = kit.settings
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
    routes(app, kit)
  }
}
