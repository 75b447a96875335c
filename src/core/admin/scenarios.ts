/**
 * The scenario catalogue and each namespace's active scenarios (CONTRACT.md, "Admin API").
 */
import { z } from 'zod'
import { SandboxError } from '../errors.js'
import { namespaceOf } from '../vendor/namespace.js'
import type { AdminDeps, ZodApp } from './index.js'
import { errors, NamespaceHeader, SandboxErrorBody, ScenarioSummary, tags } from './schemas.js'

export function scenarioRoutes (r: ZodApp, { core, vendors, served }: AdminDeps): void {
  r.get('/scenarios', {
    schema: { operationId: 'admin.scenarios', tags, summary: 'Every loaded scenario', response: { 200: z.array(ScenarioSummary) } }
  }, async () => core.scenarios.list(served).map((s) => ({ ...s, rules: (core.scenarios.get(s.name)?.rules ?? []) as Array<Record<string, unknown>> })))

  r.post('/scenarios/reload', {
    schema: {
      operationId: 'admin.scenariosReload',
      tags,
      summary: 'Reload the scenario files now (they are also watched); broken files keep their last good version',
      response: { 200: z.object({ loaded: z.number().int(), errors: z.array(z.object({ file: z.string(), message: z.string() })) }) }
    }
  }, async () => {
    const errs = core.scenarios.reload()
    return { loaded: core.scenarios.list(served).length, errors: errs.map((e) => ({ file: e.file, message: e.message })) }
  })

  r.get('/scenario', {
    schema: {
      operationId: 'admin.scenarioActive',
      tags,
      summary: "The namespace's active scenario per vendor",
      headers: NamespaceHeader,
      response: { 200: z.object({ namespace: z.string(), active: z.record(z.string(), z.string()) }), ...errors }
    }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    return { namespace: ns, active: core.scenarios.activeAll(ns) }
  })

  r.put('/scenario', {
    schema: {
      operationId: 'admin.scenarioActivate',
      tags,
      summary: "Make a scenario the namespace's active one for its vendor",
      headers: NamespaceHeader,
      body: z.object({ name: z.string().min(1) }).strict(),
      response: { 200: z.object({ namespace: z.string(), vendor: z.string(), name: z.string() }), 404: SandboxErrorBody, ...errors }
    }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    const s = core.scenarios.activate(ns, request.body.name)
    return { namespace: ns, vendor: s.vendor, name: s.name }
  })

  r.delete('/scenario', {
    schema: {
      operationId: 'admin.scenarioClear',
      tags,
      summary: 'Back to the default outcomes (only one vendor with {"vendor":V})',
      headers: NamespaceHeader,
      body: z.object({ vendor: z.string().min(1).optional() }).strict().nullish(),
      response: { 200: z.object({ namespace: z.string(), active: z.record(z.string(), z.string()) }), ...errors }
    }
  }, async (request) => {
    const ns = namespaceOf(request.headers)
    const vendor = request.body?.vendor
    if (vendor !== undefined && !served.has(vendor)) throw new SandboxError('unknown-vendor', `no vendor "${vendor}" is served (${vendors.join(', ')})`, 400)
    core.scenarios.deactivate(ns, vendor)
    return { namespace: ns, active: core.scenarios.activeAll(ns) }
  })
}
