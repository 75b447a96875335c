/**
 * Gtriip (Trevo) Liveness Check API: POST /liveness/ (vendor-docs/gtriip-liveness.md, and the
 * Gtriip rulings in vendor-notes.md). See README.md in this folder for what is emulated.
 * @see ../../core/README.md
 */
import { registerFormParser } from '../../core/body.js'
import { registerMultipart } from '../../core/multipart.js'
import type { VendorModule } from '../../core/vendor/module.js'
import { catalogue, failures } from './errors.js'
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
  catalogue,
  operations: { 'gtriip.liveness': { errors: catalogue.codes } },
  outcome: outcomeSchema,
  failures,
  // The API has one route; anything else gets the vendor's error shape, with a note for humans.
  notFound: ({ allowed }) => catalogue.error('004', allowed.length > 0
    ? { status: 405, note: 'the Liveness Check API allows only POST on /liveness/' }
    : { status: 404, note: 'no such route; the Liveness Check API is POST /liveness/ (with the trailing slash)' }),
  auth: { header: 'x-api-key', description: 'Your Gtriip API key (vendor Readme: header x-api-key). With --api-keys only the listed keys authenticate.' },
  secrets: { headers: ['x-api-key'] },
  cors: { headers: ['x-api-key'], methods: ['POST'] },
  plugin: async (app, kit) => {
    await registerMultipart(app, {
      limits: { fileSize: kit.settings.max_image_bytes, fieldSize: BODY_LIMIT, files: 2, fields: 10, parts: 12 }
    })
    registerFormParser(app)
    routes(app, kit)
  }
}
