# The two commands: `make run` (set up + start web and worker) and `make test` (set up + lint + tests).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 2
export DJANGO_ALLOW_ASYNC_UNSAFE := true

.PHONY: run serve test test-scale lint bench bench-verdicts setup migrate clean

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(PY) manage.py migrate --noinput

# Local use: DEBUG on (tracebacks, static files from runserver); a deployment leaves it unset.
run: export DEBUG ?= 1
run: migrate
	$(PY) manage.py seed_demo
	$(PY) scripts/run_platform.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# A production way to run it on this machine: gunicorn + a worker, DEBUG off, the database and
# Redis from DATABASE_URL / REDIS_URL when set (docs/deploy.md); no demo accounts.
serve: migrate
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) scripts/run_platform.py --production

test: lint
	$(PY) -m pytest

# The suite on PostgreSQL + Redis + an S3 bucket (DATABASE_URL, REDIS_URL, MEDIA_STORAGE=s3
# set; `.ci/scale-services make test-scale` starts throwaway servers on the loopback):
# everything but the pipeline and detector tests, which never use the database, queue or store,
# and the schema fuzz (the contract is the code's; run here once it passed on PostgreSQL too).
test-scale: setup
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "set DATABASE_URL and REDIS_URL (or run: .ci/scale-services make test-scale)"; exit 2; }
	$(PY) -m pytest --ignore=tests/pipeline --ignore=tests/detector --ignore=tests/api/test_schema_fuzz.py

bench: setup
	$(PY) scripts/bench_pipeline.py

# Named faults on the labelled shared clips: leave-one-set-out, other lifters, two cameras.
bench-verdicts: setup
	$(PY) scripts/bench_verdicts.py --seed-cv

clean:
	rm -rf $(VENV) media db.sqlite3* .pytest_cache test-artifacts
