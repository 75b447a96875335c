/**
 * The dashboard (CONTRACT.md, "Dashboard"): a page for people at /__dashboard/, built at build time
 * by scripts/build-dashboard.ts from dashboard/ into dist/dashboard/ (index.html, one script, one
 * stylesheet, each also gzip- and brotli-compressed) and served here as static files. The page uses
 * only the admin API, so the files themselves need no admin token.
 *
 * Caching: asset names carry a content hash, so they are immutable; index.html is revalidated on
 * every load so a rebuilt page is picked up at once. The Content-Security-Policy allows nothing but
 * the sandbox itself: the page must work with no network (issue 13).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { SandboxError, sendSandboxError } from './errors.js'
import { DASHBOARD_DIR } from './package.js'

export const DASHBOARD_PATH = '/__dashboard/'

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export interface DashboardOptions {
  /** Send `GET /` to the dashboard (all vendors mounted; with --vendor the root is the vendor's). */
  redirectRoot: boolean
  /** The built page (tests may point elsewhere). */
  dir?: string
}

export async function registerDashboard (app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  const dir = opts.dir ?? DASHBOARD_DIR
  const hide = { schema: { hide: true } }
  app.get(DASHBOARD_PATH.slice(0, -1), hide, async (_request, reply) => reply.redirect(DASHBOARD_PATH, 301))
  if (opts.redirectRoot) app.get('/', hide, async (_request, reply) => reply.redirect(DASHBOARD_PATH, 302))

  if (!existsSync(join(dir, 'index.html'))) {
    // Running from the sources without a build (npm run dev skipped it, or a test): say how to build it.
    app.get(`${DASHBOARD_PATH}*`, hide, async (_request, reply) => sendSandboxError(reply, new SandboxError('dashboard-not-built',
      `the dashboard has not been built (${dir} is missing): run npm run dashboard (npm run build and npm start do it)`, 503)))
    return
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: DASHBOARD_PATH,
    preCompressed: true,
    decorateReply: false,
    index: ['index.html'],
    // The defaults (max-age 0) are set per file below.
    cacheControl: false,
    setHeaders: (reply, path) => {
      // `path` is the file sent: index.html.br or .gz when the browser accepts them.
      if (/\.html(\.gz|\.br)?$/.test(path)) {
        reply.header('cache-control', 'no-cache')
        reply.header('content-security-policy', CSP)
        reply.header('x-content-type-options', 'nosniff')
        reply.header('referrer-policy', 'no-referrer')
      } else {
        reply.header('cache-control', 'public, max-age=31536000, immutable')
      }
    }
  })
}
