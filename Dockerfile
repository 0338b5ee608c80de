# One multi-stage file builds the image of any of the eight services:
#
#   docker build --build-arg SERVICE=scheduler -t <registry>/sluice/scheduler:0.1.0 .
#   for s in gateway scheduler scraper cache orchestrator ingest data-quality transform; do
#     docker build --build-arg SERVICE=$s -t <registry>/sluice/$s:0.1.0 .; done
#
# Needs BuildKit (the default builder since Docker 23) for the cache and secret mounts; there is no
# `# syntax=` line on purpose, so no frontend image is pulled. Apart from the node base images, the
# only network access is the npm registry (npm install), so an air-gapped registry mirror is
# enough: pass an .npmrc that points at it as a build secret (never baked into a layer):
#   docker build --secret id=npmrc,src=$HOME/.npmrc --build-arg SERVICE=gateway .
# Every image holds the repository layout the code resolves at run time (libs find proto/, lua/
# and package.json relative to their dist folders), with the service's own code only:
#   /app/{package.json, proto, prisma, prisma.config.ts, tools/prisma-engine, libs/*/{dist,lua}, apps/<service>/dist, node_modules}
# The same image runs the database migrations (`prisma migrate deploy`, no engine download).

ARG NODE_VERSION=24.21.0

# --- manifests: only what `npm install` reads, so the install layer stays cached until one changes
FROM node:${NODE_VERSION}-bookworm AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /manifests \
 && cp package.json package-lock.json /manifests/ \
 && for dir in apps/* libs/*; do mkdir -p "/manifests/$dir" && cp "$dir/package.json" "/manifests/$dir/"; done

# --- build: dependencies, code generation, compilation, then production dependencies only. No
# build argument is in scope here, so all eight images share these layers.
FROM node:${NODE_VERSION}-bookworm AS build
ENV CI=true NX_NO_CLOUD=true NX_DAEMON=false CHECKPOINT_DISABLE=1 \
    npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
WORKDIR /app
COPY --from=manifests /manifests/ ./
# `npm install`, not `npm ci`: the lock records only the platform packages (swc, buf, nx, argon2)
# of the machine that wrote it, and `npm ci` refuses it elsewhere; with an unchanged package.json
# `npm install` installs exactly the locked versions. Install scripts are skipped, as on the
# project's machines: several of them (Prisma's engines, buf) would download binaries.
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npmrc,target=/root/.npmrc \
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error
COPY . .
RUN npx buf generate \
 && npx prisma generate >/dev/null \
 && npx tsc -b tsconfig.build.json
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# --- tree: the runtime files of one service: shared files, every lib's compiled code (and Lua
# scripts), this service's code only
FROM build AS tree
ARG SERVICE
RUN case "$SERVICE" in \
      gateway|scheduler|scraper|cache|orchestrator|ingest|data-quality|transform) ;; \
      *) echo "build with --build-arg SERVICE=<gateway|scheduler|scraper|cache|orchestrator|ingest|data-quality|transform>" >&2; exit 1 ;; \
    esac
RUN set -e; mkdir -p /out/tools /out/apps \
 && cp -r package.json proto prisma prisma.config.ts /out/ \
 && cp -r tools/prisma-engine /out/tools/ \
 && for dir in libs/* "apps/$SERVICE"; do \
      mkdir -p "/out/$dir"; cp "$dir/package.json" "/out/$dir/"; cp -r "$dir/dist" "/out/$dir/"; \
      if [ -d "$dir/lua" ]; then cp -r "$dir/lua" "/out/$dir/"; fi; \
    done \
 && rm -rf /out/libs/testing \
 && find /out -name '*.tsbuildinfo' -delete \
 && test -f "/out/apps/$SERVICE/dist/main.js" \
 && ln -s "apps/$SERVICE/dist/main.js" /out/main.js

# --- runtime: slim Debian of the same release (same glibc for the native addons), non-root
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="sluice-${SERVICE}" \
      org.opencontainers.image.description="Sluice ${SERVICE} service" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production HTTP_HOST=0.0.0.0 GRPC_HOST=0.0.0.0 \
    SLUICE_SERVICE=${SERVICE} HOME=/tmp CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
WORKDIR /app
# Code and dependencies stay owned by root: the service user can read them, never change them.
COPY --from=build /app/node_modules ./node_modules
COPY --from=tree /out/ ./
USER 10001:10001
# main.js links to apps/<service>/dist/main.js (Node runs the link's target, so paths resolve as
# in the repository); the chart starts `node apps/<service>/dist/main.js` explicitly.
CMD ["node", "main.js"]
