/**
 * Generated Vietnamese identities, internally consistent so that every post-check of
 * fpt-ekyc.vi.md ("Lỗi hậu kiểm") passes by default (vendor-notes, ruling FPT):
 *
 * - a chip CCCD number is 12 digits: the 3-digit province code of the real code table (Thông tư
 *   07/2016/TT-BCA), 1 century+gender digit (1900s: male 0, female 1; 2000s: 2, 3; 2100s: 4, 5),
 *   the last 2 digits of the birth year, 6 serial digits;
 * - the expiry follows the age rules of the Law on Citizen Identification (renewal at 25, 40 and
 *   60; a card issued within 2 years before one of those ages stays valid until the next; from 58
 *   on, "Không thời hạn"); an old 9-digit CMND is valid 15 years from its issue date;
 * - the back side's MRZ repeats the front's number, birth date, sex, expiry and name.
 *
 * The identity is generated from the front image (the same card photo gives the same person) and
 * the holder facts a scenario may fix; the session keeps it, so the back side agrees with the front.
 */
import type { Faker } from '@faker-js/faker'
import type { Random, Seedable } from '../../core/random.js'
import { addYears, compare, formatDmy, fromDay, isNoExpiry, NO_EXPIRY, parseDmy, toDay, type Ymd } from './dates.js'

export type DocumentType = 'idr' | 'passport' | 'dlr'
export const DOCUMENT_TYPES: readonly DocumentType[] = ['idr', 'passport', 'dlr']

/** Province codes of the CCCD number (the 63 provinces and cities, Thông tư 07/2016/TT-BCA). */
export const PROVINCES: ReadonlyArray<readonly [string, string]> = [
  ['001', 'Hà Nội'], ['002', 'Hà Giang'], ['004', 'Cao Bằng'], ['006', 'Bắc Kạn'], ['008', 'Tuyên Quang'],
  ['010', 'Lào Cai'], ['011', 'Điện Biên'], ['012', 'Lai Châu'], ['014', 'Sơn La'], ['015', 'Yên Bái'],
  ['017', 'Hòa Bình'], ['019', 'Thái Nguyên'], ['020', 'Lạng Sơn'], ['022', 'Quảng Ninh'], ['024', 'Bắc Giang'],
  ['025', 'Phú Thọ'], ['026', 'Vĩnh Phúc'], ['027', 'Bắc Ninh'], ['030', 'Hải Dương'], ['031', 'Hải Phòng'],
  ['033', 'Hưng Yên'], ['034', 'Thái Bình'], ['035', 'Hà Nam'], ['036', 'Nam Định'], ['037', 'Ninh Bình'],
  ['038', 'Thanh Hóa'], ['040', 'Nghệ An'], ['042', 'Hà Tĩnh'], ['044', 'Quảng Bình'], ['045', 'Quảng Trị'],
  ['046', 'Thừa Thiên Huế'], ['048', 'Đà Nẵng'], ['049', 'Quảng Nam'], ['051', 'Quảng Ngãi'], ['052', 'Bình Định'],
  ['054', 'Phú Yên'], ['056', 'Khánh Hòa'], ['058', 'Ninh Thuận'], ['060', 'Bình Thuận'], ['062', 'Kon Tum'],
  ['064', 'Gia Lai'], ['066', 'Đắk Lắk'], ['067', 'Đắk Nông'], ['068', 'Lâm Đồng'], ['070', 'Bình Phước'],
  ['072', 'Tây Ninh'], ['074', 'Bình Dương'], ['075', 'Đồng Nai'], ['077', 'Bà Rịa - Vũng Tàu'], ['079', 'Hồ Chí Minh'],
  ['080', 'Long An'], ['082', 'Tiền Giang'], ['083', 'Bến Tre'], ['084', 'Trà Vinh'], ['086', 'Vĩnh Long'],
  ['087', 'Đồng Tháp'], ['089', 'An Giang'], ['091', 'Kiên Giang'], ['092', 'Cần Thơ'], ['093', 'Hậu Giang'],
  ['094', 'Sóc Trăng'], ['095', 'Bạc Liêu'], ['096', 'Cà Mau']
]
const PROVINCE_CODES = new Set(PROVINCES.map(([code]) => code))

const WARDS = ['Phường Bến Nghé', 'Phường Tân Định', 'Phường Láng Hạ', 'Phường Dịch Vọng', 'Phường Trần Phú', 'Phường 7',
  'Xã Tân Thành', 'Xã An Phú', 'Xã Hòa Bình', 'Xã Yên Lạc', 'Xã Phú Xuân', 'Thị trấn Phát Diệm']
const DISTRICTS = ['Quận 1', 'Quận 3', 'Quận Đống Đa', 'Quận Cầu Giấy', 'Quận Hải Châu', 'Thành phố Thủ Đức',
  'Huyện Kim Sơn', 'Huyện Yên Lạc', 'Huyện Châu Thành', 'Huyện Phú Vang', 'Thị xã Sơn Tây', 'Huyện Gia Lâm']
const STREETS = ['Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Huệ', 'Hai Bà Trưng', 'Lý Thường Kiệt', 'Phan Chu Trinh',
  'Điện Biên Phủ', 'Nguyễn Trãi', 'Lê Duẩn', 'Hoàng Diệu', 'Quang Trung', 'Nguyễn Văn Cừ']
const MARKS = ['NỐT RUỒI', 'SẸO CHẤM', 'SẸO']
const MARK_SIZES = ['C:1CM', 'C:1,5CM', 'C:2CM', 'C:2,5CM', 'C:3CM']
const MARK_PLACES = ['DƯỚI SAU MÉP TRÁI', 'TRÊN ĐẦU MÀY PHẢI', 'DƯỚI CÁNH MŨI TRÁI', 'SAU ĐUÔI MẮT PHẢI', 'TRÊN MÉP PHẢI', 'DƯỚI TRƯỚC DÁI TAI TRÁI']
const LICENSE_CLASSES: Record<string, string> = {
  A1: 'Xe mô tô hai bánh có dung tích xi lanh từ 50 cm3 đến dưới 175 cm3',
  B1: 'Ô tô số tự động chở người đến 9 chỗ ngồi, ô tô tải dưới 3.500 kg',
  B2: 'Ô tô chở người đến 9 chỗ ngồi, ô tô tải, máy kéo có trọng tải dưới 3.500 kg'
}

/** Where the chip CCCD has been issued since 2021 (its back side names the issuer). */
const CHIP_ISSUER = 'CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI'
const PASSPORT_ISSUER = 'Cục Quản lý xuất nhập cảnh'

/**
 * Card families (the `Type` field, as FPT's ID reader names them) and the issue dates each family
 * can have (E32 "Type of document does not match issue date"): chip cards since 2021, 12-digit
 * barcode cards 2012-2021, 9-digit CMND before 2021. Our reading of the card history; README.
 */
export const CARD_TYPES: Record<string, { family: 'chip' | 'new' | 'old', back: string, from?: Ymd, to?: Ymd }> = {
  chip_front: { family: 'chip', back: 'chip_back', from: { y: 2021, m: 1, d: 1 } },
  new: { family: 'new', back: 'new_back', from: { y: 2012, m: 1, d: 1 }, to: { y: 2021, m: 12, d: 31 } },
  old: { family: 'old', back: 'old_back', to: { y: 2020, m: 12, d: 31 } }
}

/** Facts a scenario may fix (`holder` outcome); the rest is generated around them, consistently. */
export interface HolderFacts {
  card?: 'chip' | 'cmnd' | undefined
  date_of_birth?: string | undefined
  sex?: 'Nam' | 'Nữ' | undefined
  province_code?: string | undefined
  issue_date?: string | undefined
}

export interface Identity {
  doc: DocumentType
  /** chip CCCD or old CMND (idr), dlr, passport. */
  card: 'chip' | 'cmnd' | 'dlr' | 'passport'
  id: string
  name: string
  dob: string
  sex: 'Nam' | 'Nữ'
  nationality: string
  provinceCode: string
  home: string
  street: string
  ward: string
  district: string
  province: string
  doi: string
  doe: string
  features: string
  issueLocation: string
  /** The back side's card type (not printed; what the engine reads from the back image). */
  backType: string
  passportNo: string
  placeOfBirth: string
  licenseClass: string
}

/** Vietnamese field names (lang vi): the document's example where it shows one (ID, Tên, Đặc điểm nhận dạng, Ngày cấp), else its table. */
export const FIELD_NAMES_VI: Record<string, string> = {
  ID: 'ID',
  Name: 'Tên',
  'Date of birth': 'Ngày sinh',
  Sex: 'Giới tính',
  Nationality: 'Quốc tịch',
  Home: 'Nguyên quán',
  Address: 'Địa chỉ',
  'Expired Date': 'Ngày hết hạn',
  QRcode: 'Giá trị QRcode',
  Type: 'Loại giấy tờ',
  Province: 'Tỉnh/thành phố',
  District: 'Quận/huyện',
  Ward: 'Phường/xã',
  Street: 'Đường/phố',
  Features: 'Đặc điểm nhận dạng',
  'Issue Date': 'Ngày cấp',
  'Issue Location': 'Nơi cấp',
  MRZ: 'MRZ',
  'Passport Number': 'Số hộ chiếu',
  'Place of birth': 'Nơi sinh',
  Class: 'Hạng',
  Classes: 'Các hạng được phép điều khiển'
}

/** The fields of each side, in the order the engine lists them. */
export const FRONT_KEYS: Record<Identity['card'], readonly string[]> = {
  chip: ['ID', 'Name', 'Date of birth', 'Sex', 'Nationality', 'Home', 'Address', 'Expired Date', 'QRcode', 'Type', 'Province', 'District', 'Ward', 'Street'],
  cmnd: ['ID', 'Name', 'Date of birth', 'Home', 'Address', 'Expired Date', 'Type', 'Province', 'District', 'Ward', 'Street'],
  dlr: ['ID', 'Name', 'Date of birth', 'Nationality', 'Address', 'Class', 'Issue Date', 'Issue Location', 'Expired Date'],
  passport: ['Type', 'Passport Number', 'Name', 'Date of birth', 'Sex', 'Nationality', 'Place of birth', 'ID', 'Issue Date', 'Expired Date', 'Issue Location', 'MRZ']
}
export const BACK_KEYS: Record<Identity['card'], readonly string[]> = {
  chip: ['Features', 'Issue Date', 'Issue Location', 'MRZ'],
  cmnd: ['Features', 'Issue Date', 'Issue Location'],
  dlr: ['Classes'],
  passport: []
}
/** Fields computed from the others (so they follow a scenario's overrides, unless overridden themselves). */
const DERIVED = new Set(['QRcode', 'MRZ'])

/** Century+gender digit of a CCCD number: 1900s male 0 / female 1, 2000s 2 / 3, 2100s 4 / 5, ... */
export function genderDigit (sex: 'Nam' | 'Nữ', year: number): number {
  return Math.max(0, Math.floor(year / 100) - 19) * 2 + (sex === 'Nam' ? 0 : 1)
}

/** The birth year a CCCD number says (century from the gender digit), and the sex. */
export function readCccd (id: string): { year: number, sex: 'Nam' | 'Nữ' } {
  const g = Number(id[3])
  return { year: 1900 + Math.floor(g / 2) * 100 + Number(id.slice(4, 6)), sex: g % 2 === 0 ? 'Nam' : 'Nữ' }
}

/**
 * What the expiry of a CCCD must be (fpt-ekyc.vi.md E19-E22): the 25th, 40th or 60th birthday, or
 * no expiry; a card issued within 2 years before one of those birthdays is valid until the next.
 */
export function cccdExpiry (dob: Ymd, doi: Ymd): { age: 25 | 40 | 60, date: Ymd } | 'none' {
  for (const age of [25, 40, 60] as const) {
    if (compare(doi, addYears(dob, age - 2)) < 0) return { age, date: addYears(dob, age) }
  }
  return 'none'
}

function expiryDate (dob: Ymd, doi: Ymd): Ymd | 'none' {
  const rule = cccdExpiry(dob, doi)
  return rule === 'none' ? 'none' : rule.date
}

function pick<T> (f: Faker, list: readonly T[]): T {
  return list[f.number.int({ min: 0, max: list.length - 1 })] as T
}

function dayBetween (f: Faker, from: Ymd, to: Ymd): Ymd {
  const a = toDay(from)
  const b = toDay(to)
  return fromDay(b <= a ? b : f.number.int({ min: a, max: b }))
}

const maxOf = (a: Ymd, b: Ymd): Ymd => (compare(a, b) >= 0 ? a : b)
const minOf = (a: Ymd, b: Ymd): Ymd => (compare(a, b) <= 0 ? a : b)

export class HolderFactError extends Error {}

function factDate (text: string | undefined, what: string): Ymd | undefined {
  if (text === undefined) return undefined
  const v = parseDmy(text)
  if (v === undefined) throw new HolderFactError(`holder.${what} "${text}" is not a dd/mm/yyyy date`)
  return v
}

/** The holder facts a scenario fixed, checked: dates that exist, a province code of the table. */
function checkFacts (holder: HolderFacts): { dob: Ymd | undefined, doi: Ymd | undefined } {
  const dob = factDate(holder.date_of_birth, 'date_of_birth')
  const doi = factDate(holder.issue_date, 'issue_date')
  if (holder.province_code !== undefined && !PROVINCE_CODES.has(holder.province_code)) {
    throw new HolderFactError(`holder.province_code "${holder.province_code}" is not a province code of the CCCD table`)
  }
  return { dob, doi }
}

/** Youngest generated holder: a CMND (issued before 2021, at 14 or older) needs an older one. */
const MIN_AGE = { cmnd: 30, other: 20 }
const MAX_AGE = 70

interface Person {
  card: Identity['card']
  sex: 'Nam' | 'Nữ'
  provinceCode: string
  provinceOfBirth: string
  dob: Ymd
  name: string
}

/** Who holds the document. The order of the draws is part of the seed's meaning: do not reorder. */
function person (f: Faker, doc: DocumentType, holder: HolderFacts, fixedDob: Ymd | undefined, today: Ymd): Person {
  const card: Identity['card'] = doc === 'idr' ? (holder.card === 'cmnd' ? 'cmnd' : 'chip') : doc
  const sex = holder.sex ?? (f.datatype.boolean() ? 'Nam' : 'Nữ')
  const [provinceCode, provinceOfBirth] = holder.province_code !== undefined
    ? PROVINCES.find(([c]) => c === holder.province_code) as readonly [string, string]
    : pick(f, PROVINCES)
  const age = f.number.int({ min: card === 'cmnd' ? MIN_AGE.cmnd : MIN_AGE.other, max: MAX_AGE })
  const dob = fixedDob ?? { y: today.y - age - 1, m: f.number.int({ min: 1, max: 12 }), d: f.number.int({ min: 1, max: 28 }) }
  const name = `${f.person.lastName()} ${f.person.firstName(sex === 'Nam' ? 'male' : 'female')}`
  return { card, sex, provinceCode, provinceOfBirth, dob, name }
}

/** The document number: a CCCD's 12 digits (a passport carries the holder's), a CMND's 9, a licence's 12. */
function idNumber (f: Faker, p: Person): string {
  if (p.card === 'chip' || p.card === 'passport') {
    return p.provinceCode + String(genderDigit(p.sex, p.dob.y)) + String(p.dob.y % 100).padStart(2, '0') + f.string.numeric(6)
  }
  if (p.card === 'cmnd') return String(f.number.int({ min: 0, max: 3 })) + f.string.numeric(8)
  return p.provinceCode.slice(1) + f.string.numeric(10)
}

/** Chip cards exist since 2021 and are issued from 14; the CMND was issued until the end of 2020. */
const CHIP_SINCE = { y: 2021, m: 1, d: 1 }
const CMND_UNTIL = { y: 2020, m: 12, d: 31 }
/** A CMND is valid 15 years; a driver licence (B1, B2) and a passport 10. */
const CMND_YEARS = 15
const TEN_YEARS = 10

/** Issue and expiry dates: issued before today, not expired today. */
function validity (f: Faker, p: Person, fixedDoi: Ymd | undefined, today: Ymd): { doi: Ymd, doe: Ymd | 'none' } {
  const yesterday = fromDay(toDay(today) - 1)
  if (p.card === 'chip') return chipValidity(f, p.dob, fixedDoi, today)
  if (p.card === 'cmnd') {
    // Issued less than 15 years ago (with 30 days to spare), so still valid today.
    const earliest = maxOf(fromDay(toDay(addYears(today, -CMND_YEARS)) + 30), addYears(p.dob, 14))
    const doi = fixedDoi ?? dayBetween(f, earliest, minOf(CMND_UNTIL, yesterday))
    return { doi, doe: addYears(doi, CMND_YEARS) }
  }
  // A licence from 18, a passport from 14, both issued within the last 9 years (so not expired).
  const minAge = p.card === 'dlr' ? 18 : 14
  const doi = fixedDoi ?? dayBetween(f, maxOf(addYears(p.dob, minAge), fromDay(toDay(addYears(today, -9)))), yesterday)
  return { doi, doe: addYears(doi, TEN_YEARS) }
}

function chipValidity (f: Faker, dob: Ymd, fixedDoi: Ymd | undefined, today: Ymd): { doi: Ymd, doe: Ymd | 'none' } {
  const earliest = maxOf(CHIP_SINCE, addYears(dob, 14))
  let doi = fixedDoi ?? dayBetween(f, earliest, fromDay(toDay(today) - 1))
  let doe = expiryDate(dob, doi)
  if (fixedDoi === undefined && doe !== 'none' && compare(doe, today) <= 0) {
    // Issued before an age milestone that has passed since: the holder has renewed the card.
    doi = maxOf(earliest, fromDay(toDay(today) - f.number.int({ min: 1, max: 180 })))
    doe = expiryDate(dob, doi)
  }
  return { doi, doe }
}

/** Where the holder lives and comes from, and the card's identifying marks. */
function whereabouts (f: Faker, provinceOfBirth: string): Pick<Identity, 'province' | 'street' | 'ward' | 'district' | 'home' | 'features'> {
  const [, province] = pick(f, PROVINCES)
  const street = `${f.number.int({ min: 1, max: 299 })} ${pick(f, STREETS)}`
  const ward = pick(f, WARDS)
  const district = pick(f, DISTRICTS)
  const home = `${pick(f, WARDS)}, ${pick(f, DISTRICTS)}, ${provinceOfBirth}`
  const features = `${pick(f, MARKS)} ${pick(f, MARK_SIZES)} ${pick(f, MARK_PLACES)}`
  return { province, street, ward, district, home, features }
}

function issueLocationOf (card: Identity['card'], provinceOfBirth: string, residence: string): string {
  if (card === 'chip') return CHIP_ISSUER
  if (card === 'cmnd') return `CA ${provinceOfBirth.toLocaleUpperCase('vi')}`
  return card === 'dlr' ? `Sở GTVT ${residence}` : PASSPORT_ISSUER
}

/** A person and a document, consistent with each other and with `today`. Synchronous and deterministic in `parts`. */
export function generateIdentity (random: Random, parts: Seedable[], doc: DocumentType, holder: HolderFacts, today: Ymd): Identity {
  const fixed = checkFacts(holder)
  return random.generate('vi', ['fpt.identity', doc, ...parts], (f) => {
    const p = person(f, doc, holder, fixed.dob, today)
    const id = idNumber(f, p)
    const { doi, doe } = validity(f, p, fixed.doi, today)
    const licenseClass = p.card === 'dlr' ? pick(f, ['B2', 'B2', 'B1', 'A1']) : ''
    const place = whereabouts(f, p.provinceOfBirth)
    const passportNo = p.card === 'passport' ? pick(f, ['C', 'N', 'P']) + f.string.numeric(7) : ''
    return {
      doc,
      card: p.card,
      id,
      name: p.name,
      dob: formatDmy(p.dob),
      sex: p.sex,
      nationality: 'Việt Nam',
      provinceCode: p.provinceCode,
      home: place.home,
      street: place.street,
      ward: place.ward,
      district: place.district,
      province: place.province,
      doi: formatDmy(doi),
      // An A1 motorcycle licence has no expiry.
      doe: doe === 'none' || licenseClass === 'A1' ? NO_EXPIRY : formatDmy(doe),
      features: place.features,
      issueLocation: issueLocationOf(p.card, p.provinceOfBirth, place.province),
      backType: p.card === 'chip' ? 'chip_back' : p.card === 'cmnd' ? 'old_back' : '',
      passportNo,
      placeOfBirth: p.provinceOfBirth,
      licenseClass
    }
  })
}

// --- Rendering ------------------------------------------------------------------------------

export type Fields = Map<string, string>

function baseFront (p: Identity): Record<string, string> {
  const upper = p.name.toLocaleUpperCase('vi')
  return {
    ID: p.id,
    Name: upper,
    'Date of birth': p.dob,
    Sex: p.sex,
    Nationality: p.nationality,
    Home: p.home,
    Address: `${p.street}, ${p.ward}, ${p.district}, ${p.province}`,
    'Expired Date': p.doe,
    Type: p.card === 'chip' ? 'chip_front' : p.card === 'cmnd' ? 'old' : 'P',
    Province: p.province,
    District: p.district,
    Ward: p.ward,
    Street: p.street,
    Class: p.licenseClass,
    'Issue Date': p.doi,
    'Issue Location': p.issueLocation,
    'Passport Number': p.passportNo,
    'Place of birth': p.placeOfBirth
  }
}

function withOverrides (keys: readonly string[], base: Record<string, string>, overrides: Record<string, string>, derive: (m: Fields) => Record<string, string>): Fields {
  const m: Fields = new Map()
  for (const k of keys) m.set(k, DERIVED.has(k) ? '' : (overrides[k] ?? base[k] ?? ''))
  const derived = derive(m)
  for (const k of keys) if (DERIVED.has(k)) m.set(k, overrides[k] ?? derived[k] ?? '')
  return m
}

/** The front side's fields; scenario overrides replace values (fields absent from this side are ignored). */
export function renderFront (p: Identity, overrides: Record<string, string> = {}): Fields {
  return withOverrides(FRONT_KEYS[p.card], baseFront(p), overrides, (m) => ({
    QRcode: qrCode(m, p),
    MRZ: p.card === 'passport' ? passportMrz(m) : ''
  }))
}

/** The back side's fields; the MRZ repeats the (final) front fields. */
export function renderBack (p: Identity, front: Fields, overrides: Record<string, string> = {}): Fields {
  const base = {
    Features: p.features,
    'Issue Date': p.doi,
    'Issue Location': p.issueLocation,
    Classes: `${p.licenseClass}: ${LICENSE_CLASSES[p.licenseClass] ?? ''}`
  }
  return withOverrides(BACK_KEYS[p.card], base, overrides, () => ({ MRZ: cardMrz(front) }))
}

function compact (dmy: string): string {
  return dmy.replaceAll('/', '')
}

/** The chip card's QR code: number|old number|name|birth date|sex|address|issue date. */
function qrCode (m: Fields, p: Identity): string {
  const name = p.name
  return [m.get('ID'), '', name, compact(m.get('Date of birth') ?? ''), m.get('Sex'), m.get('Address'), compact(p.doi)].join('|')
}

// --- MRZ (ICAO 9303) ----------------------------------------------------------------------

const mrzValue = (c: string): number => (c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 55 : 0)

export function checkDigit (s: string): string {
  const w = [7, 3, 1]
  let sum = 0
  for (let i = 0; i < s.length; i++) sum += mrzValue(s[i] as string) * (w[i % 3] as number)
  return String(sum % 10)
}

/** Latin capitals without diacritics, spaces as '<' (Đ → D). */
export function mrzName (name: string): string {
  const plain = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'D').toUpperCase()
  const words = plain.split(/\s+/).filter(Boolean).map((w) => w.replace(/[^A-Z]/g, ''))
  const [surname = '', ...given] = words
  return `${surname}<<${given.join('<')}`
}

const pad = (s: string, n: number): string => (s + '<'.repeat(n)).slice(0, n)

function yymmdd (dmy: string | undefined): string {
  const v = parseDmy(dmy ?? '')
  if (v === undefined) return isNoExpiry(dmy ?? '') ? '991231' : '<<<<<<'
  return `${String(v.y % 100).padStart(2, '0')}${String(v.m).padStart(2, '0')}${String(v.d).padStart(2, '0')}`
}

const sexLetter = (s: string | undefined): string => (s === 'Nam' ? 'M' : s === 'Nữ' ? 'F' : '<')

/** The 3-line MRZ (TD1) of the chip CCCD's back side: the 9-digit document number, the full 12-digit number in the optional data. */
function cardMrz (front: Fields): string {
  const id = front.get('ID') ?? ''
  const docNo = pad(id.slice(3), 9)
  const line1 = pad(`IDVNM${docNo}${checkDigit(docNo)}${id}`, 30)
  const dob = yymmdd(front.get('Date of birth'))
  const doe = yymmdd(front.get('Expired Date'))
  const body2 = `${dob}${checkDigit(dob)}${sexLetter(front.get('Sex'))}${doe}${checkDigit(doe)}VNM`
  const composite = checkDigit(line1.slice(5, 30) + body2.slice(0, 7) + body2.slice(8, 15) + pad('', 11))
  const line2 = pad(body2, 29) + composite
  const line3 = pad(mrzName(front.get('Name') ?? ''), 30)
  return [line1, line2, line3].join('\n')
}

/** The 12-digit number an MRZ of a chip card carries (E30), if it can be read. */
export function mrzCardNumber (mrz: string): string | undefined {
  const line1 = mrz.split(/\r?\n/)[0] ?? ''
  const m = /^IDVNM[0-9<]{9}[0-9](\d{12})/.exec(line1)
  return m?.[1]
}

/** The 2-line MRZ (TD3) of a passport. */
function passportMrz (m: Fields): string {
  const line1 = pad(`P<VNM${mrzName(m.get('Name') ?? '')}`, 44)
  const no = pad(m.get('Passport Number') ?? '', 9)
  const dob = yymmdd(m.get('Date of birth'))
  const doe = yymmdd(m.get('Expired Date'))
  const personal = pad(m.get('ID') ?? '', 14)
  const head = `${no}${checkDigit(no)}VNM${dob}${checkDigit(dob)}${sexLetter(m.get('Sex'))}${doe}${checkDigit(doe)}${personal}${checkDigit(personal)}`
  const composite = checkDigit(head.slice(0, 10) + head.slice(13, 20) + head.slice(21, 43))
  return [line1, head + composite].join('\n')
}
