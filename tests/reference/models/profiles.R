# Reference values for analysis/models/profiles.py (mclust Gaussian mixtures, model VVV = full
# covariances; one-way ANOVA of outcomes across the profiles).
# Run from the repository root:  Rscript tests/reference/models/profiles.R
# (needs bfi_scales.csv from correlations.R). mclust (Debian r-cran-mclust).
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/models/profiles.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages({library(mclust); library(jsonlite)})
d0 <- read.csv("bfi_scales.csv")
X <- d0[complete.cases(d0[, c("A", "C", "E", "O")]), c("A", "C", "E", "O", "N")]
# Mclust starts EM from a hierarchical clustering of a random subset of mclust.options("subset")
# = 2000 rows when there are more (here 2,800): without a seed the fit changes from run to run
set.seed(2026)
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
writeLines(toJSON(list(n = nrow(X), fit = fit, anova = aovs),
                  digits = NA, auto_unbox = TRUE, pretty = TRUE), "profiles_bfi.json")
record_versions(c("mclust", "jsonlite"), "profiles_bfi.json")
