/**
 * The control headers (CONTRACT.md, "Control headers"): X-Sandbox-Namespace isolates all state,
 * X-Sandbox-Scenario chooses a scenario for one request.
 */
import { header, type HeaderMap } from '../http.js'
import { SandboxError } from '../errors.js'

export const NAMESPACE_HEADER = 'x-sandbox-namespace'
export const SCENARIO_HEADER = 'x-sandbox-scenario'
const NAMESPACE_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/

/** Whether a namespace name is valid: 1-64 of A-Z a-z 0-9 . _ : - (not first). */
export function isNamespace (name: string): boolean {
  return NAMESPACE_RE.test(name)
}

/** The namespace a request names (default `default`); a malformed one is the client's mistake (400). */
export function namespaceOf (headers: HeaderMap): string {
  const value = header(headers, NAMESPACE_HEADER)
  if (value === undefined) return 'default'
  if (!isNamespace(value)) {
    throw new SandboxError('invalid-namespace', 'X-Sandbox-Namespace must be 1-64 characters: letters, digits, and . _ : - (not first)', 400)
  }
  return value
}
