#!/usr/bin/env bash
# Publish the hub's six services precompiled, into .local/compiled/<service>/ of this checkout: each self-contained for
# this machine's runtime, with its code, its packages' and the .NET runtime's compiled ahead of time into one ReadyToRun
# composite image and tiered compilation off (Directory.Build.props, IotHubCompiled). ./run.sh --compiled and
# ./bench.sh run the services from there (scripts/services.sh, IOTHUB_COMPILED=1).
# A service whose inputs changed takes about 3 CPU-minutes (the runtime's part of the image is most of it); one whose
# inputs did not, seconds.
#
# What the image cannot hold (generic instantiations the libraries make at run time, Reflection.Emit accessors) is
# still compiled while the services run, during their first job after a start. So when any image changed, the services
# then run one method job and one twin job over 2,000 simulated devices on a hub of their own (./bench.sh, state in
# .local/compile-training, ports shifted by 800), and the JIT profile each instance writes when it stops is kept in
# .local/compiled/jit-profiles/: an instance with no profile of its own starts with it (scripts/services.sh,
# seed_jit_profile; docs/benchmarks.md, "A first start with the build's profile"). That takes a minute or two; without
# the Benchmark tool built (dotnet build Microservices.sln -c Release) it is skipped, and so is a failed run, each with
# a note: the services run the same, only their first job compiles more.
#
#   scripts/compile.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="$PWD/.local/compiled"
while read -r name project; do
  dotnet publish "$project" -c Release --use-current-runtime -p:IotHubCompiled=true -o "$out/$name" -nologo -v q
done <<'SERVICES'
jobs-api services/jobs-api/JobsApi.csproj
scheduler services/scheduler/Scheduler.csproj
executor services/executor/Executor.csproj
device-sim services/device-sim/DeviceSim.csproj
device-gateway services/device-gateway/DeviceGateway.csproj
gateway gateway/Gateway.csproj
SERVICES

profiles="$out/jit-profiles"
trained="$profiles/.recorded"
if [ -f "$trained" ] && [ -z "$(find "$out" -name '*.r2r.dll' -newer "$trained" -print -quit)" ]; then exit 0; fi
rm -rf "$profiles"
if [ ! -f tests/Benchmark/bin/Release/net10.0/Benchmark.dll ]; then
  echo "compile.sh: no JIT profiles recorded (tests/Benchmark is not built); the first job after a start compiles more" >&2
  exit 0
fi
training="$PWD/.local/compile-training"
rm -rf "$training/jit-profiles"
: >"$training.log"
for job in method twin; do
  if ! IOTHUB_BENCH_LOCAL_DIR="$training" IOTHUB_BENCH_PORT_OFFSET=800 ./bench.sh --devices 2000 --job "$job" --no-build \
      >>"$training.log" 2>&1; then
    echo "compile.sh: no JIT profiles recorded (the $job job on 2,000 devices failed; see $training.log)" >&2
    exit 0
  fi
done
mkdir -p "$profiles"
cp -p "$training/jit-profiles/compiled/"*.jitprofile "$profiles/"
touch "$trained"
