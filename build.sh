#!/usr/bin/env bash
# snacpack's one entry point on a fresh Debian 12 machine (root, or sudo available):
#   ./build.sh demo   install packages, build, and run the codesign loop on the default simulated
#                     jets (snac run -c configs/demo.yaml): search, local search, export, Yosys,
#                     validate, refit, feedback search, summary and the HTML report out/report.html
#   ./build.sh test   install packages, build (release with Open MPI + ASan/UBSan without), run the whole
#                     CTest suite (the MPI tests run mpirun on loopback, as root if need be)
#   ./build.sh build  install packages and build only
# Every step is idempotent: packages already present are not reinstalled, builds are incremental.
set -euo pipefail
cd "$(dirname "$0")"

PKGS="build-essential cmake pkg-config git ca-certificates
      libopenblas-dev libgsl-dev libhdf5-dev libyaml-dev libsqlite3-dev sqlite3
      yosys verilator chromium openmpi-bin libopenmpi-dev"

install_deps() {
    local missing=""
    for p in $PKGS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "build.sh: installing$missing" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

build_release() {
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSNAC_WITH_MPI=ON >/dev/null   # mpirun -np N snac ...
    cmake --build build -j "$(nproc)"
}

build_sanitize() {
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSNAC_SANITIZE=ON -DSNAC_BUILD_BENCHMARKS=OFF >/dev/null
    cmake --build build-asan -j "$(nproc)"
}

run_demo() {
    mkdir -p out
    ./build/snac run -c configs/demo.yaml   # ends by writing out/report.html
}

run_tests() {
    ctest --test-dir build --output-on-failure -j "$(nproc)"
    # OpenBLAS keeps per-thread buffers for the process lifetime; they are not leaks.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -L quick
}

case "${1:-}" in
    demo)  install_deps; build_release; run_demo ;;
    test)  install_deps; build_release; build_sanitize; run_tests ;;
    build) install_deps; build_release ;;
    *) echo "usage: $0 demo|test|build" >&2; exit 2 ;;
esac
