#!/usr/bin/env node
// The installed command: the compiled server (the package ships dist/; in a clone, `npm run build`
// or `npm start` compiles it first).
import('../dist/server.js').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/server.js')) {
    process.stderr.write('ekyc-sandbox: dist/ is missing: run `npm run build` in this clone first (npm start does it)\n')
    process.exit(2)
  }
  throw err
})
