# One image for the project's long-running processes (worker, MX sandbox, support page, codec server):
# the same code, a different npm script per docker-compose.yml service. Debian, not Alpine: Temporal's
# native core bridge does not load on musl.
FROM node:20-bookworm-slim

WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts skips the postinstall that fetches a Temporal CLI for `npm start`: in compose the
# server is its own service. No dev dependencies in the image; `npm ci` installs exactly the lock file.
# The build below needs none: esbuild is a dependency.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
# Every command compiled once, here (dist/, scripts/build.mjs): containers start plain JavaScript and
# never transpile TypeScript. The workflow bundle too, so no worker bundles at start; the worker is told
# where it is.
RUN npm run build && npm run build:workflow -- /app/workflow-bundle.js
ENV WORKFLOW_BUNDLE_PATH=/app/workflow-bundle.js

# Exports, PDFs and the payload codec key live on a volume the services share (see docker-compose.yml).
RUN mkdir -p /data/storage && chown -R node:node /data
# NODE_ENV=production: scripts/run.mjs runs dist/ as built, without comparing it with the sources.
ENV NODE_ENV=production DATA_DIR=/data STORAGE_DIR=/data/storage
USER node
CMD ["npm", "run", "worker"]
