# Reference values for analysis.psychometrics.exploratory: psych fa / fa.parallel / KMO /
# cortest.bartlett / polychoric, GPArotation.
# Run from the repository root:  Rscript tests/reference/psychometrics/efa.R
# (needs bfi.csv from reliability.R)
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/psychometrics/efa.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressMessages({library(psych); library(GPArotation); library(jsonlite)})
bfi <- read.csv("bfi.csv")
x <- bfi[, 1:25]
out <- list()
for (rot in c("oblimin", "varimax", "promax", "geominQ", "none")) {
  f <- fa(x, nfactors = 5, rotate = rot, fm = "minres", warnings = FALSE)
  out[[rot]] <- list(loadings = unclass(f$loadings), communality = unname(f$communality),
                     Phi = if (is.null(f$Phi)) NULL else unclass(f$Phi), values = f$values)
}
k <- KMO(x)
b <- suppressMessages(cortest.bartlett(x))
set.seed(42)
pa <- fa.parallel(x, n.iter = 20, plot = FALSE)
pc <- polychoric(x[, 1:10])
write_json(list(fa = out, kmo = list(msa = k$MSA, msai = unname(k$MSAi)),
                bartlett = list(chisq = b$chisq, df = b$df, p = b$p.value, n = nrow(x)),
                parallel = list(pc_values = pa$pc.values, fa_values = pa$fa.values, nfact = pa$nfact,
                                ncomp = pa$ncomp),
                polychoric = list(rho = unclass(pc$rho), tau = unclass(pc$tau))),
           "efa_psych.json", digits = NA, auto_unbox = TRUE, matrix = "rowmajor")
record_versions(c("psych", "GPArotation", "jsonlite"), "efa_psych.json")
