#!/usr/bin/env node
// The installed command: the server bundled into one file (scripts/bundle.ts; the package ships
// dist/; in a clone, `npm run build` or `npm start` builds it first).
import('../dist/bundle/server.js').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/bundle/server.js')) {
    process.stderr.write('ekyc-sandbox: dist/ is missing: run `npm run build` in this clone first (npm start does it)\n')
    process.exit(2)
  }
  throw err
})
