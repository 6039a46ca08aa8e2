# Reference values for analysis/models/correlation_table.py.
# Run from the repository root:  Rscript tests/reference/models/correlations.R
# psych, psychTools (bfi, sat.act). ppcor is not installed: partial-correlation
# p values come from the t statistic with df = n - 2 - k, cross-checked against lm() t values.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/correlations.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(psych); library(psychTools); library(jsonlite)})

# --- data ---------------------------------------------------------------------------------
data(sat.act, package = "psych")
sat <- sat.act[, c("gender", "education", "age", "ACT", "SATV", "SATQ")]
write.csv(sat, "sat_act.csv", row.names = FALSE)
data(bfi, package = "psychTools")
keys <- list(A = c("-A1", "A2", "A3", "A4", "A5"), C = c("C1", "C2", "C3", "-C4", "-C5"),
             E = c("-E1", "-E2", "E3", "E4", "E5"), N = c("N1", "N2", "N3", "N4", "N5"),
             O = c("O1", "-O2", "O3", "O4", "-O5"))
sc <- scoreItems(keys, bfi[, 1:25], impute = "none", min = 1, max = 6)
scales <- as.data.frame(sc$scores)
scales$gender <- bfi$gender; scales$education <- bfi$education; scales$age <- bfi$age
write.csv(round(scales, 10), "bfi_scales.csv", row.names = FALSE)
scales <- read.csv("bfi_scales.csv")  # the exact values the Python tests read
alphas <- as.list(sc$alpha[1, ])

pairs_of <- function(v) { p <- t(combn(v, 2)); data.frame(x = p[, 1], y = p[, 2]) }

# --- zero-order: Pearson (cor.test) and Spearman (psych::corr.test) -------------------------
zero_order <- function(d, vars, set) {
  pr <- pairs_of(vars); out <- list()
  ct_s <- corr.test(d[, vars], method = "spearman", adjust = "none")
  for (i in seq_len(nrow(pr))) {
    x <- pr$x[i]; y <- pr$y[i]
    ok <- complete.cases(d[, c(x, y)])
    t <- cor.test(d[[x]], d[[y]], method = "pearson")
    out[[length(out) + 1]] <- data.frame(set = set, method = "pearson", x = x, y = y, n = sum(ok),
      r = unname(t$estimate), ci_low = t$conf.int[1], ci_high = t$conf.int[2], p_val = t$p.value,
      df = unname(t$parameter))
    rs <- ct_s$r[x, y]; ns <- if (is.matrix(ct_s$n)) ct_s$n[x, y] else ct_s$n
    ci <- ct_s$ci[i, ]   # rows in combn order (upper triangle by rows)
    stopifnot(abs(ci$r - rs) < 1e-12)
    out[[length(out) + 1]] <- data.frame(set = set, method = "spearman", x = x, y = y, n = ns,
      r = rs, ci_low = ci$lower, ci_high = ci$upper, p_val = ct_s$p[x, y], df = ns - 2)
  }
  do.call(rbind, out)
}
zo <- rbind(zero_order(sat, c("age", "ACT", "SATV", "SATQ"), "sat"),
            zero_order(scales, c("A", "C", "E", "N", "O"), "bfi"))
# p adjustment over the pairs of one set and method (psych::corr.test adjusts the same family)
for (m in c("holm", "bonferroni", "BH")) {
  zo[[paste0("p_", tolower(m))]] <- ave(zo$p_val, zo$set, zo$method, FUN = function(p) p.adjust(p, m))
}
# cross-check: psych::corr.test's holm-adjusted p (upper triangle) equals p.adjust above
ct <- corr.test(sat[, c("age", "ACT", "SATV", "SATQ")], adjust = "holm")
stopifnot(abs(ct$p["age", "SATQ"] - zo$p_holm[zo$set == "sat" & zo$method == "pearson" &
                                                zo$x == "age" & zo$y == "SATQ"]) < 1e-12)
write.csv(zo, "correlations_zero_order.csv", row.names = FALSE)

# --- partial correlations (listwise on x, y, covariates) -----------------------------------
partial <- function(d, x, y, covar, method, set) {
  dd <- d[complete.cases(d[, c(x, y, covar)]), c(x, y, covar)]
  if (method == "spearman") dd <- as.data.frame(lapply(dd, rank))
  n <- nrow(dd); k <- length(covar)
  r <- partial.r(dd, c(x, y), covar)[1, 2]
  df <- n - 2 - k
  tval <- r * sqrt(df / (1 - r^2))
  p <- 2 * pt(-abs(tval), df)
  cp <- corr.p(matrix(c(1, r, r, 1), 2, dimnames = list(c("x", "y"), c("x", "y"))), n = n - k, adjust = "none")   # CI: Fisher z, se 1/sqrt(n-3-k)
  # cross-check: the lm t value of x in y ~ x + covariates is the partial-correlation t
  f <- lm(reformulate(c(x, covar), y), dd)
  t_lm <- summary(f)$coefficients[x, "t value"]
  ci <- cp$ci[!is.na(cp$ci$lower), ][1, ]
  z_ci <- tanh(atanh(r) + c(-1, 1) * qnorm(0.975) / sqrt(n - k - 3))
  stopifnot(abs(t_lm - tval) < 1e-8, abs(cp$p[1, 2] - p) < 1e-12, abs(z_ci - c(ci$lower, ci$upper)) < 1e-12)
  data.frame(set = set, method = method, x = x, y = y, covar = paste(covar, collapse = "+"), n = n,
             k = k, r = r, ci_low = ci$lower, ci_high = ci$upper, t = tval, df = df, p_val = p,
             t_lm = t_lm)
}
pc <- rbind(
  partial(sat, "ACT", "SATQ", "age", "pearson", "sat"),
  partial(sat, "SATV", "SATQ", c("age", "education", "ACT"), "pearson", "sat"),
  partial(sat, "SATV", "SATQ", c("age", "education", "ACT"), "spearman", "sat"),
  partial(scales, "N", "E", c("age", "gender"), "pearson", "bfi"),
  partial(scales, "A", "C", c("age", "gender", "education"), "pearson", "bfi"),
  partial(scales, "A", "C", c("age", "gender", "education"), "spearman", "bfi"))
write.csv(pc, "correlations_partial.csv", row.names = FALSE)

# --- descriptives + alpha for the APA table -------------------------------------------------
desc <- data.frame(variable = names(scales)[1:5], n = colSums(!is.na(scales[, 1:5])),
                   mean = colMeans(scales[, 1:5], na.rm = TRUE), sd = apply(scales[, 1:5], 2, sd, na.rm = TRUE),
                   alpha = unlist(alphas))
write.csv(desc, "correlations_descriptives.csv", row.names = FALSE)
record_versions(c("psych", "psychTools", "jsonlite"),
                c("sat_act.csv", "bfi_scales.csv", "correlations_zero_order.csv", "correlations_partial.csv",
                  "correlations_descriptives.csv"))
