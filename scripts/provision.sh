#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, idempotently: each step checks
# first and does nothing when its part is already there. Runs as root on Debian (CI).
# With the argument `engine`, only the Docker engine and the registry.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'provision: %s\n' "$*" >&2; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "need Debian packages ${missing[*]}: run this script as root, or install them with apt-get"
    exit 1
  fi
  say "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# test/compat: AWS's runtime client (the compatibility peer and benchmark baseline), which
# compiles curl and aws-lambda-cpp from source when it installs, the frameworks the
# compatibility suite's apps use, and sharp (a native package the image tests build with).
# Installed again when the client is not built, or when any package of
# test/compat/package.json is missing or at another version.
compat_installed() {
  [ -f test/compat/node_modules/aws-lambda-ric/dist/rapid-client.node ] || return 1
  node -e '
    const { existsSync, readFileSync } = require("node:fs");
    const pkg = JSON.parse(readFileSync("test/compat/package.json", "utf8"));
    const wanted = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const [name, version] of Object.entries(wanted)) {
      const file = `test/compat/node_modules/${name}/package.json`;
      if (!existsSync(file) || JSON.parse(readFileSync(file, "utf8")).version !== version) process.exit(1);
    }
  '
}

provision_ric() {
  if compat_installed; then return 0; fi
  apt_install autoconf automake libtool cmake make g++
  say "installing test/compat: aws-lambda-ric (builds curl, about two minutes), the frameworks and sharp"
  npm ci --prefix test/compat --no-audit --no-fund --loglevel=error >/dev/null
}

# The Docker engine the image tests use, and the registry the local cloud serves. The engine is
# started by hand when none answers: CI machines have no init system to do it.
docker_cli() { DOCKER_API_VERSION="${DOCKER_API_VERSION:-1.41}" timeout 10 docker "$@"; }
engine_answers() { docker_cli version --format '{{.Server.Version}}' >/dev/null 2>&1; }

DOCKERD_LOG=${DOCKERD_LOG:-/var/log/lambdash-dockerd.log}
DOCKERD_PIDFILE=${DOCKERD_PIDFILE:-/var/run/docker.pid}
# No bridge and no iptables: these machines cannot create them; containers use host networking.
DOCKERD_ARGS=(--bridge=none --iptables=false --ip6tables=false)

provision_docker() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

  if engine_answers; then return 0; fi
  case "${DOCKER_HOST:-}" in
    '' | unix:///var/run/docker.sock | unix:///run/docker.sock) ;;
    *)
      # Starting a local daemon would not help: every client goes to DOCKER_HOST.
      say "DOCKER_HOST=$DOCKER_HOST does not answer: start that engine, or unset DOCKER_HOST to use a local one"
      exit 1
      ;;
  esac

  local pid=''
  if [ -f "$DOCKERD_PIDFILE" ] && kill -0 "$(cat "$DOCKERD_PIDFILE")" 2>/dev/null; then
    pid=$(cat "$DOCKERD_PIDFILE")
    say "dockerd ($pid) is running but not answering yet; waiting"
  else
    if [ "$(id -u)" -ne 0 ]; then
      say "no Docker engine answers and starting one needs root: run this script as root, or start dockerd"
      exit 1
    fi
    say "starting dockerd (log: $DOCKERD_LOG)"
    # A session of its own and no inherited descriptors: the daemon outlives this script and
    # never holds the caller's pipes open.
    setsid nohup dockerd "${DOCKERD_ARGS[@]}" --pidfile "$DOCKERD_PIDFILE" \
      </dev/null >>"$DOCKERD_LOG" 2>&1 &
    pid=$!
  fi

  local waited=0
  until engine_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "dockerd exited before answering; the end of $DOCKERD_LOG:"
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      exit 1
    fi
    if [ "$waited" -ge 120 ]; then
      say "dockerd did not answer within 60 s; see $DOCKERD_LOG"
      exit 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  say "dockerd answers ($(docker_cli version --format '{{.Server.Version}}'))"
}

# `provision.sh engine`: only the Docker engine and the registry (what `npm start` needs).
if [ "${1:-}" = engine ]; then
  provision_docker
  exit 0
fi
command -v tmux >/dev/null 2>&1 || apt_install tmux # the terminal app's end-to-end tests
# AWS's own clients, which the local cloud is tested against: boto3 (the machine's Python may
# have it; else Debian's) and the AWS CLI v2 (Debian's awscli; a v1 on PATH is used as well).
python3 -c 'import boto3' >/dev/null 2>&1 || apt_install python3-boto3
[ -x /usr/bin/aws ] || apt_install awscli
provision_docker
provision_ric
