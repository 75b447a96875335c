/**
 * How core mounts a vendor: one encapsulated scope under the vendor's prefix (registered without
 * fastify-plugin, so its hooks, parsers and error handler stay under the prefix), built from the
 * vendor module's data. Each concern has its own file: the call (call.ts), CORS (cors.ts), errors
 * (failures.ts), faults (faults.ts), the journal (journaling.ts), routes and 404/405 (routes.ts).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Core } from '../core.js'
import { pathOf } from '../http.js'
import { sendRendered, VendorError, type RenderedError } from '../errors.js'
import { RequestCall, type CallDeps } from './call.js'
import { registerCors } from './cors.js'
import { vendorErrorHandler } from './failures.js'
import { registerFaults } from './faults.js'
import { journalCall, registerJournaling } from './journaling.js'
import type { Inspector } from './inspect.js'
import { createKit } from './kit.js'
import type { VendorModule } from './module.js'
import { namespaceOf, SCENARIO_HEADER } from './namespace.js'
import { checkOperation, RouteIndex } from './routes.js'

/** Check the module's data against itself: operation ids are the vendor's, every code is in the catalogue. */
function checkModule (mod: VendorModule<any, any>): void {
  const { catalogue, failures } = mod
  const foreign = Object.keys(mod.operations).filter((op) => !op.startsWith(`${mod.id}.`))
  if (foreign.length > 0) throw new Error(`${mod.id}: operation ids must start with "${mod.id}.": ${foreign.join(', ')}`)
  const codes = [
    failures.internal,
    ...Object.values(failures.vendor),
    ...Object.values(failures.byOperation ?? {}).flatMap((m) => Object.values(m)),
    ...Object.values(mod.operations).flatMap((spec) => spec.errors)
  ]
  const bad = codes.filter((c): c is string => c !== undefined && !catalogue.has(c))
  if (bad.length > 0) throw new Error(`${mod.id}: codes not in the catalogue: ${[...new Set(bad)].join(', ')}`)
}

/** What every call of this vendor shares: the vendor's settings and store, and core's services. */
function callDeps<S, St> (core: Core, mod: VendorModule<S, St>, settings: S, store: St): CallDeps<S, St> {
  const engine = core.scenarios
  return {
    vendor: mod.id,
    settings,
    store,
    catalogue: mod.catalogue,
    random: core.random,
    images: core.images,
    keysConfigured: core.apiKeysConfigured,
    acceptsKey: (key) => core.acceptsKey(key),
    nowMs: (ns) => core.clock.nowMs(ns),
    decide: (call, view, session) => engine.decide(call.namespace, engine.select(call.namespace, mod.id, call.scenarioHeader, session), call.operation, view, session),
    faultOnly: (call, view) => {
      const s = engine.select(call.namespace, mod.id, call.scenarioHeader, undefined)
      return { scenario: s?.name, fault: engine.faultOnly(s, call.operation, view) }
    },
    bindSession: (ns, session, name) => { engine.bindSession(ns, mod.id, session, name) },
    // post never rejects: a failed callback is journaled and logged by Outbound.
    callback: (request) => { core.outbound.post(request) }
  }
}

/**
 * onRequest: the request's call, from its control headers (a bad namespace or scenario is the
 * client's mistake). A path no route takes is answered here, before its body is read: whatever the
 * body (too large, malformed), an unknown path gets the vendor's not-found answer.
 */
function openCalls<S, St> (scope: FastifyInstance, core: Core, deps: CallDeps<S, St>, notFound: NotFound): void {
  scope.addHook('onRequest', (request, reply, done) => {
    try {
      const namespace = namespaceOf(request.headers)
      const name = request.headers[SCENARIO_HEADER]
      const scenario = typeof name === 'string' && name !== '' ? core.scenarios.requireForVendor(name, deps.vendor).name : undefined
      request.call = new RequestCall(deps, request, namespace, scenario)
    } catch (err) {
      // The request still gets a call (in the default namespace), so that it is journaled.
      request.call = new RequestCall(deps, request, 'default', undefined)
      done(err as Error)
      return
    }
    if (request.is404) {
      notFound(request, reply)
      return
    }
    // The data generators load after start-up (random.ts); the first vendor requests wait for them.
    if (core.random.loaded) done()
    else core.random.load().then(() => { done() }, done)
  })
}

type NotFound = (request: FastifyRequest, reply: FastifyReply) => FastifyReply

/** The vendor's answer to a method and URL no route takes, from the routes actually registered. */
export function notFoundAnswer (mod: VendorModule<any, any>, routes: RouteIndex, prefix: string, method: string, url: string): RenderedError {
  const full = pathOf(url)
  const path = full.slice(prefix.length) || '/'
  const answer = mod.notFound({ method, path, prefix, query: url.slice(full.length), allowed: routes.allowed(path), routes })
  return answer instanceof VendorError ? mod.catalogue.render(answer) : answer
}

function notFoundHandler (mod: VendorModule<any, any>, routes: RouteIndex, prefix: string): NotFound {
  return (request, reply) => sendRendered(reply, notFoundAnswer(mod, routes, prefix, request.method, request.url))
}

/** A vendor as mounted: where, its routes, and the inspector of its live state if its store has one. */
export interface MountedVendor {
  mod: VendorModule<any, any>
  prefix: string
  routes: RouteIndex
  inspect: Inspector | undefined
}

/** Register a vendor under its prefix (or at the root with `--vendor`), wrapped in the core scope. */
export function mountVendor<S, St> (app: FastifyInstance, core: Core, mod: VendorModule<S, St>, settings: S, prefix: string): MountedVendor {
  checkModule(mod)
  const store = mod.store === undefined ? (undefined as St) : mod.store.open(core.db, settings)
  const deps = callDeps(core, mod, settings, store)
  const routes = new RouteIndex(prefix)
  const journaling = { vendor: mod.id, journal: core.journal, clock: core.clock }

  const scope: FastifyPluginAsync = async (instance) => {
    instance.addHook('onRoute', (route) => {
      route.bodyLimit ??= mod.bodyLimit
      checkOperation(mod.id, mod.operations, route)
      for (const m of Array.isArray(route.method) ? route.method : [route.method]) routes.add(m, route.url)
    })
    const notFound = notFoundHandler(mod, routes, prefix)
    if (mod.cors !== 'own') registerCors(instance, mod.cors)
    openCalls(instance, core, deps, notFound)
    instance.setErrorHandler(vendorErrorHandler({ vendor: mod.id, catalogue: mod.catalogue, failures: mod.failures, onStoreFault: (err) => { core.storeHealth.note(err) } }))
    registerFaults(instance, {
      random: core.random,
      latencyScale: core.config.settings.core.scenarios.latency_scale,
      onDrop: (request) => { journalCall(journaling, request, undefined, 0) }
    })
    registerJournaling(instance, journaling)
    await mod.plugin(instance, createKit(mod.id, settings, store))
    instance.setNotFoundHandler(notFound)
  }
  app.register(scope, { prefix })
  const inspect = mod.store?.inspect
  return {
    mod,
    prefix,
    routes,
    inspect: inspect === undefined ? undefined : (namespace, nowMs) => inspect(store, namespace, nowMs, { callbacks: core.outbound.pending(namespace, mod.id) })
  }
}
