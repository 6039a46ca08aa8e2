# goalscope: the two commands are `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: report test venv notebooks bench demo-data references clean

# create .venv and install the pinned dependencies (once; again when the lock changes)
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

## the main job: every study under data/raw/ (data/processed/<study>/, reports/<study>/), then every
## notebook executed into reports/notebooks/*.html
report: $(STAMP)
	@set -e; for s in data/raw/*/study.yaml; do echo "== $$s"; $(PY) -m analysis run "$$s"; done
	$(PY) scripts/run_notebooks.py

## the whole suite (what CI runs)
test: $(STAMP)
	$(PY) -m pytest -n 2 -q

## execute every notebook into reports/notebooks/*.html (prints the time per notebook)
notebooks: $(STAMP)
	$(PY) scripts/run_notebooks.py

bench: $(STAMP)
	$(PY) benchmarks/score.py
	$(PY) benchmarks/report.py

demo-data: $(STAMP)
	$(PY) scripts/make_demo.py

## regenerate every R reference fixture under tests/reference/ (needs Rscript and the R packages the
## runner names when they are missing); prints each script it ran, then git status of tests/reference/
references: $(STAMP)
	$(PY) scripts/run_references.py

clean:
	rm -rf $(VENV) data/processed/* reports/*
