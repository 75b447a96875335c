/**
 * Face payment services without the app (weber.md "Face Payment"; vendor-notes §1.7): plain inputs,
 * the store on an in-memory database, the virtual clock in the test's hand. The wire format (gin's
 * bind, statuses, content types) is covered by facepay.test.ts.
 */
import t from 'tap'
import { weber } from '../../../src/vendors/weber/index.js'
import { activateAccount, checkLimit, getAccount, pay, postAccount, resetBalance } from '../../../src/vendors/weber/service/facepay.js'
import { phonePrefix } from '../../../src/vendors/weber/service/session.js'
import { refusal } from '../../services.js'
import { DAY_MS, face, world, type World } from './fixtures/world.js'

const ACCOUNT = 'weber.facePaymentAccount'
const ACTIVATE = 'weber.activateFacePaymentAccount'
const PAY = 'weber.pay'

interface Holder { session: string, phone: string, pin: string, face: string }

async function register (w: World, session: string, opts: { phone?: string, haveTwin?: boolean | null, image?: string } = {}): Promise<string> {
  const body = { session_id: session, full_name: 'Natasha Romanoff', phone: opts.phone ?? '081395827314', have_twin: opts.haveTwin === undefined ? false : opts.haveTwin, data: { images: [opts.image ?? await face({ seed: 11 })] } }
  return (await postAccount(w.call(ACCOUNT), body)).message
}

/** A registered and activated account (balance: the wallet_balance setting). */
async function holder (w: World, opts: { phone?: string, minimum?: number, haveTwin?: boolean } = {}): Promise<Holder> {
  const session = w.visitor()
  const phone = opts.phone ?? '081395827314'
  await register(w, session, { phone, haveTwin: opts.haveTwin ?? false })
  activateAccount(w.call(ACTIVATE), { session_id: session, pin: '133007', minimum_payment: opts.minimum ?? 50_000 })
  return { session, phone, pin: '133007', face: await face({ seed: 11 }) }
}

const payment = (h: Holder, amount: number, pin = h.pin): Parameters<typeof pay>[1] =>
  ({ session_id: h.session, phone: h.phone, pin, amount, data: { images: [h.face] } })

const balanceOf = (w: World, h: Holder): number => getAccount(w.call('weber.getFacePaymentAccount'), h.session).data.balance

t.test('Validate New Face Payment Account Data: the document\'s phone "1337" is valid, and nothing is stored', async (t) => {
  const w = world()
  const session = w.visitor()
  const r = await postAccount(w.call(ACCOUNT), { session_id: session, full_name: 'Bruce Wayne', phone: '1337', have_twin: true, data: { images: [] } })
  t.same(r, { message: 'Phone number is valid', ok: true })
  const activation = await refusal(weber, ACTIVATE, () => activateAccount(w.call(ACTIVATE), { session_id: session, pin: '133007', minimum_payment: 50_000 }))
  t.same(activation, { status: 500, body: { message: 'WHERE conditions required', ok: false } }, 'no account row to activate')
})

t.test('Validate: the first failing field in struct order, with the validator\'s message', async (t) => {
  const w = world()
  const session = w.visitor()
  const validate = async (fields: Record<string, unknown>): Promise<unknown> => (await refusal(weber, ACCOUNT, async () =>
    await postAccount(w.call(ACCOUNT), { session_id: session, full_name: 'Bruce Wayne', phone: '081234', have_twin: false, data: { images: [] }, ...fields }))).body
  t.same(await validate({ full_name: 'B', phone: '' }), { message: 'full_name must be at least 2 characters in length', ok: false })
  t.same(await validate({ phone: '08a1' }), { message: 'phone must be a valid numeric value', ok: false })
  t.same(await validate({ have_twin: null }), { message: 'have_twin is a required field', ok: false })
  t.same(await validate({ phone: '+6281234' }), { message: 'phone must be a valid positive numeric value', ok: false }, 'numeric, but not a positive integer once prefixed')
})

t.test('Create New Face Payment Account: liveness, the face enrolled under the raw phone, an inactive account', async (t) => {
  const w = world()
  const session = w.visitor()
  t.equal(await register(w, session, { phone: '0811' }), 'Face payment account registration has been successful')
  t.equal(w.store.enrolledFaces('default', '0811').length, 1, 'the face is enrolled under the phone as sent')
  const none = await refusal(weber, 'weber.getFacePaymentAccount', () => getAccount(w.call('weber.getFacePaymentAccount'), session))
  t.same(none, { status: 404, body: { message: 'This session id does not have an active face payment account', ok: false } })
})

t.test('Create: "Liveness result for the inputted image is false" when the face is not live; nothing is enrolled', async (t) => {
  const w = world()
  const session = w.visitor()
  const body = { session_id: session, full_name: 'Bruce Wayne', phone: '0811', have_twin: true, data: { images: [await face()] } }
  const r = await refusal(weber, ACCOUNT, async () => await postAccount(w.call(ACCOUNT, { outcome: { liveness: false } }), body))
  t.same(r, { status: 400, body: { message: 'Liveness result for the inputted image is false', ok: false } })
  t.same(w.store.enrolledFaces('default', '0811'), [])
})

t.test('Create without have_twin panics after the enrolment: an empty 500, no account', async (t) => {
  const w = world()
  const session = w.visitor()
  const r = await refusal(weber, ACCOUNT, async () => await register(w, session, { phone: '0811', haveTwin: null }))
  t.same(r, { status: 500, body: '' })
  t.equal(w.store.enrolledFaces('default', '0811').length, 1, 'Nodeflux has the face: the panic comes after the call')
  t.equal(w.store.activeAccount('default', session), undefined)
})

t.test('Activate: the PIN rules (6 digits, a positive integer) and the minimum payment range', async (t) => {
  const w = world()
  const session = w.visitor()
  await register(w, session)
  const activate = async (pin: string, minimum = 50_000): Promise<unknown> =>
    (await refusal(weber, ACTIVATE, () => activateAccount(w.call(ACTIVATE), { session_id: session, pin, minimum_payment: minimum }))).body
  t.same(await activate('12345'), { message: 'pin must be at least 6 characters in length', ok: false })
  t.same(await activate('12a456'), { message: 'pin must be a valid numeric value', ok: false })
  t.same(await activate('000000'), { message: 'pin must be a valid positive numeric value', ok: false })
  t.same(await activate('133007', 49_999), { message: 'minimum_payment must be 50,000 or greater', ok: false })
  t.same(activateAccount(w.call(ACTIVATE), { session_id: session, pin: '133007', minimum_payment: 987_654 }),
    { message: 'Account activation and wallet creation has been successful', ok: true })
  t.same(getAccount(w.call('weber.getFacePaymentAccount'), session).data,
    { full_name: 'Natasha Romanoff', phone: '081395827314', minimum_payment: 987_654, have_twin: false, balance: 1_000_000 })
})

t.test('Activate with activation_message "code": the real code\'s shorter text', async (t) => {
  const w = world({ activation_message: 'code' })
  const session = w.visitor()
  await register(w, session)
  t.equal(activateAccount(w.call(ACTIVATE), { session_id: session, pin: '133007', minimum_payment: 50_000 }).message, 'Account activated successfully')
})

t.test('Pay: "Payment transaction success", the exact amount debited each time', async (t) => {
  const w = world()
  const h = await holder(w)
  for (const amount of [75_000, 1, 24_999]) t.same(await pay(w.call(PAY), payment(h, amount)), { message: 'Payment transaction success', ok: true })
  t.equal(balanceOf(w, h), 900_000)
})

t.test('Pay PIN rule: below minimum_payment the PIN is not checked; at the minimum it is', async (t) => {
  const w = world()
  const h = await holder(w, { minimum: 100_000 })
  t.equal((await pay(w.call(PAY), payment(h, 99_999, '1337'))).message, 'Payment transaction success', 'the document\'s pin "1337" below the minimum')
  const wrong = await refusal(weber, PAY, async () => await pay(w.call(PAY), payment(h, 100_000, '1337')))
  t.same(wrong, { status: 401, body: { message: 'Wrong pin!', ok: false } })
  t.equal((await pay(w.call(PAY), payment(h, 100_000))).message, 'Payment transaction success')
  t.equal(balanceOf(w, h), 1_000_000 - 99_999 - 100_000, 'the refused payment moved nothing')
})

t.test('Pay PIN rule: an account with have_twin needs the PIN for any amount', async (t) => {
  const w = world()
  const h = await holder(w, { haveTwin: true })
  const r = await refusal(weber, PAY, async () => await pay(w.call(PAY), payment(h, 1000, '')))
  t.same(r.body, { message: 'Wrong pin!', ok: false })
  t.equal((await pay(w.call(PAY), payment(h, 1000))).message, 'Payment transaction success')
})

t.test('Pay: 402 "Your balance is not enough to make this transaction" over the balance; the whole balance may be spent', async (t) => {
  const w = world({ wallet_balance: 150_000 })
  const h = await holder(w)
  const over = await refusal(weber, PAY, async () => await pay(w.call(PAY), payment(h, 150_001)))
  t.same(over, { status: 402, body: { message: 'Your balance is not enough to make this transaction', ok: false } })
  t.equal(balanceOf(w, h), 150_000)
  await pay(w.call(PAY), payment(h, 150_000))
  t.equal(balanceOf(w, h), 0)
})

t.test('Pay: the amount is not validated: 0 passes and a negative amount raises the balance', async (t) => {
  const w = world()
  const h = await holder(w)
  await pay(w.call(PAY), payment(h, 0))
  await pay(w.call(PAY), payment(h, -5000))
  t.equal(balanceOf(w, h), 1_005_000)
})

t.test('Pay: the face is matched with the face enrolled under the request\'s phone', async (t) => {
  const w = world()
  const h = await holder(w, { phone: '0811112222' })
  const r = await refusal(weber, PAY, async () => await pay(w.call(PAY), { ...payment(h, 75_000), phone: '0899999999' }))
  t.same(r, { status: 400, body: { message: 'Face payment has failed, face does not match the registered face.', ok: false } })
})

t.test('Pay with face_payment_match "perceptual": the enrolled picture matches, another one (perceptual distance 0.27 > 0.25) does not', async (t) => {
  const w = world({ face_payment_match: 'perceptual' })
  const h = await holder(w)
  t.equal((await pay(w.call(PAY), payment(h, 10_000))).message, 'Payment transaction success')
  const other = await refusal(weber, PAY, async () => await pay(w.call(PAY), { ...payment(h, 10_000), data: { images: [await face({ seed: 5 })] } }))
  t.same(other.body, { message: 'Face payment has failed, face does not match the registered face.', ok: false })
})

t.test('Pay: a face that is not live is "Face payment has failed, try to get clear image and accordance with guideline."', async (t) => {
  const w = world()
  const h = await holder(w)
  const r = await refusal(weber, PAY, async () => await pay(w.call(PAY, { outcome: { liveness: false } }), payment(h, 10_000)))
  t.same(r, { status: 400, body: { message: 'Face payment has failed, try to get clear image and accordance with guideline.', ok: false } })
  t.equal(balanceOf(w, h), 1_000_000)
})

t.test('Pay without an active account: 404 "record not found", before any image is looked at', async (t) => {
  const w = world()
  const session = w.visitor()
  const r = await refusal(weber, PAY, async () => await pay(w.call(PAY), { session_id: session, phone: '0811', pin: '', amount: 1, data: { images: [] } }))
  t.same(r, { status: 404, body: { message: 'record not found', ok: false } })
})

t.test('the balance, the debit and the transaction row are one SQLite transaction: a failed write leaves nothing half-done', async (t) => {
  const w = world()
  const h = await holder(w)
  await pay(w.call(PAY), payment(h, 10_000))
  w.db.exec("CREATE TRIGGER refuse_transactions BEFORE INSERT ON weber_transactions BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
  await t.rejects(pay(w.call(PAY), payment(h, 20_000)), /database or disk is full/)
  t.equal(balanceOf(w, h), 990_000, 'the debit was rolled back with the row')
  const rows = w.db.prepare('SELECT amount FROM weber_transactions').pluck().all()
  t.same(rows, [10_000])
})

t.test('activation is one SQLite transaction: when the wallet cannot be written the account stays inactive', async (t) => {
  const w = world()
  const session = w.visitor()
  await register(w, session)
  w.db.exec("CREATE TRIGGER refuse_wallets BEFORE INSERT ON weber_wallets BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
  t.throws(() => activateAccount(w.call(ACTIVATE), { session_id: session, pin: '133007', minimum_payment: 50_000 }), /database or disk is full/)
  t.equal(w.store.activeAccount('default', session), undefined)
})

t.test('Reset Balance: the first wallet back to wallet_balance', async (t) => {
  const w = world()
  const h = await holder(w)
  await pay(w.call(PAY), payment(h, 300_000))
  t.same(resetBalance(w.call('weber.resetBalance'), h.session), { message: 'The balance in this account has been reset successfully', ok: true })
  t.equal(balanceOf(w, h), 1_000_000)
})

t.test('Check Limit: is_limit only when amount > minimum_payment; data is one element, keys sorted', async (t) => {
  const w = world()
  const h = await holder(w, { minimum: 75_000, haveTwin: true })
  const at = checkLimit(w.call('weber.checkLimit'), { session_id: h.session, phone: h.phone, amount: 75_000 })
  t.same(at, { data: [{ balance: 1_000_000, full_name: 'Natasha Romanoff', have_twin: true, is_limit: false }], message: 'Check limit minimum payment success', ok: true })
  t.same(Object.keys(at.data[0] ?? {}), ['balance', 'full_name', 'have_twin', 'is_limit'])
  t.equal(checkLimit(w.call('weber.checkLimit'), { session_id: h.session, phone: h.phone, amount: 75_001 }).data[0]?.is_limit, true)
})

t.test('Check Limit refuses: 401 "Your phone number is wrong", 404 "record not found", the validator', async (t) => {
  const w = world()
  const h = await holder(w)
  const check = async (body: Partial<Parameters<typeof checkLimit>[1]>): Promise<unknown> =>
    await refusal(weber, 'weber.checkLimit', () => checkLimit(w.call('weber.checkLimit'), { session_id: h.session, phone: h.phone, amount: 75_000, ...body }))
  t.same(await check({ phone: '082189891233' }), { status: 401, body: { message: 'Your phone number is wrong', ok: false } })
  t.same(await check({ amount: 0 }), { status: 400, body: { message: 'amount is a required field', ok: false } })
  t.same(await check({ session_id: w.visitor() }), { status: 404, body: { message: 'record not found', ok: false } })
})

t.test('the phone prefix is the session expiry\'s day, then its month plus two-digit year: 17-11-2021 gives "1732"', async (t) => {
  // A visitor created on 16 November 2021, 10:00 in Jakarta: its one-day session expires on the 17th.
  const created = Date.parse('2021-11-16T10:00:00+07:00')
  t.equal(phonePrefix(weber.settings.parse({}), { session_id: 's', full_name: 'x', created_at_ms: created }), '1732')
  t.equal(phonePrefix(weber.settings.parse({ session_expiration_days: 20 }), { session_id: 's', full_name: 'x', created_at_ms: created }), '633', 'no zero padding: 6 December 2021 gives "6" + "33"')
})

t.test('Validate: a phone is taken by an active account of a session expiring the same day; a day later it is free again', async (t) => {
  const w = world()
  await holder(w, { phone: '0811112222' })
  const validate = async (): Promise<unknown> => await postAccount(w.call(ACCOUNT), { session_id: w.visitor(), full_name: 'Bruce Wayne', phone: '0811112222', have_twin: false, data: { images: [] } })
  const taken = await refusal(weber, ACCOUNT, validate)
  t.same(taken.body, { message: 'phone number already exist, try to use another number', ok: false })
  w.advance(DAY_MS)
  t.same(await validate(), { message: 'Phone number is valid', ok: true }, 'another expiry day, another prefix')
})

t.test('face payment state lives in its namespace', async (t) => {
  const w = world()
  const h = await holder(w)
  t.equal(w.store.activeAccount('other', h.session), undefined)
  const r = await refusal(weber, 'weber.getFacePaymentAccount', () => getAccount(w.call('weber.getFacePaymentAccount', { namespace: 'other' }), h.session))
  t.same(r.body, { message: 'Session ID is not valid', ok: false })
})
