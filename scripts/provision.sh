#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, idempotently: each step checks
# first and does nothing when its part is already there. Runs as root on Debian (CI).
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

# AWS's runtime client (the compatibility peer and benchmark baseline) compiles curl and
# aws-lambda-cpp from source when it installs.
provision_ric() {
  if [ -f test/compat/node_modules/aws-lambda-ric/dist/rapid-client.node ]; then return 0; fi
  apt_install autoconf automake libtool cmake make g++
  say "building aws-lambda-ric (about two minutes)"
  npm ci --prefix test/compat --no-audit --no-fund --loglevel=error >/dev/null
}

provision_ric
