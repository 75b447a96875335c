/**
 * FPT.AI eKYC, "Lỗi hậu kiểm" (post-checks of /ocr, fpt-ekyc.vi.md): generated Vietnamese
 * identities are internally consistent, so every post-check passes by default; a scenario that
 * overrides a field makes exactly the matching post-check fail (vendor-notes.md, FPT rulings).
 * Without the app: the wire answer of a post-check error is tested in ocr.test.ts.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { Random } from '../../../src/core/random.js'
import { addYears, ageOn, compare, isNoExpiry, parseDmy, vietnamToday } from '../../../src/vendors/fpt/dates.js'
import { cccdExpiry, checkDigit, generateIdentity, mrzCardNumber, PROVINCES, readCccd, renderBack, renderFront, type DocumentType } from '../../../src/vendors/fpt/identity.js'
import { postCheck } from '../../../src/vendors/fpt/postcheck.js'
import { Flow, ocrRefusal, shipped as shippedOutcome, type Outcome } from './fixtures/unit.js'

const TODAY = { y: 2026, m: 1, d: 15 }
const random = new Random(0)

t.test('generated chip CCCD numbers agree with the birth year, sex and province of the holder', async (t) => {
  const codes = new Set(PROVINCES.map(([c]) => c))
  for (let i = 0; i < 300; i++) {
    const p = generateIdentity(random, [`seed-${i}`], 'idr', {}, TODAY)
    t.equal(p.card, 'chip')
    t.match(p.id, /^\d{12}$/)
    t.ok(codes.has(p.id.slice(0, 3)), 'a province code of the table')
    t.equal(p.id.slice(0, 3), p.provinceCode)
    t.ok(p.home.endsWith(p.placeOfBirth), 'Home names the province of the number')
    const read = readCccd(p.id)
    t.equal(read.year, (parseDmy(p.dob) as { y: number }).y)
    t.equal(read.sex, p.sex)
  }
})

t.test('generated expiry dates follow the age rules (25, 40, 60, then Không thời hạn) and are not past', async (t) => {
  for (let i = 0; i < 300; i++) {
    const p = generateIdentity(random, [`exp-${i}`], 'idr', {}, TODAY)
    const dob = parseDmy(p.dob) as NonNullable<ReturnType<typeof parseDmy>>
    const doi = parseDmy(p.doi) as NonNullable<ReturnType<typeof parseDmy>>
    t.ok(compare(doi, { y: 2021, m: 1, d: 1 }) >= 0, 'chip cards are issued since 2021')
    t.ok(ageOn(dob, doi) >= 14)
    const rule = cccdExpiry(dob, doi)
    if (rule === 'none') t.ok(isNoExpiry(p.doe))
    else {
      t.equal(p.doe, `${String(rule.date.d).padStart(2, '0')}/${String(rule.date.m).padStart(2, '0')}/${rule.date.y}`)
      t.ok(compare(rule.date, TODAY) > 0, 'not expired')
    }
  }
})

t.test('the rule of the 2 years before 25, 40 and 60', async (t) => {
  const dob = { y: 2000, m: 6, d: 10 }
  t.same(cccdExpiry(dob, { y: 2023, m: 6, d: 9 }), { age: 25, date: { y: 2025, m: 6, d: 10 } }, 'issued at 22: valid until 25')
  t.same(cccdExpiry(dob, { y: 2023, m: 6, d: 10 }), { age: 40, date: { y: 2040, m: 6, d: 10 } }, 'issued at 23: valid until 40')
  t.same(cccdExpiry(dob, { y: 2038, m: 6, d: 10 }), { age: 60, date: { y: 2060, m: 6, d: 10 } })
  t.equal(cccdExpiry(dob, { y: 2058, m: 6, d: 10 }), 'none', 'from 58: no expiry')
  t.same(addYears({ y: 2004, m: 2, d: 29 }, 25), { y: 2029, m: 2, d: 28 })
})

t.test('every generated document passes every post-check, whatever the day', async (t) => {
  const days = [TODAY, { y: 2024, m: 2, d: 29 }, { y: 2031, m: 12, d: 31 }, vietnamToday(Date.parse('2026-01-14T17:30:00Z'))]
  let n = 0
  for (const today of days) {
    for (const doc of ['idr', 'dlr', 'passport'] as DocumentType[]) {
      for (const card of doc === 'idr' ? ['chip', 'cmnd'] as const : [undefined]) {
        for (let i = 0; i < 60; i++) {
          const p = generateIdentity(random, [`all-${i}`], doc, { card }, today)
          const front = renderFront(p)
          t.equal(postCheck({ doc, front, back: undefined, backType: p.backType, today }), undefined)
          if (doc !== 'passport') {
            const back = renderBack(p, front)
            const code = postCheck({ doc, front, back, backType: p.backType, today })
            if (code !== undefined) t.fail(`${doc} ${card ?? ''} ${i}: ${code} ${JSON.stringify([...front, ...back])}`)
          }
          n++
        }
      }
    }
  }
  t.equal(n, 4 * 4 * 60)
})

t.test('Vietnam\'s today is UTC+7', async (t) => {
  t.same(vietnamToday(Date.parse('2026-01-14T16:59:59Z')), { y: 2026, m: 1, d: 14 })
  t.same(vietnamToday(Date.parse('2026-01-14T17:00:00Z')), { y: 2026, m: 1, d: 15 })
})

t.test('MRZ check digits (ICAO 9303, weights 7 3 1) and the card number in a chip card MRZ', async (t) => {
  t.equal(checkDigit('520727'), '3', 'the ICAO specimen birth date')
  t.equal(checkDigit('L898902C3'), '6', 'the ICAO specimen document number')
  const p = generateIdentity(random, ['mrz'], 'idr', {}, TODAY)
  const mrz = renderBack(p, renderFront(p)).get('MRZ') as string
  t.equal(mrzCardNumber(mrz), p.id)
  t.ok(mrz.split('\n').every((l) => l.length === 30), 'TD1: three lines of 30')
})

t.test('holder facts are kept and the rest is generated around them', async (t) => {
  const p = generateIdentity(random, ['holder'], 'idr', { date_of_birth: '10/03/1990', sex: 'Nữ', province_code: '079', issue_date: '05/06/2021' }, TODAY)
  t.equal(p.dob, '10/03/1990')
  t.equal(p.sex, 'Nữ')
  t.ok(p.id.startsWith('079190'), 'Hồ Chí Minh, a woman born in the 1900s, in 90')
  t.equal(p.doi, '05/06/2021')
  t.equal(p.doe, '10/03/2030', 'issued at 31: valid until the 40th birthday')
  const cmnd = generateIdentity(random, ['holder'], 'idr', { card: 'cmnd' }, TODAY)
  t.match(cmnd.id, /^\d{9}$/)
  t.same(parseDmy(cmnd.doe), addYears(parseDmy(cmnd.doi) as NonNullable<ReturnType<typeof parseDmy>>, 15), 'a CMND is valid 15 years')
  t.throws(() => generateIdentity(random, ['x'], 'idr', { province_code: '003' }, TODAY), /province_code/)
})

// --- Each post-check by its shipped scenario, on the OCR service ---------------------------

interface Shipped { name: string, rules: Array<{ match?: unknown, outcome?: { holder?: unknown, fields?: Record<string, string> } }> }
const shipped = parseAllDocuments(readFileSync('scenarios/fpt/ocr-postcheck.yaml', 'utf8')).map((d) => d.toJS() as Shipped)

/** Where each post-check fails: on the front call, on the back call, or on a passport's one call. */
const STAGE: Record<string, 'front' | 'back' | 'passport'> = {
  E02: 'front',
  E03: 'front',
  E04: 'front',
  E05: 'front',
  E06: 'front',
  E07: 'front',
  E08: 'front',
  E09: 'front',
  E10: 'front',
  E16: 'front',
  E01: 'back',
  E11: 'back',
  E12: 'back',
  E13: 'back',
  E15: 'back',
  E17: 'back',
  E18: 'back',
  E19: 'back',
  E20: 'back',
  E21: 'back',
  E22: 'back',
  E30: 'back',
  E32: 'back',
  E23: 'passport',
  E24: 'passport',
  E25: 'passport'
}

t.test('every post-check code has a shipped scenario that triggers it by overriding fields', async (t) => {
  const names = shipped.map((s) => s.name)
  for (const code of Object.keys(STAGE)) t.ok(names.some((n) => n.startsWith(`fpt/ocr-${code}-`)), code)
})

/** The errorCode of an OCR step: "0", or the code it was refused with. */
async function codeOf (step: () => Promise<unknown>): Promise<string> {
  try {
    await step()
    return '0'
  } catch (err) {
    return (await ocrRefusal(() => { throw err })).body.errorCode
  }
}

for (const [code, stage] of Object.entries(STAGE)) {
  const scenario = shipped.find((s) => s.name.startsWith(`fpt/ocr-${code}-`)) as Shipped
  t.test(`${code} by ${scenario.name}: exactly this post-check fails; without the overridden fields, all pass`, async (t) => {
    const flow = new Flow()
    const doc = stage === 'passport' ? 'passport' : 'idr'
    const outcome = shippedOutcome(scenario.name, 'fpt.ocr', { 'document-type': doc })
    const run = async (outcome: Outcome): Promise<string[]> => {
      const sid = await flow.init()
      if (stage === 'passport') return [await codeOf(async () => await flow.ocr(sid, { doc, outcome }))]
      return [await codeOf(async () => await flow.ocr(sid, { side: 'front', outcome })), await codeOf(async () => await flow.ocr(sid, { side: 'back', outcome }))]
    }
    const failed = await run(outcome)
    if (stage === 'front') t.same(failed.slice(0, 1), [code], 'the front call fails')
    else if (stage === 'back') t.same(failed, ['0', code], 'the front passes, the back call fails')
    else t.same(failed, [code])
    // The control: the same scenario without `fields` (its holder facts kept).
    t.same(await run({ ...outcome, fields: undefined }), stage === 'passport' ? ['0'] : ['0', '0'], 'the control passes')
  })
}
