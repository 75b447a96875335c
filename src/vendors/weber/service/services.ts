/**
 * Services (weber.md): the catalogue (GET /api/v1/services, /api/v1/services/:slug) and the demo
 * requests (POST /api/v1/services/:id), with the real server's order and messages (vendor-notes §1.6, §1.8).
 */
import { catalogue } from '../errors.js'
import { goStruct, type GoValue } from '../gojson.js'
import { Upstream, type FaceOcclusionAttribute, type NodefluxJob } from '../nodeflux.js'
import { PRECOMPUTED, SERVICE_TYPES, serviceById, type ServiceType } from '../offerings.js'
import { ANALYTIC_SLUGS, INNOVATION_SLUGS, type WeberCall } from '../schemas.js'
import { thumbnails } from '../thumbnails.js'
import { checkSession, decide } from './session.js'

export const ServiceBody = goStruct({
  session_id: 'string',
  data: goStruct({ additional_params: 'map', images: '[]string' })
})

/**
 * GET /api/v1/services[?type=]: all rows, or one type's. A `type` that is present but not exactly one
 * of the four (empty and other cases included) is 400. Answers are serialised once (offerings.ts).
 */
export function listServices (call: WeberCall, type: string | string[] | undefined): string {
  // gin's c.GetQuery: the first value of a repeated parameter.
  const value = Array.isArray(type) ? type[0] : type
  if (value !== undefined && !(SERVICE_TYPES as readonly string[]).includes(value)) throw catalogue.error('invalid-type')
  decide(call, '', undefined)
  return value === undefined ? PRECOMPUTED.all : PRECOMPUTED.byType[value as ServiceType]
}

/** GET /api/v1/services/:slug: `data` is the object (the document's type table says array: a typo). */
export function getService (call: WeberCall, slug: string): string {
  const body = PRECOMPUTED.bySlug.get(slug)
  if (body === undefined) throw catalogue.error('service-not-found')
  decide(call, '', undefined)
  return body
}

export type AnalyticAnswer = { message: 'Service demo request success', ok: true, service_data: NodefluxJob, thumbnails: string[] }
export type InnovationAnswer = { message: 'Service demo request success', ok: true, service_data: NodefluxJob | FaceOcclusionAttribute }

/** strconv.ParseUint(id, 10, 32). */
function parseUint32 (s: string): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined
  const n = Number(s)
  return n <= 0xffffffff ? n : undefined
}

/**
 * POST /api/v1/services/:id (§1.8): session → id → service (unknown: 500) → the visitor activity is
 * recorded (completeness 100, before the call, so it stays when the call fails) → dispatch on the
 * service type: analytic → the Nodeflux job plus thumbnails; innovation → the predict job envelope, no
 * thumbnails; anything else → 500 "Undefined implementation of: <slug>".
 */
export async function requestService (call: WeberCall, input: { id: string, body: GoValue<typeof ServiceBody> }): Promise<AnalyticAnswer | InnovationAnswer> {
  const { body } = input
  checkSession(call, body.session_id)
  const id = parseUint32(input.id)
  if (id === undefined) throw catalogue.error('invalid-id')
  const service = serviceById(id)
  if (service === undefined) throw catalogue.error('record-not-found')
  call.store.insertActivity(call.namespace, body.session_id, service.id, 100, call.nowMs())

  const upstream = new Upstream(call, decide(call, body.session_id, body))
  const images = body.data.images
  const slug = service.slug
  if (service.type === 'analytic' && (ANALYTIC_SLUGS as readonly string[]).includes(slug)) {
    // face-match-enrollment compares with the demo face enrolled under FACE_ID at Nodeflux: always there.
    const job = await upstream.analytic(slug as (typeof ANALYTIC_SLUGS)[number], images, async () => true)
    // After the call the server splits images[0] at its comma to crop thumbnails: without one (or
    // without any image) it panics, and gin answers an empty 500.
    if (images[0] === undefined || !images[0].includes(',')) throw catalogue.error('panic')
    const thumbs = await thumbnails(job.job.result, await upstream.first(images))
    return { message: 'Service demo request success', ok: true, service_data: job, thumbnails: thumbs }
  }
  if (service.type === 'innovation' && (INNOVATION_SLUGS as readonly string[]).includes(slug)) {
    const data = await upstream.innovation(slug as (typeof INNOVATION_SLUGS)[number], images)
    return { message: 'Service demo request success', ok: true, service_data: data }
  }
  throw catalogue.error('undefined-implementation', { message: `Undefined implementation of: ${slug}` })
}
