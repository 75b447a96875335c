/**
 * Face payment (weber.md; vendor-notes §1.7): validate and create on one path, activation, the
 * account, check-limit, payments and reset. Money is exact under concurrency.
 */
import t from 'tap'
import { build, json } from '../../helper.js'
import { activeAccount, dataUri, get, msg, patch, post, visitor } from './fixtures/weber.js'

const ACCOUNT = '/face-payment/account'

t.test('Validate New Face Payment Account Data: the document\'s example (phone "1337") is valid, and nothing is stored', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, ACCOUNT, { session_id: session, full_name: 'Bruce Wayne', phone: '1337', have_twin: true })
  t.equal(res.statusCode, 200)
  t.same(json(res), msg('Phone number is valid', true))
  t.equal((await get(app, `${ACCOUNT}/${session}`)).statusCode, 404)
  t.equal((await post(app, ACCOUNT, { session_id: session, full_name: 'Bruce Wayne', phone: '1337', have_twin: false, data: { images: [] } })).statusCode, 200, 'an empty images list validates too')
})

t.test('Validate refuses invalid data with the validator\'s message', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  for (const [what, fields, message] of [
    ['no full_name', { full_name: '' }, 'full_name is a required field'],
    ['a 1-character full_name', { full_name: 'B' }, 'full_name must be at least 2 characters in length'],
    ['a 256-character full_name', { full_name: 'b'.repeat(256) }, 'full_name must be a maximum of 255 characters in length'],
    ['no phone', { phone: '' }, 'phone is a required field'],
    ['a phone with letters', { phone: '08a1' }, 'phone must be a valid numeric value'],
    ['a phone given as a number (does not bind)', { phone: 81234 }, 'phone is a required field'],
    ['no have_twin', { have_twin: undefined }, 'have_twin is a required field'],
    ['a phone with a leading +', { phone: '+6281234' }, 'phone must be a valid positive numeric value'],
    ['a phone with a decimal point', { phone: '12.50' }, 'phone must be a valid positive numeric value'],
    ['a phone too long for an int64 once prefixed', { phone: '99999999999999999999' }, 'phone must be a valid positive numeric value']
  ] as const) {
    t.test(`${what}: 400 "${message}"`, async (t) => {
      const res = await post(app, ACCOUNT, Object.assign({ session_id: session, full_name: 'Bruce Wayne', phone: '081234', have_twin: false }, fields))
      t.equal(res.statusCode, 400)
      t.same(json(res), msg(message))
    })
  }
})

t.test('Validate: a phone of an active account is taken; an inactive one is not', async (t) => {
  const app = await build(t)
  const other = await visitor(app)
  const face = await dataUri({ seed: 11 })
  await post(app, ACCOUNT, { session_id: other, full_name: 'Natasha Romanoff', phone: '0811112222', have_twin: false, data: { images: [face] } })
  const session = await visitor(app)
  t.equal((await post(app, ACCOUNT, { session_id: session, full_name: 'Bruce Wayne', phone: '0811112222', have_twin: false })).statusCode, 200, 'registered but not activated: still free')
  await patch(app, ACCOUNT, { session_id: other, pin: '123456', minimum_payment: 50000 })
  const taken = await post(app, ACCOUNT, { session_id: session, full_name: 'Bruce Wayne', phone: '0811112222', have_twin: false })
  t.equal(taken.statusCode, 400)
  t.same(json(taken), msg('phone number already exist, try to use another number'))
})

t.test('Validate: phones are compared with the session-expiry prefix, so a session created on another day may reuse one', async (t) => {
  const app = await build(t)
  await activeAccount(app, { phone: '0811112222' })
  await app.inject({ method: 'POST', url: '/__admin/clock/advance', payload: { seconds: 86400 } })
  const later = await visitor(app)
  t.equal((await post(app, ACCOUNT, { session_id: later, full_name: 'Bruce Wayne', phone: '0811112222', have_twin: false })).statusCode, 200)
})

t.test('Create New Face Payment Account: 200 after liveness and enrollment, without field validation; activation makes it active', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, ACCOUNT, { session_id: session, full_name: 'B', phone: '1337', have_twin: true, data: { images: [await dataUri()] } })
  t.equal(res.statusCode, 200)
  t.same(json(res), msg('Face payment account registration has been successful', true))
  t.equal((await get(app, `${ACCOUNT}/${session}`)).statusCode, 404, 'not active before the PIN')
})

t.test('Create: weber/liveness-false gives 400 "Liveness result for the inputted image is false"; an unreadable image too', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const body = { session_id: session, full_name: 'Bruce Wayne', phone: '1337', have_twin: true, data: { images: [await dataUri()] } }
  const res = await post(app, ACCOUNT, body, { 'x-sandbox-scenario': 'weber/liveness-false' })
  t.equal(res.statusCode, 400)
  t.same(json(res), msg('Liveness result for the inputted image is false'))
  t.same(json(await post(app, ACCOUNT, { ...body, data: { images: ['data:image/jpeg;base64,bm90IGFuIGltYWdl'] } })), msg('Liveness result for the inputted image is false'))
  t.same(json(await patch(app, ACCOUNT, { session_id: session, pin: '123456', minimum_payment: 50000 })), msg('WHERE conditions required'), 'no account was created')
})

t.test('Create without have_twin: the server panics after enrolling the face: empty 500, no account', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, ACCOUNT, { session_id: session, full_name: 'Bruce Wayne', phone: '1337', data: { images: [await dataUri()] } })
  t.equal(res.statusCode, 500)
  t.equal(res.payload, '')
  t.equal((await patch(app, ACCOUNT, { session_id: session, pin: '123456', minimum_payment: 50000 })).statusCode, 500)
})

t.test('Create: the enrollment call failing is 500 with its text, and no account is created', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, ACCOUNT, { session_id: session, full_name: 'Bruce Wayne', phone: '1337', have_twin: true, data: { images: [await dataUri()] } }, { 'x-sandbox-scenario': 'weber/upstream-face-enrollment-reset' })
  t.equal(res.statusCode, 500)
  t.same(json(res), msg('Post "https://api.cloud.nodeflux.io/v1/analytics/create-face-enrollment": read: connection reset by peer'))
  t.equal((await patch(app, ACCOUNT, { session_id: session, pin: '123456', minimum_payment: 50000 })).statusCode, 500)
})

t.test('Face payment endpoints check the session first: 401', async (t) => {
  const app = await build(t)
  const calls = [
    await post(app, ACCOUNT, { session_id: 'x', full_name: 'Bruce Wayne', phone: '1337', have_twin: true }),
    await patch(app, ACCOUNT, { session_id: 'x', pin: '1', minimum_payment: 1 }),
    await get(app, `${ACCOUNT}/x`),
    await patch(app, '/face-payment/reset-balance/x'),
    await post(app, '/face-payment/check-limit', { session_id: 'x' }),
    await post(app, '/face-payment/pay', { session_id: 'x' })
  ]
  for (const res of calls) {
    t.equal(res.statusCode, 401)
    t.same(json(res), msg('Session ID is not valid'))
  }
})

t.test('Activate: 200 with the document\'s message; the real code\'s message as a setting', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  await post(app, ACCOUNT, { session_id: session, full_name: 'Bruce Wayne', phone: '1337', have_twin: true, data: { images: [await dataUri()] } })
  const res = await patch(app, ACCOUNT, { session_id: session, pin: '133007', minimum_payment: 987654 })
  t.equal(res.statusCode, 200)
  t.same(json(res), msg('Account activation and wallet creation has been successful', true))
  const code = await build(t, { settings: { weber: { activation_message: 'code' } } })
  const s2 = await visitor(code)
  await post(code, ACCOUNT, { session_id: s2, full_name: 'Bruce Wayne', phone: '1337', have_twin: true, data: { images: [await dataUri()] } })
  t.same(json(await patch(code, ACCOUNT, { session_id: s2, pin: '133007', minimum_payment: 50000 })), msg('Account activated successfully', true))
})

t.test('Activate refuses invalid data with the validator\'s message', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  for (const [what, fields, message] of [
    ['no pin', { pin: '' }, 'pin is a required field'],
    ['a pin with letters', { pin: '12a456' }, 'pin must be a valid numeric value'],
    ['a 5-digit pin', { pin: '12345' }, 'pin must be at least 6 characters in length'],
    ['a 7-digit pin', { pin: '1234567' }, 'pin must be a maximum of 6 characters in length'],
    ['a negative pin', { pin: '-12345' }, 'pin must be a valid positive numeric value'],
    ['pin 000000', { pin: '000000' }, 'pin must be a valid positive numeric value'],
    ['no minimum_payment', { minimum_payment: 0 }, 'minimum_payment is a required field'],
    ['minimum_payment 49,999', { minimum_payment: 49999 }, 'minimum_payment must be 50,000 or greater'],
    ['minimum_payment 1,000,001', { minimum_payment: 1000001 }, 'minimum_payment must be 1,000,000 or less']
  ] as const) {
    t.test(`${what}: 400 "${message}"`, async (t) => {
      const res = await patch(app, ACCOUNT, Object.assign({ session_id: session, pin: '133007', minimum_payment: 50000 }, fields))
      t.equal(res.statusCode, 400)
      t.same(json(res), msg(message))
    })
  }
})

t.test('Activate: a "+12345" PIN is numeric, 6 characters and positive: accepted', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  await post(app, ACCOUNT, { session_id: session, full_name: 'Bruce Wayne', phone: '1337', have_twin: true, data: { images: [await dataUri()] } })
  t.equal((await patch(app, ACCOUNT, { session_id: session, pin: '+12345', minimum_payment: 50000 })).statusCode, 200)
})

t.test('Activate without any registered account: 500 "WHERE conditions required"', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await patch(app, ACCOUNT, { session_id: session, pin: '133007', minimum_payment: 50000 })
  t.equal(res.statusCode, 500)
  t.same(json(res), msg('WHERE conditions required'))
})

t.test('Get Active Face Payment Account: the struct order, the phone without its prefix, the wallet balance', async (t) => {
  const app = await build(t)
  const { session } = await activeAccount(app, { phone: '081395827314', have_twin: true, minimum_payment: 75000 })
  const res = await get(app, `${ACCOUNT}/${session}`)
  t.equal(res.statusCode, 200)
  const body = json(res)
  t.same(Object.keys(body.data), ['full_name', 'phone', 'minimum_payment', 'have_twin', 'balance'])
  t.same(body, { data: { full_name: 'Natasha Romanoff', phone: '081395827314', minimum_payment: 75000, have_twin: true, balance: 1000000 }, message: 'This session id has an active face payment account', ok: true })
})

t.test('Get account: 404 "This session id does not have an active face payment account"', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await get(app, `${ACCOUNT}/${session}`)
  t.equal(res.statusCode, 404)
  t.same(json(res), msg('This session id does not have an active face payment account'))
})

t.test('Reset Balance: back to 1,000,000; 404 without an active account', async (t) => {
  const app = await build(t)
  const { session, phone, pin, face } = await activeAccount(app)
  await post(app, '/face-payment/pay', { session_id: session, phone, pin, amount: 300000, data: { images: [face] } })
  t.equal(json(await get(app, `${ACCOUNT}/${session}`)).data.balance, 700000)
  const res = await patch(app, `/face-payment/reset-balance/${session}`)
  t.equal(res.statusCode, 200)
  t.same(json(res), msg('The balance in this account has been reset successfully', true))
  t.equal(json(await get(app, `${ACCOUNT}/${session}`)).data.balance, 1000000)
  const none = await patch(app, `/face-payment/reset-balance/${await visitor(app)}`)
  t.equal(none.statusCode, 404)
  t.same(json(none), msg('This session id does not have an active face payment account'))
})

t.test('wallet_balance sets the balance of new wallets and resets', async (t) => {
  const app = await build(t, { settings: { weber: { wallet_balance: 200000 } } })
  const { session } = await activeAccount(app)
  t.equal(json(await get(app, `${ACCOUNT}/${session}`)).data.balance, 200000)
})

t.test('Check Limit: data is one element, keys sorted; is_limit only when amount > minimum_payment', async (t) => {
  const app = await build(t)
  const { session, phone } = await activeAccount(app, { minimum_payment: 75000, have_twin: true })
  const at = await post(app, '/face-payment/check-limit', { session_id: session, phone, amount: 75000 })
  t.equal(at.statusCode, 200)
  t.same(json(at), { data: [{ balance: 1000000, full_name: 'Natasha Romanoff', have_twin: true, is_limit: false }], message: 'Check limit minimum payment success', ok: true })
  t.equal(json(await post(app, '/face-payment/check-limit', { session_id: session, phone, amount: 75001 })).data[0].is_limit, true)
})

t.test('Check Limit refuses: "phone is a required field", "amount is a required field", 401 "Your phone number is wrong", 404 "record not found"', async (t) => {
  const app = await build(t)
  const { session, phone } = await activeAccount(app)
  t.same(json(await post(app, '/face-payment/check-limit', { session_id: session, amount: 75000 })), msg('phone is a required field'))
  t.same(json(await post(app, '/face-payment/check-limit', { session_id: session, phone: '08x', amount: 75000 })), msg('phone must be a valid numeric value'))
  t.same(json(await post(app, '/face-payment/check-limit', { session_id: session, phone, amount: 0 })), msg('amount is a required field'))
  const wrong = await post(app, '/face-payment/check-limit', { session_id: session, phone: '082189891233', amount: 75000 })
  t.equal(wrong.statusCode, 401)
  t.same(json(wrong), msg('Your phone number is wrong'))
  const none = await post(app, '/face-payment/check-limit', { session_id: await visitor(app), phone, amount: 75000 })
  t.equal(none.statusCode, 404)
  t.same(json(none), msg('record not found'))
})

t.test('check_limit: false answers 404 page not found, as the real server at HEAD', async (t) => {
  const app = await build(t, { settings: { weber: { check_limit: false } } })
  const res = await post(app, '/face-payment/check-limit', { session_id: 'x', phone: '1', amount: 1 })
  t.equal(res.statusCode, 404)
  t.equal(res.payload, '404 page not found')
})

t.test('Create Transaction Face Payment: 200 "Payment transaction success", the balance debited', async (t) => {
  const app = await build(t)
  const { session, phone, pin, face } = await activeAccount(app)
  const res = await post(app, '/face-payment/pay', { session_id: session, phone, pin, amount: 75000, data: { images: [face] } })
  t.equal(res.statusCode, 200)
  t.same(json(res), msg('Payment transaction success', true))
  t.equal(json(await get(app, `${ACCOUNT}/${session}`)).data.balance, 925000)
})

t.test('Pay without an active account: 404 "record not found"', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const res = await post(app, '/face-payment/pay', { session_id: session, phone: '0811112222', pin: '1337', amount: 75000, data: { images: [await dataUri()] } })
  t.equal(res.statusCode, 404)
  t.same(json(res), msg('record not found'))
})

t.test('Pay validator: phone required and numeric, pin at most 6 characters; the amount is not validated', async (t) => {
  const app = await build(t)
  const { session, phone, pin, face } = await activeAccount(app)
  t.same(json(await post(app, '/face-payment/pay', { session_id: session, pin, amount: 1, data: { images: [face] } })), msg('phone is a required field'))
  t.same(json(await post(app, '/face-payment/pay', { session_id: session, phone: 'abc', pin, amount: 1, data: { images: [face] } })), msg('phone must be a valid numeric value'))
  t.same(json(await post(app, '/face-payment/pay', { session_id: session, phone, pin: '1234567', amount: 1, data: { images: [face] } })), msg('pin must be a maximum of 6 characters in length'))
  t.equal((await post(app, '/face-payment/pay', { session_id: session, phone, amount: 0, data: { images: [face] } })).statusCode, 200, 'amount 0 passes, and needs no PIN below the minimum')
  t.equal((await post(app, '/face-payment/pay', { session_id: session, phone, amount: -5000, data: { images: [face] } })).statusCode, 200)
  t.equal(json(await get(app, `${ACCOUNT}/${session}`)).data.balance, 1005000, 'a negative amount raises the balance')
})

t.test('Pay: not live is 400 "Face payment has failed, try to get clear image and accordance with guideline."', async (t) => {
  const app = await build(t)
  const { session, phone, pin, face } = await activeAccount(app)
  const res = await post(app, '/face-payment/pay', { session_id: session, phone, pin, amount: 75000, data: { images: [face] } }, { 'x-sandbox-scenario': 'weber/liveness-false' })
  t.equal(res.statusCode, 400)
  t.same(json(res), msg('Face payment has failed, try to get clear image and accordance with guideline.'))
  t.same(json(await post(app, '/face-payment/pay', { session_id: session, phone, pin, amount: 75000, data: { images: [] } })), msg('Face payment has failed, try to get clear image and accordance with guideline.'), 'no image: no live face')
  t.equal(json(await get(app, `${ACCOUNT}/${session}`)).data.balance, 1000000)
})

t.test('Pay: the face is matched against the face enrolled under the request\'s phone; another phone does not match', async (t) => {
  const app = await build(t)
  const { session, pin, face } = await activeAccount(app, { phone: '0811112222' })
  const res = await post(app, '/face-payment/pay', { session_id: session, phone: '0899999999', pin, amount: 75000, data: { images: [face] } })
  t.equal(res.statusCode, 400)
  t.same(json(res), msg('Face payment has failed, face does not match the registered face.'))
  const mismatch = await post(app, '/face-payment/pay', { session_id: session, phone: '0811112222', pin, amount: 75000, data: { images: [face] } }, { 'x-sandbox-scenario': 'weber/face-mismatch' })
  t.same(json(mismatch), msg('Face payment has failed, face does not match the registered face.'))
})

t.test('Pay with face_payment_match "perceptual": the enrolled face matches, another picture does not', async (t) => {
  const app = await build(t, { settings: { weber: { face_payment_match: 'perceptual' } } })
  const { session, phone, pin, face } = await activeAccount(app)
  t.equal((await post(app, '/face-payment/pay', { session_id: session, phone, pin, amount: 75000, data: { images: [face] } })).statusCode, 200)
  const other = await post(app, '/face-payment/pay', { session_id: session, phone, pin, amount: 75000, data: { images: [await dataUri({ seed: 99 })] } })
  t.same(json(other), msg('Face payment has failed, face does not match the registered face.'))
})

t.test('Pay PIN rule: needed when amount >= minimum_payment or have_twin; otherwise not checked', async (t) => {
  const app = await build(t)
  const { session, phone, face } = await activeAccount(app, { minimum_payment: 100000 })
  const pay = async (amount: number, pin: string): Promise<unknown> => json(await post(app, '/face-payment/pay', { session_id: session, phone, pin, amount, data: { images: [face] } }))
  t.same(await pay(99999, '1337'), msg('Payment transaction success', true), 'below the minimum the PIN is not checked (the document\'s pin "1337")')
  const wrong = await post(app, '/face-payment/pay', { session_id: session, phone, pin: '1337', amount: 100000, data: { images: [face] } })
  t.equal(wrong.statusCode, 401)
  t.same(json(wrong), msg('Wrong pin!'), 'at the minimum the PIN is needed')
  t.same(await pay(100000, '133007'), msg('Payment transaction success', true))
  const twin = await activeAccount(app, { phone: '0822', have_twin: true })
  t.same(json(await post(app, '/face-payment/pay', { session_id: twin.session, phone: '0822', pin: '', amount: 1000, data: { images: [twin.face] } })), msg('Wrong pin!'), 'have_twin: always')
})

t.test('Pay: 402 "Your balance is not enough to make this transaction" when amount > balance; amount == balance is allowed', async (t) => {
  const app = await build(t, { settings: { weber: { wallet_balance: 150000 } } })
  const { session, phone, pin, face } = await activeAccount(app)
  const over = await post(app, '/face-payment/pay', { session_id: session, phone, pin, amount: 150001, data: { images: [face] } })
  t.equal(over.statusCode, 402)
  t.same(json(over), msg('Your balance is not enough to make this transaction'))
  t.equal((await post(app, '/face-payment/pay', { session_id: session, phone, pin, amount: 150000, data: { images: [face] } })).statusCode, 200)
  t.equal(json(await get(app, `${ACCOUNT}/${session}`)).data.balance, 0)
})

t.test('Pay scenarios: weber/402-balance-not-enough, weber/401-wrong-pin, and an upstream failure move no money', async (t) => {
  const app = await build(t)
  const { session, phone, pin, face } = await activeAccount(app)
  const body = { session_id: session, phone, pin, amount: 75000, data: { images: [face] } }
  const broke = await post(app, '/face-payment/pay', body, { 'x-sandbox-scenario': 'weber/402-balance-not-enough' })
  t.equal(broke.statusCode, 402)
  t.same(json(broke), msg('Your balance is not enough to make this transaction'))
  const pinless = await post(app, '/face-payment/pay', body, { 'x-sandbox-scenario': 'weber/401-wrong-pin' })
  t.equal(pinless.statusCode, 401)
  t.same(json(pinless), msg('Wrong pin!'))
  const eof = await post(app, '/face-payment/pay', body, { 'x-sandbox-scenario': 'weber/upstream-face-match-enrollment-unexpected-eof' })
  t.equal(eof.statusCode, 500)
  t.same(json(eof), msg('unexpected end of JSON input'))
  const timeout = await post(app, '/face-payment/pay', body, { 'x-sandbox-scenario': 'weber/upstream-face-liveness-timeout' })
  t.same(json(timeout), msg('Post "https://api.cloud.nodeflux.io/v1/analytics/face-liveness": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'))
  t.equal(json(await get(app, `${ACCOUNT}/${session}`)).data.balance, 1000000)
})

t.test('Validate with weber/400-phone-exists refuses any phone; create mode is not affected', async (t) => {
  const app = await build(t)
  const session = await visitor(app)
  const h = { 'x-sandbox-scenario': 'weber/400-phone-exists' }
  t.same(json(await post(app, ACCOUNT, { session_id: session, full_name: 'Bruce Wayne', phone: '1337', have_twin: true }, h)), msg('phone number already exist, try to use another number'))
  t.equal((await post(app, ACCOUNT, { session_id: session, full_name: 'Bruce Wayne', phone: '1337', have_twin: true, data: { images: [await dataUri()] } }, h)).statusCode, 200)
})

t.test('100 concurrent payments on one account: balance = initial - sum(successful), one transaction per success, none lost or doubled', async (t) => {
  const app = await build(t)
  const face = await dataUri({ seed: 5, width: 160, height: 120 })
  const { session, phone, pin } = await activeAccount(app, { face, minimum_payment: 50000 })
  // 100 amounts between 5,000 and 44,000 (about 2.4 million in all): the 1,000,000 runs out part way.
  const amounts = Array.from({ length: 100 }, (_, i) => 5000 + ((i * 37) % 40) * 1000)
  const results = await Promise.all(amounts.map(async (amount) => {
    const res = await post(app, '/face-payment/pay', { session_id: session, phone, pin, amount, data: { images: [face] } })
    return { amount, status: res.statusCode }
  }))
  const ok = results.filter((r) => r.status === 200)
  const refused = results.filter((r) => r.status === 402)
  t.equal(ok.length + refused.length, 100, 'every payment either succeeded or got 402')
  t.ok(ok.length > 0 && refused.length > 0, `${ok.length} succeeded, ${refused.length} refused`)
  const balance = json(await get(app, `${ACCOUNT}/${session}`)).data.balance as number
  t.equal(balance, 1_000_000 - ok.reduce((s, r) => s + r.amount, 0), 'balance = initial - sum(successful)')
  t.ok(balance >= 0)
  for (const r of refused) t.ok(r.amount > balance, `a refused ${r.amount} was more than any balance it could have met`)
  const db = app.core.db
  const rows = db.prepare('SELECT t.amount FROM weber_transactions t JOIN weber_accounts a ON a.id = t.account_id WHERE a.session_id = ? AND t.namespace = ?').all(session, 'default') as Array<{ amount: number }>
  t.equal(rows.length, ok.length, 'one transaction row per success')
  t.same(rows.map((r) => r.amount).sort((a, b) => a - b), ok.map((r) => r.amount).sort((a, b) => a - b))
})

t.test('face payment state lives in its namespace', async (t) => {
  const app = await build(t)
  const a = { 'x-sandbox-namespace': 'ns-a' }
  const { session } = await activeAccount(app, { headers: a })
  t.equal((await get(app, `${ACCOUNT}/${session}`, a)).statusCode, 200)
  t.equal((await get(app, `${ACCOUNT}/${session}`, { 'x-sandbox-namespace': 'ns-b' })).statusCode, 401)
})
