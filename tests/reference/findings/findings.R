# Reference values for analysis/findings (pooling.py and replication.py).
# Run from the repository root:  Rscript tests/reference/findings/findings.R
# Writes: molloy2014.csv, mcdaniel1994.csv (metafor's own correlation datasets, r and n only),
#         pooling.json (metafor::rma on ZCOR, REML / DL / FE), replication.json (Fisher-z tests,
#         TOST, small telescopes), study_scores.csv and study.json (a seeded synthetic study),
#         findings.versions.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/findings/findings.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(metafor); library(psych); library(pwr); library(jsonlite)})

# --- data: metafor's correlation datasets ---------------------------------------------------
molloy <- data.frame(study = dat.molloy2014$authors, year = dat.molloy2014$year,
                     ri = dat.molloy2014$ri, ni = dat.molloy2014$ni)
write.csv(molloy, "molloy2014.csv", row.names = FALSE)
mcd <- dat.mcdaniel1994[!is.na(dat.mcdaniel1994$ri), c("study", "ni", "ri")]
write.csv(mcd, "mcdaniel1994.csv", row.names = FALSE)
# a small hand-made set: three published-looking r's with N plus "our study" (synthetic numbers,
# labelled as such; no published value is implied)
hand <- data.frame(study = c("A", "B", "C", "ours"), ri = c(-0.25, -0.10, -0.31, -0.05),
                   ni = c(120, 340, 85, 383))

pool <- function(d, method, level = 95) {
  es <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = d)
  res <- rma(yi, vi, data = es, method = method, level = level, control = list(threshold = 1e-10))
  pr <- predict(res, transf = transf.ztor, level = level)
  prz <- predict(res, level = level)
  list(method = method, level = level / 100, k = res$k, estimate = as.numeric(res$b), se = res$se,
       statistic = res$zval, p_val = res$pval, ci_low = res$ci.lb, ci_high = res$ci.ub,
       tau2 = res$tau2, se_tau2 = if (is.null(res$se.tau2)) NA else res$se.tau2,
       i2 = res$I2, h2 = res$H2, q = res$QE, q_df = res$k - 1, q_p_val = res$QEp,
       estimate_r = as.numeric(pr$pred), ci_low_r = as.numeric(pr$ci.lb), ci_high_r = as.numeric(pr$ci.ub),
       pi_low = as.numeric(prz$pi.lb), pi_high = as.numeric(prz$pi.ub),
       pi_low_r = as.numeric(pr$pi.lb), pi_high_r = as.numeric(pr$pi.ub),
       weights = as.numeric(weights(res)), yi = as.numeric(es$yi), vi = as.numeric(es$vi),
       call = sprintf('rma(yi, vi, data = escalc(measure = "ZCOR", ri = ri, ni = ni, data = d), method = "%s", level = %g, control = list(threshold = 1e-10))', method, level))
}
out <- list()
for (m in c("REML", "DL", "FE")) {
  out[[paste0("molloy2014_", m)]] <- pool(molloy, m)
  out[[paste0("mcdaniel1994_", m)]] <- pool(mcd, m)
  out[[paste0("hand_", m)]] <- pool(hand, m)
}
out[["molloy2014_REML_90"]] <- pool(molloy, "REML", 90)
write_json(out, "pooling.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)

# --- replication tests ---------------------------------------------------------------------
# r33 (Simonsohn 2015): the r a study of n_orig had 33% power to detect, two-sided alpha = .05,
# with pwr.r.test's power function; solved by uniroot to 1e-12 (pwr's own uniroot stops near 1e-5,
# both are stored).
power_r <- function(r, n, sig.level = 0.05) {
  ttt <- qt(sig.level / 2, df = n - 2, lower = FALSE)
  rc <- sqrt(ttt^2 / (ttt^2 + n - 2)); zr <- atanh(r) + r / (2 * (n - 1)); zrc <- atanh(rc)
  pnorm((zr - zrc) * sqrt(n - 3)) + pnorm((-zr - zrc) * sqrt(n - 3))
}
r33 <- function(n) uniroot(function(r) power_r(r, n) - 1/3, c(1e-10, 1 - 1e-10), tol = 1e-14)$root

cases <- list(
  list(id = "two_sample", r = -0.21, n = 383, r_pub = -0.30, n_pub = 170, sesoi = 0.10, level = 0.95),
  list(id = "two_sample_small", r = 0.12, n = 60, r_pub = 0.35, n_pub = 92, sesoi = 0.10, level = 0.95),
  list(id = "fixed", r = -0.05, n = 383, r_pub = -0.18, n_pub = NA, sesoi = 0.10, level = 0.95),
  list(id = "fixed_90", r = 0.22, n = 150, r_pub = 0.16, n_pub = NA, sesoi = 0.15, level = 0.90),
  list(id = "direction", r = -0.02, n = 500, r_pub = NA, n_pub = 397, sesoi = 0.10, level = 0.95)
)
rep <- list()
for (cs in cases) {
  z_crit <- qnorm(1 - (1 - cs$level) / 2)
  ci <- tanh(atanh(cs$r) + c(-1, 1) * z_crit / sqrt(cs$n - 3))
  rc <- r.con(cs$r, cs$n, p = cs$level)                 # psych's CI for r, a cross-check
  res <- list(id = cs$id, r = cs$r, n = cs$n, r_pub = cs$r_pub, n_pub = cs$n_pub, sesoi = cs$sesoi,
              level = cs$level, ci_low = ci[1], ci_high = ci[2], ci_low_psych = rc[1], ci_high_psych = rc[2])
  if (!is.na(cs$r_pub) && !is.na(cs$n_pub)) {
    rt <- r.test(n = cs$n, r12 = cs$r, r34 = cs$r_pub, n2 = cs$n_pub)
    res$statistic <- rt$z; res$p_val <- rt$p
    res$call <- sprintf("psych::r.test(n = %d, r12 = %g, r34 = %g, n2 = %d)", cs$n, cs$r, cs$r_pub, cs$n_pub)
  } else if (!is.na(cs$r_pub)) {
    z <- (atanh(cs$r) - atanh(cs$r_pub)) * sqrt(cs$n - 3)
    res$statistic <- z; res$p_val <- 2 * pnorm(-abs(z))
  } else {
    z <- atanh(cs$r) * sqrt(cs$n - 3)
    res$statistic <- z; res$p_val <- 2 * pnorm(-abs(z))
  }
  # TOST against +-sesoi (in r) on the Fisher-z scale
  zl <- (atanh(cs$r) - atanh(-cs$sesoi)) * sqrt(cs$n - 3)
  zu <- (atanh(cs$r) - atanh(cs$sesoi)) * sqrt(cs$n - 3)
  res$tost_p <- max(pnorm(zl, lower.tail = FALSE), pnorm(zu))
  if (!is.na(cs$n_pub)) {
    sgn <- if (!is.na(cs$r_pub)) sign(cs$r_pub) else -1      # direction case: published negative
    res$r33 <- r33(cs$n_pub)
    res$r33_pwr <- pwr.r.test(n = cs$n_pub, power = 1/3, sig.level = 0.05)$r
    res$power_at_r33 <- power_r(res$r33, cs$n_pub)
    res$telescope_p <- pnorm((atanh(sgn * cs$r) - atanh(res$r33)) * sqrt(cs$n - 3))
  }
  rep[[cs$id]] <- res
}
write_json(rep, "replication.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)

# --- a whole study: scores with missing values, every finding whose constructs it measures ----
# (the data are generated here, with a seed, and committed as study_scores.csv)
set.seed(2026)
n <- 150
map <- rnorm(n); mav <- 0.3 * map + rnorm(n); pap <- 0.2 * map + rnorm(n); pav <- 0.4 * pap + rnorm(n)
dep <- -0.2 * map + 0.15 * pav + rnorm(n); anx <- 0.2 * pav + 0.3 * dep + rnorm(n)
pro <- -0.3 * map + 0.2 * mav + rnorm(n)
study <- round(data.frame(map, mav, pap, pav, dep, anx, pro), 4)
study$dep[c(3, 17, 40)] <- NA; study$map[c(5, 88)] <- NA; study$pro[c(17, 120, 121)] <- NA
write.csv(study, "study_scores.csv", row.names = FALSE, na = "")
study <- read.csv("study_scores.csv")
col <- c(mastery_approach = "map", mastery_avoidance = "mav", performance_approach = "pap",
         performance_avoidance = "pav", depression = "dep", anxiety = "anx", procrastination = "pro")
# the registry's entries for these constructs, as published.yaml holds them
reg <- list(
  list(id = "howell-watson-2007-map-procrastination", x = "mastery_approach", y = "procrastination", r_pub = NA, n_pub = 170, sign = -1),
  list(id = "howell-watson-2007-mav-procrastination", x = "mastery_avoidance", y = "procrastination", r_pub = NA, n_pub = 170, sign = 1),
  list(id = "howell-buro-2009-map-procrastination", x = "mastery_approach", y = "procrastination", r_pub = NA, n_pub = 397, sign = -1),
  list(id = "howell-buro-2009-pap-procrastination", x = "performance_approach", y = "procrastination", r_pub = NA, n_pub = 397, sign = -1),
  list(id = "howell-buro-2009-mav-procrastination", x = "mastery_avoidance", y = "procrastination", r_pub = NA, n_pub = 397, sign = 1),
  list(id = "seo-2009-map-procrastination", x = "mastery_approach", y = "procrastination", r_pub = NA, n_pub = 307, sign = -1),
  list(id = "seo-2009-mav-procrastination", x = "mastery_avoidance", y = "procrastination", r_pub = NA, n_pub = 307, sign = 1),
  list(id = "diaconu-gherasim-2024-map-depression", x = "mastery_approach", y = "depression", r_pub = -0.18, n_pub = NA, sign = -1),
  list(id = "diaconu-gherasim-2024-map-anxiety", x = "mastery_approach", y = "anxiety", r_pub = -0.10, n_pub = NA, sign = -1),
  list(id = "diaconu-gherasim-2024-mav-depression", x = "mastery_avoidance", y = "depression", r_pub = -0.13, n_pub = NA, sign = -1),
  list(id = "diaconu-gherasim-2024-mav-anxiety", x = "mastery_avoidance", y = "anxiety", r_pub = 0.08, n_pub = NA, sign = 1),
  list(id = "diaconu-gherasim-2024-pap-depression", x = "performance_approach", y = "depression", r_pub = 0.05, n_pub = NA, sign = 1),
  list(id = "diaconu-gherasim-2024-pap-anxiety", x = "performance_approach", y = "anxiety", r_pub = 0.15, n_pub = NA, sign = 1),
  list(id = "diaconu-gherasim-2024-pav-depression", x = "performance_avoidance", y = "depression", r_pub = 0.16, n_pub = NA, sign = 1),
  list(id = "diaconu-gherasim-2024-pav-anxiety", x = "performance_avoidance", y = "anxiety", r_pub = 0.25, n_pub = NA, sign = 1))
one <- function(f, d, sesoi = 0.10) {
  x <- d[[col[[f$x]]]]; y <- d[[col[[f$y]]]]
  ok <- complete.cases(x, y); r <- cor(x[ok], y[ok]); n <- sum(ok)
  ci <- tanh(atanh(r) + c(-1, 1) * qnorm(0.975) / sqrt(n - 3))
  z <- if (is.na(f$r_pub)) atanh(r) * sqrt(n - 3) else (atanh(r) - atanh(f$r_pub)) * sqrt(n - 3)
  out <- list(finding_id = f$id, estimate = r, n = n, ci_low = ci[1], ci_high = ci[2], statistic = z,
              p_val = 2 * pnorm(-abs(z)),
              tost_p = max(pnorm((atanh(r) + atanh(sesoi)) * sqrt(n - 3), lower.tail = FALSE),
                           pnorm((atanh(r) - atanh(sesoi)) * sqrt(n - 3))),
              r33 = NA, telescope_p = NA)
  if (!is.na(f$n_pub)) {
    out$r33 <- r33(f$n_pub)
    out$telescope_p <- pnorm((atanh(f$sign * r) - atanh(out$r33)) * sqrt(n - 3))
  }
  out
}
pairwise <- lapply(reg, one, d = study)
listwise <- lapply(reg, one, d = study[complete.cases(study), ])
write_json(list(pairwise = pairwise, listwise = listwise), "study.json", digits = NA, auto_unbox = TRUE,
           pretty = TRUE, na = "null")
record_versions(c("metafor", "psych", "pwr", "jsonlite"),
                c("molloy2014.csv", "mcdaniel1994.csv", "pooling.json", "replication.json", "study_scores.csv",
                  "study.json"))
