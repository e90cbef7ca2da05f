#!/usr/bin/env bash
# Installs everything ehrtok needs on a fresh Debian 12 machine, then builds it.
#   scripts/setup.sh            # Release build in build/
#   BUILD_DIR=build-asan CMAKE_ARGS=-DEHRTOK_SANITIZE=ON scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config
  libisal-dev isal libzstd-dev libfast-float-dev libabsl-dev libcli11-dev libfmt-dev
  nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev gzip
  libtomlplusplus-dev
  chromium fonts-dejavu-core
)
# chromium (test-only, with a font for its text): tests/js/report_chromium.test.mjs renders
# report.html headless and checks the screenshot and the DOM.
# Node.js runs the test-only Parquet readers; take Debian's only where no node/npm is present
# (some machines carry a newer Node.js that Debian's npm package would conflict with).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Test-only: independent Parquet readers (DuckDB, hyparquet) that check every file ehrtok writes.
(cd tests/js && npm ci --no-audit --no-fund)

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-}
cmake --build "$build_dir"
echo "built $build_dir/ehrtok"
