/**
 * What every step of the flow checks the same way (fpt-ekyc.vi.md; vendor-notes, FPT rulings): the
 * headers a route unpacks, the device type, the response language, and the request's session,
 * which must be open. Refusals are catalogue errors, rendered in the shape of the refusing
 * operation (errors.ts).
 */
import type { Call } from '../../../core/vendor/call.js'
import { catalogue } from '../errors.js'
import { DOCUMENT_TYPES, type DocumentType } from '../identity.js'
import { DEVICE_TYPES, type DeviceType, type FptSettings } from '../schemas.js'
import type { FptStore, SessionRow } from '../store.js'

export type FptCall = Call<FptSettings, FptStore>

export type Lang = 'en' | 'vi'

/**
 * The headers checked before the body is read, as the route unpacks them (first values; undefined
 * when absent or empty). side-type is not among them: the OCR handler reads it for planOcr.
 */
export interface FptHeaders {
  /** `api-key`, or `api_key` as the document's tables spell it (vendor-notes, ruling FPT; ambiguity 19). */
  apiKey?: string | undefined
  deviceType?: string | undefined
  sessionId?: string | undefined
  documentType?: string | undefined
  lang?: string | undefined
}

/** Longest session-id looked up; longer ones cannot be ours (ours are UUIDs). */
const MAX_SESSION_ID = 128

/** "device type must be provided" unless android, ios, web-sdk or api (Step 1, "Mã lỗi"; matched exactly). */
export function deviceTypeOf (value: string | undefined): DeviceType {
  if (!(DEVICE_TYPES as readonly string[]).includes(value ?? '')) throw catalogue.error('400-device-type')
  return value as DeviceType
}

/** The document-type header: missing, then invalid (Step 2, "Các mã lỗi chung"). */
export function documentTypeOf (value: string | undefined): DocumentType {
  if (value === undefined) throw catalogue.error('400-document-type-missing')
  if (!(DOCUMENT_TYPES as readonly string[]).includes(value)) throw catalogue.error('400-document-type-invalid')
  return value as DocumentType
}

/** en (the default) or vi; anything else is "country code value is invalid" (ambiguity 22). */
export function langOf (value: string | undefined): Lang {
  if (value !== undefined && value !== 'en' && value !== 'vi') throw catalogue.error('400-country-code')
  return value === 'vi' ? 'vi' : 'en'
}

/**
 * The request's session, open: known in this namespace, not past its lifetime (counted from init,
 * ruling FPT), not ended by a passed liveness or the retry limit. No session-id is "uuid must be
 * provided" (ambiguity 21); any other session is "Session expired" (403).
 */
export function openSession (call: FptCall, id: string | undefined): SessionRow {
  if (id === undefined) throw catalogue.error('400-uuid')
  const row = id.length > MAX_SESSION_ID ? undefined : call.store.get(call.namespace, id)
  if (row === undefined || row.state === 'closed' || call.nowMs() >= row.expires_ms) throw catalogue.error('403')
  return row
}
