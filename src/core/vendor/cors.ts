/**
 * CORS for browser clients of vendors that do not reproduce their own (module.cors): every answer
 * allows any origin and exposes x-sandbox-error, and a preflight anywhere under the prefix allows the
 * vendor's headers plus the X-Sandbox-* control headers, so a web app can steer scenarios.
 */
import type { FastifyInstance } from 'fastify'
import { NAMESPACE_HEADER, SCENARIO_HEADER } from './namespace.js'
import type { CorsSpec } from './module.js'

export function registerCors (scope: FastifyInstance, cors: CorsSpec): void {
  const allowHeaders = ['content-type', ...cors.headers, SCENARIO_HEADER, NAMESPACE_HEADER].join(', ')
  const allowMethods = [...cors.methods, 'OPTIONS'].join(', ')
  scope.addHook('onRequest', (_request, reply, done) => {
    reply.header('access-control-allow-origin', '*')
    reply.header('access-control-expose-headers', 'x-sandbox-error')
    done()
  })
  scope.options('/*', { schema: { hide: true } }, async (_request, reply) => {
    return reply.code(204)
      .header('access-control-allow-methods', allowMethods)
      .header('access-control-allow-headers', allowHeaders)
      .header('access-control-max-age', '600')
      .send()
  })
}
