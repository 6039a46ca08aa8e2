# Reference values for analysis/models/counts.py (Poisson glm and MASS::glm.nb).
# Run from the repository root:  Rscript tests/reference/models/counts.R
# (needs counts_quakes_boot_rows.csv from make_counts_boot.py)
# Data: R's datasets::warpbreaks, datasets::InsectSprays, MASS::quine and MASS::Insurance, written
# to CSV first and read back, so factor levels are the alphabetical ones goalscope uses.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/counts.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(MASS); library(jsonlite)})

ins <- MASS::Insurance
ins <- data.frame(District = paste0("d", ins$District), Holders = ins$Holders, Claims = ins$Claims,
                  log_holders = log(ins$Holders), age_band = as.integer(ins$Age))
write.csv(warpbreaks, "counts_warpbreaks.csv", row.names = FALSE)
write.csv(InsectSprays, "counts_insectsprays.csv", row.names = FALSE)
write.csv(MASS::quine, "counts_quine.csv", row.names = FALSE)
write.csv(ins, "counts_insurance.csv", row.names = FALSE)
write.csv(datasets::quakes[, c("depth", "mag", "stations")], "counts_quakes.csv", row.names = FALSE)
wb <- read.csv("counts_warpbreaks.csv", stringsAsFactors = TRUE)
is <- read.csv("counts_insectsprays.csv", stringsAsFactors = TRUE)
qu <- read.csv("counts_quine.csv", stringsAsFactors = TRUE)
ins <- read.csv("counts_insurance.csv", stringsAsFactors = TRUE)

tidy <- function(m, nb) {
  cf <- summary(m)$coefficients
  ci <- confint.default(m)
  out <- list(
    coefficients = data.frame(term = rownames(cf), estimate = cf[, 1], se = cf[, 2], statistic = cf[, 3],
                              p_val = cf[, 4], ci_low = ci[, 1], ci_high = ci[, 2], row.names = NULL),
    deviance = deviance(m), null_deviance = m$null.deviance, df_resid = m$df.residual,
    df_null = m$df.null, loglik = as.numeric(logLik(m)), aic = AIC(m), aic_glm = m$aic,
    nobs = nobs(m), iter = m$iter)
  if (nb) { out$theta <- m$theta; out$theta_se <- m$SE.theta; out$twologlik <- m$twologlik }
  out
}
# R's default glm stops at a relative deviance change of 1e-8; the *_tight fits run to convergence
# (glm.nb may warn "alternation limit reached" with them: its criterion cannot reach 1e-14 in double
# precision, while the estimates have settled)
tight <- glm.control(epsilon = 1e-14, maxit = 200)
fits <- list(
  warpbreaks_poisson = tidy(glm(breaks ~ wool + tension, poisson, wb), FALSE),
  insectsprays_poisson = tidy(glm(count ~ spray, poisson, is), FALSE),
  insurance_poisson_offset = tidy(glm(Claims ~ District + age_band + offset(log_holders), poisson, ins), FALSE),
  warpbreaks_poisson_tight = tidy(glm(breaks ~ wool + tension, poisson, wb, control = tight), FALSE),
  insurance_poisson_offset_tight = tidy(glm(Claims ~ District + age_band + offset(log_holders), poisson, ins, control = tight), FALSE),
  insectsprays_poisson_tight = tidy(glm(count ~ spray, poisson, is, control = tight), FALSE),
  warpbreaks_nb = tidy(glm.nb(breaks ~ wool + tension, wb), TRUE),
  warpbreaks_nb_tight = tidy(glm.nb(breaks ~ wool + tension, wb, control = tight), TRUE),
  quine_nb = tidy(glm.nb(Days ~ Eth + Sex + Age + Lrn, qu), TRUE),
  quine_nb_tight = tidy(glm.nb(Days ~ Eth + Sex + Age + Lrn, qu, control = tight), TRUE),
  insurance_nb_offset = tidy(glm.nb(Claims ~ District + age_band + offset(log_holders), ins), TRUE),
  insurance_nb_offset_tight = tidy(glm.nb(Claims ~ District + age_band + offset(log_holders), ins, control = tight), TRUE)
)
# count mediation on quakes: x = depth, m = mag, y = stations (a: lm; b, direct: glm / glm.nb)
qk <- read.csv("counts_quakes.csv")
med <- function(d, nb) {
  a <- lm(mag ~ depth, d)
  o <- if (nb) glm.nb(stations ~ depth + mag, d, control = tight) else glm(stations ~ depth + mag, poisson, d, control = tight)
  list(a = unname(coef(a)["depth"]), a_se = unname(summary(a)$coefficients["depth", 2]),
       a_p = unname(summary(a)$coefficients["depth", 4]), a_ci = unname(confint(a)["depth", ]),
       outcome = tidy(o, nb)$coefficients, ab = unname(coef(a)["depth"] * coef(o)["mag"]))
}
fits$quakes_mediation_poisson <- med(qk, FALSE)
fits$quakes_mediation_nb <- med(qk, TRUE)
if (file.exists("counts_quakes_boot_rows.csv")) {   # written by make_counts_boot.py from the Python draws
  br <- read.csv("counts_quakes_boot_rows.csv")
  fits$quakes_boot_ab <- lapply(c(poisson = FALSE, nb = TRUE), function(nb)
    sapply(split(br$row, br$resample), function(i) suppressWarnings(med(qk[i, ], nb)$ab)))
}
writeLines(toJSON(fits, digits = NA, auto_unbox = TRUE, pretty = TRUE), "counts_glm.json")
record_versions(c("MASS", "jsonlite"), c("counts_warpbreaks.csv", "counts_insectsprays.csv", "counts_quine.csv",
                "counts_insurance.csv", "counts_quakes.csv", "counts_glm.json"))
