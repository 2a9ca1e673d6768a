# The senate-questions image: the compiled CLI (dist/) on Node 26, the Active LTS line
# (package.json "engines" says what else is supported), with Debian's Chromium for
# FETCH_MODE=browser. Default command: a worker of the fleet (docker-compose.yml).

# --- build: dev dependencies (tsc), sources -> dist/ ------------------------------------------
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No scripts: "prepare" would build before the sources are here; the build is the next step.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY config ./config
COPY src ./src
COPY jobs ./jobs
COPY workers ./workers
RUN npm run build

# --- runtime: production dependencies and dist/ only, as a non-root user ---------------------
FROM node:26-trixie-slim AS runtime
# Debian's current chromium and tini, security updates included: versions are not pinned on purpose.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    CHROMIUM_PATH=/usr/bin/chromium \
    DATA_DIR=/data

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data

# Cheap: one indexed read on PostgreSQL (or the data directory on the embedded database) and a
# Redis PING when REDIS_URL is set; `--help` of the CLI loads none of the heavy packages.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "dist/bin/senate-questions.js", "healthcheck"]

# tini forwards SIGTERM so the worker's graceful shutdown runs; a second signal forces.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/bin/senate-questions.js"]
CMD ["worker"]
