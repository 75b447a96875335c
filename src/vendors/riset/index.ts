/** Placeholder: replaced by the real riset vendor module. */
import { z } from 'zod'
import type { VendorModule } from '../../core/vendor.js'

export const riset: VendorModule<Record<string, never>> = {
  id: 'riset',
  title: 'riset',
  description: 'not implemented yet',
  prefix: '/riset',
  bodyLimit: 1024 * 1024,
  settings: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  store: { migrations: [], tables: [] },
  scenarios: { operations: [], outcome: z.object({}) },
  cors: { headers: [], methods: ['GET', 'POST'] },
  plugin: async () => {}
}
