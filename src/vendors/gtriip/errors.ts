/**
 * The Gtriip Liveness Check error catalogue: gtriip-liveness.md, "List of Error Messages and Error
 * Codes". Messages are the document's, verbatim. HTTP statuses are undocumented; they are our
 * ruling (vendor-notes.md, Rulings, Gtriip): 001 → 401, 002/004/051/052 → 400, 003 → 413, 005 → 500.
 * The body is always {"success":false,"error_code":"0NN","error_message":"..."} (error_code is a
 * zero-padded string).
 */
import { defineCatalogue } from '../../core/errors.js'
import type { FailureTable } from '../../core/vendor/module.js'

export const catalogue = defineCatalogue('gtriip', {
  '001': { status: 401, message: 'API key is either missing or incorrect.' },
  '002': { status: 400, message: 'Error reading image, please check the request format.' },
  '003': { status: 413, message: 'Image file size is too large.' },
  '004': { status: 400, message: 'Request is not in the correct format.' },
  '005': { status: 500, message: 'Server internal error, please try again.' },
  '051': { status: 400, message: 'No face, or more than one face is detected in the selfie.' },
  '052': { status: 400, message: 'Face mask is detected, please remove the face mask and try again.' }
}, (code, entry) => ({
  status: entry.status,
  body: { success: false, error_code: code, error_message: entry.message }
}))

export type GtriipCode = (typeof catalogue.codes)[number]

/**
 * What the request or its image fails on before the engine runs: an unreadable image is 002, a too
 * large one (or a body over the limit) 003, anything else about the request's format 004.
 */
export const failures: FailureTable = {
  vendor: {
    image: '002',
    'image-too-large': '003',
    'body-too-large': '003',
    'multipart-file-too-large': '003',
    'multipart-field-too-large': '003',
    default: '004'
  },
  internal: '005'
}
