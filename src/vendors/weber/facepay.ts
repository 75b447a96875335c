/**
 * Face payment (weber.md, "Face Payment" endpoints; vendor-notes §1.7): accounts, wallets and
 * transactions. The money step of a payment is one SQLite transaction run after every asynchronous
 * step, so concurrent payments on one account never lose or double a debit (store.ts, `pay`).
 */
import type { FastifyRequest } from 'fastify'
import { hashDistance, type DecodedImage } from '../../core/images.js'
import { catalogue } from './errors.js'
import { goStruct, type GoValue } from './gojson.js'
import { Upstream, type NodefluxJob } from './nodeflux.js'
import type { Weber } from './service.js'
import { firstFailure, isPositiveInt64, max, min, numeric, required } from './validator.js'

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

/**
 * POST /api/v1/face-payment/account: one path, two operations, chosen by data.images (§1.7.1).
 * Without images it validates (nothing is stored); with images it creates the account, without any
 * field validation: liveness, then the face enrolled at Nodeflux under the raw phone, then the row.
 */
export async function postAccount (w: Weber, request: FastifyRequest, body: GoValue<typeof AccountBody>): Promise<Msg> {
  const visitor = w.session(request, body.session_id)
  const ns = w.ns(request)
  const prefixed = w.phonePrefix(visitor) + body.phone
  const images = body.data.images
  if (images.length === 0) {
    // Validate: the document's rules (Weber rulings: phone required and numeric only).
    const failure = firstFailure([
      ['full_name', body.full_name, [required, min(2), max(255)]],
      ['phone', body.phone, [required, numeric]],
      ['have_twin', body.have_twin, [required]]
    ])
    if (failure !== undefined) throw catalogue.error('validation', { message: failure })
    if (!isPositiveInt64(prefixed)) throw catalogue.error('phone-not-positive')
    if (w.store.phoneTaken(ns, prefixed)) throw catalogue.error('phone-exists')
    w.decide(request, body.session_id, body)
    return msg('Phone number is valid')
  }

  const outcome = w.decide(request, body.session_id, body)
  const upstream = new Upstream(w.ctx, request, outcome)
  const liveness = await upstream.faceLiveness(images)
  // A failed liveness job (an unreadable image) has no live result either (README, guesses).
  if (!live(liveness)) throw catalogue.error('liveness-false')
  const enrollment = await upstream.createFaceEnrollment(images, body.phone)
  const face = enrollment.image
  if (face !== undefined) w.store.enroll(ns, body.phone, await face.perceptualHash(), w.now(request))
  // The handler dereferences have_twin when it builds the row: absent, it panics (§1.7.1).
  if (body.have_twin === null) throw catalogue.error('panic')
  w.store.insertAccount(ns, body.session_id, body.full_name, prefixed, body.phone, body.have_twin, w.now(request))
  return msg('Face payment account registration has been successful')
}

/**
 * PATCH /api/v1/face-payment/account (§1.7.2): PIN exactly 6 digits and a positive integer, minimum
 * payment 50,000-1,000,000; the session's last account is activated and gets a new wallet.
 */
export function activateAccount (w: Weber, request: FastifyRequest, body: GoValue<typeof ActivationBody>): Msg {
  w.session(request, body.session_id)
  const failure = firstFailure([
    ['pin', body.pin, [required, numeric, min(6), max(6)]],
    ['minimum_payment', body.minimum_payment, [required, min(50_000), max(1_000_000)]]
  ])
  if (failure !== undefined) throw catalogue.error('validation', { message: failure })
  if (!isPositiveInt64(body.pin)) throw catalogue.error('pin-not-positive')
  w.decide(request, body.session_id, body)
  const s = w.ctx.settings
  if (!w.store.activate(w.ns(request), body.session_id, body.pin, body.minimum_payment, s.wallet_balance)) throw catalogue.error('where-required')
  // The document's text by default; the real code's shorter one as a setting (vendor-notes §6.3).
  return msg(s.activation_message === 'document' ? 'Account activation and wallet creation has been successful' : 'Account activated successfully')
}

type AccountData = { data: { full_name: string, phone: string, minimum_payment: number, have_twin: boolean, balance: number }, message: string, ok: true }

/** GET /api/v1/face-payment/account/:session_id (§1.7.3): the struct's field order, the phone without its prefix. */
export function getAccount (w: Weber, request: FastifyRequest, sessionId: string): AccountData {
  w.session(request, sessionId)
  const ns = w.ns(request)
  const account = w.store.activeAccount(ns, sessionId)
  if (account === undefined) throw catalogue.error('no-active-account')
  w.decide(request, sessionId, undefined)
  return {
    data: {
      full_name: account.full_name,
      phone: account.raw_phone,
      minimum_payment: account.minimum_payment,
      have_twin: account.have_twin === 1,
      balance: w.store.balance(ns, account.id)
    },
    message: 'This session id has an active face payment account',
    ok: true
  }
}

/** PATCH /api/v1/face-payment/reset-balance/:session_id (§1.7.4). */
export function resetBalance (w: Weber, request: FastifyRequest, sessionId: string): Msg {
  w.session(request, sessionId)
  const ns = w.ns(request)
  const account = w.store.activeAccount(ns, sessionId)
  if (account === undefined) throw catalogue.error('no-active-account')
  w.decide(request, sessionId, undefined)
  w.store.resetBalance(ns, account.id, w.ctx.settings.wallet_balance)
  return msg('The balance in this account has been reset successfully')
}

type CheckLimitData = { data: Array<{ balance: number, full_name: string, have_twin: boolean, is_limit: boolean }>, message: string, ok: true }

/**
 * POST /api/v1/face-payment/check-limit, the historical implementation (Weber rulings; §1.7.6):
 * is_limit when amount > minimum_payment (strict), the phone compared with the account's.
 */
export function checkLimit (w: Weber, request: FastifyRequest, body: GoValue<typeof CheckLimitBody>): CheckLimitData {
  const visitor = w.session(request, body.session_id)
  const failure = firstFailure([
    ['phone', body.phone, [required, numeric]],
    ['amount', body.amount, [required]]
  ])
  if (failure !== undefined) throw catalogue.error('validation', { message: failure })
  const ns = w.ns(request)
  const account = w.store.activeAccount(ns, body.session_id)
  if (account === undefined) throw catalogue.error('account-record-not-found')
  if (w.phonePrefix(visitor) + body.phone !== account.phone) throw catalogue.error('phone-wrong')
  w.decide(request, body.session_id, body)
  return {
    // data is a one-element array of a map: keys sorted.
    data: [{ balance: w.store.balance(ns, account.id), full_name: account.full_name, have_twin: account.have_twin === 1, is_limit: body.amount > account.minimum_payment }],
    message: 'Check limit minimum payment success',
    ok: true
  }
}

/**
 * POST /api/v1/face-payment/pay (§1.7.5), in the server's order: session → validator (amount is not
 * validated: 0 and negative amounts pass) → active account (404 "record not found") → liveness →
 * face match against the face enrolled under the REQUEST's phone → PIN when amount >= minimum payment
 * or have_twin → balance (402 when amount > balance) → debit and transaction.
 */
export async function pay (w: Weber, request: FastifyRequest, body: GoValue<typeof PayBody>): Promise<Msg> {
  w.session(request, body.session_id)
  const failure = firstFailure([
    ['phone', body.phone, [required, numeric]],
    ['pin', body.pin, [max(6)]]
  ])
  if (failure !== undefined) throw catalogue.error('validation', { message: failure })
  const ns = w.ns(request)
  const account = w.store.activeAccount(ns, body.session_id)
  if (account === undefined) throw catalogue.error('account-record-not-found')

  const outcome = w.decide(request, body.session_id, body)
  const upstream = new Upstream(w.ctx, request, outcome)
  const images = body.data.images
  if (!live(await upstream.faceLiveness(images))) throw catalogue.error('payment-not-live')
  const s = w.ctx.settings
  const enrolled = async (image: DecodedImage): Promise<boolean> => {
    const faces = w.store.enrolledFaces(ns, body.phone)
    if (faces.length === 0) return false
    if (s.face_payment_match === 'enrolled') return true
    const hash = await image.perceptualHash()
    return faces.some((f) => hashDistance(hash, f) <= s.perceptual_max_distance)
  }
  if (!matched(await upstream.faceMatchEnrollment(images, enrolled))) throw catalogue.error('payment-face-mismatch')
  if ((body.amount >= account.minimum_payment || account.have_twin === 1) && !w.store.pinMatches(account, body.pin)) throw catalogue.error('wrong-pin')
  // Everything asynchronous is done: the balance check, the debit and the transaction row are one SQLite transaction.
  if (!w.store.pay(ns, account.id, body.amount, w.now(request)).ok) throw catalogue.error('balance-not-enough')
  return msg('Payment transaction success')
}
