/**
 * The post-checks ("Lỗi hậu kiểm", fpt-ekyc.vi.md, Step 2), computed from the OCR fields: the
 * engine reads the card, then checks that what it read is a plausible, valid document. Generated
 * identities pass them all (identity.ts); a scenario that overrides a field makes the matching one
 * fail. The first failing check is the answer, in this order: blanks, formats, dates against today,
 * ages, nationality, number against birth year and sex, the two sides against each other, issue
 * date against card type, then expiry. Format checks come first so that a malformed value is
 * reported as such, not as an inconsistency it causes further down.
 */
import { addYears, ageOn, compare, isNoExpiry, parseDmy, type Ymd } from './dates.js'
import { CARD_TYPES, cccdExpiry, mrzCardNumber, readCccd, type DocumentType, type Fields } from './identity.js'

export type PostCheckCode =
  | 'E01' | 'E02' | 'E03' | 'E04' | 'E05' | 'E06' | 'E07' | 'E08' | 'E09' | 'E10' | 'E11' | 'E12' | 'E13'
  | 'E15' | 'E16' | 'E17' | 'E18' | 'E19' | 'E20' | 'E21' | 'E22' | 'E23' | 'E24' | 'E25' | 'E30' | 'E32'

export interface PostCheckInput {
  doc: DocumentType
  front: Fields
  /** The back side's fields, when the back has been read (idr, dlr). */
  back: Fields | undefined
  /** The card type the engine reads from the back image (identity.backType). */
  backType: string
  today: Ymd
}

const blank = (m: Fields | undefined): boolean => [...(m?.values() ?? [])].some((v) => v.trim() === '')
const VIETNAM = 'việt nam'
/** The youngest age at which a card may be held or issued (E05, E17). */
const MIN_AGE = 14

/** The input, with the lookups every check needs: a field from either side, the number, the kind of card. */
interface Reading extends PostCheckInput {
  get: (key: string) => string | undefined
  id: string
  idr: boolean
  /** The front's card type (`Type`), for an identity card. */
  type: (typeof CARD_TYPES)[string] | undefined
}

/** The dates as read: a birth date, and the expiry (text and date) and issue date when the sides carry them. */
interface Dates { dob: Ymd, doeText: string | undefined, doe: Ymd | undefined, doi: Ymd | undefined }

export function postCheck (input: PostCheckInput): PostCheckCode | undefined {
  const get = (k: string): string | undefined => input.front.get(k) ?? input.back?.get(k)
  const r: Reading = { ...input, get, id: get('ID') ?? '', idr: input.doc === 'idr', type: CARD_TYPES[input.front.get('Type') ?? ''] }
  const early = blanks(r) ?? numberFormat(r)
  if (early !== undefined) return early
  const dates = readDates(r)
  if (typeof dates === 'string') return dates
  return againstToday(r, dates) ?? nationality(r) ?? cccdNumber(r, dates.dob) ?? sameCard(r) ?? typeVersusIssue(r, dates) ?? expiry(r, dates)
}

/** E16: the front side has a blank field; E01: the document has one (the back, or a passport's only side). */
function blanks ({ doc, front, back }: Reading): PostCheckCode | undefined {
  if (blank(front)) return doc === 'passport' ? 'E01' : 'E16'
  if (blank(back)) return 'E01'
  return undefined
}

/** E02: a CCCD has 12 digits (a CMND 9), a licence 12; E24, E25: a passport's number and name. */
function numberFormat ({ doc, id, idr, get }: Reading): PostCheckCode | undefined {
  if (idr && !/^(\d{9}|\d{12})$/.test(id)) return 'E02'
  if (doc === 'dlr' && !/^\d{12}$/.test(id)) return 'E02'
  if (doc !== 'passport') return undefined
  if (!/^[A-Z]\d{7}$/.test(get('Passport Number') ?? '')) return 'E24'
  // A passport name is printed in capitals (letters with their diacritics, and spaces).
  if (!/^[\p{Lu} ]+$/u.test(get('Name') ?? '')) return 'E25'
  return undefined
}

/** E03, E09, E12: dd/mm/yyyy dates (an expiry may also say "Không thời hạn"). */
function readDates ({ get }: Reading): Dates | PostCheckCode {
  const dob = parseDmy(get('Date of birth') ?? '')
  if (dob === undefined) return 'E03'
  const doeText = get('Expired Date')
  const doe = doeText === undefined ? undefined : parseDmy(doeText)
  if (doeText !== undefined && doe === undefined && !isNoExpiry(doeText)) return 'E09'
  const doiText = get('Issue Date')
  const doi = doiText === undefined ? undefined : parseDmy(doiText)
  if (doiText !== undefined && doi === undefined) return 'E12'
  return { dob, doeText, doe, doi }
}

/** E04, E13: no date after today; E05, E17: at least 14 now, and (identity cards) when issued. */
function againstToday ({ today, idr }: Reading, { dob, doi }: Dates): PostCheckCode | undefined {
  if (compare(dob, today) > 0) return 'E04'
  if (doi !== undefined && compare(doi, today) > 0) return 'E13'
  if (ageOn(dob, today) < MIN_AGE) return 'E05'
  if (idr && doi !== undefined && ageOn(dob, doi) < MIN_AGE) return 'E17'
  return undefined
}

/** E06: Vietnamese documents say "Việt Nam" (case and surrounding spaces ignored). */
function nationality ({ get }: Reading): PostCheckCode | undefined {
  const n = get('Nationality')
  return n !== undefined && n.trim().normalize('NFC').toLocaleLowerCase('vi') !== VIETNAM.normalize('NFC') ? 'E06' : undefined
}

/** E07, E08: a CCCD number says the birth year and the sex (identity.ts, the number's digits). */
function cccdNumber ({ idr, id, get }: Reading, dob: Ymd): PostCheckCode | undefined {
  if (!idr || id.length !== 12) return undefined
  const read = readCccd(id)
  if (read.year !== dob.y) return 'E07'
  const sex = get('Sex')
  return sex !== undefined && sex !== read.sex ? 'E08' : undefined
}

/**
 * E15: cards without a chip: both sides of the same kind (old or new ID). E30: a chip card's back
 * is a chip back whose MRZ carries the front's number.
 */
function sameCard ({ idr, back, type, backType, id }: Reading): PostCheckCode | undefined {
  if (!idr || back === undefined) return undefined
  if (type?.family !== 'chip') return type === undefined || type.back !== backType ? 'E15' : undefined
  return backType !== 'chip_back' || mrzCardNumber(back.get('MRZ') ?? '') !== id ? 'E30' : undefined
}

/** E32: the issue date within the years the card type was issued (identity.ts, CARD_TYPES). */
function typeVersusIssue ({ idr, type }: Reading, { doi }: Dates): PostCheckCode | undefined {
  if (!idr || doi === undefined) return undefined
  if (type === undefined) return 'E32'
  const tooEarly = type.from !== undefined && compare(doi, type.from) < 0
  const tooLate = type.to !== undefined && compare(doi, type.to) > 0
  return tooEarly || tooLate ? 'E32' : undefined
}

/** E10, E23: not expired; then (identity cards) the expiry the card's rules give (E11, E18-E22). */
function expiry ({ doc, today, idr, type }: Reading, { dob, doi, doe, doeText }: Dates): PostCheckCode | undefined {
  if (doe !== undefined && compare(doe, today) < 0) return doc === 'passport' ? 'E23' : 'E10'
  if (idr && doi !== undefined && doeText !== undefined) return expiryRule(type?.family, dob, doi, doe, isNoExpiry(doeText))
  return undefined
}

/** E11, E18-E22: the expiry a card of this kind, holder and issue date must have. */
function expiryRule (family: string | undefined, dob: Ymd, doi: Ymd, doe: Ymd | undefined, noExpiry: boolean): PostCheckCode | undefined {
  if (family === 'old') {
    if (noExpiry) return 'E11'
    return doe !== undefined && compare(doe, addYears(doi, 15)) === 0 ? undefined : 'E18'
  }
  const rule = cccdExpiry(dob, doi)
  if (rule === 'none') return noExpiry ? undefined : 'E22'
  if (noExpiry) return 'E11'
  if (doe !== undefined && compare(doe, rule.date) === 0) return undefined
  return rule.age === 25 ? 'E19' : rule.age === 40 ? 'E20' : 'E21'
}
