#!/usr/bin/env bash
# The Dockerfile's steps, run without a container runtime: the committed files (git archive HEAD) in a clean
# temporary directory, owned by and run as an unprivileged user (nobody when started as root, else the
# caller), then npm ci, prisma generate, next build, migrations on a fresh SQLite, and scripts/start.mjs
# (the image's command) on a free loopback port until GET /api/health answers 200 {"ok":true}. It stops the
# server by its PID and removes the directory, whatever happens.
#
# The companion of `npm test`, not part of it: npm ci downloads the packages (from the npm registry only:
# better-sqlite3 is compiled against the local Node.js headers instead of fetching a prebuilt binary).
# Needs git, node, npm, a C++ toolchain (g++, make, python3) and, as root, setpriv (util-linux).
#
#   scripts/package-check.sh            # checks HEAD
#   KEEP_LOG=1 scripts/package-check.sh # also prints the whole server log at the end
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/cacheboard-package-XXXXXX")"
server_pid=""
started_at=$SECONDS

cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== [%4ss] %s\n' "$((SECONDS - started_at))" "$*"; }

if [ "$(id -u)" = 0 ]; then
  run_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
else
  run_as=()
fi

# Headers of the Node.js that runs this, so node-gyp needs no download.
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
nodedir=()
[ -f "$node_prefix/include/node/node_version.h" ] && nodedir=("npm_config_nodedir=$node_prefix")

app="$work/app"
data="$work/data"
# As the unprivileged user, in the clean tree, with a clean environment: nothing of the caller's leaks in.
# (npm warns that it does not know build-from-source: prebuild-install reads it, and then downloads nothing.)
user_env=(env -i PATH="$PATH" HOME="$work/home" LANG=C.UTF-8
  npm_config_cache="$work/home/.npm" npm_config_update_notifier=false npm_config_build_from_source=true "${nodedir[@]}"
  NEXT_TELEMETRY_DISABLED=1 DATABASE_URL="file:$data/cacheboard.db")
as_user() { (cd "$app" && exec "${run_as[@]}" "${user_env[@]}" "$@"); }

step "clean copy of the committed files ($(git -C "$repo" rev-parse --short HEAD)) in $work"
mkdir -p "$app" "$work/home" "$data"
git -C "$repo" archive --format=tar HEAD | tar -x -C "$app"
if [ "$(id -u)" = 0 ]; then chown -R nobody:nogroup "$work"; fi
chmod 0755 "$work"
as_user sh -c 'echo "running as $(id -un) (uid $(id -u))"'

step "npm ci"
as_user npm ci --no-audit --no-fund

step "prisma generate"
as_user node scripts/prisma-generate.mjs

step "next build"
as_user node node_modules/next/dist/bin/next build

step "migrations on a fresh SQLite"
as_user node --import tsx scripts/migrate.ts

port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
secret="$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')"
step "start (node scripts/start.mjs, the image's command) on 127.0.0.1:$port"
# The image listens on 0.0.0.0 inside its own network namespace; here, on a shared machine, loopback only.
# One simple command in the background: setpriv and env exec, so $! is the PID of the server's own process.
cd "$app"
"${run_as[@]}" "${user_env[@]}" HOST=127.0.0.1 PORT="$port" NODE_ENV=production CACHEBOARD_SECRET_KEY="$secret" node scripts/start.mjs >"$work/server.log" 2>&1 &
server_pid=$!
cd "$repo"

health() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(5000) }).then(async (r) => console.log(r.status, await r.text()), () => console.log("000"))' "http://127.0.0.1:$port/api/health"
}
answer=""
for _ in $(seq 1 240); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "The server exited early:"
    cat "$work/server.log"
    exit 1
  fi
  answer="$(health)"
  [ "${answer%% *}" = 200 ] && break
  sleep 1
done
echo "GET /api/health → $answer"
if [ "$answer" != '200 {"ok":true}' ]; then
  echo "The health check did not answer 200 {\"ok\":true} in time. Server log:"
  cat "$work/server.log"
  exit 1
fi

step "stop the server (PID $server_pid: scripts/start.mjs, which passes SIGTERM on to scripts/serve.mjs)"
ps -o pid=,args= -p "$server_pid"
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
if [ "$(health)" != 000 ]; then
  echo "Something still answers on 127.0.0.1:$port after the server was stopped."
  exit 1
fi
if [ -n "${KEEP_LOG:-}" ]; then cat "$work/server.log"; else tail -n 5 "$work/server.log"; fi

step "package check passed: install, build, migrate, start and health as $( [ "$(id -u)" = 0 ] && echo nobody || id -un ) in a clean directory"
