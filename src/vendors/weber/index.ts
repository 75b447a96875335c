/**
 * The Weber backend (Nodeflux demo application): visitors and feedback, the services catalogue and
 * demo requests, e-KYC, face payment and passive liveness (vendor-docs/weber.md, the Weber rulings
 * and the research notes §1 in vendor-notes.md). See README.md in this folder for what is emulated.
 * @see ../../core/README.md
 */
import type { VendorModule } from '../../core/vendor/module.js'
import { catalogue, failures, operations } from './errors.js'
import { ginNotFound, registerGin } from './gin.js'
import { routes } from './routes/index.js'
import { outcomeSchema, settingsSchema, type WeberSettings } from './schemas.js'
import { inspect, storeSpec, WeberStore } from './store.js'

/**
 * gin reads bodies of any size; the sandbox stops at 16 MiB (an e-KYC request carries four images of
 * at most 1 MB each, as base64 in JSON).
 */
const BODY_LIMIT = 16 * 1024 * 1024

export const weber: VendorModule<WeberSettings, WeberStore> = {
  id: 'weber',
  title: 'Weber backend (Nodeflux demo application)',
  description: 'Visitors and feedback, the services catalogue and demo requests (Nodeflux analytics), e-KYC, face payment and ' +
    'passive liveness. No authentication: a visitor session_id travels in the body or the path.',
  prefix: '/weber',
  bodyLimit: BODY_LIMIT,
  settings: settingsSchema,
  store: { spec: storeSpec, open: (db, settings) => new WeberStore(db, settings), inspect },
  catalogue,
  // A scenario may answer any of its codes on any operation (the catalogue entries are not per endpoint).
  operations,
  outcome: outcomeSchema,
  failures,
  // gin's answers (gin.ts): OPTIONS 204, the redirect of a trailing slash, else 404 page not found.
  notFound: ginNotFound,
  // A visitor's session id and a face-payment PIN are credentials: the journal keeps them redacted.
  secrets: { fields: ['session_id', 'pin'] },
  // The real server's own CORS middleware is reproduced (gin.ts).
  cors: 'own',
  plugin: (app, kit) => {
    registerGin(app)
    routes(app, kit)
  }
}
