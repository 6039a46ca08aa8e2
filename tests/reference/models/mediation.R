# Reference values for analysis/models/indirect_effects.py.
# Run from the repository root:  Rscript tests/reference/models/mediation.R
# (needs bfi_scales.csv from correlations.R). lavaan, boot.
# 1. lavaan sem() with := (parallel mediators with correlated residuals, A ~~ E, so that the model
#    is saturated as equation-by-equation OLS / PROCESS model 4): point estimates and normal-theory (delta-method) SEs of a, b, d, c',
#    indirect, total indirect, total and contrasts (parallel and serial models).
# 2. lm(): OLS SEs / t / p / CIs of the a, b, d, direct and total paths.
# 3. jackknife acceleration of the indirect effects (leave-one-out lm fits; deterministic).
# 4. boot::boot / boot.ci percentile and BCa CIs with R = 20000 resamples (Monte-Carlo reference).
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/mediation.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(lavaan); library(boot); library(jsonlite)})
d0 <- read.csv("bfi_scales.csv")
d <- d0[complete.cases(d0[, c("C", "A", "E", "N", "gender")]), c("C", "A", "E", "N", "gender")]

par_model <- '
  A ~ a1*C + gender
  E ~ a2*C + gender
  N ~ cp*C + b1*A + b2*E + gender
  A ~~ E
  ind1 := a1*b1
  ind2 := a2*b2
  indtot := a1*b1 + a2*b2
  total := cp + a1*b1 + a2*b2
  con12 := a1*b1 - a2*b2
'
ser_model <- '
  A ~ a1*C + gender
  E ~ a2*C + d21*A + gender
  N ~ cp*C + b1*A + b2*E + gender
  ind1 := a1*b1
  ind2 := a2*b2
  ind12 := a1*d21*b2
  indtot := a1*b1 + a2*b2 + a1*d21*b2
  total := cp + a1*b1 + a2*b2 + a1*d21*b2
  con1_2 := a1*b1 - a2*b2
  con1_12 := a1*b1 - a1*d21*b2
  con2_12 := a2*b2 - a1*d21*b2
'
lav <- function(model) {
  f <- sem(model, data = d)            # ML, fixed.x = TRUE, expected information
  pe <- parameterEstimates(f)
  pe <- pe[pe$label != "", c("label", "est", "se", "z", "pvalue", "ci.lower", "ci.upper")]
  names(pe) <- c("label", "estimate", "se", "z", "p_val", "ci_low", "ci_high")
  pe
}
lm_paths <- function(serial) {
  fa1 <- lm(A ~ C + gender, d)
  fa2 <- if (serial) lm(E ~ C + A + gender, d) else lm(E ~ C + gender, d)
  fy <- lm(N ~ C + A + E + gender, d)
  ft <- lm(N ~ C + gender, d)
  row <- function(label, f, term) {
    s <- summary(f)$coefficients; ci <- confint(f)
    data.frame(label = label, estimate = s[term, 1], se = s[term, 2], t = s[term, 3], p_val = s[term, 4],
               ci_low = ci[term, 1], ci_high = ci[term, 2])
  }
  out <- rbind(row("a1", fa1, "C"), row("a2", fa2, "C"), row("b1", fy, "A"), row("b2", fy, "E"),
               row("cp", fy, "C"), row("total", ft, "C"))
  if (serial) out <- rbind(out, row("d21", fa2, "A"))
  out
}
# indirect effects of the parallel model from a data matrix (for jackknife and boot)
X <- as.matrix(d[, c("C", "A", "E", "N", "gender")])
ind_par <- function(M) {
  one <- rep(1, nrow(M))
  a1 <- lm.fit(cbind(one, M[, "C"], M[, "gender"]), M[, "A"])$coefficients[2]
  a2 <- lm.fit(cbind(one, M[, "C"], M[, "gender"]), M[, "E"])$coefficients[2]
  b <- lm.fit(cbind(one, M[, "C"], M[, "A"], M[, "E"], M[, "gender"]), M[, "N"])$coefficients
  c(ind1 = unname(a1 * b[3]), ind2 = unname(a2 * b[4]), indtot = unname(a1 * b[3] + a2 * b[4]),
    con12 = unname(a1 * b[3] - a2 * b[4]))
}
n <- nrow(X)
jack <- t(vapply(seq_len(n), function(i) ind_par(X[-i, , drop = FALSE]), numeric(4)))
acc <- apply(jack, 2, function(th) { u <- mean(th) - th; sum(u^3) / (6 * sum(u^2)^1.5) })

set.seed(2026)
B <- 20000
t_start <- Sys.time()
bt <- boot(X, function(M, i) ind_par(M[i, , drop = FALSE]), R = B)
message("boot: ", format(Sys.time() - t_start))
cis <- do.call(rbind, lapply(seq_along(bt$t0), function(j) {
  # BCa with the jackknife influence values (L), i.e. the same acceleration as the deterministic
  # reference above (boot's default regression estimate of L needs a 20000 x n frequency matrix)
  L <- (n - 1) * (mean(jack[, j]) - jack[, j])
  p <- boot.ci(bt, index = j, type = c("perc", "bca"), conf = 0.95, L = L)
  data.frame(label = names(bt$t0)[j], estimate = bt$t0[j], boot_sd = sd(bt$t[, j]),
             perc_low = p$percent[4], perc_high = p$percent[5], bca_low = p$bca[4], bca_high = p$bca[5])
}))
out <- list(n = n, parallel = list(lavaan = lav(par_model), lm = lm_paths(FALSE)),
            serial = list(lavaan = lav(ser_model), lm = lm_paths(TRUE)),
            jackknife_acceleration = as.list(acc), boot = cis, boot_R = B)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "mediation_bfi.json")
record_versions(c("lavaan", "boot", "jsonlite"), "mediation_bfi.json")
