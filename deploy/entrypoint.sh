#!/bin/sh
# The image's commands (deploy/Dockerfile): rasa | actions | console | site | migrate.
# The same commands, flags and ports as make cluster (clinic/cluster/topology.py);
# tests/clinic/cluster/test_deploy_files.py checks that they stay so.
set -eu
cd /app
case "${1:-rasa}" in
  rasa)
    # endpoints.yml plus the Redis lock store (clinic/cluster/endpoints.py)
    python -m clinic.cluster.endpoints "$LOCK_STORE_REDIS_URL" /tmp/endpoints.yml
    exec python -m clinic.rasa_cli run --model "/app/$(cat /app/models/LIVE)" \
      --enable-api --auth-token="$RASA_AUTH_TOKEN" --port 5005 \
      --endpoints /tmp/endpoints.yml --credentials credentials.yml --interface 0.0.0.0
    ;;
  actions) exec python -m clinic.rasa_cli run actions --port 5055 --actions actions ;;
  console) exec python -m clinic.console ;;
  site) exec python -m clinic.site ;;
  migrate) exec python -m clinic.store.migrate "$DATABASE_URL" ;;
  *) echo "unknown command $1 (rasa, actions, console, site, migrate)" >&2; exit 2 ;;
esac
