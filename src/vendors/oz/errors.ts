/**
 * The Oz API Lite error catalogue: oz-api-lite.md, "Method errors" (biometry, BPE-) and "Method
 * errors" (liveness, LDE-). Statuses are the document's, including 400 for the TFSS errors
 * (vendor-notes §6.40: keep 400 as documented). Messages are the document's descriptions without
 * the footnote asterisk. The body is `{"code":"BPE-002001","message":"..."}` (vendor-notes, Oz
 * rulings; the `message` key follows the ЕБС biometric-processor convention, §5).
 *
 * Then, as data: the two families of codes, the operations (their family, the role of what they
 * read, the codes they answer) and the failure table derived from them once.
 */
import { defineCatalogue } from '../../core/errors.js'
import type { FailureMap, FailureTable, OperationSpec } from '../../core/vendor/module.js'

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
}, (code, entry) => ({ status: entry.status, body: { code, message: entry.message } }))

export type OzCode = (typeof catalogue.codes)[number]

/** The two error families: the biometry processor (BPE-) and the liveness processor (LDE-). */
export type Family = 'BPE' | 'LDE'

/** What a part or a body carries: an image (a biometric sample) or a biometric template. */
export type Role = 'sample' | 'template'

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

export type OzFailure = keyof typeof FAMILY_CODES

export function codeFor (failure: OzFailure, family: Family): OzCode {
  return FAMILY_CODES[failure][family]
}

/** The family's error for a failure, with a note saying why (the body cannot: it is the document's). */
export function ozError (failure: OzFailure, family: Family, note?: string): ReturnType<typeof catalogue.error> {
  return catalogue.error(codeFor(failure, family), note === undefined ? undefined : { note })
}

interface OzOperation extends OperationSpec {
  family: Family
  /** What a part that is too large, or one too many, is: the operation's unreadable input. */
  role: Role
}

const BIOMETRY: readonly OzCode[] = ['BPE-002001', 'BPE-002002', 'BPE-001001', 'BPE-001002']
/** A method that reads an image can fail on it, and on the face it looks for. */
const READS_SAMPLE: readonly OzCode[] = ['BPE-002003', 'BPE-003001', 'BPE-003002', 'BPE-003003']
const READS_TEMPLATE: readonly OzCode[] = ['BPE-002004']
const READS_PARTS: readonly OzCode[] = ['BPE-002005']

/** Every operation by operationId (the document's methods), with the codes its table lets it answer. */
export const OPERATIONS: Readonly<Record<string, OzOperation>> = {
  'oz.version': { family: 'BPE', role: 'sample', errors: ['BPE-001001'] },
  'oz.health': { family: 'BPE', role: 'sample', errors: ['BPE-001001'] },
  'oz.extract': { family: 'BPE', role: 'sample', errors: [...BIOMETRY, ...READS_SAMPLE] },
  'oz.compare': { family: 'BPE', role: 'template', errors: [...BIOMETRY, ...READS_TEMPLATE, ...READS_PARTS] },
  'oz.verify': { family: 'BPE', role: 'sample', errors: [...BIOMETRY, ...READS_SAMPLE, ...READS_TEMPLATE, ...READS_PARTS] },
  'oz.extract_and_compare': { family: 'BPE', role: 'sample', errors: [...BIOMETRY, ...READS_SAMPLE, ...READS_PARTS] },
  'oz.compare_n': { family: 'BPE', role: 'template', errors: [...BIOMETRY, ...READS_TEMPLATE, ...READS_PARTS] },
  'oz.verify_n': { family: 'BPE', role: 'sample', errors: [...BIOMETRY, ...READS_SAMPLE, ...READS_TEMPLATE, ...READS_PARTS] },
  'oz.extract_and_compare_n': { family: 'BPE', role: 'sample', errors: [...BIOMETRY, ...READS_SAMPLE, ...READS_PARTS] },
  'oz.liveness_health': { family: 'LDE', role: 'sample', errors: ['LDE-001001'] },
  'oz.detect': { family: 'LDE', role: 'sample', errors: catalogue.codes.filter((c) => c.startsWith('LDE-')) }
}

/**
 * How an operation answers what fails before its code runs (README, "Divergences": which code):
 * an unreadable image is the family's sample error; a part or body over a limit, or one part too
 * many, the operation's unreadable input; broken or non-multipart bodies, *-002001. Other client
 * errors are not mapped: they are the family's internal error, as before.
 */
function failureMap (op: OzOperation): FailureMap {
  const contentType = codeFor('content-type', op.family)
  const unreadable = codeFor(op.role, op.family)
  return {
    image: codeFor('sample', op.family),
    'body-too-large': unreadable,
    'multipart-file-too-large': unreadable,
    'multipart-field-too-large': unreadable,
    'multipart-too-many-parts': unreadable,
    'multipart-malformed': contentType,
    'multipart-not-multipart': contentType,
    'body-malformed': contentType,
    validation: contentType,
    internal: codeFor('internal', op.family)
  }
}

export const failures: FailureTable = {
  vendor: failureMap({ family: 'BPE', role: 'sample', errors: [] }),
  byOperation: Object.fromEntries(Object.entries(OPERATIONS).map(([id, op]) => [id, failureMap(op)])),
  internal: 'BPE-001001'
}

/** The family of a vendor-local path: the liveness processor's under /v1/face/liveness/, else biometry's. */
export function familyOfPath (path: string): Family {
  return path.startsWith('/v1/face/liveness/') ? 'LDE' : 'BPE'
}
