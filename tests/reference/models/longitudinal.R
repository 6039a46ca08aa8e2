# Reference values for analysis/models/longitudinal.py (lme4 lmer, REML).
# Run from the repository root:  Rscript tests/reference/models/longitudinal.R
#   (demo_exams.csv comes from make_demo_fixture.py: the demo study's scored goals and exams)
# lme4, nlme (Orthodont data).
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/longitudinal.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(lme4); library(nlme, include.only = NULL); library(jsonlite)})
data(Orthodont, package = "nlme")
o <- as.data.frame(Orthodont)
o$female <- as.integer(o$Sex == "Female")
wide <- reshape(o[, c("Subject", "age", "distance", "female")], direction = "wide", idvar = c("Subject", "female"),
                timevar = "age", v.names = "distance", sep = "")
wide$Subject <- as.character(wide$Subject)
write.csv(wide, "orthodont_wide.csv", row.names = FALSE)

ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-2, rhoend = 1e-10, maxfun = 1e6))
tidy <- function(m) {
  cf <- summary(m)$coefficients
  vc <- as.data.frame(VarCorr(m))
  list(fixed = data.frame(term = rownames(cf), estimate = cf[, 1], se = cf[, 2], t = cf[, 3], row.names = NULL),
       vcov = vc$vcov, nobs = nobs(m))
}
o$Subject <- as.character(o$Subject)
ortho_int <- lmer(distance ~ age * female + (1 | Subject), o, control = ctrl)
ortho_slope <- lmer(distance ~ age * female + (age | Subject), o, control = ctrl)

# demo: piecewise coding around the setback at exam 2, goals grand-mean centred over persons
d <- read.csv("demo_exams.csv")
goals <- c("mastery_approach", "performance_avoidance")
for (g in goals) d[[g]] <- d[[g]] - mean(d[[g]], na.rm = TRUE)
long <- reshape(d[, c("id", goals, "exam1", "exam2", "exam3")], direction = "long",
                varying = c("exam1", "exam2", "exam3"), v.names = "score", timevar = "occasion", idvar = "id")
long$drop <- as.numeric(long$occasion >= 2)
long$recovery <- pmax(long$occasion - 2, 0)
demo <- lmer(score ~ (drop + recovery) * (mastery_approach + performance_avoidance) + (1 | id), long,
             control = ctrl)
demo_lin <- lmer(score ~ I(occasion - 1) * mastery_approach + (1 | id), long, control = ctrl)
out <- list(ortho_int = tidy(ortho_int), ortho_slope = tidy(ortho_slope), demo = tidy(demo),
            demo_linear = tidy(demo_lin))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "longitudinal.json")
record_versions(c("lme4", "nlme", "jsonlite"), c("orthodont_wide.csv", "longitudinal.json"))
