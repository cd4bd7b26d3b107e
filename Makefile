# make run   — install, migrate, load the sample pages, build the index, serve on :$(PORT)
#              with the upload worker (huey) and the index writer beside gunicorn
# make test  — lint, migration check, the whole suite on SQLite and on PostgreSQL
PYTHON  ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8000
SAMPLES ?= tests/data/in
PG_URL  ?= postgres://postgres@127.0.0.1:5432/test
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: lookalikes lighthouse run test install migrate ingest rebuild-index lint test-sqlite test-postgres postgres redis chromium gettext catalogue messages bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

ingest: migrate  ## make ingest FILES="path/to/dumps or.zip"
	$(BIN)/python manage.py ingest $(or $(FILES),$(SAMPLES))

rebuild-index: migrate
	$(BIN)/python manage.py rebuild_index --noinput

run: migrate catalogue
	$(BIN)/python manage.py ingest -v0 $(SAMPLES)
	$(BIN)/python manage.py ensure_index
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Serving on http://127.0.0.1:$(PORT)/ (the upload worker and the index writer started too)"
	$(BIN)/python manage.py run_huey --workers 1 & worker=$$!; \
	  $(BIN)/python manage.py index_writer & writer=$$!; \
	  trap 'kill $$worker $$writer 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn newspaper.wsgi:application

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	@if docker compose version >/dev/null 2>&1; then SECRET_KEY=x docker compose config -q; \
	elif command -v docker-compose >/dev/null; then SECRET_KEY=x docker-compose config -q; \
	else echo "note: no docker compose here, docker-compose.yml not validated"; fi

# The web's Chinese (locale/zh_Hans, LOCALE_PATHS): the .mo files are built here, never committed;
# compilemessages skips a catalogue whose .mo is newer. msgfmt comes from Debian's gettext.
catalogue: install gettext
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv --ignore=var --ignore=node_modules

# After adding or changing a message in the code: update django.po, then translate its new
# entries (tests/test_i18n.py fails on an untranslated one). djangojs.po is kept by hand.
messages: install gettext
	$(BIN)/python manage.py makemessages -l zh_Hans --no-location --no-wrap -v0 \
	  --ignore=var --ignore=tests --ignore=bench --ignore=test-artifacts --ignore=node_modules

gettext:
	@command -v msgfmt >/dev/null || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q gettext)

# Browser tests drive Debian's Chromium (never a browser download); a CJK font for screenshots,
# and the two faces the look-alike table is drawn in (tests/test_lookalikes.py rebuilds part of it).
chromium:
	@command -v chromium >/dev/null && fc-list | grep -q wqy-microhei && fc-list | grep -qi "Noto Serif CJK" || \
	  ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium fonts-wqy-microhei fonts-noto-cjk)

# axe-core, the accessibility rules the browser tests run in each page (tests/axe.py): the npm
# package pinned by package.json and package-lock.json.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q npm)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test-sqlite: install catalogue chromium node_modules/axe-core/axe.min.js redis
	EXPECT_DB=sqlite DATABASE_URL= $(BIN)/pytest

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@pg_isready -h 127.0.0.1 -p 5432

# The production job queue (tests check the Redis path too).
redis:
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 \
	  --save "" --appendonly no --dir /tmp --logfile /tmp/redis-ci.log
	@redis-cli -h 127.0.0.1 ping

test-postgres: install catalogue node_modules/axe-core/axe.min.js postgres redis
	EXPECT_DB=postgresql DATABASE_URL=$(PG_URL) $(BIN)/pytest -p no:cacheprovider

test: lint test-sqlite test-postgres

bench: install  ## make bench SIZE=10000 — import and search benchmark (bench/run.py)
	$(BIN)/python bench/run.py --size $(or $(SIZE),1000) --queries $(or $(QUERIES),50)

# Lighthouse on the home, search and article pages of the site `make run` serves (SITE=…),
# with Debian's Chromium; its npm package lives apart so that make test never installs it.
lighthouse: chromium
	cd bench/lighthouse && npm ci --no-audit --no-fund --silent
	$(BIN)/python bench/lighthouse/run.py

# The look-alike tables (newspaper/data/lookalikes.tsv and lookalikes_wide.tsv, shipped): rebuilt
# from glyph bitmaps in a sans and a Song face, as the paper prints headlines and text
# (newspaper/data/LOOKALIKES.md).
lookalikes: install
	@fc-list | grep -q wqy-microhei && fc-list | grep -qi "Noto Serif CJK" || \
	  ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q fonts-wqy-microhei fonts-noto-cjk)
	$(BIN)/python manage.py build_lookalikes

clean:
	rm -rf var .pytest_cache .ruff_cache node_modules
