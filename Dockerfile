# Cacheboard in a container. Multi-stage: dependencies (npm ci against the committed lock), build, and a
# runtime image that runs as an unprivileged user. scripts/package-check.sh runs these same steps without a
# container runtime (clean directory, unprivileged user, fresh SQLite, health check).
#
#   docker build -t cacheboard .
#   docker run -p 127.0.0.1:3000:3000 -e DATABASE_URL=postgresql://… -e CACHEBOARD_SECRET_KEY=<64 hex> cacheboard
#
# DATABASE_URL defaults to a SQLite file in /app/data (a volume); CACHEBOARD_SECRET_KEY, when unset, is
# generated into /app/data/secret.key — set it from your secret store to run several instances.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN node scripts/prisma-generate.mjs \
 && node node_modules/next/dist/bin/next build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=file:/app/data/cacheboard.db
RUN groupadd --system --gid 10001 cacheboard \
 && useradd --system --uid 10001 --gid cacheboard --home-dir /app --no-create-home cacheboard \
 && mkdir -p /app/data \
 && chown cacheboard:cacheboard /app/data
# The whole built tree, owned by root and read-only for the app; only /app/data is writable. The migration
# runner (scripts/migrate.ts, run by scripts/start.mjs) needs tsx, so dev dependencies stay.
COPY --from=build /app /app
USER cacheboard
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Applies pending migrations, then serves (scripts/serve.mjs) on $HOST:$PORT; SIGTERM is passed on to the server.
CMD ["node", "scripts/start.mjs"]
