# References for predict() of the fitted models (issue 20): fitted values of the analysed rows and
# predictions for new rows (one with a missing predictor), on the synthetic demo study.
# Input: demo_exams.csv (make_demo_fixture.py). Writes predict_newdata.csv (the new rows) and predict.json.
# Run from the repository root:  Rscript tests/reference/models/predict.R
# lme4 (lmer, REML; predictions without the random effects: re.form = NA), jsonlite.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/predict.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
d <- read.csv("demo_exams.csv")
goals <- c("mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance")
new <- data.frame(mastery_approach = c(1, 4, 7, 5.5, NA), performance_approach = c(7, 4, 1, 2.25, 3),
                  mastery_avoidance = c(2, 4, 6, 3.5, 4), performance_avoidance = c(1, 4, 7, NA, 2))
write.csv(new, "predict_newdata.csv", row.names = FALSE, na = "")
pr <- function(fit, type = "response") list(fitted = unname(predict(fit, type = type)),
                                            new = unname(predict(fit, newdata = new, type = type)))
# linear regression of procrastination on the four goals (complete cases)
dd <- d[complete.cases(d[, c("procrastination", goals)]), ]
lin <- pr(lm(reformulate(goals, "procrastination"), dd))
# a formula with an interaction
di <- d[complete.cases(d[, c("exam3", "mastery_approach", "performance_avoidance")]), ]
inter <- pr(lm(exam3 ~ mastery_approach * performance_avoidance, di))
# logistic: PHQ-9 >= 10 on the goals, on the response (probability) scale
dl <- d[complete.cases(d[, c("phq9", goals)]), ]
dl$depressed <- as.numeric(dl$phq9 >= 10)
logit <- pr(glm(reformulate(goals, "depressed"), binomial, dl, control = glm.control(epsilon = 1e-15, maxit = 100)))
# mixed model: the three exams in long form, time 0, 1, 2, random intercept per respondent
long <- data.frame(id = rep(d$id, each = 3), time = rep(0:2, nrow(d)),
                   score = as.vector(t(as.matrix(d[, c("exam1", "exam2", "exam3")]))))
long <- long[!is.na(long$score), ]
m <- lmer(score ~ time + (1 | id), long, REML = TRUE)
mixed <- list(fitted = unname(predict(m, re.form = NA)),
              new = unname(predict(m, newdata = data.frame(time = c(0, 1, 2, 0.5)), re.form = NA)))
writeLines(toJSON(list(linear = lin, interaction = inter, logistic = logit, mixed = mixed),
                  digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), "predict.json")
record_versions(c("lme4", "jsonlite"), c("predict_newdata.csv", "predict.json"))
