# Reference values for analysis/models/survey_weights.py: weighted descriptives, correlations, linear
# and logistic regression with a final weight and replicate weights, plausible values by Rubin's rules.
# Run from the repository root:  Rscript tests/reference/weights/weights.R
# Data: data/raw/pisa_demo/responses.csv (synthetic, PISA's shape; scripts/make_pisa_demo.py).
# Designs: survey::svrepdesign(type = "Fay", rho = 0.5) on the 80 replicate weights W_FSTURWT1..80,
# and type = "JK2" on jackknife weights made from the same variance zones (in replicate h the first
# school of zone h counts twice, the second not at all). mse = TRUE: variances are sums of squares
# around the full-sample estimate, as the PISA and TIMSS formulas are written (survey's default,
# mse = FALSE, centres on the mean of the replicates instead).
# Plausible values: one design per PV (mitools::imputationList), combined by mitools::MIcombine.
# Confidence intervals follow R's defaults: svymean/svyvar/withReplicates estimates with the normal
# quantile (confint.svystat; df written as NA), svyglm coefficients with t on df.residual
# (degf(design) + 1 - p; summary.svyglm, confint.svyglm), MIcombine results with t on its df.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/weights/weights.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(survey); library(mitools)})

pisa <- read.csv(repo_path("data/raw/pisa_demo/responses.csv"), stringsAsFactors = FALSE)
school <- as.integer(sub("^SCH", "", pisa$CNTSCHID))
first <- school %% 2 == 1                                   # the first school of its zone
jk2 <- sapply(1:80, function(h) pisa$W_FSTUWT * ifelse(pisa$ZONE == h, ifelse(first, 2, 0), 1))
colnames(jk2) <- paste0("JK2W", 1:80)
pisa <- cbind(pisa, jk2)
pvs <- paste0("PV", 1:10, "MATH")
with_pv <- function(m) { d <- pisa; d$MATH <- d[[pvs[m]]]; d }
imputed <- imputationList(lapply(1:10, with_pv))

designs <- list(
  fay = function(data) svrepdesign(data = data, weights = ~W_FSTUWT, repweights = "W_FSTURWT[0-9]+",
                                   type = "Fay", rho = 0.5, mse = TRUE),
  jk2 = function(data) svrepdesign(data = data, weights = ~W_FSTUWT, repweights = "JK2W[0-9]+",
                                   type = "JK2", mse = TRUE))

row <- function(design, analysis, outcome, term, estimate, se, df, n, test = TRUE, level = 0.95) {
  q <- if (is.finite(df)) qt(0.5 + level / 2, df) else qnorm(0.5 + level / 2)
  stat <- if (test) estimate / se else NA
  p <- if (!test) NA else if (is.finite(df)) 2 * pt(-abs(stat), df) else 2 * pnorm(-abs(stat))
  data.frame(design = design, analysis = analysis, outcome = outcome, term = term, estimate = estimate,
             se = se, ci_low = estimate - q * se, ci_high = estimate + q * se, statistic = stat,
             df = if (is.finite(df)) df else NA, p_val = p, n = n)
}
# one svrepstat (or a list of them, one per plausible value) as estimate, se and df
one <- function(s) {
  if (inherits(s, "svrepstat")) return(list(est = unname(coef(s))[1], se = unname(SE(s))[1], df = Inf))
  mi <- MIcombine(s)
  list(est = unname(coef(mi))[1], se = unname(sqrt(diag(vcov(mi))))[1], df = unname(mi$df)[1])
}
# the weighted SD: sqrt of svyvar's estimate (n/(n - 1) weighted variance), replicated
sd_theta <- function(v) function(w, data) {
  x <- data[[v]]; n <- length(x); m <- sum(w * x) / sum(w)
  sqrt(n / (n - 1) * sum(w * (x - m)^2) / sum(w))
}
r_theta <- function(x, y) function(w, data) cov.wt(data[, c(x, y)], wt = w / sum(w), cor = TRUE)$cor[1, 2]

out <- list()
add <- function(r) out[[length(out) + 1]] <<- r
for (dn in names(designs)) {
  make <- designs[[dn]]
  des <- make(pisa)
  mdes <- make(imputed)
  stopifnot(degf(des) == 79)
  # --- descriptives: mean and SD of each index, proportion of each 0/1 column; MATH over its PVs
  for (v in c("MASTGOAL", "GFOFAIL", "COMPETE", "ESCS", "MATH")) {
    pv <- v == "MATH"
    ok <- if (pv) rep(TRUE, nrow(pisa)) else !is.na(pisa[[v]])
    f <- as.formula(paste0("~", v))
    m <- if (pv) with(mdes, svymean(f)) else svymean(f, des, na.rm = TRUE)
    if (pv) {
      s <- lapply(1:10, function(i) withReplicates(make(with_pv(i)), sd_theta(v)))
    } else {
      sub <- subset(des, !is.na(get(v)))
      s <- withReplicates(sub, sd_theta(v))
      # cross-check: the SD's square is svyvar's variance
      stopifnot(abs(coef(s)^2 - coef(svyvar(f, des, na.rm = TRUE))) < 1e-9)
    }
    a <- one(m); add(row(dn, "descriptives", "mean", v, a$est, a$se, a$df, sum(ok), test = FALSE))
    a <- one(s); add(row(dn, "descriptives", "sd", v, a$est, a$se, a$df, sum(ok), test = FALSE))
  }
  for (v in c("EXPECT_UNI", "female")) {
    a <- one(svymean(as.formula(paste0("~", v)), des))
    add(row(dn, "descriptives", "proportion", v, a$est, a$se, a$df, nrow(pisa), test = FALSE))
  }
  # --- correlations (complete pairs); with MATH, one per PV combined
  vars <- c("MASTGOAL", "GFOFAIL", "COMPETE", "MATH")
  for (i in 1:3) for (j in (i + 1):4) {
    x <- vars[i]; y <- vars[j]
    if (y == "MATH") {
      ok <- !is.na(pisa[[x]])
      s <- lapply(1:10, function(m) withReplicates(subset(make(with_pv(m)), !is.na(get(x))), r_theta(x, y)))
    } else {
      ok <- !is.na(pisa[[x]]) & !is.na(pisa[[y]])
      s <- withReplicates(subset(des, !is.na(get(x)) & !is.na(get(y))), r_theta(x, y))
    }
    a <- one(s); add(row(dn, "correlations", x, y, a$est, a$se, a$df, sum(ok)))
  }
  # --- regression: gaussian and quasibinomial svyglm; with MATH, one fit per PV combined
  ctl <- glm.control(epsilon = 1e-14, maxit = 100)
  models <- list(
    list("regression", MASTGOAL ~ GFOFAIL + COMPETE + female, gaussian()),
    list("regression", MATH ~ MASTGOAL + GFOFAIL + COMPETE + ESCS, gaussian()),
    list("logistic", EXPECT_UNI ~ ESCS + MASTGOAL + female, quasibinomial()),
    list("logistic", EXPECT_UNI ~ MATH + ESCS + MASTGOAL, quasibinomial()))
  for (mdl in models) {
    fml <- mdl[[2]]
    n <- sum(complete.cases(pisa[, intersect(all.vars(fml), names(pisa))]))
    if ("MATH" %in% all.vars(fml)) {
      fits <- with(mdes, svyglm(fml, family = mdl[[3]], control = ctl))
      mi <- MIcombine(fits)
      est <- coef(mi); se <- sqrt(diag(vcov(mi))); df <- mi$df
    } else {
      fit <- svyglm(fml, des, family = mdl[[3]], control = ctl)
      est <- coef(fit); se <- SE(fit); df <- rep(fit$df.residual, length(est))
      ci <- confint(fit)
      sm <- summary(fit)$coefficients
      stopifnot(max(abs(sm[, 4] - 2 * pt(-abs(est / se), df))) < 1e-15,
                max(abs(ci[, 1] - (est - qt(0.975, df) * se))) < 1e-10)
    }
    for (k in seq_along(est)) {
      add(row(dn, mdl[[1]], deparse(fml), names(est)[k], unname(est[k]), unname(se[k]), unname(df[k]), n))
    }
  }
}
res <- do.call(rbind, out)
write.csv(res, "weights_pisa_demo.csv", row.names = FALSE)
record_versions(packages = c("survey", "mitools"), writes = "weights_pisa_demo.csv")
