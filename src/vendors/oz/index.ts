/** Placeholder: replaced by the real oz vendor module. */
import { z } from 'zod'
import type { VendorModule } from '../../core/vendor.js'

export const oz: VendorModule<Record<string, never>> = {
  id: 'oz',
  title: 'oz',
  description: 'not implemented yet',
  prefix: '/oz',
  bodyLimit: 1024 * 1024,
  settings: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  store: { migrations: [], tables: [] },
  scenarios: { operations: [], outcome: z.object({}) },
  cors: { headers: [], methods: ['GET', 'POST'] },
  plugin: async () => {}
}
