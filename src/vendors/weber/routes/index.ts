/**
 * Weber's routes (weber.md; the complete list from the real router, vendor-notes §1.1), one file per
 * resource: schemas and thin handlers. Bodies are bound Go-style before the handler (gin.ts,
 * `config.goBody`); the handler passes the bound struct to the service.
 */
import type { FastifyInstance } from 'fastify'
import { facePaymentRoutes } from './facepay.js'
import { serviceRoutes } from './services.js'
import type { WeberKit } from './shared.js'
import { solutionRoutes } from './solutions.js'
import { visitorRoutes } from './visitors.js'

/** Every operation of the real router, by operationId. */
export function routes (app: FastifyInstance, kit: WeberKit): void {
  serviceRoutes(app, kit)
  visitorRoutes(app, kit)
  solutionRoutes(app, kit)
  facePaymentRoutes(app, kit)
}
