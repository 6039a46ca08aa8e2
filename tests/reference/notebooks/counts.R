# Reference for the count models of notebooks/04_persistence_and_setbacks.ipynb on the persistence
# fixture study (input written by write_counts_input.py). MASS.
# Run from the repository root:  Rscript tests/reference/notebooks/counts.R
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/notebooks/counts.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
library(MASS)
here <- "."
d <- read.csv(file.path(here, "persistence_counts.csv"))
ctrl <- glm.control(epsilon = 1e-12, maxit = 100)
pois <- glm(extra_tasks ~ goals_mastery_approach, family = poisson, data = d, control = ctrl)
# glm's vcov uses the IRLS weights of the step before the last; refitting from the converged
# coefficients puts them at the estimate (the SE then equals the information at the MLE to ~1e-12)
pois <- glm(extra_tasks ~ goals_mastery_approach, family = poisson, data = d, control = ctrl, start = coef(pois))
nb <- glm.nb(extra_tasks ~ goals_mastery_approach, data = d, control = glm.control(epsilon = 1e-12, maxit = 100))
row <- function(model, fit) {
  s <- summary(fit)$coefficients
  data.frame(model = model, term = c("Intercept", "goals_mastery_approach"), estimate = s[, 1], se = s[, 2],
             statistic = s[, 3], p_val = s[, 4], rate_ratio = exp(s[, 1]), n = nrow(d))
}
out <- rbind(row("poisson", pois), row("negative_binomial", nb))
write.csv(out, file.path(here, "counts_coefficients.csv"), row.names = FALSE)
fit <- data.frame(model = c("poisson", "negative_binomial"), aic = c(AIC(pois), AIC(nb)),
                  theta = c(NA, nb$theta), se_theta = c(NA, nb$SE.theta), loglik = c(logLik(pois), logLik(nb)))
write.csv(fit, file.path(here, "counts_fit.csv"), row.names = FALSE)
print(out, digits = 10); print(fit, digits = 10)
record_versions("MASS", c("counts_coefficients.csv", "counts_fit.csv"))
