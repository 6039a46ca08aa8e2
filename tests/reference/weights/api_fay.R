# Reference values for analysis/models/survey_weights.py on a public data set: survey's apistrat
# (California Academic Performance Index, a stratified sample of 200 schools; Debian r-cran-survey).
# Run from the repository root:  Rscript tests/reference/weights/api_fay.R
# survey::as.svrepdesign makes the Fay replicate weights itself (rho = 0.5; strata with more than two
# schools split into pairs, brrweights' default), so this checks goalscope against weights survey
# built, not ones made by our own generator. The weights are written with the data (api_fay.csv, the
# replicate weights combined with the sampling weight) and every reference is computed from the file
# as read back, so R and Python start from the same numbers.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/weights/api_fay.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages(library(survey))

data(api, package = "survey")
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
rep <- as.svrepdesign(dstrat, type = "Fay", fay.rho = 0.5, compress = FALSE)
rw <- matrix(as.numeric(unclass(weights(rep, "analysis"))), nrow = nrow(apistrat))
colnames(rw) <- paste0("repw", seq_len(ncol(rw)))
api <- data.frame(cds = apistrat$cds, stype = as.character(apistrat$stype), api00 = apistrat$api00,
                  meals = apistrat$meals, ell = apistrat$ell, awards = as.integer(apistrat$awards == "Yes"),
                  pw = apistrat$pw, rw)
write.csv(api, "api_fay.csv", row.names = FALSE)
api <- read.csv("api_fay.csv", colClasses = c(cds = "character"))
des <- svrepdesign(data = api, weights = ~pw, repweights = "repw[0-9]+", type = "Fay", rho = 0.5, mse = TRUE)

row <- function(analysis, outcome, term, estimate, se, df, n, test = TRUE) {
  q <- if (is.finite(df)) qt(0.975, df) else qnorm(0.975)
  stat <- if (test) estimate / se else NA
  p <- if (!test) NA else if (is.finite(df)) 2 * pt(-abs(stat), df) else 2 * pnorm(-abs(stat))
  data.frame(analysis = analysis, outcome = outcome, term = term, estimate = estimate, se = se,
             ci_low = estimate - q * se, ci_high = estimate + q * se, statistic = stat,
             df = if (is.finite(df)) df else NA, p_val = p, n = n, design_df = degf(des))
}
out <- list()
m <- svymean(~api00, des)
out[[1]] <- row("descriptives", "mean", "api00", coef(m)[[1]], SE(m)[[1]], Inf, nrow(api), FALSE)
s <- withReplicates(des, function(w, d) { x <- d$api00; n <- length(x); mu <- sum(w * x) / sum(w)
                                          sqrt(n / (n - 1) * sum(w * (x - mu)^2) / sum(w)) })
stopifnot(abs(coef(s)^2 - coef(svyvar(~api00, des))) < 1e-6)
out[[2]] <- row("descriptives", "sd", "api00", coef(s)[[1]], SE(s)[[1]], Inf, nrow(api), FALSE)
p <- svymean(~awards, des)
out[[3]] <- row("descriptives", "proportion", "awards", coef(p)[[1]], SE(p)[[1]], Inf, nrow(api), FALSE)
r <- withReplicates(des, function(w, d) cov.wt(d[, c("api00", "meals")], wt = w / sum(w), cor = TRUE)$cor[1, 2])
out[[4]] <- row("correlations", "api00", "meals", coef(r)[[1]], SE(r)[[1]], Inf, nrow(api))
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
for (mdl in list(list("regression", api00 ~ ell + meals, gaussian()),
                 list("logistic", awards ~ ell + meals, quasibinomial()))) {
  fit <- svyglm(mdl[[2]], des, family = mdl[[3]], control = ctl)
  est <- coef(fit); se <- SE(fit)
  for (k in seq_along(est)) out[[length(out) + 1]] <- row(mdl[[1]], deparse(mdl[[2]]), names(est)[k],
                                                          unname(est[k]), unname(se[k]), fit$df.residual, nrow(api))
}
write.csv(do.call(rbind, out), "api_fay_reference.csv", row.names = FALSE)
record_versions(packages = "survey", writes = c("api_fay.csv", "api_fay_reference.csv"))
