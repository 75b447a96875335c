/**
 * One error handler for every vendor scope. What vendor code throws (its catalogue's errors) is
 * rendered as it is; what fails before or around vendor code (Fastify's body parsing and validation,
 * multipart, image decoding) is classified into a failure kind and answered through the vendor's
 * failure table (data, module.ts); anything else is a bug, logged and answered as the vendor's
 * internal error. Nothing under a vendor prefix answers in Fastify's shape.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { fastifyErrorCode, RawResponse, SandboxError, sendRendered, sendSandboxError, VendorError, type Catalogue, type RenderedError } from '../errors.js'
import { ImageError } from '../images.js'
import { MultipartError } from '../multipart.js'
import { isStoreFault } from '../store-health.js'
import { operationOf } from './call.js'
import type { FailureMap, FailureTable } from './module.js'

export type FailureGroup = 'image' | 'multipart'

export type Failure =
  | 'body-too-large' // more bytes than the route's (the vendor's) body limit
  | 'body-malformed' // the body cannot be parsed as its content type says (JSON, form), or the type is not taken
  | 'validation' // the parsed body, query or params fail the route's schema
  | 'client-error' // any other refusal of the request by the HTTP layer (4xx)
  | 'multipart-not-multipart' | 'multipart-malformed' | 'multipart-file-too-large' | 'multipart-field-too-large' | 'multipart-too-many-parts'
  | 'image-empty' | 'image-bad-base64' | 'image-too-large' | 'image-unsupported' | 'image-too-many-pixels' | 'image-corrupt'

/** The failure kind of an error core or Fastify raised, or undefined for anything else (a bug). */
export function classify (err: unknown): Failure | undefined {
  if (err instanceof MultipartError) return err.kind === 'body-too-large' ? 'body-too-large' : `multipart-${err.kind}`
  if (err instanceof ImageError) return `image-${err.kind}`
  const code = fastifyErrorCode(err)
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'body-too-large'
  if (code === 'FST_ERR_VALIDATION') return 'validation'
  if (code?.startsWith('FST_ERR_CTP') === true) return 'body-malformed'
  const status = (err as { statusCode?: unknown } | null)?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) return 'client-error'
  return undefined
}

function groupOf (failure: Failure): FailureGroup | undefined {
  if (failure.startsWith('image-')) return 'image'
  if (failure.startsWith('multipart-')) return 'multipart'
  return undefined
}

function inMap (map: FailureMap | undefined, failure: Failure): string | undefined {
  if (map === undefined) return undefined
  const group = groupOf(failure)
  return map[failure] ?? (group === undefined ? undefined : map[group]) ?? map.default
}

/** The catalogue code for a failure on an operation: the operation's table first, then the vendor's. */
export function failureCode (table: FailureTable, failure: Failure, operation: string | undefined): string | undefined {
  return inMap(operation === undefined ? undefined : table.byOperation?.[operation], failure) ?? inMap(table.vendor, failure)
}

/** The vendor's internal error on an operation: the operation's own `internal`, else the vendor's. */
export function internalCode (table: FailureTable, operation: string | undefined): string {
  return (operation === undefined ? undefined : table.byOperation?.[operation]?.internal) ?? table.internal
}

/** A client that went away mid-request is not a failure of the sandbox (issue: log it at debug). */
export function isClientGone (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'EPIPE' || (err instanceof Error && err.message === 'aborted')
}

export interface ErrorHandlerSpec {
  vendor: string
  catalogue: Catalogue<any>
  failures: FailureTable
  /** Told of a write the database refused (locked, full): the store is degraded, not the sandbox broken. */
  onStoreFault: (err: unknown) => void
}

/** The vendor's answer to an error: its own error as thrown, a failure through its table, else internal. */
export function vendorAnswer (spec: ErrorHandlerSpec, err: unknown, operation: string | undefined, log: FastifyRequest['log']): RenderedError {
  if (err instanceof VendorError && err.vendor === spec.vendor) return spec.catalogue.render(err, operation)
  const failure = classify(err)
  const code = failure === undefined ? undefined : failureCode(spec.failures, failure, operation)
  if (code !== undefined) return spec.catalogue.render(spec.catalogue.error(code, { note: (err as Error).message }), operation)
  if (isClientGone(err)) log.debug({ err }, `${spec.vendor}: the client went away`)
  else if (isStoreFault(err)) spec.onStoreFault(err)
  else log.error({ err }, `${spec.vendor}: unexpected failure, answered as the vendor's internal error`)
  return spec.catalogue.render(spec.catalogue.error(internalCode(spec.failures, operation)), operation)
}

export function vendorErrorHandler (spec: ErrorHandlerSpec): (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (err, request, reply) => {
    if (err instanceof SandboxError) return sendSandboxError(reply, err)
    if (err instanceof RawResponse) {
      if (request.call !== null) request.call.raw = true
      return sendRendered(reply, err)
    }
    return sendRendered(reply, vendorAnswer(spec, err, operationOf(request), request.log))
  }
}
