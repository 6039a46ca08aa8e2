# Reference values for analysis/models/interactions.py.
# Run from the repository root:  Rscript tests/reference/models/moderation.R
# (needs bfi_scales.csv from correlations.R). lavaan, sandwich. Simple slopes and the Johnson-Neyman bounds are computed from
# lm()'s coefficients and vcov() (the interactions package is not installed).
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/moderation.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(lavaan); library(sandwich); library(jsonlite)})
d0 <- read.csv("bfi_scales.csv")
d <- d0[complete.cases(d0[, c("E", "C", "N", "gender", "A")]), ]

slopes_jn <- function(d, scaling, hc3) {
  mx <- mean(d$E); sx <- sd(d$E); mw <- mean(d$C); sw <- sd(d$C)
  if (scaling == "center") { d$x <- d$E - mx; d$w <- d$C - mw; lev <- c(-sw, 0, sw) }
  else { d$x <- (d$E - mx) / sx; d$w <- (d$C - mw) / sw; lev <- c(-1, 0, 1) }
  m <- lm(N ~ x * w + gender, d)
  V <- if (hc3) vcovHC(m, type = "HC3") else vcov(m)
  b <- coef(m); df <- m$df.residual; tc <- qt(0.975, df)
  est <- b["x"] + b["x:w"] * lev
  se <- sqrt(V["x", "x"] + 2 * lev * V["x", "x:w"] + lev^2 * V["x:w", "x:w"])
  tt <- est / se
  w_orig <- if (scaling == "center") lev + mw else lev * sw + mw
  ss <- data.frame(w_value = w_orig, estimate = unname(est), se = unname(se), t = unname(tt),
                   p_val = 2 * pt(-abs(tt), df), ci_low = unname(est - tc * se), ci_high = unname(est + tc * se))
  A <- b["x:w"]^2 - tc^2 * V["x:w", "x:w"]; B <- 2 * (b["x"] * b["x:w"] - tc^2 * V["x", "x:w"])
  C <- b["x"]^2 - tc^2 * V["x", "x"]
  roots <- sort(Re(polyroot(c(C, B, A))))
  jn <- if (scaling == "center") roots + mw else roots * sw + mw
  # check: at each bound the slope's t equals the critical t
  for (r in roots) stopifnot(abs(abs((b["x"] + b["x:w"] * r) /
                             sqrt(V["x", "x"] + 2 * r * V["x", "x:w"] + r^2 * V["x:w", "x:w"])) - tc) < 1e-8)
  cf <- summary(m)$coefficients
  list(coef = data.frame(term = rownames(cf), estimate = cf[, 1], se = sqrt(diag(V)), row.names = NULL),
       slopes = ss, jn = jn)
}
# moderated mediation (first and second stage): lavaan point estimates of the index and paths
d$Cc <- d$C - mean(d$C); d$Ec <- d$E - mean(d$E); d$Ac <- d$A - mean(d$A)
d$CE <- d$Cc * d$Ec; d$AE <- d$Ac * d$Ec
sE <- sd(d$E)
first <- sem(sprintf('A ~ a1*Cc + a2*Ec + a3*CE
  N ~ cp*Cc + b*A
  imm := a3*b
  lo := (a1 - a3*%.17g)*b
  mid := a1*b
  hi := (a1 + a3*%.17g)*b', sE, sE), data = d)
second <- sem(sprintf('Ac ~ a*C
  N ~ cp*C + b1*Ac + b2*Ec + b3*AE
  imm := a*b3
  lo := a*(b1 - b3*%.17g)
  mid := a*b1
  hi := a*(b1 + b3*%.17g)', sE, sE), data = d)
pe <- function(f) { p <- parameterEstimates(f); p <- p[p$label != "", c("label", "est")]; setNames(as.list(p$est), p$label) }
out <- list(n = nrow(d), center = slopes_jn(d, "center", FALSE), standardize = slopes_jn(d, "standardize", FALSE),
            center_hc3 = slopes_jn(d, "center", TRUE), first = pe(first), second = pe(second))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "moderation_bfi.json")
record_versions(c("lavaan", "sandwich", "jsonlite"), "moderation_bfi.json")
