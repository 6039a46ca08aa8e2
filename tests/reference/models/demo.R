# Integration references on the bundled (synthetic) demo study: the Howell & Watson (2007) and
# depression analyses as one call each. Input: demo_exams.csv (make_demo_fixture.py).
# Run from the repository root:  Rscript tests/reference/models/demo.R
# psych, lavaan, MASS.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/demo.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(psych); library(lavaan); library(MASS); library(jsonlite)})
d <- read.csv("demo_exams.csv")
goals <- c("mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance")
vars <- c(goals, "disorganization", "procrastination", "phq9")
# correlations (pairwise, Pearson) with holm adjustment, as psych::corr.test
ct <- corr.test(d[, vars], adjust = "holm")
pr <- t(combn(vars, 2))
cors <- data.frame(x = pr[, 1], y = pr[, 2], r = ct$r[pr], n = ct$n[pr], p_val = ct$p[cbind(pr[, 2], pr[, 1])],
                   p_adj = ct$p[pr], ci_low = ct$ci$lower, ci_high = ct$ci$upper)
# regression of procrastination on the four goals
dd <- d[complete.cases(d[, c("procrastination", goals)]), ]
m <- lm(reformulate(goals, "procrastination"), dd)
mz <- lm(reformulate(goals, "procrastination"), as.data.frame(scale(dd[, c("procrastination", goals)])))
s <- summary(m)
reg <- list(coef = data.frame(term = rownames(s$coefficients), estimate = s$coefficients[, 1], se = s$coefficients[, 2],
                              t = s$coefficients[, 3], p_val = s$coefficients[, 4], row.names = NULL),
            beta = unname(coef(mz))[-1], r2 = s$r.squared, n = nobs(m))
# logistic: PHQ-9 >= 10 on the goals
dl <- d[complete.cases(d[, c("phq9", goals)]), ]
g <- glm(reformulate(goals, "I(phq9 >= 10)"), binomial, dl, control = glm.control(epsilon = 1e-15, maxit = 100))
gs <- summary(g)$coefficients
logit <- data.frame(term = rownames(gs), estimate = gs[, 1], se = gs[, 2], z = gs[, 3], p_val = gs[, 4], row.names = NULL)
# mediation: mastery-avoidance -> disorganisation -> procrastination, controlling mastery-approach
dm <- d[complete.cases(d[, c("mastery_avoidance", "disorganization", "procrastination", "mastery_approach")]), ]
f <- sem('disorganization ~ a*mastery_avoidance + mastery_approach
          procrastination ~ cp*mastery_avoidance + b*disorganization + mastery_approach
          ind := a*b
          total := cp + a*b', dm)
pe <- parameterEstimates(f)
pe <- pe[pe$label != "", c("label", "est", "se", "z", "pvalue")]
names(pe) <- c("label", "estimate", "se", "z", "p_val")
# persistence: extra tasks after a failure, negative binomial on the goals (MASS::glm.nb, run to convergence)
dn <- d[complete.cases(d[, c("extra_tasks", goals)]), ]
nb <- glm.nb(reformulate(goals, "extra_tasks"), dn, control = glm.control(epsilon = 1e-14, maxit = 200))
nbs <- summary(nb)$coefficients
nbci <- confint.default(nb)
count_nb <- list(coefficients = data.frame(term = rownames(nbs), estimate = nbs[, 1], se = nbs[, 2], z = nbs[, 3],
                                           p_val = nbs[, 4], ci_low = nbci[, 1], ci_high = nbci[, 2], row.names = NULL),
                 theta = nb$theta, theta_se = nb$SE.theta, deviance = deviance(nb), null_deviance = nb$null.deviance,
                 loglik = as.numeric(logLik(nb)), aic = AIC(nb), nobs = nobs(nb))
writeLines(toJSON(list(correlations = cors, regression = reg, logistic = logit, mediation = pe, n_med = nrow(dm),
                       persistence_nb = count_nb),
                  digits = NA, auto_unbox = TRUE, pretty = TRUE), "demo_models.json")
record_versions(c("psych", "lavaan", "MASS", "jsonlite"), "demo_models.json")
