#!/usr/bin/env node
// Installed command: runs the compiled server (npm run build, or npm start, compiles it).
import '../dist/server.js'
