/**
 * buildApp(config): the core plugins, then every served vendor from the registry. This file and
 * server.ts are the only places that know both core and the vendors.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { z } from 'zod'
import { adminPlugin } from './core/admin.js'
import { collectionLink, collectionsPlugin } from './core/collections.js'
import { ConfigError, loadSettingsFile, parseFlags, parseSettings, type Config } from './core/config.js'
import { Core, type CoreOptions } from './core/core.js'
import { SandboxError, sendSandboxError, sendSandboxFault } from './core/errors.js'
import { registerOpenApi } from './core/openapi.js'
import { compileSerializer, compileValidator } from './core/schemas.js'
import type { VendorScenarioSpec } from './core/scenarios/schema.js'
import { mountVendor, type VendorModule } from './core/vendor.js'
import { vendors as registry } from './vendors/index.js'

export const vendorIds = registry.map((v) => v.id)

/** Every vendor's scenario vocabulary (one map for the process: the loader caches parses per map). */
const scenarioSpecs = new Map<string, VendorScenarioSpec>(registry.map((v) => [v.id, v.scenarios]))

export function vendorSettingsSchemas (): Record<string, z.ZodType> {
  return Object.fromEntries(registry.map((v) => [v.id, v.settings]))
}

/** Flags and environment, plus the settings file they name; throws ConfigError. */
export function loadConfig (argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const flags = parseFlags(argv, env)
  if (flags.vendor !== undefined && !vendorIds.includes(flags.vendor)) {
    throw new ConfigError(`invalid value "${flags.vendor}" for --vendor: expected one of ${vendorIds.join(', ')}`)
  }
  const settings = flags.config === undefined
    ? parseSettings({}, vendorSettingsSchemas())
    : loadSettingsFile(flags.config, vendorSettingsSchemas())
  return { ...flags, settings }
}

/** A config from flags and an in-memory settings object (tests). */
export function configFrom (argv: readonly string[], settings: unknown = {}, env: NodeJS.ProcessEnv = {}): Config {
  const flags = parseFlags(argv, env)
  return { ...flags, settings: parseSettings(settings, vendorSettingsSchemas()) }
}

export interface BuildOptions extends CoreOptions {
  logger?: FastifyServerOptions['logger']
  /** Check every response against its documented schema (tests). */
  checkResponses?: boolean
  /** PEM certificate and key: serve HTTPS (--tls-cert, --tls-key). */
  https?: { cert: string, key: string }
}

export async function buildApp (config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.https === undefined ? {} : { https: opts.https }),
    logger: opts.logger ?? { level: config.logLevel },
    // Request logs would cost every call; the journal records requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    exposeHeadRoutes: false,
    // Admin and docs only: each vendor scope sets its own limit (the vendor's, not Fastify's 1 MB).
    bodyLimit: 1024 * 1024,
    // Close only idle keep-alive connections: requests in flight finish (the grace period, kit/start.ts).
    forceCloseConnections: 'idle',
    return503OnClosing: true
  })
  app.setValidatorCompiler(compileValidator)
  app.setSerializerCompiler(compileSerializer(opts.checkResponses === true))
  app.decorateRequest('sandbox', null as never)

  const served: ReadonlyArray<VendorModule<any>> = config.vendor === undefined ? registry : registry.filter((v) => v.id === config.vendor)
  const core = new Core(config, registry.map((v) => ({ id: v.id, store: v.store })), scenarioSpecs, app.log, opts)
  app.decorate('core', core)
  app.addHook('onClose', async () => { await core.close() })

  const rootMounted = config.vendor !== undefined
  await registerOpenApi(app, [
    ...served.map((v) => ({ id: v.id, title: v.title, description: v.description + collectionLink(v.id), prefix: rootMounted ? '' : v.prefix })),
    { id: 'admin', title: 'Sandbox admin API', description: 'Control plane: health, reset, clock, scenarios, request journal.' + collectionLink('admin'), prefix: '/__admin' }
  ], core.version)

  await app.register(collectionsPlugin, { ids: [...served.map((v) => v.id), 'admin'] })
  await app.register(adminPlugin, { prefix: '/__admin', core, vendors: served.map((v) => v.id), adminToken: config.adminToken })

  for (const mod of served) mountVendor(app, core, mod, config.settings.vendors[mod.id], rootMounted ? '' : mod.prefix)

  if (!rootMounted) {
    app.setNotFoundHandler((request, reply) => sendSandboxError(reply, new SandboxError('not-found',
      `nothing at ${request.method} ${request.url.split('?')[0] ?? ''}; vendors live under ${served.map((v) => v.prefix).join(', ')}, the admin API under /__admin, documentation at /docs`, 404)))
  }
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof SandboxError) return sendSandboxError(reply, err)
    return sendSandboxFault(reply, err, 'sandbox')
  })

  await app.ready()
  return app
}

declare module 'fastify' {
  interface FastifyInstance {
    core: Core
  }
}
