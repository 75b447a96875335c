/**
 * What a vendor plugin gets from core to declare its routes: its settings and store, the typed call
 * of a request, and prechecks (checks that must answer before the body is read).
 */
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import type { Call } from './call.js'

/**
 * A check that runs in onRequest, before the body is read (e.g. an API key: a request without one is
 * refused whatever it carries), whose result the handler reads with `of(request)`. Core stores the
 * result on the request's call; nothing else writes it.
 */
export interface Precheck<T> {
  readonly hook: onRequestHookHandler
  of: (request: FastifyRequest) => T
}

export interface VendorKit<S, St> {
  readonly id: string
  readonly settings: S
  readonly store: St
  /** The request's call, typed for this vendor. */
  call: (request: FastifyRequest) => Call<S, St>
  /** A precheck from a function of the call and the request headers. */
  precheck: <T>(check: (call: Call<S, St>, headers: FastifyRequest['headers']) => T) => Precheck<T>
}

export function createKit<S, St> (id: string, settings: S, store: St): VendorKit<S, St> {
  return {
    id,
    settings,
    store,
    call: (request) => request.call as Call<S, St>,
    precheck: <T>(check: (call: Call<S, St>, headers: FastifyRequest['headers']) => T): Precheck<T> => {
      const key = {}
      return {
        hook: (request, _reply, done) => {
          try {
            request.call.before = { key, value: check(request.call as Call<S, St>, request.headers) }
          } catch (err) {
            done(err as Error)
            return
          }
          done()
        },
        of: (request) => {
          const before = request.call.before
          if (before?.key !== key) throw new Error('precheck result read on a route that does not run that precheck')
          return before.value as T
        }
      }
    }
  }
}
