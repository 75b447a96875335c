/**
 * Face payment (weber.md, "Face Payment" endpoints; vendor-notes §1.7): accounts, wallets and
 * transactions. The money step of a payment is one SQLite transaction run after every asynchronous
 * step, so concurrent payments on one account never lose or double a debit (store.ts, `pay`).
 */
import { hashDistance, type DecodedImage } from '../../../core/images.js'
import { catalogue } from '../errors.js'
import { goStruct, type GoValue } from '../gojson.js'
import { Upstream, type NodefluxJob } from '../nodeflux.js'
import type { WeberCall } from '../schemas.js'
import type { Account } from '../store.js'
import { firstFailure, isPositiveInt64, max, min, numeric, required } from '../validator.js'
import { checkSession, decide, phonePrefix } from './session.js'

export const AccountBody = goStruct({
  session_id: 'string',
  full_name: 'string',
  phone: 'string',
  have_twin: '*bool',
  data: goStruct({ images: '[]string' })
})

export const ActivationBody = goStruct({ session_id: 'string', pin: 'string', minimum_payment: 'int' })
export const CheckLimitBody = goStruct({ session_id: 'string', phone: 'string', amount: 'int' })
export const PayBody = goStruct({ session_id: 'string', phone: 'string', pin: 'string', amount: 'int', data: goStruct({ images: '[]string' }) })

type Msg = { message: string, ok: true }
const msg = (message: string): Msg => ({ message, ok: true })

function live (job: NodefluxJob): boolean {
  const first = job.job.result.result[0] as { face_liveness?: { live?: unknown } } | undefined
  return first?.face_liveness?.live === true
}

function matched (job: NodefluxJob): boolean {
  const first = job.job.result.result[0] as { face_match?: { match?: unknown } } | undefined
  return first?.face_match?.match === true
}

type AccountInput = GoValue<typeof AccountBody>

/**
 * POST /api/v1/face-payment/account: one path, two operations, chosen by data.images (§1.7.1).
 * Without images it validates (nothing is stored); with images it creates the account.
 */
export async function postAccount (call: WeberCall, body: AccountInput): Promise<Msg> {
  const visitor = checkSession(call, body.session_id)
  const prefixed = phonePrefix(call.settings, visitor) + body.phone
  return body.data.images.length === 0 ? validateAccount(call, body, prefixed) : await createAccount(call, body, prefixed)
}

/** Validate: the document's rules (Weber rulings: phone required and numeric only), then the phone's use. */
function validateAccount (call: WeberCall, body: AccountInput, prefixed: string): Msg {
  const failure = firstFailure([
    ['full_name', body.full_name, [required, min(2), max(255)]],
    ['phone', body.phone, [required, numeric]],
    ['have_twin', body.have_twin, [required]]
  ])
  if (failure !== undefined) throw catalogue.error('validation', { message: failure })
  if (!isPositiveInt64(prefixed)) throw catalogue.error('phone-not-positive')
  if (call.store.phoneTaken(call.namespace, prefixed)) throw catalogue.error('phone-exists')
  decide(call, body.session_id, body)
  return msg('Phone number is valid')
}

/**
 * Create, without any field validation: liveness, then the face enrolled at Nodeflux under the raw
 * phone, then the row. The enrolment is Nodeflux's state, not Weber's: it stays when the row is
 * not written (the panic below), as it would at Nodeflux.
 */
async function createAccount (call: WeberCall, body: AccountInput, prefixed: string): Promise<Msg> {
  const upstream = new Upstream(call, decide(call, body.session_id, body))
  const images = body.data.images
  // A failed liveness job (an unreadable image) has no live result either (README, guesses).
  if (!live(await upstream.faceLiveness(images))) throw catalogue.error('liveness-false')
  const face = (await upstream.createFaceEnrollment(images, body.phone)).image
  if (face !== undefined) call.store.enroll(call.namespace, body.phone, await face.perceptualHash(), call.nowMs())
  // The handler dereferences have_twin when it builds the row: absent, it panics (§1.7.1).
  if (body.have_twin === null) throw catalogue.error('panic')
  call.store.insertAccount(call.namespace, body.session_id, body.full_name, prefixed, body.phone, body.have_twin, call.nowMs())
  return msg('Face payment account registration has been successful')
}

/**
 * PATCH /api/v1/face-payment/account (§1.7.2): PIN exactly 6 digits and a positive integer, minimum
 * payment 50,000-1,000,000; the session's last account is activated and gets a new wallet (one
 * SQLite transaction: store.ts, `activate`).
 */
export function activateAccount (call: WeberCall, body: GoValue<typeof ActivationBody>): Msg {
  checkSession(call, body.session_id)
  const failure = firstFailure([
    ['pin', body.pin, [required, numeric, min(6), max(6)]],
    ['minimum_payment', body.minimum_payment, [required, min(50_000), max(1_000_000)]]
  ])
  if (failure !== undefined) throw catalogue.error('validation', { message: failure })
  if (!isPositiveInt64(body.pin)) throw catalogue.error('pin-not-positive')
  decide(call, body.session_id, body)
  const s = call.settings
  if (!call.store.activate(call.namespace, body.session_id, body.pin, body.minimum_payment, s.wallet_balance)) throw catalogue.error('where-required')
  // The document's text by default; the real code's shorter one as a setting (vendor-notes §6.3).
  return msg(s.activation_message === 'document' ? 'Account activation and wallet creation has been successful' : 'Account activated successfully')
}

/** The session's active account (404 with the endpoint's own answer when there is none). */
function activeAccount (call: WeberCall, sessionId: string, missing: 'no-active-account' | 'account-record-not-found'): Account {
  const account = call.store.activeAccount(call.namespace, sessionId)
  if (account === undefined) throw catalogue.error(missing)
  return account
}

export type AccountAnswer = {
  data: { full_name: string, phone: string, minimum_payment: number, have_twin: boolean, balance: number }
  message: string
  ok: true
}

/** GET /api/v1/face-payment/account/:session_id (§1.7.3): the struct's field order, the phone without its prefix. */
export function getAccount (call: WeberCall, sessionId: string): AccountAnswer {
  checkSession(call, sessionId)
  const account = activeAccount(call, sessionId, 'no-active-account')
  decide(call, sessionId, undefined)
  return {
    data: {
      full_name: account.full_name,
      phone: account.raw_phone,
      minimum_payment: account.minimum_payment,
      have_twin: account.have_twin === 1,
      balance: call.store.balance(call.namespace, account.id)
    },
    message: 'This session id has an active face payment account',
    ok: true
  }
}

/** PATCH /api/v1/face-payment/reset-balance/:session_id (§1.7.4). */
export function resetBalance (call: WeberCall, sessionId: string): Msg {
  checkSession(call, sessionId)
  const account = activeAccount(call, sessionId, 'no-active-account')
  decide(call, sessionId, undefined)
  call.store.resetBalance(call.namespace, account.id, call.settings.wallet_balance)
  return msg('The balance in this account has been reset successfully')
}

export type CheckLimitAnswer = {
  data: Array<{ balance: number, full_name: string, have_twin: boolean, is_limit: boolean }>
  message: string
  ok: true
}

/**
 * POST /api/v1/face-payment/check-limit, the historical implementation (Weber rulings; §1.7.6):
 * is_limit when amount > minimum_payment (strict), the phone compared with the account's.
 */
export function checkLimit (call: WeberCall, body: GoValue<typeof CheckLimitBody>): CheckLimitAnswer {
  const visitor = checkSession(call, body.session_id)
  const failure = firstFailure([
    ['phone', body.phone, [required, numeric]],
    ['amount', body.amount, [required]]
  ])
  if (failure !== undefined) throw catalogue.error('validation', { message: failure })
  const account = activeAccount(call, body.session_id, 'account-record-not-found')
  if (phonePrefix(call.settings, visitor) + body.phone !== account.phone) throw catalogue.error('phone-wrong')
  decide(call, body.session_id, body)
  const balance = call.store.balance(call.namespace, account.id)
  return {
    // data is a one-element array of a map: keys sorted.
    data: [{ balance, full_name: account.full_name, have_twin: account.have_twin === 1, is_limit: body.amount > account.minimum_payment }],
    message: 'Check limit minimum payment success',
    ok: true
  }
}

type PayInput = GoValue<typeof PayBody>

/**
 * POST /api/v1/face-payment/pay (§1.7.5), in the server's order: session → validator (amount is not
 * validated: 0 and negative amounts pass) → active account (404 "record not found") → liveness →
 * face match against the face enrolled under the REQUEST's phone → PIN when amount >= minimum payment
 * or have_twin → balance (402 when amount > balance) → debit and transaction.
 */
export async function pay (call: WeberCall, body: PayInput): Promise<Msg> {
  checkSession(call, body.session_id)
  const failure = firstFailure([
    ['phone', body.phone, [required, numeric]],
    ['pin', body.pin, [max(6)]]
  ])
  if (failure !== undefined) throw catalogue.error('validation', { message: failure })
  const account = activeAccount(call, body.session_id, 'account-record-not-found')
  const upstream = new Upstream(call, decide(call, body.session_id, body))
  const images = body.data.images
  if (!live(await upstream.faceLiveness(images))) throw catalogue.error('payment-not-live')
  if (!matched(await upstream.faceMatchEnrollment(images, async (image) => await enrolledFace(call, body.phone, image)))) {
    throw catalogue.error('payment-face-mismatch')
  }
  if (needsPin(account, body.amount) && !call.store.pinMatches(account, body.pin)) throw catalogue.error('wrong-pin')
  // Everything asynchronous is done: the balance check, the debit and the transaction row are one SQLite transaction.
  if (!call.store.pay(call.namespace, account.id, body.amount, call.nowMs()).ok) throw catalogue.error('balance-not-enough')
  return msg('Payment transaction success')
}

/** The PIN is checked when the amount reaches the minimum payment, or always for a twin (§1.7.5). */
export function needsPin (account: Account, amount: number): boolean {
  return amount >= account.minimum_payment || account.have_twin === 1
}

/**
 * Whether the picture is the face enrolled under the phone: any picture once one is enrolled
 * (setting face_payment_match "enrolled"), or one close enough to it ("perceptual").
 */
async function enrolledFace (call: WeberCall, phone: string, image: DecodedImage): Promise<boolean> {
  const faces = call.store.enrolledFaces(call.namespace, phone)
  if (faces.length === 0) return false
  if (call.settings.face_payment_match === 'enrolled') return true
  const hash = await image.perceptualHash()
  return faces.some((f) => hashDistance(hash, f) <= call.settings.perceptual_max_distance)
}
