# Reference values for analysis.screening (careless-responding indices) on REAL data.
#
# R 4.2.2, psych 2.2.9, psychTools (bfi). The R package careless 1.2.2 is not installed here (not in
# Debian, no CRAN access), so this script is a second, independent implementation of its indices,
# written from careless 1.2.2's documentation and source (cran/careless: R/longstring.R, R/irv.R,
# R/mahad.R, R/evenodd.R, R/psychsyn.R, R/psychant.R, R/psychsyn_critval.R, NEWS.md):
#   longstring  max and mean of rle(row)$lengths                       (R/longstring.R)
#   irv         sd(row, na.rm = na.rm); split: cut(seq_along(row), k)  (R/irv.R, 1.2.1+ na.rm)
#   mahad       psych::outlier(x, plot = FALSE, bad = 0) -- the very function careless calls
#               (R/mahad.R); flag D2 > qchisq(confidence, ncol(x))
#   evenodd     per factor mean of even- and odd-position items; person's cor() of the two over
#               factors (pairwise complete); Spearman-Brown 2r/(1+r), floored at -1; NEGATED
#               (1.2.1: "higher scores indicate higher levels of careless responding")
#   psychsyn    pairs of the lower triangle of cor(x, use = "pairwise") with r > critval
#               (psychant: r < -critval); person's cor() across the pairs when > 2 pairs are
#               answered; resample_na = FALSE (careless's NA resampling is random)
#   psychsyn_critval  lower-triangle pairs ordered by r
# Run from the repository root:  Rscript tests/reference/careless/careless_reference.R
# (needs hand_matrices.csv from hand_cases.py)
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/careless/careless_reference.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(psych); library(psychTools)})
out <- "."
data(bfi, package = "psychTools")
x <- as.matrix(bfi[, 1:25])
# the items are tests/reference/psychometrics/bfi.csv, columns 1-25 (written by reliability.R)

ls_max <- function(m) apply(m, 1, function(r) max(rle(r)$lengths))
ls_avg <- function(m) apply(m, 1, function(r) mean(rle(r)$lengths))
irv_r <- function(m, na.rm = TRUE) apply(m, 1, sd, na.rm = na.rm)
irv_split <- function(m, k) {
  chunk <- cut(seq_len(ncol(m)), k, labels = FALSE)
  sapply(seq_len(k), function(j) apply(m[, chunk == j, drop = FALSE], 1, sd, na.rm = TRUE))
}
evenodd_r <- function(m, factors) {
  ends <- cumsum(factors); starts <- ends - factors + 1
  ev <- od <- matrix(NA_real_, nrow(m), length(factors))
  for (f in seq_along(factors)) {
    block <- m[, starts[f]:ends[f], drop = FALSE]
    pos <- seq_len(ncol(block))
    ev[, f] <- rowMeans(block[, pos %% 2 == 0, drop = FALSE], na.rm = TRUE)
    od[, f] <- rowMeans(block[, pos %% 2 == 1, drop = FALSE], na.rm = TRUE)
  }
  res <- t(sapply(seq_len(nrow(m)), function(i) {
    ok <- !is.na(ev[i, ]) & !is.na(od[i, ])
    r <- if (sum(ok) < 2) NA_real_ else suppressWarnings(cor(ev[i, ok], od[i, ok]))
    sb <- 2 * r / (1 + r)
    if (!is.na(sb) && sb < -1) sb <- -1
    c(-sb, sum(ok))
  }))
  res
}
psychsyn_r <- function(m, critval, anto = FALSE) {
  r <- cor(m, use = "pairwise.complete.obs")
  low <- lower.tri(r)
  hit <- if (anto) low & r < -abs(critval) else low & r > abs(critval)
  pairs <- which(hit, arr.ind = TRUE)           # column-major order, as careless's as.table()
  if (nrow(pairs) == 0) return(NULL)
  t(sapply(seq_len(nrow(m)), function(i) {
    a <- m[i, pairs[, 1]]; b <- m[i, pairs[, 2]]
    ok <- !is.na(a) & !is.na(b)
    val <- if (sum(ok) > 2) suppressWarnings(cor(a[ok], b[ok])) else NA_real_
    c(sum(ok), val)
  }))
}

keys <- c(A1 = -1, C4 = -1, C5 = -1, E1 = -1, E2 = -1, O2 = -1, O5 = -1)
keyed <- x
for (k in names(keys)) keyed[, k] <- 7 - keyed[, k]      # bfi answers run 1-6
# factors in bfi column order: A1-A5, C1-C5, E1-E5, N1-N5, O1-O5
eo <- evenodd_r(keyed, rep(5, 5))
md <- psych::outlier(x, plot = FALSE, bad = 0)
syn <- psychsyn_r(x, .45)
ant <- psychsyn_r(x, .30, anto = TRUE)
sp <- irv_split(x, 3)
res <- data.frame(
  longstring = ls_max(x), longstring_avg = ls_avg(x),
  irv = irv_r(x), irv_complete = irv_r(x, na.rm = FALSE),
  irv_1 = sp[, 1], irv_2 = sp[, 2], irv_3 = sp[, 3],
  mahad = as.numeric(md), mahad_flag = as.numeric(md) > qchisq(.99, ncol(x)),
  evenodd = eo[, 1], evenodd_n_pairs = eo[, 2],
  psychsyn_r = syn[, 2], psychsyn_n_pairs = syn[, 1],
  psychant = ant[, 2], psychant_n_pairs = ant[, 1])
write.csv(format(res, digits = 15), file.path(out, "bfi_indices.csv"), row.names = FALSE, quote = FALSE)

crit <- cor(x, use = "pairwise.complete.obs")
crit[upper.tri(crit, diag = TRUE)] <- NA
tab <- as.data.frame(as.table(crit))
tab <- tab[!is.na(tab$Freq), ]
syn_tab <- tab[order(tab$Freq, decreasing = TRUE), ][1:15, ]
ant_tab <- tab[order(tab$Freq, decreasing = FALSE), ][1:15, ]
names(syn_tab) <- names(ant_tab) <- c("var1", "var2", "cor")
write.csv(rbind(cbind(anto = FALSE, syn_tab), cbind(anto = TRUE, ant_tab)),
          file.path(out, "bfi_critval.csv"), row.names = FALSE)

# the hand-built matrices of hand_cases.py, computed by this second implementation
cases <- read.csv(file.path(out, "hand_matrices.csv"))
get <- function(name) {
  m <- as.matrix(cases[cases$case == name, grep("^v", names(cases))])
  m[, colSums(!is.na(m)) > 0 | seq_len(ncol(m)) <= max(which(colSums(!is.na(m)) > 0)), drop = FALSE]
}
long <- function(case, index, values) data.frame(case = case, index = index, row = seq_along(values), value = values)
hand <- list()
m <- get("longstring")
hand[[1]] <- long("longstring", "longstring", ls_max(m))
hand[[2]] <- long("longstring", "longstring_avg", ls_avg(m))
m <- get("irv"); sp <- irv_split(m, 2)
hand[[3]] <- long("irv", "irv", irv_r(m))
hand[[4]] <- long("irv", "irv_complete", irv_r(m, FALSE))
hand[[5]] <- long("irv", "irv_1", sp[, 1])
hand[[6]] <- long("irv", "irv_2", sp[, 2])
m <- get("mahad")
hand[[7]] <- long("mahad", "mahad", as.numeric(psych::outlier(m, plot = FALSE, bad = 0)))
m <- get("mahad_missing"); keep <- rowSums(!is.na(m)) > 0
d2 <- rep(NA_real_, nrow(m)); d2[keep] <- psych::outlier(m[keep, ], plot = FALSE, bad = 0)
hand[[8]] <- long("mahad_missing", "mahad", d2)
m <- get("evenodd"); eo_h <- evenodd_r(m, c(3, 3, 2))
hand[[9]] <- long("evenodd", "evenodd", eo_h[, 1])
hand[[10]] <- long("evenodd", "evenodd_n_pairs", eo_h[, 2])
m <- get("psychsyn"); s6 <- psychsyn_r(m, .60); a6 <- psychsyn_r(m, .60, anto = TRUE)
hand[[11]] <- long("psychsyn", "psychsyn_r", s6[, 2])
hand[[12]] <- long("psychsyn", "psychsyn_n_pairs", s6[, 1])
hand[[13]] <- long("psychsyn", "psychant", a6[, 2])
hand[[14]] <- long("psychsyn", "psychant_n_pairs", a6[, 1])
hand <- do.call(rbind, hand)
hand$value <- format(hand$value, digits = 15)
write.csv(hand, file.path(out, "hand_matrices_r.csv"), row.names = FALSE, quote = FALSE)
record_versions(c("psych", "psychTools"), c("bfi_indices.csv", "bfi_critval.csv", "hand_matrices_r.csv"))
