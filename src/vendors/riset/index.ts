/**
 * Riset.ai Liveness API: POST /liveness-api/verify-face-liveness (vendor-docs/riset-liveness.md, the
 * document's version: one request with `images` + `face_parameters`), plus the AuthTenant token
 * endpoints POST /oauth/client/token and /oauth/token/revoke (vendor-notes §4 and the Riset ruling).
 * See README.md in this folder for what is emulated.
 * @see ../../core/README.md
 */
import { registerFormParser } from '../../core/body.js'
import type { VendorModule } from '../../core/vendor/module.js'
import { catalogue, documentedCodes, failures, refuse } from './errors.js'
import { PATHS, routes } from './routes.js'
import { outcomeSchema, settingsSchema, type RisetSettings } from './schemas.js'
import { store, type TokenStore } from './store.js'

/**
 * 9 images (max_images: one per face parameter) of 4 MiB (max_image_bytes) as base64 are about 48 MiB
 * of JSON: 64 MiB holds them with room for the other fields. A larger body is refused unread with 493
 * (image error).
 */
const BODY_LIMIT = 64 * 1024 * 1024

/** Scenarios may choose any code of the vendor's list on any route (the list is one table for every API). */
const ANY_LISTED_CODE = { errors: documentedCodes }

export const riset: VendorModule<RisetSettings, TokenStore> = {
  id: 'riset',
  title: 'Riset.ai Liveness API',
  description: 'Active and passive face liveness on a set of images, one per requested pose (Riset.ai). Authentication: an oauth Accesstoken, raw, in the Accesstoken header; obtain one from POST /oauth/client/token.',
  prefix: '/riset',
  bodyLimit: BODY_LIMIT,
  settings: settingsSchema,
  store,
  catalogue,
  operations: {
    'riset.verifyFaceLiveness': ANY_LISTED_CODE,
    'riset.clientToken': ANY_LISTED_CODE,
    'riset.revokeToken': ANY_LISTED_CODE
  },
  outcome: outcomeSchema,
  failures,
  // Unknown paths and wrong methods: Riset documents no answer; ours keeps its shape (README).
  notFound: ({ path, allowed }) => allowed.length > 0
    ? refuse('405', `only ${allowed.join(', ')} is allowed on ${path}`)
    : refuse('404', `no such route; Riset.ai serves POST ${Object.values(PATHS).join(', POST ')}`),
  auth: { header: 'accesstoken', description: 'The Accesstoken, raw (no "Bearer"): obtain one from POST /oauth/client/token. With --api-keys, the listed values are accepted as tokens too.' },
  // The journal keeps tokens as a prefix and a hash (README, "The request journal").
  secrets: { headers: ['accesstoken'], fields: ['access_token'] },
  cors: { headers: ['accesstoken'], methods: ['POST'] },
  plugin: (app, kit) => {
    // authtenant.md: the token endpoints take x-www-form-urlencoded bodies.
    registerFormParser(app)
    routes(app, kit)
  }
}
