# Reference values for cfa(..., missing="fiml"): lavaan missing = "ml" on psychTools bfi (keyed).
# Run from the repository root:  Rscript tests/reference/psychometrics/fiml.R
# (needs bfi.csv from reliability.R)
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/psychometrics/fiml.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressMessages({library(lavaan); library(jsonlite)})
bfi <- read.csv("bfi.csv")
for (v in c("A1", "C4", "C5", "E1", "E2", "O2", "O5")) bfi[[v]] <- 7 - bfi[[v]]
fm_names <- c("npar", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi", "tli", "rmsea",
              "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "logl", "unrestricted.logl", "aic", "bic", "ntotal")
out <- list()
models <- list(
  bfi2 = "agree =~ A1 + A2 + A3 + A4 + A5\n consc =~ C1 + C2 + C3 + C4 + C5",
  bfi3 = "agree =~ A1 + A2 + A3 + A4 + A5\n consc =~ C1 + C2 + C3 + C4 + C5\n open =~ O1 + O2 + O3 + O4 + O5")
for (nm in names(models)) {
  fit <- cfa(models[[nm]], data = bfi, missing = "ml")
  pe <- parameterEstimates(fit, standardized = TRUE)
  out[[nm]] <- list(model = models[[nm]], fit = as.list(fitMeasures(fit, fm_names)),
                    estimates = pe[, c("lhs", "op", "rhs", "est", "se", "z", "pvalue", "std.all")],
                    information = lavInspect(fit, "options")$information)
}
write_json(out, "fiml_lavaan.json", digits = NA, auto_unbox = TRUE)
record_versions(c("lavaan", "jsonlite"), "fiml_lavaan.json")
