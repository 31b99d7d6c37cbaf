#!/usr/bin/env bash
# Validates docker/docker-compose.yml (syntax, schema, interpolation) without a Docker engine.
# Tool, in order: `docker compose` (the v2 plugin) if present; else `docker-compose` if installed;
# else Debian's `docker-compose` package (v1.29), installed here. The file is kept valid for both.
# Whether it is in step with the code (topics, apps, databases, variables) is checked by
# tools/platform/compose-file.spec.ts, part of `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

file=docker/docker-compose.yml
[[ -f $file ]] || {
  echo "check-compose: $file not found" >&2
  exit 1
}

# Runs a command as root (directly, or through sudo when available).
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    echo "check-compose: installing docker-compose needs root (or sudo)" >&2
    return 1
  fi
}

install_docker_compose() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "check-compose: no Compose found and no apt-get to install it: install Docker Compose" >&2
    return 1
  fi
  echo "check-compose: installing Debian's docker-compose package"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q)
  if ! as_root "${apt[@]}" install --no-install-recommends docker-compose; then
    # the package lists may be missing or stale: refresh them once, then try again
    as_root "${apt[@]}" update
    as_root "${apt[@]}" install --no-install-recommends docker-compose
  fi
}

if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  install_docker_compose
  compose=(docker-compose)
fi

echo "check-compose: $("${compose[@]}" version 2>/dev/null | head -n 1)"
"${compose[@]}" -f "$file" config -q
echo "check-compose: $file is valid"
