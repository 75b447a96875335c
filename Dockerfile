# The sandbox in a container. sharp and better-sqlite3 are native modules: they are built and run
# on the same Debian-based Node 20 image (glibc), never built on one libc and run on another.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Compilers for better-sqlite3 when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The dashboard (scripts/build-dashboard.ts) and the server (scripts/bundle.ts) are bundled at build time.
COPY dashboard ./dashboard
COPY scripts/build-dashboard.ts scripts/bundle.ts ./scripts/
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4400 \
    SANDBOX_DB=/data/sandbox.db \
    SANDBOX_SCENARIOS=/app/scenarios
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scenarios ./scenarios
RUN mkdir -p /data && chown node:node /data
USER node
# The SQLite database (WAL) lives here; mount a volume to keep state across containers.
VOLUME ["/data"]
EXPOSE 4400
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4400) + '/__admin/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/bundle/server.js"]
