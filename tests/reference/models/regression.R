# Reference values for analysis/models/linear_models.py (lm, glm, anova, sandwich HC3, car::vif).
# Run from the repository root:  Rscript tests/reference/models/regression.R
# (needs bfi_scales.csv from correlations.R). sandwich, lmtest, car (Debian r-cran-*).
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/regression.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(sandwich); library(lmtest); library(car); library(jsonlite)})
d <- read.csv("bfi_scales.csv")
d <- d[complete.cases(d[, c("N", "A", "C", "E", "O", "age", "gender", "education")]), ]

coefs <- function(m, vc = vcov(m)) {
  ct <- coeftest(m, vcov. = vc)
  ci <- coefci(m, vcov. = vc)
  data.frame(term = rownames(ct), estimate = ct[, 1], se = ct[, 2], t = ct[, 3], p_val = ct[, 4],
             ci_low = ci[, 1], ci_high = ci[, 2], row.names = NULL)
}
# --- OLS: N ~ age + gender + A + C + E + O ---------------------------------------------------
m1 <- lm(N ~ age + gender, d)
m2 <- lm(N ~ age + gender + A + C + E + O, d)
zs <- as.data.frame(scale(d[, c("N", "age", "gender", "A", "C", "E", "O")]))
mz <- lm(N ~ age + gender + A + C + E + O, zs)       # standardised beta = slopes on z scores
s2 <- summary(m2)
a <- anova(m1, m2)
ols <- list(
  n = nobs(m2), coef = coefs(m2), hc3 = coefs(m2, vcovHC(m2, type = "HC3")),
  beta = unname(coef(mz))[-1], r2 = s2$r.squared, adj_r2 = s2$adj.r.squared,
  f = unname(s2$fstatistic[1]), df1 = unname(s2$fstatistic[2]), df2 = unname(s2$fstatistic[3]),
  f_p = unname(pf(s2$fstatistic[1], s2$fstatistic[2], s2$fstatistic[3], lower.tail = FALSE)),
  sigma = s2$sigma, vif = as.list(vif(m2)), loglik = as.numeric(logLik(m2)), aic = AIC(m2), bic = BIC(m2),
  hier = list(r2_1 = summary(m1)$r.squared, r2_2 = s2$r.squared,
              delta_r2 = s2$r.squared - summary(m1)$r.squared,
              f_change = a$F[2], df1 = a$Df[2], df2 = a$Res.Df[2], p_change = a$`Pr(>F)`[2],
              f_1 = unname(summary(m1)$fstatistic[1]),
              p_1 = unname(pf(summary(m1)$fstatistic[1], 2, m1$df.residual, lower.tail = FALSE)))
)
# --- OLS with an interaction through a formula --------------------------------------------
mi <- lm(N ~ E * C + age, d)
inter <- list(coef = coefs(mi), r2 = summary(mi)$r.squared)
# --- logistic: N >= 4 ~ E + C + age + gender -------------------------------------------------
d$high_n <- as.integer(d$N >= 4)
g <- glm(high_n ~ E + C + age + gender, family = binomial, data = d, control = glm.control(epsilon = 1e-15, maxit = 100))
g0 <- glm(high_n ~ 1, family = binomial, data = d, control = glm.control(epsilon = 1e-15, maxit = 100))
gs <- summary(g)$coefficients
ci <- confint.default(g)
logit <- list(
  coef = data.frame(term = rownames(gs), estimate = gs[, 1], se = gs[, 2], z = gs[, 3], p_val = gs[, 4],
                    ci_low = ci[, 1], ci_high = ci[, 2], row.names = NULL),
  deviance = deviance(g), null_deviance = deviance(g0), loglik = as.numeric(logLik(g)), aic = AIC(g),
  lr_chi2 = deviance(g0) - deviance(g), lr_df = 4,
  lr_p = pchisq(deviance(g0) - deviance(g), 4, lower.tail = FALSE),
  mcfadden = 1 - as.numeric(logLik(g)) / as.numeric(logLik(g0)),
  nagelkerke = (1 - exp(2 * (as.numeric(logLik(g0)) - as.numeric(logLik(g))) / nobs(g))) /
               (1 - exp(2 * as.numeric(logLik(g0)) / nobs(g))),
  n = nobs(g))
writeLines(toJSON(list(ols = ols, interaction = inter, logistic = logit),
                  digits = NA, auto_unbox = TRUE, pretty = TRUE), "regression_bfi.json")
record_versions(c("sandwich", "lmtest", "car", "jsonlite"), "regression_bfi.json")
