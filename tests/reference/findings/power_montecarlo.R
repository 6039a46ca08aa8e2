# Monte Carlo power references for analysis/findings/power_montecarlo.py
# (tests/findings/test_power_montecarlo.py). Plain per-replication loops, as a researcher writes them.
# Run from the repository root:  Rscript tests/reference/findings/power_montecarlo.R
# Writes power_montecarlo.csv and power_montecarlo.versions.
# The Python runs use other random numbers, so the tests compare the powers within Monte Carlo error.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/findings/power_montecarlo.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages(library(MASS))
set.seed(20261201)
med <- function(a, b, cp, n, n_rep, n_draws = 10000, level = .95) {
  q <- (1 - level) / 2
  hit <- logical(n_rep)
  for (i in seq_len(n_rep)) {
    x <- rnorm(n)
    m <- a * x + rnorm(n, sd = sqrt(1 - a^2))
    y <- cp * x + b * m + rnorm(n, sd = sqrt(1 - (cp^2 + b^2 + 2 * a * b * cp)))
    f1 <- summary(lm(m ~ x))$coefficients
    f2 <- summary(lm(y ~ x + m))$coefficients
    d <- mvrnorm(n_draws, c(f1["x", 1], f2["m", 1]), diag(c(f1["x", 2]^2, f2["m", 2]^2)))
    ci <- quantile(d[, 1] * d[, 2], c(q, 1 - q))
    hit[i] <- ci[1] > 0 || ci[2] < 0
  }
  mean(hit)
}
mod <- function(bxw, bx, bw, rxw, n, n_rep, alpha = .05) {
  expl <- bx^2 + bw^2 + 2 * bx * bw * rxw + bxw^2 * (1 + rxw^2)
  hit <- logical(n_rep)
  for (i in seq_len(n_rep)) {
    x <- rnorm(n); w <- rxw * x + rnorm(n, sd = sqrt(1 - rxw^2))
    y <- bx * x + bw * w + bxw * x * w + rnorm(n, sd = sqrt(1 - expl))
    hit[i] <- summary(lm(y ~ x * w))$coefficients["x:w", 4] < alpha
  }
  mean(hit)
}
rows <- list(
  data.frame(test = "mediation", case = "a=0.2;b=0.2;c_prime=0;n=200", n_rep = 2000,
             power = med(.2, .2, 0, 200, 2000)),
  data.frame(test = "mediation", case = "a=0.3;b=0.15;c_prime=0.1;n=150", n_rep = 2000,
             power = med(.3, .15, .1, 150, 2000)),
  data.frame(test = "moderation", case = "b_xw=0.15;b_x=0.3;b_w=0.2;r_xw=0.3;n=300", n_rep = 4000,
             power = mod(.15, .3, .2, .3, 300, 4000)),
  data.frame(test = "moderation", case = "b_xw=0.1;b_x=0;b_w=0;r_xw=0;n=400", n_rep = 4000,
             power = mod(.1, 0, 0, 0, 400, 4000)))
out <- do.call(rbind, rows)
out$se <- sqrt(out$power * (1 - out$power) / out$n_rep)
write.csv(out, "power_montecarlo.csv", row.names = FALSE)
print(out)
record_versions("MASS", "power_montecarlo.csv")
