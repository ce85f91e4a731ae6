#!/usr/bin/env bash
# panagrad's front door. Every command first installs what is missing (Debian/Ubuntu, as root or with
# passwordless sudo), finds a JDK 25, builds the native library with CMake and the jars with Maven.
#
#   ./panagrad.sh train [options]   train a model (Fashion-MNIST when installed, else generated blobs); --help lists options
#   ./panagrad.sh test              C tests (ctest: plain, ASan+UBSan, libFuzzer) and the Java suite on both backends
#   ./panagrad.sh bench [--quick]   benchmarks: native vs pure Java vs OpenBLAS from C vs PyTorch, one table
#   ./panagrad.sh fuzz [N] [seed]   long differential-fuzzing campaign (native vs Java), default 10000 programs
#   ./panagrad.sh memory [steps]    trains the MLP for many steps and prints the native-memory curve
#   ./panagrad.sh build             only set up and build
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'panagrad.sh: %s\n' "$*" >&2; exit 1; }

# ---- set-up -----------------------------------------------------------------------------------

APT_UPDATED=0
apt_install() { # packages...
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      die "missing packages: ${missing[*]}. Install them as root: apt-get install ${missing[*]}"
    fi
  fi
  command -v apt-get >/dev/null || die "missing packages: ${missing[*]} (no apt-get here: install their equivalents by hand)"
  say "installing ${missing[*]}"
  if [ $APT_UPDATED -eq 0 ]; then $sudo apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/*; do [ -d "$d" ] && candidates+=("$d"); done
  local best="" best_version=0
  for d in "${candidates[@]}"; do
    [ -x "$d/bin/javac" ] || continue
    local v
    v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if [ "$v" -ge 25 ] && [ "$v" -gt "$best_version" ]; then best="$d"; best_version=$v; fi
  done
  [ -n "$best" ] || die "no JDK 25 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*). panagrad needs the Foreign Function & Memory API and Java 25: install a JDK 25 (e.g. Eclipse Temurin 25) and set JAVA_HOME."
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}

setup() { # extra packages...
  apt_install cmake make gcc libc6-dev libopenblas-dev pkg-config maven "$@"
  find_jdk
  # Maven 3.8 on JDK 25 warns about sun.misc.Unsafe in its own dependencies; that noise is not ours.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
}

# ---- build ------------------------------------------------------------------------------------

build_native() {
  say "building libpanagrad.so (CMake, Release)"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j "$(nproc)" >/dev/null
}

MVN=(mvn -B -ntp)
build_java() { # extra maven args...
  say "building the jars (Maven)"
  "${MVN[@]}" -q install -DskipTests "$@"
}

JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector)
run_java() { # main class, args...
  local cp
  cp="$(ls java/target/panagrad-*.jar | grep -v -e sources -e javadoc | head -n1):$(cat java/target/classpath.txt)"
  # shellcheck disable=SC2086 # PANAGRAD_JAVA_OPTS holds several options
  java "${JVM_FLAGS[@]}" -Xmx8g ${PANAGRAD_JAVA_OPTS:-} -Dslf4j.internal.verbosity=WARN -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" "$@" 2> >(grep -v 'WARNING: Using incubator modules' >&2)
}

# ---- commands ---------------------------------------------------------------------------------

cmd_build() { setup; build_native; build_java; }

cmd_test() {
  # Fashion-MNIST lets the suite check the tutorial's accuracy target; the tests skip that check without it.
  # Clang builds the libFuzzer target of the kernels that take sizes and class indices.
  setup dataset-fashion-mnist clang
  build_native
  say "C kernel tests (ctest)"
  ctest --test-dir build --output-on-failure
  if [ "${PANAGRAD_SKIP_SANITIZERS:-0}" != 1 ]; then
    say "C kernel tests under AddressSanitizer + UndefinedBehaviorSanitizer"
    cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DPANAGRAD_SANITIZE=ON >/dev/null
    cmake --build build-sanitize -j "$(nproc)" >/dev/null
    ctest --test-dir build-sanitize --output-on-failure
    say "libFuzzer on the kernels that take sizes and labels (20,000 runs, ASan + UBSan)"
    cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DPANAGRAD_FUZZ=ON >/dev/null
    cmake --build build-fuzz -j "$(nproc)" --target pg_fuzz >/dev/null
    ctest --test-dir build-fuzz --output-on-failure -R pg_fuzz
  fi
  say "Java tests on both backends (native, then pure Java)"
  "${MVN[@]}" install
}

cmd_train() {
  setup dataset-fashion-mnist
  build_native
  build_java
  run_java org.panagrad.cli.Main train "$@"
}

cmd_bench() { # [--quick] [--threads N] [--out DIR] [--no-torch] ... (--help lists them)
  setup
  build_native # libpanagrad.so and the C harness build/bench/c/gemm_bench
  build_java   # bench/target/benchmarks.jar: JMH suite + runner, libpanagrad.so bundled
  # The shaded jar's main is JMH's own; the runner drives JMH (one forked JVM per benchmark), the C harness
  # and bench/python/torch_bench.py, and prints the comparison table. JMH still uses sun.misc.Unsafe.
  java "${JVM_FLAGS[@]}" --sun-misc-unsafe-memory-access=allow -Xmx2g -cp bench/target/benchmarks.jar \
    org.panagrad.bench.Runner "$@" 2> >(grep -v 'WARNING: Using incubator modules' >&2)
}

cmd_fuzz() {
  setup
  build_native
  build_java
  run_java org.panagrad.cli.Main fuzz "$@"
}

cmd_memory() {
  setup
  build_native
  build_java
  # A fixed, pre-touched heap: otherwise RSS climbs as G1 first touches heap pages, which hides what native memory does.
  PANAGRAD_JAVA_OPTS="${PANAGRAD_JAVA_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch}" run_java org.panagrad.cli.Main memory "$@"
}

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

case "${1:-}" in
  train|test|bench|fuzz|memory|build) c=$1; shift; "cmd_$c" "$@" ;;
  ""|-h|--help|help) usage ;;
  *) usage; die "unknown command '$1'" ;;
esac
