/**
 * FPT.AI eKYC full flow: POST /session/init, POST /ocr, POST /face/liveness (vendor-docs/
 * fpt-ekyc.vi.md, and the FPT rulings in vendor-notes.md). See README.md in this folder for what
 * is emulated, the settings, every error code and how to trigger it.
 * @see ../../core/README.md
 */
import type { VendorModule } from '../../core/vendor/module.js'
import { catalogue, failures, operations } from './errors.js'
import { routes } from './routes.js'
import { BODY_LIMIT, outcomeSchema, settingsSchema, type FptSettings } from './schemas.js'
import { FptStore, inspectSessions, storeSpec } from './store.js'

export const fpt: VendorModule<FptSettings, FptStore> = {
  id: 'fpt',
  title: 'FPT.AI eKYC',
  description: 'FPT.AI eKYC full flow: session init, OCR of the document (front then back), liveness and face match of selfies with a retry limit. Authentication: api-key header.',
  prefix: '/fpt',
  bodyLimit: BODY_LIMIT,
  settings: settingsSchema,
  store: { spec: storeSpec, open: (db) => new FptStore(db), inspect: inspectSessions },
  catalogue,
  operations,
  outcome: outcomeSchema,
  failures,
  // Unknown paths and wrong methods: the document is silent; answered in the init shape (code,
  // message) with a note for humans (README, "Divergences and guesses").
  notFound: ({ path, allowed }) => allowed.length > 0
    ? catalogue.error('405', { note: `${path} allows only POST` })
    : catalogue.error('404', { note: 'no such route; the eKYC flow is POST /session/init, POST /ocr, POST /face/liveness' }),
  auth: { header: 'api-key', description: 'Your FPT.AI API key (also accepted as api_key, the spelling of the document\'s tables). With --api-keys only the listed keys authenticate.' },
  // The journal keeps keys and session ids as a prefix and a hash (README, "The request journal").
  secrets: { headers: ['api-key', 'api_key', 'session-id'], fields: ['session-id'] },
  cors: {
    headers: ['api-key', 'api_key', 'client_uuid', 'client-uuid', 'device-type', 'session-id', 'document-type', 'side-type', 'lang', 'auto'],
    methods: ['POST']
  },
  plugin: async (app, kit) => { await routes(app, kit) }
}
