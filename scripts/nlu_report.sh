#!/usr/bin/env bash
# make eval: regenerates docs/nlu.md (see scripts/nlu_report.py).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PROJECT_ROOT"
bash scripts/setup.sh
"$PY" scripts/nlu_report.py 2>&1 | grep -v "processor.message.parse"
