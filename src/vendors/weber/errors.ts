/**
 * The Weber backend's error answers as data. Weber has no error codes: every failure is
 * `{"message":"...","ok":false}` with an HTTP status (weber.md, "Sample Error Response" of each
 * endpoint; vendor-notes §1.3–1.11 for the undocumented ones). The keys below are the sandbox's names
 * for those answers (used by scenarios: `outcome: { error: wrong-pin }`); the messages are the
 * server's, verbatim. `detail.message` carries the text of the answers whose text varies (validator
 * messages, upstream errors, "Undefined implementation of: <slug>").
 */
import { defineCatalogue } from '../../core/errors.js'
import type { FailureTable } from '../../core/vendor/module.js'

export const catalogue = defineCatalogue('weber', {
  // Sessions (vendor-notes §1.3): every endpoint but the catalogue.
  'session-invalid': { status: 401, message: 'Session ID is not valid' },
  'session-expired': { status: 401, message: 'Session ID has expired' },
  // go-playground validator messages (§1.4); the text comes in detail.message.
  validation: { status: 400, message: '<field> is a required field' },
  'email-invalid': { status: 400, message: 'email is invalid' },
  'comment-required': { status: 400, message: 'Your comment for this feedback is required' },
  // gorm's ErrRecordNotFound passed through as the message: 500 where the server does not look at it (§1.5, §1.8).
  'record-not-found': { status: 500, message: 'record not found' },
  // ... and 404 on pay and check-limit (§1.7.5, §1.7.6).
  'account-record-not-found': { status: 404, message: 'record not found' },
  'invalid-id': { status: 400, message: "Expected an integer value from argument 'id'" },
  'invalid-type': { status: 400, message: "Value of argument '?type=' is not valid" },
  'service-not-found': { status: 404, message: 'Service not found' },
  'undefined-implementation': { status: 500, message: 'Undefined implementation of: <slug>' },
  // An analytic (Nodeflux) or innovation call fails: 500 with the Go error text (§1.8, §1.9).
  'upstream-error': { status: 500, message: '<the upstream error text>' },
  // face-occlusion-attribute: the face-detection step refuses the picture (§1.8), upstream message.
  'face-detection-failed': { status: 400, message: '<the face-detection message>' },
  // Face payment (weber.md "Face Payment"; §1.7).
  'liveness-false': { status: 400, message: 'Liveness result for the inputted image is false' },
  'phone-not-positive': { status: 400, message: 'phone must be a valid positive numeric value' },
  'phone-exists': { status: 400, message: 'phone number already exist, try to use another number' },
  'pin-not-positive': { status: 400, message: 'pin must be a valid positive numeric value' },
  'no-active-account': { status: 404, message: 'This session id does not have an active face payment account' },
  'phone-wrong': { status: 401, message: 'Your phone number is wrong' },
  'payment-not-live': { status: 400, message: 'Face payment has failed, try to get clear image and accordance with guideline.' },
  'payment-face-mismatch': { status: 400, message: 'Face payment has failed, face does not match the registered face.' },
  'wrong-pin': { status: 401, message: 'Wrong pin!' },
  'balance-not-enough': { status: 402, message: 'Your balance is not enough to make this transaction' },
  // gorm's ErrMissingWhereClause: activation without any registered account (§1.7.2, inferred).
  'where-required': { status: 500, message: 'WHERE conditions required' },
  // A Go panic caught by gin's Recovery: 500 with an empty body (§1.1; rulings, General).
  panic: { status: 500, message: '' },
  // Not the real server's (gin reads any body); the sandbox's body limit, in Go's words (README).
  'body-too-large': { status: 413, message: 'http: request body too large' },
  // A body that ends before its announced length (or does not arrive in time): Go's decoder error.
  'unexpected-eof': { status: 400, message: 'unexpected EOF' }
}, (code, entry, detail) => {
  if (code === 'panic') return { status: entry.status, body: '' }
  const message = typeof detail.message === 'string' ? detail.message : entry.message
  return { status: entry.status, body: { message, ok: false } }
})

export type WeberCode = (typeof catalogue.codes)[number]

/**
 * Codes a scenario may answer with `outcome: { error: ... }`: not the ones that need a text (see the
 * outcome vocabulary), nor the body decoder's own answer.
 */
const NOT_FOR_SCENARIOS: readonly string[] = ['validation', 'upstream-error', 'face-detection-failed', 'undefined-implementation', 'unexpected-eof']
export const scenarioCodes = catalogue.codes.filter((c) => !NOT_FOR_SCENARIOS.includes(c)) as [WeberCode, ...WeberCode[]]

const SESSION = ['session-invalid', 'session-expired'] as const
/** What any route with a JSON body can meet before or around its handler. */
const BODY = ['body-too-large', 'unexpected-eof', 'panic'] as const

/**
 * What each operation answers (weber.md per endpoint; vendor-notes §1.3-§1.11): a scenario's `error`
 * must be one of its operation's (core checks it when the scenario files load).
 */
export const operations: Record<string, { errors: readonly WeberCode[] }> = {
  'weber.ping': { errors: ['panic'] },
  'weber.listServices': { errors: ['invalid-type', 'panic'] },
  'weber.getService': { errors: ['service-not-found', 'panic'] },
  'weber.requestService': { errors: [...SESSION, 'invalid-id', 'record-not-found', 'undefined-implementation', 'upstream-error', 'face-detection-failed', ...BODY] },
  'weber.createVisitor': { errors: ['validation', 'email-invalid', ...BODY] },
  'weber.createActivity': { errors: [...SESSION, 'record-not-found', ...BODY] },
  'weber.createFeedback': { errors: [...SESSION, 'validation', 'comment-required', 'record-not-found', ...BODY] },
  'weber.ekyc': { errors: [...SESSION, 'upstream-error', ...BODY] },
  'weber.getFacePaymentAccount': { errors: [...SESSION, 'no-active-account', 'panic'] },
  'weber.facePaymentAccount': { errors: [...SESSION, 'validation', 'phone-not-positive', 'phone-exists', 'liveness-false', 'upstream-error', ...BODY] },
  'weber.activateFacePaymentAccount': { errors: [...SESSION, 'validation', 'pin-not-positive', 'where-required', ...BODY] },
  'weber.checkLimit': { errors: [...SESSION, 'validation', 'phone-wrong', 'account-record-not-found', ...BODY] },
  'weber.pay': { errors: [...SESSION, 'validation', 'payment-not-live', 'payment-face-mismatch', 'wrong-pin', 'balance-not-enough', 'account-record-not-found', 'upstream-error', ...BODY] },
  'weber.resetBalance': { errors: [...SESSION, 'no-active-account', 'panic'] },
  'weber.passiveLiveness': { errors: [...SESSION, 'upstream-error', ...BODY] }
}

/**
 * What fails before a handler runs: a body over the sandbox's limit is 413 in Go's words; a body cut
 * short of its length, or too slow to arrive, is what Go's decoder says of it. Anything unexpected is
 * what a Go panic looks like through gin's Recovery: an empty 500.
 */
export const failures: FailureTable = {
  vendor: { 'body-too-large': 'body-too-large', 'body-malformed': 'unexpected-eof' },
  internal: 'panic'
}
