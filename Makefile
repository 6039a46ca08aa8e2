# goalscope: the two commands are `make report` and `make test` (`make check` without CI).
PYTHON ?= python3
VENV   ?= .venv
PY     ?= $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# `make PY=/path/to/python report` uses that interpreter as it is (nothing is installed): the targets
# depend on the pinned .venv only when PY is this file's default
ifeq ($(origin PY),file)
DEPS   := $(STAMP)
else
DEPS   :=
endif
# `make test BASETEMP=/a/long/folder`: the suite's temporary files there (.ci/run passes a long one, so
# that a test comparing a wrapped message without tests/messages.py fails on our machine first)
BASETEMP ?=
PYTEST_BASETEMP := $(if $(BASETEMP),--basetemp=$(BASETEMP))

.PHONY: report check check-committed test venv notebooks bench demo-data references screenshots clean

# create .venv and install the pinned dependencies (once; again when the lock changes)
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(DEPS)

## the main job: every study under data/raw/ (data/processed/<study>/, reports/<study>/), then every
## notebook executed into reports/notebooks/*.html
report: $(DEPS)
	@set -e; for s in data/raw/*/study.yaml; do echo "== $$s"; $(PY) -m analysis run "$$s"; done
	$(PY) scripts/run_notebooks.py

## `goalscope run STUDY --check` for every study under data/raw/: exits 1 when a run would change the
## outputs in place (data/processed/<study>/, reports/<study>/) and names the files and why (a changed
## export, study file, key or package version); every study is checked before the exit status is set
check: $(DEPS)
	@status=0; for s in data/raw/*/study.yaml; do echo "== $$s"; $(PY) -m analysis run "$$s" --check || status=1; done; exit $$status

## CI's first step (.github/workflows/reports.yml, .gitlab-ci.yml), before `make report` overwrites the
## outputs: `make check` when the repository commits its outputs (data/processed/<study>/manifest.json),
## so a committed report that no longer matches its export, key or package versions fails the job
check-committed: $(DEPS)
	@if [ -n "$$(git ls-files 'data/processed/*/manifest.json')" ]; then $(MAKE) --no-print-directory check; \
	else echo "no outputs are committed (data/processed/*/manifest.json): nothing to compare before the run"; fi

## the whole suite (what CI runs)
test: $(DEPS)
	$(if $(BASETEMP),mkdir -p "$(dir $(BASETEMP))")
	$(PY) -m pytest -n 2 -q $(PYTEST_BASETEMP)

## execute every notebook into reports/notebooks/*.html, two at a time (prints the time per notebook)
notebooks: $(DEPS)
	$(PY) scripts/run_notebooks.py

bench: $(DEPS)
	$(PY) benchmarks/score.py
	$(PY) benchmarks/report.py

demo-data: $(DEPS)
	$(PY) scripts/make_demo.py

## regenerate every R reference fixture under tests/reference/ (needs Rscript and the R packages the
## runner names when they are missing); prints each script it ran, then git status of tests/reference/
references: $(DEPS)
	$(PY) scripts/run_references.py

## regenerate docs/img/app.png and docs/img/workbook.png from the staff demo in headless Chromium
## (the suite compares their pixel size, not their bytes)
screenshots: $(DEPS)
	GOALSCOPE_SCREENSHOTS=1 $(PY) -m pytest -q -p no:cacheprovider tests/app/test_browser.py -k screenshots

clean:
	rm -rf $(VENV) data/processed/* reports/*
