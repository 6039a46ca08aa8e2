# Reference values for analysis.psychometrics.confirmatory / invariance: lavaan, ML, defaults
# (marker-variable identification, listwise deletion, expected information, N in the covariance).
# Run from the repository root:  Rscript tests/reference/psychometrics/cfa.R
# (needs bfi.csv from reliability.R)
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/psychometrics/cfa.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressMessages({library(lavaan); library(psychTools); library(jsonlite)})
hs <- HolzingerSwineford1939
write.csv(hs[, c("id", "sex", "school", "grade", paste0("x", 1:9))], "hs1939.csv", row.names = FALSE, na = "")
bfi <- read.csv("bfi.csv")
keyed <- bfi
for (v in c("A1", "C4", "C5", "E1", "E2", "O2", "O5")) keyed[[v]] <- 7 - keyed[[v]]

fm_names <- c("npar", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi", "tli", "rmsea",
              "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "logl", "unrestricted.logl", "aic", "bic", "ntotal")
dump <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE)
  pe <- pe[pe$op %in% c("=~", "~~", "~1"), ]
  cols <- intersect(c("lhs", "op", "rhs", "group", "est", "se", "z", "pvalue", "std.all"), names(pe))
  list(fit = as.list(fitMeasures(fit, fm_names)), estimates = pe[, cols])
}
models <- list(
  hs3 = list(data = "hs", model = "visual =~ x1 + x2 + x3\n textual =~ x4 + x5 + x6\n speed =~ x7 + x8 + x9"),
  hs2 = list(data = "hs", model = "visual =~ x1 + x2 + x3\n verbal_speed =~ x4 + x5 + x6 + x7 + x8 + x9"),
  hs3_cov = list(data = "hs", model = "visual =~ x1 + x2 + x3\n textual =~ x4 + x5 + x6\n speed =~ x7 + x8 + x9\n x7 ~~ x8"),
  bfi3 = list(data = "bfi", model = "agree =~ A1 + A2 + A3 + A4 + A5\n consc =~ C1 + C2 + C3 + C4 + C5\n open =~ O1 + O2 + O3 + O4 + O5"),
  bfi1 = list(data = "bfi", model = "general =~ A1 + A2 + A3 + A4 + A5 + C1 + C2 + C3 + C4 + C5 + O1 + O2 + O3 + O4 + O5")
)
out <- list()
for (nm in names(models)) {
  m <- models[[nm]]
  d <- if (m$data == "hs") hs else keyed
  fit <- cfa(m$model, data = d)
  out[[nm]] <- c(list(model = m$model, data = m$data), dump(fit))
}
cmp <- anova(cfa(models$hs2$model, data = hs), cfa(models$hs3$model, data = hs))
out$anova_hs2_hs3 <- list(chisq_diff = cmp[["Chisq diff"]][2], df_diff = cmp[["Df diff"]][2],
                          p = cmp[["Pr(>Chisq)"]][2], aic = cmp$AIC, bic = cmp$BIC)
write_json(out, "cfa_lavaan.json", digits = NA, auto_unbox = TRUE, pretty = FALSE)

# measurement invariance ladders (group.equal), lavaan's own multi-group ML
steps <- list(configural = "", metric = "loadings", scalar = c("loadings", "intercepts"),
              strict = c("loadings", "intercepts", "residuals"))
cases <- list(
  bfi_gender = list(data = "bfi", group = "gender",
                    model = "agree =~ A1 + A2 + A3 + A4 + A5\n consc =~ C1 + C2 + C3 + C4 + C5"),
  hs_school = list(data = "hs", group = "school", model = models$hs3$model))
inv <- list()
for (nm in names(cases)) {
  cs <- cases[[nm]]
  d <- if (cs$data == "hs") hs else keyed
  res <- list(model = cs$model, data = cs$data, group = cs$group)
  for (st in names(steps)) {
    fit <- cfa(cs$model, data = d, group = cs$group, group.equal = steps[[st]])
    res[[st]] <- dump(fit)
    res[[st]]$group_labels <- lavInspect(fit, "group.label")
  }
  inv[[nm]] <- res
}
write_json(inv, "invariance_lavaan.json", digits = NA, auto_unbox = TRUE, pretty = FALSE)
record_versions(c("lavaan", "psychTools", "jsonlite"), c("hs1939.csv", "cfa_lavaan.json", "invariance_lavaan.json"))
