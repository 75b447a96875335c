// neostandard (ts) is the one lint and format tool. The import boundaries (core never imports a
// vendor; vendors never import each other) are also checked by test/contract/boundaries.test.ts.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.tap/**', 'openapi/**', 'node_modules/**'] }),
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/vendors/**'], message: 'core never imports a vendor' }] }]
    }
  }
]
