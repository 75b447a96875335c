/**
 * Solution services in particular (weber.md): POST /api/v1/ekyc and POST /api/v1/passive-liveness
 * (vendor-notes §1.9). Neither records a visitor activity; neither validates the images (the
 * analytics judge them).
 */
import { goStruct, type GoValue } from '../gojson.js'
import { Upstream, type NodefluxJob } from '../nodeflux.js'
import type { WeberCall } from '../schemas.js'
import { ServiceBody } from './services.js'
import { checkSession, decide } from './session.js'

const Images = goStruct({ images: '[]string' })

export const EkycBody = goStruct({
  session_id: 'string',
  data: goStruct({ face_liveness: Images, ocr_ktp: Images, face_match: Images })
})

export const PassiveLivenessBody = ServiceBody

type Answer<T> = { message: 'Service demo request success', ok: true, service_data: T }

/**
 * eKYC: face-liveness, ocr-ktp and face-match run concurrently at Nodeflux; the answer holds the
 * three jobs in that (struct) order. An upstream failure is 500 with its text (the real server's
 * race between the three error values is not reproduced: Weber rulings).
 */
export async function ekyc (call: WeberCall, body: GoValue<typeof EkycBody>): Promise<Answer<{ face_liveness: NodefluxJob, ocr_ktp: NodefluxJob, face_match: NodefluxJob }>> {
  checkSession(call, body.session_id)
  const upstream = new Upstream(call, decide(call, body.session_id, body))
  const d = body.data
  const faceLiveness = await upstream.faceLiveness(d.face_liveness.images)
  const ocrKtp = await upstream.analytic('ocr-ktp', d.ocr_ktp.images, async () => true)
  const faceMatch = await upstream.faceMatch(d.face_match.images)
  return {
    message: 'Service demo request success',
    ok: true,
    service_data: { face_liveness: faceLiveness, ocr_ktp: ocrKtp, face_match: faceMatch }
  }
}

/**
 * Passive liveness: the document's v1 analytic (`live`, `liveness`; Weber rulings), with the
 * request's additional_params (liveness_threshold) passed on to Nodeflux.
 */
export async function passiveLiveness (call: WeberCall, body: GoValue<typeof PassiveLivenessBody>): Promise<Answer<NodefluxJob>> {
  checkSession(call, body.session_id)
  const upstream = new Upstream(call, decide(call, body.session_id, body))
  const job = await upstream.faceLiveness(body.data.images, body.data.additional_params)
  return { message: 'Service demo request success', ok: true, service_data: job }
}
