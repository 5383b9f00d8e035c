#!/usr/bin/env bash
# Installs every Debian 12 package budgetperf needs to build, test and run.
# Idempotent: installs only what is missing, and runs `apt-get update` at most once.
# This is the only place packages get installed (quickstart.sh, test.sh and .ci/run call it).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  protobuf-compiler libprotobuf-dev
  libgrpc++-dev protobuf-compiler-grpc libgrpc-dev
  libabsl-dev
  librocksdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libfmt-dev libcli11-dev
  curl procps
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
