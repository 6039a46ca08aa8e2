# Reference values for analysis/models/satterthwaite.py: lmerTest's Satterthwaite df, t and p of
# the fixed effects (summary(lmerTest::lmer(...))).
# Run from the repository root:  Rscript tests/reference/models/mixed_satterthwaite.R
# (needs sleepstudy.csv from mixed.R)
# Data: lme4::sleepstudy (sleepstudy.csv, written by mixed.R), nlme::Orthodont and nlme::MathAchieve
# (0/1 codes for the factors so that no factor coding is involved).
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/mixed_satterthwaite.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(lmerTest); library(jsonlite)})
sleep <- read.csv("sleepstudy.csv")
o <- nlme::Orthodont
orth <- data.frame(Subject = as.character(o$Subject), age = o$age, female = as.integer(o$Sex == "Female"),
                   distance = o$distance)
write.csv(orth, "satterthwaite_orthodont.csv", row.names = FALSE)
ma <- nlme::MathAchieve
math <- data.frame(School = as.character(ma$School), minority = as.integer(ma$Minority == "Yes"),
                   female = as.integer(ma$Sex == "Female"), SES = ma$SES, MEANSES = ma$MEANSES, MathAch = ma$MathAch)
write.csv(math, "satterthwaite_mathachieve.csv", row.names = FALSE)
# a random-intercept variance estimated at zero (boundary, singular fit): 8 groups x 6 rows whose
# residual pattern is the same cyclically shifted sequence, so there is no between-group variance
e <- c(0.3, -0.5, 0.1, 0.4, -0.3, 0.0)
bnd <- do.call(rbind, lapply(0:7, function(g) data.frame(g = g, x = 0:5, y = 2 * (0:5) + e[((0:5) + g) %% 6 + 1])))
write.csv(bnd, "satterthwaite_boundary.csv", row.names = FALSE)
bnd <- read.csv("satterthwaite_boundary.csv")
orth <- read.csv("satterthwaite_orthodont.csv")
math <- read.csv("satterthwaite_mathachieve.csv")
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-2, rhoend = 1e-12, maxfun = 1e6))

tidy <- function(m) {
  cf <- summary(m, ddf = "Satterthwaite")$coefficients
  vc <- as.data.frame(VarCorr(m))
  list(fixed = data.frame(term = rownames(cf), estimate = cf[, "Estimate"], se = cf[, "Std. Error"],
                          df = cf[, "df"], t = cf[, "t value"], p_val = cf[, "Pr(>|t|)"], row.names = NULL),
       vcov = vc$vcov, loglik = as.numeric(logLik(m)), reml = isREML(m), nobs = nobs(m))
}
fits <- list(
  sleep_slopes_reml = lmer(Reaction ~ Days + (Days | Subject), sleep, control = ctrl),
  sleep_intercept_reml = lmer(Reaction ~ Days + (1 | Subject), sleep, control = ctrl),
  orthodont_slopes_reml = lmer(distance ~ age * female + (age | Subject), orth, control = ctrl),
  orthodont_intercept_reml = lmer(distance ~ age + female + (1 | Subject), orth, control = ctrl),
  boundary_intercept_reml = suppressMessages(lmer(y ~ x + (1 | g), bnd, control = ctrl)),
  math_slopes_reml = lmer(MathAch ~ SES + minority + female + MEANSES + (SES | School), math, control = ctrl),
  sleep_slopes_ml = lmer(Reaction ~ Days + (Days | Subject), sleep, REML = FALSE, control = ctrl),
  orthodont_slopes_ml = lmer(distance ~ age * female + (age | Subject), orth, REML = FALSE, control = ctrl)
)
out <- lapply(fits, tidy)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "mixed_satterthwaite.json")
record_versions(c("lmerTest", "lme4", "nlme", "jsonlite"), c("satterthwaite_orthodont.csv", "satterthwaite_mathachieve.csv",
                "satterthwaite_boundary.csv", "mixed_satterthwaite.json"))
