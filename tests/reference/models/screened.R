# Reference for the screened sample (issue 9 item 5): analyses of scores.csv leave out the
# respondents screening excluded. Input: screened_bfi.csv (make_screened_fixture.py).
# Run from the repository root:  Rscript tests/reference/models/screened.R
# (needs screened_bfi.csv from make_screened_fixture.py). Base stats + jsonlite.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/screened.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages(library(jsonlite))
d <- read.csv("screened_bfi.csv")
# goalscope writes True/False (Python), which read.csv keeps as text
d$excluded <- as.character(d$excluded) %in% c("True", "TRUE", "true")
kept <- d[!d$excluded, ]
ct <- function(x) {
  t <- cor.test(x$A, x$N)
  list(n = sum(complete.cases(x$A, x$N)), r = unname(t$estimate), ci_low = t$conf.int[1],
       ci_high = t$conf.int[2], t = unname(t$statistic), df = unname(t$parameter), p_val = t$p.value)
}
coefs <- function(fit) {
  s <- summary(fit)$coefficients; ci <- confint(fit)
  list(term = rownames(s), estimate = unname(s[, 1]), se = unname(s[, 2]), t = unname(s[, 3]),
       p_val = unname(s[, 4]), ci_low = unname(ci[, 1]), ci_high = unname(ci[, 2]), n = nobs(fit))
}
out <- list(
  n_rows = nrow(d), n_excluded = sum(d$excluded),
  kept = list(cor_A_N = ct(kept), lm = coefs(lm(N ~ A + C + E + O, kept))),
  all = list(cor_A_N = ct(d), lm = coefs(lm(N ~ A + C + E + O, d))))
write_json(out, "screened.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
record_versions("jsonlite", "screened.json")
