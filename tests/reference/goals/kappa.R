# Reference values for analysis/goals/agreement.py (Cohen's kappa, its SE, CI and z test).
# Reads pairs.csv (made by make_pairs.py), writes kappa.csv and kappa.versions.
# Run from the repository root:  Rscript tests/reference/goals/kappa.R
#   kappa      psy::ckappa
#   se, CI     psych::cohen.kappa: sqrt(var.kappa) (Fleiss, Cohen & Everitt 1969, non-null) and confid
#   se0, z, p  irr::kappa2's formulas written out (irr is not installed here): the null-hypothesis
#              variance of Fleiss, Cohen & Everitt (1969), z = kappa / se0, p = 2 * (1 - pnorm(|z|))
#   agreement  irr::agree's definition: 100 * share of identical codes
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/goals/kappa.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(psy); library(psych)})
here <- "."
d <- read.csv(file.path(here, "pairs.csv"), stringsAsFactors = FALSE, na.strings = "")
out <- list()
for (name in unique(d$dataset)) {
  x <- na.omit(d[d$dataset == name, c("coder_1", "coder_2")])
  ck <- psy::ckappa(x)
  tab <- ck$table / sum(ck$table)
  r <- rowSums(tab); cl <- colSums(tab); n <- sum(ck$table)
  pe <- sum(r * cl)
  w <- diag(nrow(tab))
  var0 <- (sum(outer(r, cl) * (w - outer(cl, r, "+"))^2) - pe^2) / (n * (1 - pe)^2)
  se0 <- sqrt(var0)
  for (level in c(0.95, 0.90)) {
    pk <- suppressWarnings(psych::cohen.kappa(x, alpha = 1 - level))
    out[[length(out) + 1]] <- data.frame(
      dataset = name, level = level, n = n, agreement = 100 * mean(x[, 1] == x[, 2]),
      kappa = ck$kappa, se = sqrt(pk$var.kappa), ci_low = pk$confid[1, 1], ci_high = pk$confid[1, 3],
      psych_kappa = pk$kappa, se0 = se0, statistic = ck$kappa / se0,
      p_val = 2 * (1 - pnorm(abs(ck$kappa / se0))))
  }
}
res <- do.call(rbind, out)
write.csv(format(res, digits = 17), file.path(here, "kappa.csv"), row.names = FALSE, quote = FALSE)
record_versions(c("psy", "psych"), "kappa.csv")
