/**
 * AuthTenant (vendor-notes §4, "Authentication"; ruling for Riset): POST /oauth/client/token issues a
 * new Accesstoken on every call, POST /oauth/token/revoke blacklists one, and every API call sends
 * the token raw in the `Accesstoken` header.
 *
 * Which tokens authenticate, in this order: a revoked one never (whatever --api-keys says); an
 * expired one never (only with token_lifetime_seconds); one issued in the namespace always; any other
 * value as core decides (`acceptsKey`: without --api-keys any non-empty value, with it only the
 * listed values, which are also the only client ids allowed to obtain tokens).
 */
import type { Call } from '../../../core/vendor/call.js'
import { refuse } from '../errors.js'
import type { RisetOutcome, RisetSettings } from '../schemas.js'
import type { IssuedToken, TokenStore } from '../store.js'

type RisetCall = Call<RisetSettings, TokenStore>

/** The Accesstoken that authenticated a request, and its issue record when the sandbox issued it. */
export interface Authenticated {
  token: string
  issued: IssuedToken | undefined
}

const b64url = (v: string | Buffer): string => Buffer.from(v).toString('base64url')

/** Refuse with 401 unless the Accesstoken (the header's value, '' when absent) authenticates. */
export function authenticate (call: RisetCall, token: string): Authenticated {
  const ns = call.namespace
  if (token.trim() === '') throw refuse('401', 'the Accesstoken header is missing or empty')
  if (call.store.isRevoked(ns, token)) throw refuse('401', 'this Accesstoken was revoked (POST /oauth/token/revoke)')
  const issued = call.store.find(ns, token)
  if (issued !== undefined) {
    if (issued.expires_at !== null && call.nowMs() >= issued.expires_at) throw refuse('401', 'this Accesstoken has expired (token_lifetime_seconds)')
    return { token, issued }
  }
  if (!call.acceptsKey(token)) throw refuse('401', 'this Accesstoken was not issued here and is not one of --api-keys')
  return { token, issued }
}

/** With --api-keys, only the listed client ids may obtain (and revoke) tokens. */
function checkClient (call: RisetCall, clientId: string): void {
  if (!call.acceptsKey(clientId)) throw refuse('401', 'client_id is not one of --api-keys')
}

/** POST /oauth/client/token: a new token on every call (vendor-notes §4), shaped like the document's JWT. */
export function issueToken (call: RisetCall, clientId: string): { access_token: string } {
  checkClient(call, clientId)
  call.decideOrThrow<RisetOutcome>({ detail: { note: 'chosen by the scenario' } })
  const ns = call.namespace
  const now = call.nowMs()
  const serial = call.store.issuedCount(ns) + 1
  const lifetime = call.settings.token_lifetime_seconds
  const expiresAt = lifetime > 0 ? now + lifetime * 1000 : null
  const claims: Record<string, unknown> = { client_id: clientId, iat: Math.floor(now / 1000), jti: call.random.hash('riset.token', ns, clientId, serial).slice(0, 32) }
  if (expiresAt !== null) claims.exp = Math.floor(expiresAt / 1000)
  // The document's example token starts "eyJhbGciOiJSUzI1NiIsIn": a JWT signed RS256 (256-byte signature).
  const signature = Buffer.concat(Array.from({ length: 8 }, (_, i) => Buffer.from(call.random.hash('riset.token.sig', ns, clientId, serial, i), 'hex')))
  const token = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.${b64url(signature)}`
  call.store.issue(ns, token, clientId, now, expiresAt)
  return { access_token: token }
}

/** POST /oauth/token/revoke: the token (already authenticated) goes on the blacklist. */
export function revokeToken (call: RisetCall, auth: Authenticated, clientId: string): { status_message: 'Success Revoke Token' } {
  checkClient(call, clientId)
  if (auth.issued !== undefined && auth.issued.client_id !== clientId) throw refuse('403', 'this Accesstoken was issued to another client_id')
  call.decideOrThrow<RisetOutcome>({ detail: { note: 'chosen by the scenario' } })
  call.store.revoke(call.namespace, auth.token, call.nowMs())
  return { status_message: 'Success Revoke Token' }
}
