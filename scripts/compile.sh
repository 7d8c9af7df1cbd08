#!/usr/bin/env bash
# Publish the hub's six services precompiled, into .local/compiled/<service>/ of this checkout: each self-contained for
# this machine's runtime, with its code, its packages' and the .NET runtime's compiled ahead of time into one ReadyToRun
# composite image and tiered compilation off (Directory.Build.props, IotHubCompiled). ./run.sh --compiled and
# ./bench.sh run the services from there (scripts/services.sh, IOTHUB_COMPILED=1).
# A service whose inputs changed takes about 3 CPU-minutes (the runtime's part of the image is most of it); one whose
# inputs did not, seconds.
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
