# Reference values for analysis/models/mixed.py (lme4 REML / ML fits).
# Run from the repository root:  Rscript tests/reference/models/mixed.R
# lme4 (Debian r-cran-lme4).
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/mixed.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
data(sleepstudy, package = "lme4")
write.csv(sleepstudy, "sleepstudy.csv", row.names = FALSE)

tidy_fit <- function(m) {
  cf <- summary(m)$coefficients
  ci <- confint(m, method = "Wald", parm = "beta_")
  vc <- as.data.frame(VarCorr(m))
  list(
    fixed = data.frame(term = rownames(cf), estimate = cf[, 1], se = cf[, 2], t = cf[, 3],
                       ci_low = ci[, 1], ci_high = ci[, 2], row.names = NULL),
    random = data.frame(grp = vc$grp, var1 = ifelse(is.na(vc$var1), "", vc$var1),
                        var2 = ifelse(is.na(vc$var2), "", vc$var2), vcov = vc$vcov, sdcor = vc$sdcor),
    loglik = as.numeric(logLik(m)), reml = isREML(m), nobs = nobs(m)
  )
}
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-2, rhoend = 1e-10, maxfun = 1e6))
fits <- list(
  slopes_reml = lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = TRUE, control = ctrl),
  intercept_reml = lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = TRUE, control = ctrl),
  slopes_ml = lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = FALSE, control = ctrl)
)
out <- lapply(fits, tidy_fit)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "mixed_sleepstudy.json")
record_versions(c("lme4", "jsonlite"), c("sleepstudy.csv", "mixed_sleepstudy.json"))
