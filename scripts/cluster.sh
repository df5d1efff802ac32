#!/usr/bin/env bash
# make cluster: a clinic group's topology on this machine (clinic/cluster):
# nginx in front of two Rasa replicas and two action servers, PostgreSQL and
# Redis shared, the staff console and the demo site. `make run` stays the
# embedded default (SQLite, one process, no services).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/debian_packages.sh"
cd "$PROJECT_ROOT"

bash scripts/setup.sh
ensure_debian_package /usr/sbin/nginx nginx
MODEL="$PROJECT_ROOT/$(bash scripts/train.sh)"
exec "$PY" -m clinic.cluster --model "$MODEL"
