/**
 * Step 1, POST /session/init (fpt-ekyc.vi.md): a session that lives `session_lifetime_seconds` (30
 * minutes) from now, and the SDK configuration of the device type, whose `limit` is the session's
 * liveness retry limit.
 */
import { randomUUID } from 'node:crypto'
import type { DeviceType, FptOutcome } from '../schemas.js'
import { catalogue } from '../errors.js'
import { deviceTypeOf, type FptCall, type FptHeaders } from './session.js'

export interface InitAnswer {
  code: '200'
  message: string
  'session-id': string
  sdk_config: { is_show_ekyc_result: boolean, ekyc_flow: number, liveness_type: number, is_skip_nfc: boolean, limit: number }
}

/** Init's table, before the body is read: a missing or refused key first (ruling FPT: key before device-type), then device-type. */
export function checkInit (call: FptCall, headers: FptHeaders): DeviceType {
  if (!call.acceptsKey(headers.apiKey)) throw catalogue.error('401')
  return deviceTypeOf(headers.deviceType)
}

export async function init (call: FptCall, device: DeviceType): Promise<InitAnswer> {
  const outcome = call.decideOrThrow<FptOutcome>()
  const c = { ...call.settings.sdk_config[device], ...outcome.sdk_config }
  const id = randomUUID()
  await call.store.create(call.namespace, id, device, call.nowMs(), call.settings.session_lifetime_seconds * 1000, c.limit)
  call.bindSession(id)
  return {
    code: '200',
    message: 'success',
    'session-id': id,
    sdk_config: { is_show_ekyc_result: c.is_show_ekyc_result, ekyc_flow: c.ekyc_flow, liveness_type: c.liveness_type, is_skip_nfc: c.is_skip_nfc, limit: c.limit }
  }
}
