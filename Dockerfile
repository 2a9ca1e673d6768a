# A worker image: Node 20 (as package.json "engines" says) with Debian's Chromium for FETCH_MODE=browser.
FROM node:20-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    CHROMIUM_PATH=/usr/bin/chromium \
    DATA_DIR=/data

WORKDIR /app
COPY package.json package-lock.json ./
# Dev dependencies stay out; tsx (a runtime dependency) runs the TypeScript sources.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY config ./config
COPY src ./src
COPY jobs ./jobs
COPY workers ./workers
COPY tsconfig.json ./

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data

# tini forwards SIGTERM so the worker's graceful shutdown runs; a second signal forces.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/senate-questions.js"]
CMD ["worker"]
