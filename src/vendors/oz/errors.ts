/**
 * The Oz API Lite error catalogue: oz-api-lite.md, "Method errors" (biometry, BPE-) and "Method
 * errors" (liveness, LDE-). Statuses are the document's, including 400 for the TFSS errors
 * (vendor-notes §6.40: keep 400 as documented). Messages are the document's descriptions without
 * the footnote asterisk. The body is `{"code":"BPE-002001","message":"..."}` (vendor-notes, Oz
 * rulings; the `message` key follows the ЕБС biometric-processor convention, §5).
 */
import { defineCatalogue } from '../../core/errors.js'

export const catalogue = defineCatalogue('oz', {
  // Biometry (BPE-)
  'BPE-002001': { status: 400, message: 'Invalid Content-Type of HTTP request' },
  'BPE-002002': { status: 400, message: 'Invalid HTTP request method' },
  'BPE-002003': { status: 400, message: 'Failed to read the biometric sample' },
  'BPE-002004': { status: 400, message: 'Failed to read the biometric template' },
  'BPE-002005': { status: 400, message: 'Invalid Content-Type of the multiparted HTTP request part' },
  'BPE-003001': { status: 400, message: 'Failed to retrieve the biometric template' },
  'BPE-003002': { status: 400, message: 'The biometric sample is missing face' },
  'BPE-003003': { status: 400, message: 'More than one person is present on the biometric sample' },
  'BPE-001001': { status: 500, message: 'Internal bioprocessor error' },
  'BPE-001002': { status: 400, message: 'TFSS error. Call the biometry health method.' },
  // Liveness (LDE-)
  'LDE-002001': { status: 400, message: 'Invalid Content-Type of HTTP request' },
  'LDE-002002': { status: 400, message: 'Invalid HTTP request method' },
  'LDE-002004': { status: 400, message: 'Failed to extract the biometric sample' },
  'LDE-002005': { status: 400, message: 'Invalid Content-Type of the multiparted HTTP request part' },
  'LDE-001001': { status: 500, message: 'Liveness detection processor internal error' },
  'LDE-001002': { status: 400, message: 'TFSS error. Call the Liveness health method.' }
}, (code, entry, detail) => ({
  status: typeof detail.status === 'number' ? detail.status : entry.status,
  body: { code, message: entry.message },
  // Where the vendor's answer cannot say why (an unknown path, which part was wrong), a note for humans, outside the body.
  ...(typeof detail.note === 'string' ? { headers: { 'x-sandbox-note': detail.note } } : {})
}))

export type OzCode = (typeof catalogue.codes)[number]

/** The two error families: the biometry processor (BPE-) and the liveness processor (LDE-). */
export type Family = 'BPE' | 'LDE'

/**
 * The same failure in each family. The liveness table has no "template" or "face" rows: an
 * unreadable media there is LDE-002004 ("Failed to extract the biometric sample").
 */
const FAMILY_CODES = {
  'content-type': { BPE: 'BPE-002001', LDE: 'LDE-002001' },
  method: { BPE: 'BPE-002002', LDE: 'LDE-002002' },
  sample: { BPE: 'BPE-002003', LDE: 'LDE-002004' },
  template: { BPE: 'BPE-002004', LDE: 'LDE-002004' },
  'part-type': { BPE: 'BPE-002005', LDE: 'LDE-002005' },
  internal: { BPE: 'BPE-001001', LDE: 'LDE-001001' }
} as const satisfies Record<string, Record<Family, OzCode>>

export type Failure = keyof typeof FAMILY_CODES

export function codeFor (failure: Failure, family: Family): OzCode {
  return FAMILY_CODES[failure][family]
}

export function ozError (failure: Failure, family: Family, note?: string): ReturnType<typeof catalogue.error> {
  return catalogue.error(codeFor(failure, family), note === undefined ? undefined : { note })
}
