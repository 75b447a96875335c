// One process for the suite named in test/suites.ts.
import { runSuite } from '../suites.js'
await runSuite('kit-command')
