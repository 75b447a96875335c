/**
 * buildApp(config): the core plugins, then every served vendor from the registry. This file and
 * server.ts are the only places that know both core and the vendors.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { z } from 'zod'
import { adminPlugin } from './core/admin/index.js'
import { registerBodyGuard, registerLinger } from './core/body-guard.js'
import { collectionLink, collectionsPlugin } from './core/collections.js'
import { ConfigError, loadSettingsFile, parseFlags, parseSettings, type Config } from './core/config.js'
import { Core, type CoreOptions } from './core/core.js'
import { registerDashboard } from './core/dashboard.js'
import { SandboxError, sendSandboxError, sendSandboxFault } from './core/errors.js'
import { registerOpenApi } from './core/openapi.js'
import { decorateAdminDocument, decorateVendorDocument } from './core/openapi-doc.js'
import { compileSerializer, compileValidator } from './core/schemas.js'
import { ParseCache } from './core/scenarios/loader.js'
import type { VendorScenarioSpec } from './core/scenarios/schema.js'
import type { VendorModule } from './core/vendor/module.js'
import type { Inspector } from './core/vendor/inspect.js'
import { clientErrorHandler, frameworkErrors } from './core/vendor/malformed.js'
import { mountVendor, type MountedVendor } from './core/vendor/mount.js'
import { vendors as registry } from './vendors/index.js'

export const vendorIds = registry.map((v) => v.id)

/** Every vendor's scenario vocabulary: its operations (with the codes each answers) and its outcomes. */
const scenarioSpecs = new Map<string, VendorScenarioSpec>(registry.map((v) => [v.id, { operations: v.operations, outcome: v.outcome }]))

/** A cache of parsed scenario files that several apps may share (tests build many apps). */
export function newParseCache (): ParseCache {
  return new ParseCache(scenarioSpecs)
}

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
  const http = config.settings.core.http
  /** Filled as the vendors mount (below). */
  const mounted: MountedVendor[] = []
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
    return503OnClosing: true,
    // Slow and idle clients (settings: http): no connection is held forever.
    requestTimeout: http.body_timeout_ms + http.headers_timeout_ms,
    connectionTimeout: http.idle_timeout_ms,
    keepAliveTimeout: http.keep_alive_timeout_ms,
    // What never reaches a route (unparseable HTTP, undecodable URLs) answers as the vendor, never as Fastify.
    clientErrorHandler: clientErrorHandler(mounted),
    frameworkErrors: frameworkErrors(mounted)
  })
  app.server.headersTimeout = http.headers_timeout_ms
  registerBodyGuard(app, http.body_timeout_ms)
  registerLinger(app)
  app.setValidatorCompiler(compileValidator)
  app.setSerializerCompiler(compileSerializer(opts.checkResponses === true))
  app.decorateRequest('call', null as never)

  const served: ReadonlyArray<VendorModule<any, any>> = config.vendor === undefined ? registry : registry.filter((v) => v.id === config.vendor)
  const core = new Core(config, registry.map((v) => ({ id: v.id, store: v.store?.spec ?? { migrations: [], tables: [] }, secrets: v.secrets })), scenarioSpecs, app.log, opts)
  app.decorate('core', core)
  app.addHook('onClose', async () => { await core.close() })

  const rootMounted = config.vendor !== undefined
  await registerOpenApi(app, [
    ...served.map((v) => ({
      id: v.id,
      title: v.title,
      description: v.description + collectionLink(v.id),
      prefix: rootMounted ? '' : v.prefix,
      decorate: (doc: Record<string, unknown>) => decorateVendorDocument(doc, { scenarios: core.scenarios.list(new Set([v.id])).map((s) => s.name), auth: v.auth })
    })),
    { id: 'admin', title: 'Sandbox admin API', description: 'Control plane: health, reset, clock, scenarios, request journal.' + collectionLink('admin'), prefix: '/__admin', decorate: decorateAdminDocument }
  ], core.version, () => core.scenarios.library.generation)

  await app.register(collectionsPlugin, { ids: [...served.map((v) => v.id), 'admin'] })
  // Filled as the vendors mount (below): each vendor store's view of a namespace's live state.
  const inspect = new Map<string, Inspector>()
  await app.register(adminPlugin, { prefix: '/__admin', core, vendors: served.map((v) => v.id), adminToken: config.adminToken, inspect })
  await registerDashboard(app, { redirectRoot: !rootMounted })

  for (const mod of served) {
    const m = mountVendor(app, core, mod, config.settings.vendors[mod.id], rootMounted ? '' : mod.prefix)
    mounted.push(m)
    if (m.inspect !== undefined) inspect.set(mod.id, m.inspect)
  }

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
