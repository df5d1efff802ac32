#!/usr/bin/env bash
# Runs every check: lint, Rasa data validation, training (cached), conversation
# tests and the pytest suite (unit, integration through the real servers,
# held-out NLU and crisis sets). Exits non-zero on any failure, including
# "no tests were collected".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PROJECT_ROOT"

STARTED=$SECONDS
step() { printf '\n==> %s (at %d s)\n' "$*" "$((SECONDS - STARTED))"; }

step "setup"
bash scripts/setup.sh

# With no arguments, pytest runs in three lanes on the two cores, each with its
# own ports (harness/servers.py free_port), Redis database, fresh PostgreSQL
# databases, SQLite files and results/ files:
# - the long lane, from the end of the training on: the cluster under load,
#   then fuzzing by volume. The fuzz judges a
#   hello's wait by the server's CPU, not the wall clock, so a busy machine does
#   not fail it (docs/security.md).
# - the rest, starting now, beside the checks and the training, with the tests
#   that need no trained model (a quarter of its time; CLINIC_MODEL names no
#   file there, so a test that needed the model after all fails instead of
#   training a second one), then those that do.
# - the waiting lane, from the end of the training on: the tests that mostly
#   wait on clocks (idle sign-outs, rate-limit windows, staff sessions) with the
#   CPU idle, so the rest does not wait for them, then tests that need the model
#   but not the rest's assistant (the two retrainings, the held-out and crisis
#   sets on this lane's own assistant, the smoke bench, the replicas), on the
#   CPU those waits left idle. Without them the rest was the lane the suite
#   waited for, with one core idle for its last 5 minutes.
WAITING=(tests/clinic/console/test_idle_timeout.py tests/integration/test_address_limits.py
         tests/clinic/store/test_staff_accounts.py tests/integration/test_retraining.py
         tests/nlu/test_heldout.py tests/crisis/test_crisis_sets.py tests/bench/test_smoke.py
         tests/integration/test_replicas.py)
# The cluster first: its load runs for a fixed 3 minutes on about one core; the
# fuzz last: it sends one request at a time, so alone it keeps one core busy.
LONG=(tests/integration/test_cluster.py tests/integration/test_fuzz.py)
# The rest is everything else: what the two lanes run is left out of it.
ignored=()
for lane_test in "${LONG[@]}" "${WAITING[@]}"; do
  case "$lane_test" in
    *::*) ignored+=("--deselect=$lane_test") ;;
    *) ignored+=("--ignore=$lane_test") ;;
  esac
done
if [ "$#" -eq 0 ]; then
  step "pytest, tests that need no model, beside the checks and the training (log: results/pytest-first.log)"
  mkdir -p results
  TEST_PORT_RANGE=20000-25999 CLINIC_MODEL="$PROJECT_ROOT/models/not-trained-yet.tar.gz" \
    "$VENV/bin/pytest" -p no:cacheprovider --model-tests=without "${ignored[@]}" \
    >results/pytest-first.log 2>&1 &
  first_pid=$!
  trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
fi

step "lint (ruff)"
"$VENV/bin/ruff" check clinic actions tests scripts bench rasa_sdk_plugins
mkdir -p results

step "website chat widget: type check and unit tests (web/widget, npm run check)"
if command -v npm >/dev/null 2>&1 && [ -d web/widget/node_modules ]; then
  (cd web/widget && npm run --silent check >../../results/widget-unit.log 2>&1) || {
    cat results/widget-unit.log >&2; echo "widget checks failed" >&2; exit 1; }
  grep -E "^# (tests|pass|fail)" results/widget-unit.log
elif [ "${REQUIRE_SERVICES:-}" = "1" ]; then
  echo "npm (Node.js 20+) is needed for the widget checks (REQUIRE_SERVICES=1)" >&2
  exit 1
else
  echo "skipped: npm (Node.js 20+) not found"
fi

step "validate training data (rasa data validate --fail-on-warnings)"
"$RASA" data validate --domain domain --fail-on-warnings --quiet

step "content rules (examples, answers, crisis resources, links: python -m clinic.content validate)"
"$PY" -m clinic.content validate

step "train (reused when data and config are unchanged)"
CLINIC_MODEL="$PROJECT_ROOT/$(bash scripts/train.sh)"
export CLINIC_MODEL
echo "model: $CLINIC_MODEL"
if [ "$#" -eq 0 ]; then
  step "pytest, the long lane: ${LONG[*]} (log: results/pytest-long.log)"
  TEST_PORT_RANGE=26000-31999 TEST_REDIS_URL="${TEST_REDIS_URL_LONG:-redis://127.0.0.1:6379/2}" \
    "$VENV/bin/pytest" -p no:cacheprovider "${LONG[@]}" >results/pytest-long.log 2>&1 &
  long_pid=$!
  step "pytest, the waiting lane: ${WAITING[*]} (log: results/pytest-waiting.log)"
  TEST_PORT_RANGE=14000-19999 TEST_REDIS_URL="${TEST_REDIS_URL_WAITING:-redis://127.0.0.1:6379/3}" \
    "$VENV/bin/pytest" -p no:cacheprovider "${WAITING[@]}" >results/pytest-waiting.log 2>&1 &
  waiting_pid=$!
fi

step "conversation tests (tests/test_stories.yml, end to end: intents and actions)"
rm -rf results/stories
mkdir -p results
# --e2e checks each message's intent (faq/<key> included) as well as the actions.
set +e
"$RASA" test core --e2e --model "$CLINIC_MODEL" --stories tests/test_stories.yml \
  --endpoints endpoints.yml --fail-on-prediction-errors --out results/stories \
  >results/stories.log 2>&1
status=$?
set -e
grep -aE "Evaluating [0-9]+ stories|Correct:|predicted" results/stories.log || true
if [ "$status" -ne 0 ]; then
  echo "conversation tests failed (results/stories.log)" >&2
  exit 1
fi
# Rasa silently evaluates nothing when a story file is not named test_*.yml.
if grep -q "Evaluating 0 stories" results/stories.log; then
  echo "conversation tests evaluated no story: that is a failure" >&2
  exit 1
fi

# pytest exits 5 when it collected nothing: that is a failure too.
pytest_status() {
  if [ "$1" -eq 5 ]; then
    echo "pytest collected no tests ($2): that is a failure" >&2
    echo 1
  else
    echo "$1"
  fi
}

if [ "$#" -gt 0 ]; then
  step "pytest $*"
  set +e
  "$VENV/bin/pytest" "$@"
  status=$(pytest_status $? "pytest")
  set -e
  echo "make test: $((SECONDS - STARTED)) s"
  exit "$status"
fi

set +e
wait "$first_pid"
first=$(pytest_status $? "the rest, without the model")
trap - EXIT
echo "==> the rest, tests that need no model (results/pytest-first.log):"
if [ "$first" -eq 0 ]; then tail -n 3 results/pytest-first.log; else cat results/pytest-first.log; fi
step "pytest, the rest: tests that need the model"
TEST_PORT_RANGE=20000-25999 "$VENV/bin/pytest" -p no:cacheprovider --model-tests=with "${ignored[@]}"
rest=$(pytest_status $? "the rest, with the model")
wait "$waiting_pid"
waiting=$(pytest_status $? "${WAITING[*]}")
wait "$long_pid"
long=$(pytest_status $? "${LONG[*]}")
set -e
echo
echo "==> the waiting lane's pytest (results/pytest-waiting.log):"
if [ "$waiting" -eq 0 ]; then tail -n 3 results/pytest-waiting.log; else cat results/pytest-waiting.log; fi
echo "==> the long files' pytest (results/pytest-long.log):"
cat results/pytest-long.log
echo "make test: $((SECONDS - STARTED)) s"
if [ "$first" -ne 0 ] || [ "$rest" -ne 0 ] || [ "$long" -ne 0 ] || [ "$waiting" -ne 0 ]; then
  echo "pytest failed: the rest exited $first (no model) and $rest (model)," \
    "the long files $long, the waiting lane $waiting" >&2
  exit 1
fi
