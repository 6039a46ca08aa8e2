# Reference values for analysis.psychometrics.internal_consistency (alpha, item statistics, omega).
# psych, psychTools, GPArotation (versions: reliability.versions).
# Run from the repository root:  Rscript tests/reference/psychometrics/reliability.R
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/psychometrics/reliability.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressMessages({library(psych); library(psychTools); library(jsonlite)})
data(bfi)
write.csv(bfi[, 1:28], "bfi.csv", row.names = FALSE, na = "")
scales <- list(agree = c("A1","A2","A3","A4","A5"), consc = c("C1","C2","C3","C4","C5"),
               extra = c("E1","E2","E3","E4","E5"), neuro = c("N1","N2","N3","N4","N5"),
               open = c("O1","O2","O3","O4","O5"))
rev <- c("A1","C4","C5","E1","E2","O2","O5")
keyed <- bfi[, unlist(scales)]
for (v in rev) keyed[[v]] <- 7 - keyed[[v]]     # declared range 1-6: min + max - x

out <- list(); items <- list()
for (policy in c("pairwise", "listwise")) {
  for (s in names(scales)) {
    x <- bfi[, scales[[s]]]
    k <- keyed[, scales[[s]]]
    if (policy == "listwise") { x <- na.omit(x); k <- na.omit(k) }
    a <- alpha(x, keys = intersect(rev, scales[[s]]), warnings = FALSE)
    om <- suppressMessages(suppressWarnings(omega(k, nfactors = 1, plot = FALSE)))
    out[[length(out) + 1]] <- data.frame(policy = policy, scale = s, n = nrow(x),
      alpha = a$total$raw_alpha, alpha_std = a$total$std.alpha, g6 = a$total[["G6(smc)"]],
      average_r = a$total$average_r, median_r = a$total$median_r, ase = a$total$ase,
      mean = a$total$mean, sd = a$total$sd,
      alpha_ci_low = a$feldt$lower.ci[[1]], alpha_ci_high = a$feldt$upper.ci[[1]],
      omega_total = om$omega.tot)
    st <- a$item.stats; dr <- a$alpha.drop
    items[[length(items) + 1]] <- data.frame(policy = policy, scale = s, item = scales[[s]],
      n = st$n, raw_r = st$raw.r, std_r = st$std.r, r_cor = st$r.cor, r_drop = st$r.drop,
      mean = st$mean, sd = st$sd, alpha_if_deleted = dr$raw_alpha, alpha_std_if_deleted = dr$std.alpha,
      average_r_if_deleted = dr$average_r, n_missing = colSums(is.na(bfi[, scales[[s]]])))
  }
}
write.csv(do.call(rbind, out), "alpha_scales.csv", row.names = FALSE)
write.csv(do.call(rbind, items), "alpha_items.csv", row.names = FALSE)

# omega hierarchical: all 25 keyed items, one group factor per scale (psych default oblimin, minres)
om5 <- suppressMessages(omega(keyed, nfactors = 5, plot = FALSE))
# the three goal-like scales agree/consc/open: a three-factor instrument
om3 <- suppressMessages(omega(keyed[, c(scales$agree, scales$consc, scales$open)], nfactors = 3, plot = FALSE))
write_json(list(
  five = list(omega_h = om5$omega_h, omega_total = om5$omega.tot, alpha = om5$alpha,
              flipped = names(om5$key)[om5$key < 0], key = unname(om5$key)),
  three = list(omega_h = om3$omega_h, omega_total = om3$omega.tot, alpha = om3$alpha,
               key = unname(om3$key))), "omega_h.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)


# bootstrap CI of alpha (percentile, 2000 resamples): a Monte Carlo reference (different RNG from
# numpy), compared within Monte Carlo error. psych's alpha() draws its resamples with
# parallel::mclapply, whose workers do not continue set.seed()'s stream: one core keeps the draws
# in this process, so the seed fixes them.
options(mc.cores = 1)
set.seed(2026)
ab <- alpha(bfi[, scales$agree], keys = "A1", n.iter = 2000, warnings = FALSE)
write_json(list(scale = "agree", n_iter = 2000, boot_ci_low = unname(ab$boot.ci[1]),
                boot_ci_high = unname(ab$boot.ci[3])), "alpha_boot.json", digits = NA, auto_unbox = TRUE)
record_versions(c("psych", "psychTools", "GPArotation", "jsonlite"),
                c("bfi.csv", "alpha_scales.csv", "alpha_items.csv", "omega_h.json", "alpha_boot.json"))
