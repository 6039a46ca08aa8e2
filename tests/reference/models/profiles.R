# Reference values for analysis/models/profiles.py (mclust Gaussian mixtures, model VVV = full
# covariances; one-way ANOVA of outcomes across the profiles).
# Run: cd tests/reference/models && Rscript profiles.R   (needs bfi_scales.csv from correlations.R)
# R 4.2.2, mclust (Debian r-cran-mclust).
suppressPackageStartupMessages({library(mclust); library(jsonlite)})
d0 <- read.csv("bfi_scales.csv")
X <- d0[complete.cases(d0[, c("A", "C", "E", "O")]), c("A", "C", "E", "O", "N")]
fits <- lapply(1:3, function(g) Mclust(X[, 1:4], G = g, modelNames = "VVV",
                                        control = emControl(tol = c(1e-10, sqrt(.Machine$double.eps))),
                                        verbose = FALSE))
ent <- function(z) if (ncol(z) == 1) NA else 1 - sum(-z * log(pmax(z, 1e-300))) / (nrow(z) * log(ncol(z)))
fit <- data.frame(k = 1:3, loglik = sapply(fits, function(f) f$loglik), n_params = sapply(fits, function(f) f$df),
                  bic = -sapply(fits, function(f) f$bic), entropy = sapply(fits, function(f) ent(f$z)))
# ANOVA of N across the 2- and 3-profile classifications
aovs <- lapply(2:3, function(g) {
  cl <- factor(fits[[g]]$classification)
  s <- summary(aov(X$N ~ cl))[[1]]
  list(k = g, f = s$`F value`[1], df1 = s$Df[1], df2 = s$Df[2], p_val = s$`Pr(>F)`[1],
       eta2 = s$`Sum Sq`[1] / sum(s$`Sum Sq`), sizes = sort(as.vector(table(cl)), decreasing = TRUE),
       means = t(fits[[g]]$parameters$mean), classification = as.vector(fits[[g]]$classification))
})
writeLines(toJSON(list(n = nrow(X), fit = fit, anova = aovs,
                       versions = list(R = R.version.string, mclust = as.character(packageVersion("mclust")))),
                  digits = NA, auto_unbox = TRUE, pretty = TRUE), "profiles_bfi.json")
