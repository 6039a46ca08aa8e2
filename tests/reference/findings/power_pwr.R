# Reference values for analysis/findings/power.py (tests/findings/test_power_reference.py).
# Run from the repository root:  Rscript tests/reference/findings/power_pwr.R
# Writes power_pwr.csv and power_pwr.versions.
# pwr 1.3 solves for n / r / f2 with uniroot at its default tolerance (.Machine$double.eps^0.25),
# so its reported solutions are only good to about 1e-4 in the solved unit. Next to each pwr answer
# we therefore store `converged`: the root of pwr's own power function found with tol = 1e-12, which
# is what goalscope's solver returns. Power values (nothing solved) are pwr's own, exact.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/findings/power_pwr.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages(library(pwr))
rows <- list()
add <- function(fun, case, solve, value, converged, args) {
  rows[[length(rows) + 1]] <<- data.frame(fun = fun, case = case, solve = solve,
    value = sprintf("%.15g", value), converged = sprintf("%.15g", converged), args = args)
}
tight <- function(f, lo, hi) uniroot(f, c(lo, hi), tol = 1e-12)$root

# --- pwr.r.test -----------------------------------------------------------------------------
rp <- function(n, r, a, alt) pwr.r.test(n = n, r = r, sig.level = a, alternative = alt)$power
for (alt in c("two.sided", "greater", "less")) {
  for (cs in list(c(50, .3, .05), c(200, .18, .05), c(30, .5, .01), c(1000, .1, .1), c(120, -.25, .05),
                  c(4, .5, .05))) {   # n = 4: pwr accepts it, pingouin.power_corr gives NaN
    n <- cs[1]; r <- cs[2]; a <- cs[3]
    p <- rp(n, r, a, alt)
    add("pwr.r.test", sprintf("power|n=%g|r=%g|alpha=%g|%s", n, r, a, alt), "power", p, p,
        sprintf("n=%g;r=%g;alpha=%g;alternative=%s", n, r, a, alt))
  }
  for (cs in list(c(.3, .8, .05), c(.18, .8, .05), c(.18, .9, .05), c(.18, .95, .05), c(.1, .8, .01), c(.5, .95, .05))) {
    r <- if (alt == "less") -cs[1] else cs[1]; pw <- cs[2]; a <- cs[3]
    n_pwr <- pwr.r.test(r = r, power = pw, sig.level = a, alternative = alt)$n
    n_tight <- tight(function(n) rp(n, r, a, alt) - pw, 4 + 1e-10, 1e9)
    add("pwr.r.test", sprintf("n|r=%g|power=%g|alpha=%g|%s", r, pw, a, alt), "n", n_pwr, n_tight,
        sprintf("r=%g;power=%g;alpha=%g;alternative=%s", r, pw, a, alt))
  }
  for (cs in list(c(100, .8, .05), c(400, .9, .05), c(60, .5, .01))) {
    n <- cs[1]; pw <- cs[2]; a <- cs[3]
    r_pwr <- pwr.r.test(n = n, power = pw, sig.level = a, alternative = alt)$r
    lo <- if (alt == "two.sided") 1e-10 else -1 + 1e-10
    r_tight <- tight(function(r) rp(n, r, a, alt) - pw, lo, 1 - 1e-10)
    add("pwr.r.test", sprintf("r|n=%g|power=%g|alpha=%g|%s", n, pw, a, alt), "r", r_pwr, r_tight,
        sprintf("n=%g;power=%g;alpha=%g;alternative=%s", n, pw, a, alt))
  }
}

# --- pwr.f2.test (n = v + u + 1) ------------------------------------------------------------
fp <- function(u, v, f2, a) pwr.f2.test(u = u, v = v, f2 = f2, sig.level = a)$power
for (cs in list(c(1, 98, .02, .05), c(3, 196, .15, .05), c(5, 60, .35, .01), c(2, 500, .01, .05))) {
  u <- cs[1]; v <- cs[2]; f2 <- cs[3]; a <- cs[4]
  p <- fp(u, v, f2, a)
  add("pwr.f2.test", sprintf("power|u=%g|v=%g|f2=%g|alpha=%g", u, v, f2, a), "power", p, p,
      sprintf("u=%g;v=%g;f2=%g;alpha=%g", u, v, f2, a))
}
for (cs in list(c(1, .02, .8, .05), c(3, .15, .8, .05), c(4, .0325, .9, .05), c(2, .35, .95, .01))) {
  u <- cs[1]; f2 <- cs[2]; pw <- cs[3]; a <- cs[4]
  v_pwr <- pwr.f2.test(u = u, f2 = f2, power = pw, sig.level = a)$v
  v_tight <- tight(function(v) fp(u, v, f2, a) - pw, 1 + 1e-10, 1e9)
  add("pwr.f2.test", sprintf("v|u=%g|f2=%g|power=%g|alpha=%g", u, f2, pw, a), "v", v_pwr, v_tight,
      sprintf("u=%g;f2=%g;power=%g;alpha=%g", u, f2, pw, a))
}
for (cs in list(c(1, 98, .8, .05), c(3, 196, .9, .05), c(5, 60, .8, .01))) {
  u <- cs[1]; v <- cs[2]; pw <- cs[3]; a <- cs[4]
  f_pwr <- pwr.f2.test(u = u, v = v, power = pw, sig.level = a)$f2
  f_tight <- tight(function(f2) fp(u, v, f2, a) - pw, 1e-7, 1e7)
  add("pwr.f2.test", sprintf("f2|u=%g|v=%g|power=%g|alpha=%g", u, v, pw, a), "f2", f_pwr, f_tight,
      sprintf("u=%g;v=%g;power=%g;alpha=%g", u, v, pw, a))
}

# --- two independent correlations (Cohen's q): by hand, and through pwr.norm.test ------------
# z = q / sqrt(1/(n1-3) + 1/(n2-3)); pwr.norm.test(d = that z, n = 1) is the same normal power
for (alt in c("two.sided", "greater", "less")) {
  for (cs in list(c(.3, .1, 100, 100, .05), c(.5, .2, 80, 120, .05), c(-.18, .16, 300, 250, .01))) {
    r1 <- cs[1]; r2 <- cs[2]; n1 <- cs[3]; n2 <- cs[4]; a <- cs[5]
    q <- atanh(r1) - atanh(r2)
    zq <- q / sqrt(1 / (n1 - 3) + 1 / (n2 - 3))
    crit <- if (alt == "two.sided") qnorm(1 - a / 2) else qnorm(1 - a)
    hand <- switch(alt, two.sided = pnorm(zq - crit) + pnorm(-zq - crit),
                   greater = pnorm(zq - crit), less = pnorm(-zq - crit))
    nt <- pwr.norm.test(d = zq, n = 1, sig.level = a, alternative = alt)$power
    add("q.hand", sprintf("power|r1=%g|r2=%g|n1=%g|n2=%g|alpha=%g|%s", r1, r2, n1, n2, a, alt), "power", hand, nt,
        sprintf("r1=%g;r2=%g;n1=%g;n2=%g;alpha=%g;alternative=%s", r1, r2, n1, n2, a, alt))
  }
  # equal groups: n per group = pwr.norm.test's n for d = q / sqrt(2), plus 3
  for (cs in list(c(.3, .1, .8, .05), c(.5, .2, .9, .05))) {
    r1 <- cs[1]; r2 <- cs[2]; pw <- cs[3]; a <- cs[4]
    if (alt == "less") { tmp <- r1; r1 <- r2; r2 <- tmp }
    q <- atanh(r1) - atanh(r2)
    n_nt <- pwr.norm.test(d = q / sqrt(2), power = pw, sig.level = a, alternative = alt)$n + 3
    d <- q / sqrt(2)
    n_tight <- tight(function(n) pwr.norm.test(d = d, n = n, sig.level = a, alternative = alt)$power - pw,
                     1, 1e9) + 3
    add("q.norm", sprintf("n|r1=%g|r2=%g|power=%g|alpha=%g|%s", r1, r2, pw, a, alt), "n", n_nt, n_tight,
        sprintf("r1=%g;r2=%g;power=%g;alpha=%g;alternative=%s", r1, r2, pw, a, alt))
  }
}
out <- do.call(rbind, rows)
write.csv(out, "power_pwr.csv", row.names = FALSE)
record_versions("pwr", "power_pwr.csv")
