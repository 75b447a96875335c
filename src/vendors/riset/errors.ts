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

export const catalogue = defineCatalogue('riset', entries, (code, e, detail) => ({
  status: e.status,
  body: { status: code, status_message: e.message },
  // Riset says only the code; the sandbox adds why, for humans, outside the body.
  ...(typeof detail.note === 'string' ? { headers: { 'x-sandbox-note': detail.note } } : {})
}))

export type RisetCode = (typeof catalogue.codes)[number]

/** The codes of the vendor's table (every code but the sandbox's 404/405): what scenarios may choose. */
export const documentedCodes = catalogue.codes.filter((c) => catalogue.entries[c].documented) as [RisetCode, ...RisetCode[]]

/** Throw-ready vendor error with a note saying which check refused the request. */
export function refuse (code: RisetCode, note: string): VendorError {
  return catalogue.error(code, { note })
}
