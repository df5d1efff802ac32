# Named tasks. The two that matter first: `make run` and `make test`.
.PHONY: cluster retrain rollback check-content run test test-crisis crisis-report chat setup lint validate train eval bench migrate bookings tickets privacy purge staff clean widget test-browser screenshots widget-figures

run:        ## set up, train if needed, start the assistant (SQLite, no services)
	bash scripts/run.sh

cluster:    ## a clinic group: nginx, 2 Rasa replicas, 2 action servers, PostgreSQL, Redis
	bash scripts/cluster.sh

test:       ## every check: lint, validate, train, conversation tests, pytest
	bash scripts/test.sh

test-crisis: ## after editing config/crisis_phrases.yml: phrase checks and crisis sets
	bash -c 'source scripts/env.sh && bash scripts/setup.sh && export CLINIC_MODEL="$$PROJECT_ROOT/$$(bash scripts/train.sh)" && .venv/bin/pytest tests/clinic/components/test_crisis_detector.py tests/crisis tests/integration/test_crisis_flow.py'

crisis-report: ## crisis detection on every crisis set (required, fresh, unseen)
	bash -c 'source scripts/env.sh && "$$PY" scripts/crisis_report.py "$$(bash scripts/train.sh)"'

chat:       ## talk to the running assistant in this terminal
	bash -c 'source scripts/env.sh && "$$PY" scripts/chat.py --url http://127.0.0.1:$$RASA_PORT'

setup:      ## Python 3.10, locked dependencies, the project's spaCy pipeline
	bash scripts/setup.sh

lint:
	.venv/bin/ruff check clinic actions tests scripts bench rasa_sdk_plugins harness

validate:
	bash -c 'source scripts/env.sh && "$$RASA" data validate --domain domain --fail-on-warnings'

train:      ## train only if data or config changed; prints the model path
	bash scripts/train.sh

eval:       ## regenerate docs/nlu.md (held-out results, pipeline comparison)
	bash scripts/nlu_report.sh

bench:      ## serving benchmark against stock rasa init; rewrites docs/performance.md (~20 min)
	bash -c 'source scripts/env.sh && bash scripts/setup.sh && "$$PY" -m bench'

retrain:    ## train a candidate from data/, check it, put it live on the running assistant if it passes
	bash -c 'source scripts/env.sh && "$$PY" -m clinic.training train'

rollback:   ## put the model that served before the last deployment live again
	bash -c 'source scripts/env.sh && "$$PY" -m clinic.training rollback'

check-content: ## the content rules staff edits must pass (also run by make test)
	bash -c 'source scripts/env.sh && "$$PY" -m clinic.content validate'

migrate:    ## create or upgrade the database schema (DATABASE_URL)
	bash -c 'source scripts/env.sh && "$$PY" -m clinic.store.migrate'

bookings:   ## staff tool for booking requests: make bookings ARGS="list --status all"
	bash -c 'source scripts/env.sh && "$$PY" -m clinic.booking.cli $(or $(ARGS),list)'

tickets:    ## staff tool for call-back tickets: make tickets ARGS="list --status all"
	bash -c 'source scripts/env.sh && "$$PY" -m clinic.handoff.cli $(or $(ARGS),list)'

privacy:    ## retention and visitors' rights: make privacy ARGS="purge --dry-run" | "export BK-ABC234 --by alex" | "erase ..."
	bash -c 'source scripts/env.sh && "$$PY" -m clinic.privacy $(or $(ARGS),purge --dry-run)'

purge:      ## delete records past their retention period (config/clinic.yml retention:); run it daily
	bash -c 'source scripts/env.sh && "$$PY" -m clinic.privacy purge'

staff:      ## staff console accounts: make staff ARGS="create dana --name Dana --role admin"
	bash -c 'source scripts/env.sh && "$$PY" -m clinic.console.accounts $(or $(ARGS),list)'

# ---- website chat (web/widget, clinic/site) ----
widget:     ## build the chat widget bundle (web/widget/dist), as setup does
	bash scripts/setup.sh

test-browser: ## the browser tests only (Debian's Chromium, real servers)
	bash -c 'source scripts/env.sh && bash scripts/setup.sh && export CLINIC_MODEL="$$PROJECT_ROOT/$$(bash scripts/train.sh)" && .venv/bin/pytest tests/browser tests/integration/test_socketio_channel.py tests/web'

screenshots: ## docs/site.png, docs/widget-desktop.png, docs/widget-phone.png, ...
	bash -c 'source scripts/env.sh && bash scripts/setup.sh && export CLINIC_MODEL="$$PROJECT_ROOT/$$(bash scripts/train.sh)" && "$$PY" scripts/screenshots.py'

widget-figures: ## bundle size and page load -> first answer, into docs/widget.md
	bash -c 'source scripts/env.sh && bash scripts/setup.sh && export CLINIC_MODEL="$$PROJECT_ROOT/$$(bash scripts/train.sh)" && "$$PY" scripts/widget_figures.py'
# ---- end of website chat ----

clean:
	rm -rf models .rasa results var
