/**
 * What Weber offers, its services catalogue (the error catalogue is errors.ts): the real server's 17
 * seeded rows (vendor-notes §1.6 and the ruling "The services catalogue is the real 17-row
 * catalogue"); the document's examples (ids 1/2/3/6 with other slugs) are illustrations. Ids, types, slugs, names, thumbnails and special instructions are the
 * seed's; the marketing descriptions are written for the sandbox (README, divergences).
 *
 * The catalogue never changes, so every answer of GET /api/v1/services (all, and per type) and of
 * GET /api/v1/services/:slug is serialised once, at start-up.
 */
import { goTime } from './format.js'

export type ServiceType = 'analytic' | 'solution' | 'innovation' | 'solution-partner'

/** Field order is the Go struct's (vendor-notes §1.2), which the document's examples show too. */
export interface Service {
  id: number
  type: ServiceType
  slug: string
  name: string
  short_description: string
  long_description: string
  special_instruction: string
  thumbnail: string
  created_at: string
  updated_at: string
}

type Row = [type: ServiceType, slug: string, name: string, thumbnail: string, instruction: string, short: string, long: string]

const PARTNER_REGISTRATION = 'http://nodeflux-registration.komunestudio.com'

const ROWS: Row[] = [
  ['analytic', 'ocr-ktp', 'OCR Kartu Tanda Penduduk', 'ocr-ktp.png', 'Special Instruction for OCR KTP',
    'Reads an Indonesian identity card (KTP) and returns its fields as structured data.',
    'Optical character recognition tuned for the KTP: the NIK, name, birth data, address and the other printed fields are extracted from a photo of the card, ready to fill a form or to be checked against other records.'],
  ['analytic', 'license-plate-recognition', 'License Plate Recognition', 'license-plate-recognition.png', 'Special Instruction for LPR',
    'Reads the plate numbers of the vehicles in a picture.',
    'Detects the license plates in a camera picture and reads their numbers, with the position of each plate, for parking, tolling and traffic use cases in Indonesian conditions.'],
  ['analytic', 'people-density', 'People Density', 'people-density.png', 'Special Instruction for People Density',
    'Counts the people present in a picture of an area.',
    'Detects every person in a picture taken at regular intervals by a camera, so that the number of people in an area over time becomes an indicator of crowding and mobility.'],
  ['analytic', 'face-match-enrollment', 'Face Match with Enrollment', 'face-match-enrollment.png', 'Special Instruction for Face Match with Enrollment',
    'Compares a face with a face enrolled beforehand and gives their similarity.',
    'Finds the face in a photo and compares it with a face enrolled in the database beforehand, answering whether they belong to the same person together with a similarity score.'],
  ['analytic', 'face-mask', 'Face Mask Detection', 'face-mask.png', 'Special Instruction for Face Mask Detection',
    'Tells, for every face in a picture, whether a mask is worn.',
    'Detects the faces in a picture, from a single selfie to a wide surveillance shot, and tells for each one whether it wears a face mask.'],
  ['analytic', 'face-demography', 'Face Demography', 'face-demography.png', 'Special Instruction for Face Demography',
    'Estimates the gender and the age range of the faces in a picture.',
    'Detects the faces in a picture and estimates, from their appearance, the gender and the age range of each of them.'],
  ['solution', 'ekyc', 'Electronic Know Your Customer', 'ekyc.jpg', 'Special Instruction for EKYC',
    'Verifies a new customer from a selfie and an identity card.',
    'Combines face liveness, KTP character recognition and face matching to check that a customer is a real person who owns the identity card presented, supporting customer due diligence and fraud prevention.'],
  ['solution', 'face-payment', 'Face Payment', 'face-payment.jpg', 'Special Instruction for Face Payment',
    'Pays by showing your face, without a card or a phone.',
    'A touchless payment demonstration: an account is registered with a live selfie, activated with a PIN and a minimum payment, and payments are then authorised by face recognition.'],
  ['innovation', 'ocr-receipt', 'OCR Receipt Recognition', 'ocr-receipt.jpg', 'Special Instruction for OCR Receipt Recognition',
    'Reads the items and totals of a shopping receipt (experimental).',
    'An experimental analytic that extracts the store address, the receipt number and each purchased item with its quantity and price from a photo of a supermarket receipt.'],
  ['innovation', 'car-damage', 'Car Damage Assessment', 'car-damage.jpg', 'Special Instruction for Car Damage Assessment',
    'Finds the damaged parts of a car and grades the damage (experimental).',
    'An experimental analytic that detects damage on the front, sides and back of a car and assesses its level, for insurance and repair workflows.'],
  ['innovation', 'face-occlusion-attribute', 'Face Occlusion & Attribute', 'face-occlusion-attribute.jpg', 'Special Instruction for Face Occlusion & Attribute',
    'Tells which part of a face is covered and by what.',
    'Combines face occlusion, which finds the covered parts of a face, and face attributes, which names what covers them (glasses, hat, mask...), so that a face is known to be fully visible before liveness or recognition.'],
  ['solution-partner', PARTNER_REGISTRATION, 'Road Traffic Monitoring', 'road-traffic-monitoring.jpg', '',
    'Monitors vehicle activity and traffic density in real time from CCTV.', ''],
  ['solution-partner', 'https://employee.caliana.id/auth?signup', 'Mobile Employee Attendance (HRIS)', 'hris.jpg', '',
    'A mobile attendance application for remote employees.', ''],
  ['solution-partner', 'https://apps.apple.com/id/app/jaki/id1509621798?l=id;https://play.google.com/store/apps/details?id=id.go.jakarta.smartcity.jaki&hl=en&gl=US', 'Citizen Apps', 'citizen-apps.jpg', '',
    'One platform for the everyday needs of citizens.', ''],
  ['solution-partner', PARTNER_REGISTRATION, 'Health Protocol Enforcement (Covid Solution)', 'covid-solution.jpg', '',
    'Checks mask wearing and crowding in public places.', ''],
  ['solution-partner', 'aml-pep', 'AML / PEP', 'AML-PEP.jpg', '',
    'Screens customers against anti-money-laundering and politically exposed persons lists.', ''],
  ['solution', 'passive-liveness', 'Passive Face Liveness Detection', 'passive-liveness.png', 'Special Instruction for Passive Face Liveness Detection',
    'Tells from a single selfie whether the face is a live person.',
    'Detects presentation attacks (printed photos, screens, masks) from one selfie, without asking the user to move.']
]

/**
 * When the seeder ran: a fixed instant in the document's era, each row a few microseconds after the
 * previous one (created_at and updated_at are equal, as in the document's examples).
 */
const SEEDED_AT_MS = Date.parse('2022-01-27T07:03:11.000Z')

export const SERVICES: readonly Service[] = ROWS.map(([type, slug, name, thumbnail, instruction, short, long], i) => {
  const micros = 482_931 + 7 * i
  const at = goTime(SEEDED_AT_MS + Math.floor(micros / 1000), micros % 1000)
  return {
    id: i + 1,
    type,
    slug,
    name,
    short_description: short,
    long_description: long,
    special_instruction: instruction,
    thumbnail,
    created_at: at,
    updated_at: at
  }
})

/** When the seeded visitors were created (the same seeding run). */
export const SEEDED_VISITORS_AT_MS = SEEDED_AT_MS

export const SERVICE_TYPES = ['analytic', 'solution', 'innovation', 'solution-partner'] as const

/** The per-type messages of GET /api/v1/services?type= (vendor-notes §1.6). */
const TYPE_MESSAGES: Record<ServiceType, string> = {
  analytic: 'Get all analytics service success',
  solution: 'Get all solutions service success',
  innovation: 'Get all innovations service success',
  'solution-partner': 'Get all solution partner service success'
}

export function serviceById (id: number): Service | undefined {
  return Number.isInteger(id) && id >= 1 ? SERVICES[id - 1] : undefined
}

/** gorm's First: the lowest id with this slug (two partner rows share one). */
export function serviceBySlug (slug: string): Service | undefined {
  return SERVICES.find((s) => s.slug === slug)
}

/** The list bodies, keys sorted as Go sorts a map's: data, message, ok. */
export function listBody (type: ServiceType | undefined): { data: Service[], message: string, ok: true } {
  return type === undefined
    ? { data: [...SERVICES], message: 'Get all services success', ok: true }
    : { data: SERVICES.filter((s) => s.type === type), message: TYPE_MESSAGES[type], ok: true }
}

export function slugBody (service: Service): { data: Service, message: string, ok: true } {
  return { data: service, message: `Get service by slug=${service.slug} success`, ok: true }
}

/** The serialised answers, computed once: GET /api/v1/services is the benchmarked route. */
export const PRECOMPUTED = {
  all: JSON.stringify(listBody(undefined)),
  byType: Object.fromEntries(SERVICE_TYPES.map((t) => [t, JSON.stringify(listBody(t))])) as Record<ServiceType, string>,
  bySlug: new Map<string, string>(SERVICES.map((s): [string, string] => [s.slug, JSON.stringify(slugBody(s))]).reverse())
}
