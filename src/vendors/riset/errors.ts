/**
 * The Riset.ai status codes (vendor-notes.md §4, the list of `others/list-of-status-code.md`, the same
 * at the seed's commit). One table serves every Riset API; the liveness route returns only some of
 * its codes (see README.md), the others stay reachable by scenario.
 *
 * Wire shape: `{"status":"<code>","status_message":"<meaning>"}`: `status` is a string (ruling;
 * ambiguity 33) and the HTTP status mirrors it (ruling: "For errors the HTTP status mirrors the body
 * `status`"). `status_message` is the meaning from the table (ruling), with the document's markdown
 * backticks dropped and its typo "Accestoken" spelled as the header is.
 *
 * 404 and 405 are not in the vendor's table: they answer unknown paths and wrong methods, in the same
 * shape (README, "Divergences and guesses"), and scenarios cannot choose them.
 */
import { defineCatalogue, type VendorError } from '../../core/errors.js'
import type { FailureTable } from '../../core/vendor/module.js'

interface Entry { status: number, message: string, documented: boolean }

/** Code and meaning, in the table's order; `false` marks the sandbox's own (undocumented) entries. */
const TABLE = [
  ['400', 'Request malformed'],
  ['401', 'Accesstoken not authorized'],
  ['403', 'Requested resource denied'],
  ['404', 'Not Found', false],
  ['405', 'Method Not Allowed', false],
  ['411', 'Face not verified or unregistered'],
  ['412', 'Face not detected'],
  ['413', 'Face too small'],
  ['415', 'user_id not found'],
  ['416', 'facegallery_id not found'],
  ['451', 'image is null'],
  ['452', 'user_id is null'],
  ['453', 'user_name is null'],
  ['454', 'facegallery_id is null'],
  ['455', 'target_image is null'],
  ['456', 'source_image is null'],
  ['490', 'Cannot decode image base64'],
  ['491', 'image type not recognized'],
  ['492', 'Cannot decode target_image base64'],
  ['493', 'image error'],
  ['494', 'Cannot decode source_image base64'],
  ['495', 'source_image type not recognized'],
  ['500', 'Server error']
] as const satisfies ReadonlyArray<readonly [string, string, false?]>

type Code = (typeof TABLE)[number][0]

// The HTTP status is the code itself (ruling).
const entries = Object.fromEntries(TABLE.map(([code, message, documented]) =>
  [code, { status: Number(code), message, documented: documented ?? true }])) as Record<Code, Entry>

// Riset says only the code; why (the error's note) goes, for humans, in core's x-sandbox-note header.
export const catalogue = defineCatalogue('riset', entries, (code, e) => ({
  status: e.status,
  body: { status: code, status_message: e.message }
}))

export type RisetCode = (typeof catalogue.codes)[number]

/** The codes of the vendor's table (every code but the sandbox's 404/405): what scenarios may choose. */
export const documentedCodes = catalogue.codes.filter((c) => catalogue.entries[c].documented) as [RisetCode, ...RisetCode[]]

/**
 * What core detects before (or for) the service: on the liveness route only images make a body too
 * large, so it is 493 "image error"; an image that does not decode is 451 (no bytes), 490 (not
 * base64), 491 (not JPG/PNG) or 493 (too large, too many pixels, corrupt), as the list of status
 * codes names them. On the token routes a body too large is "Request malformed", like any other
 * body, form or validation failure.
 */
export const failures: FailureTable = {
  vendor: { image: '493', default: '400' },
  byOperation: {
    'riset.verifyFaceLiveness': { 'body-too-large': '493', 'image-empty': '451', 'image-bad-base64': '490', 'image-unsupported': '491' }
  },
  internal: '500'
}

/** Throw-ready vendor error with a note saying which check refused the request. */
export function refuse (code: RisetCode, note: string): VendorError {
  return catalogue.error(code, { note })
}
