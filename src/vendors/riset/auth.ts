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
import type { FastifyRequest } from 'fastify'
import type { VendorContext } from '../../core/vendor.js'
import { refuse } from './errors.js'
import type { RisetOutcome, RisetSettings } from './schemas.js'
import type { IssuedToken, TokenStore } from './store.js'

type Ctx = VendorContext<RisetSettings>

const b64url = (v: string | Buffer): string => Buffer.from(v).toString('base64url')

export class Auth {
  constructor (private readonly ctx: Ctx, private readonly store: TokenStore) {}

  /** The Accesstoken header's value ('' when absent). */
  static tokenOf (request: FastifyRequest): string {
    const raw = request.headers.accesstoken
    return (Array.isArray(raw) ? raw[0] : raw) ?? ''
  }

  /** Refuse the request with 401 unless its Accesstoken authenticates; returns the token. */
  authenticate (request: FastifyRequest): { token: string, issued: IssuedToken | undefined } {
    const token = Auth.tokenOf(request)
    const ns = request.sandbox.namespace
    if (token.trim() === '') throw refuse('401', 'the Accesstoken header is missing or empty')
    if (this.store.isRevoked(ns, token)) throw refuse('401', 'this Accesstoken was revoked (POST /oauth/token/revoke)')
    const issued = this.store.find(ns, token)
    if (issued !== undefined) {
      if (issued.expires_at !== null && this.ctx.nowMs(request) >= issued.expires_at) throw refuse('401', 'this Accesstoken has expired (token_lifetime_seconds)')
      return { token, issued }
    }
    if (!this.ctx.core.acceptsKey(token)) throw refuse('401', 'this Accesstoken was not issued here and is not one of --api-keys')
    return { token, issued }
  }

  /** With --api-keys, only the listed client ids may obtain (and revoke) tokens. */
  private checkClient (clientId: string): void {
    if (!this.ctx.core.acceptsKey(clientId)) throw refuse('401', 'client_id is not one of --api-keys')
  }

  /** POST /oauth/client/token: a new token on every call (vendor-notes §4), shaped like the document's JWT. */
  issue (request: FastifyRequest, clientId: string): { access_token: string } {
    this.checkClient(clientId)
    const { outcome } = this.ctx.decide<RisetOutcome>(request)
    if (outcome?.error !== undefined) throw refuse(outcome.error, 'chosen by the scenario')
    const ns = request.sandbox.namespace
    const now = this.ctx.nowMs(request)
    const serial = this.store.issuedCount(ns) + 1
    const random = this.ctx.core.random
    const lifetime = this.ctx.settings.token_lifetime_seconds
    const expiresAt = lifetime > 0 ? now + lifetime * 1000 : null
    const claims: Record<string, unknown> = { client_id: clientId, iat: Math.floor(now / 1000), jti: random.hash('riset.token', ns, clientId, serial).slice(0, 32) }
    if (expiresAt !== null) claims.exp = Math.floor(expiresAt / 1000)
    // The document's example token starts "eyJhbGciOiJSUzI1NiIsIn": a JWT signed RS256 (256-byte signature).
    const signature = Buffer.concat(Array.from({ length: 8 }, (_, i) => Buffer.from(random.hash('riset.token.sig', ns, clientId, serial, i), 'hex')))
    const token = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.${b64url(signature)}`
    this.store.issue(ns, token, clientId, now, expiresAt)
    return { access_token: token }
  }

  /** POST /oauth/token/revoke: the token (already authenticated) goes on the blacklist. */
  revoke (request: FastifyRequest, token: string, issued: IssuedToken | undefined, clientId: string): { status_message: 'Success Revoke Token' } {
    this.checkClient(clientId)
    if (issued !== undefined && issued.client_id !== clientId) throw refuse('403', 'this Accesstoken was issued to another client_id')
    const { outcome } = this.ctx.decide<RisetOutcome>(request)
    if (outcome?.error !== undefined) throw refuse(outcome.error, 'chosen by the scenario')
    this.store.revoke(request.sandbox.namespace, token, this.ctx.nowMs(request))
    return { status_message: 'Success Revoke Token' }
  }
}
