/**
 * The registry: every vendor the sandbox serves, one line each. Core never imports a vendor; this
 * list is read by app.ts only.
 */
import type { VendorModule } from '../core/vendor/module.js'
import { gtriip } from './gtriip/index.js'
import { weber } from './weber/index.js'

export const vendors: ReadonlyArray<VendorModule<any, any>> = [
  gtriip,
  weber
]
