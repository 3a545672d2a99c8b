#!/usr/bin/env bash
# Installs what is missing, builds in release and runs the main job on the built-in case.
# Extra arguments go to the planner's main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product planner
.build/release/planner validate
.build/release/planner run "$@"
