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

export function postCheck ({ doc, front, back, backType, today }: PostCheckInput): PostCheckCode | undefined {
  const get = (k: string): string | undefined => front.get(k) ?? back?.get(k)
  const idr = doc === 'idr'

  // E16: the front side has a blank field; E01: the document has one (the back, or a passport's only side).
  if (blank(front)) return doc === 'passport' ? 'E01' : 'E16'
  if (blank(back)) return 'E01'

  const id = get('ID') ?? ''
  if (idr && !/^(\d{9}|\d{12})$/.test(id)) return 'E02'
  if (doc === 'dlr' && !/^\d{12}$/.test(id)) return 'E02'
  if (doc === 'passport') {
    if (!/^[A-Z]\d{7}$/.test(get('Passport Number') ?? '')) return 'E24'
    // A passport name is printed in capitals (letters with their diacritics, and spaces).
    const name = get('Name') ?? ''
    if (!/^[\p{Lu} ]+$/u.test(name)) return 'E25'
  }

  const dob = parseDmy(get('Date of birth') ?? '')
  if (dob === undefined) return 'E03'
  const doeText = get('Expired Date')
  const doe = doeText === undefined ? undefined : parseDmy(doeText)
  if (doeText !== undefined && doe === undefined && !isNoExpiry(doeText)) return 'E09'
  const doiText = get('Issue Date')
  const doi = doiText === undefined ? undefined : parseDmy(doiText)
  if (doiText !== undefined && doi === undefined) return 'E12'

  if (compare(dob, today) > 0) return 'E04'
  if (doi !== undefined && compare(doi, today) > 0) return 'E13'
  if (ageOn(dob, today) < 14) return 'E05'
  if (idr && doi !== undefined && ageOn(dob, doi) < 14) return 'E17'

  const nationality = get('Nationality')
  if (nationality !== undefined && nationality.trim().normalize('NFC').toLocaleLowerCase('vi') !== VIETNAM.normalize('NFC')) return 'E06'

  if (idr && id.length === 12) {
    const read = readCccd(id)
    if (read.year !== dob.y) return 'E07'
    const sex = get('Sex')
    if (sex !== undefined && sex !== read.sex) return 'E08'
  }

  const type = CARD_TYPES[front.get('Type') ?? '']
  if (idr && back !== undefined) {
    if (type?.family !== 'chip') {
      // E15 is for cards without a chip: both sides must be of the same kind (old or new ID).
      if (type === undefined || type.back !== backType) return 'E15'
    } else if (backType !== 'chip_back' || mrzCardNumber(back.get('MRZ') ?? '') !== id) {
      return 'E30'
    }
  }
  if (idr && doi !== undefined && (type === undefined || (type.from !== undefined && compare(doi, type.from) < 0) || (type.to !== undefined && compare(doi, type.to) > 0))) {
    return 'E32'
  }

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
