#!/usr/bin/env bash
# Validates docker/docker-compose.yml without a Docker engine: `docker compose config` if the
# plugin is there, else `docker-compose config` (Debian's package, installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
file=docker/docker-compose.yml

if docker compose version >/dev/null 2>&1; then
  docker compose -f "$file" config -q
elif command -v docker-compose >/dev/null 2>&1; then
  docker-compose -f "$file" config -q
else
  echo "docker-compose not found: installing Debian's package to check the Compose file"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends docker-compose >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends docker-compose >/dev/null; }
  docker-compose -f "$file" config -q
fi
echo "compose file OK: $file"
