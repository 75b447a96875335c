/**
 * The registry: every vendor the sandbox serves, one line each. Core never imports a vendor; this
 * list is read by app.ts only.
 */
import type { VendorModule } from '../core/vendor/module.js'
import { fpt } from './fpt/index.js'
import { gtriip } from './gtriip/index.js'
import { oz } from './oz/index.js'
import { riset } from './riset/index.js'
import { weber } from './weber/index.js'

export const vendors: ReadonlyArray<VendorModule<any, any>> = [
  weber,
  gtriip,
  fpt,
  riset,
  oz
]
