/**
 * ekyc-sandbox as a library (CONTRACT.md, "Test kit"): start the sandbox in a test process, steer
 * it and read what it received. README.md, "Use it in tests", shows the shortest use first.
 */
export { startSandbox } from './sandbox.js'
export { SandboxClient } from './client.js'
export { NotASandboxError, SandboxError, WaitTimeoutError } from './errors.js'
export { testPhoto, type TestPhotoOptions } from './photo.js'
/** How the journal shows a credential or session id (a prefix and a hash): compare with it, never with the value. */
export { redact as redacted } from '../core/journal/summarise.js'
export { uniqueNamespace, VENDOR_IDS, type VendorId } from './names.js'
export type {
  ActiveScenario, ActiveScenarios, BinarySummary, ControlHeaders, Health, JournalEntry, LogLevel, RequestFilter, RequestsQuery,
  ResetResult, Sandbox, SandboxClientApi, SandboxClientOptions, SandboxClock, SandboxOptions, ScenarioInfo, WaitOptions
} from './types.js'
