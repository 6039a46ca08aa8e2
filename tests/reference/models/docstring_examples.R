# The docstring examples of analysis/models on the shipped demo (analysis/datasets/data/demo/responses.csv), run in R.
# Output: docstring_examples.Rout (the printed values the docstrings show).
# Run from the repository root:  Rscript tests/reference/models/docstring_examples.R
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/docstring_examples.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
sink("docstring_examples.Rout")
d <- read.csv(repo_path("analysis/datasets/data/demo/responses.csv"))
m <- lm(exam3 ~ exam1 + age, d); print(round(coef(summary(m)), 3))
print(round(cor.test(d$exam1, d$exam3)$estimate, 3))
suppressMessages(library(MASS)); nb <- glm.nb(extra_tasks ~ exam1 + age, d); print(round(c(theta = nb$theta, coef(nb)), 4))
g <- glm(I(exam3 >= 60) ~ exam1 + age, binomial, d); print(round(coef(g), 3))
suppressMessages(library(lmerTest)); long <- reshape(d[, c("respondent_id","exam1","exam2","exam3","age")], direction="long", varying=c("exam1","exam2","exam3"), v.names="score", timevar="time", times=0:2, idvar="respondent_id")
f <- lmer(score ~ time + age + (1 | respondent_id), long); print(round(coef(summary(f))[, "df"], 3))
h1 <- lm(exam3 ~ age, d[complete.cases(d[, c("exam1","exam2","exam3","age")]), ]); h2 <- update(h1, . ~ . + exam1 + exam2); print(anova(h1, h2)); print(summary(h2)$r.squared - summary(h1)$r.squared)
sink()
record_versions(packages = c("MASS", "lmerTest", "lme4"), writes = "docstring_examples.Rout")
