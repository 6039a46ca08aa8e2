# Reference for the CFA of a key whose factors have two indicators each (issue 17 item 6): the 3x2
# achievement-goal short form (key agq-3x2-short: six goals x two items), six correlated factors,
# on agq_3x2_short.csv (make_agq_3x2_short_fixture.py). Two indicators per factor are identified
# because the factors correlate. lavaan, ML, defaults (marker-variable identification, listwise
# deletion, expected information), as cfa.R.
# Run from the repository root:  Rscript tests/reference/psychometrics/cfa_short_form.R
# (needs agq_3x2_short.csv from make_agq_3x2_short_fixture.py)
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/psychometrics/cfa_short_form.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressMessages({library(lavaan); library(jsonlite)})
short <- read.csv("agq_3x2_short.csv")
goals <- c("task_approach", "self_approach", "other_approach", "task_avoidance", "self_avoidance", "other_avoidance")
model <- paste(sprintf("%s =~ %s_1 + %s_2", goals, goals, goals), collapse = "\n")
fm_names <- c("npar", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi", "tli", "rmsea",
              "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "logl", "unrestricted.logl", "aic", "bic", "ntotal")
fit <- cfa(model, data = short)
pe <- parameterEstimates(fit, standardized = TRUE)
pe <- pe[pe$op %in% c("=~", "~~"), c("lhs", "op", "rhs", "est", "se", "z", "pvalue", "std.all")]
write_json(list(six_factor = list(model = model, fit = as.list(fitMeasures(fit, fm_names)), estimates = pe)),
           "cfa_short_form_lavaan.json", digits = NA, auto_unbox = TRUE, pretty = FALSE)
record_versions(c("lavaan", "jsonlite"), "cfa_short_form_lavaan.json")
