# Reference values for analysis.psychometrics.reliability_coefficients.spearman_brown and the two-item
# rows of reliability() (issue 17 item 6): the Spearman–Brown coefficient 2r / (1 + r) of a two-item
# scale (Eisinga, te Grotenhuis & Pelzer, 2013), its CI from psych's Fisher-z interval of r
# (psych::r.con) carried through the same formula, and psych::splitHalf, whose split-half values
# equal 2r / (1 + r) when there are only two items (one split). splitHalf correlates pairwise and
# rescales with each item's own variance, so it is called on the respondents who answered both
# items, the respondents our r uses.
# Run from the repository root:  Rscript tests/reference/psychometrics/spearman_brown.R
# (needs bfi.csv from reliability.R and agq_3x2_short.csv from make_agq_3x2_short_fixture.py)
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/psychometrics/spearman_brown.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressMessages({library(psych); library(jsonlite)})

two_item <- function(x) {
  x <- na.omit(x)
  r <- cor(x[[1]], x[[2]])
  ci <- r.con(r, nrow(x), p = 0.95)
  sh <- suppressWarnings(splitHalf(x))
  list(items = names(x), n = nrow(x), r = r, spearman_brown = 2 * r / (1 + r),
       ci_low = 2 * ci[1] / (1 + ci[1]), ci_high = 2 * ci[2] / (1 + ci[2]),
       splithalf_maxrb = sh$maxrb, splithalf_minrb = sh$minrb, splithalf_meanr = sh$meanr)
}

bfi <- read.csv("bfi.csv")
short <- read.csv("agq_3x2_short.csv")
goals <- c("task_approach", "self_approach", "other_approach", "task_avoidance", "self_avoidance", "other_avoidance")
out <- list(
  bfi = lapply(list(A2_A3 = c("A2", "A3"), C1_C2 = c("C1", "C2"), E3_E4 = c("E3", "E4")),
               function(p) two_item(bfi[, p])),
  agq_3x2_short = setNames(lapply(goals, function(g) two_item(short[, paste0(g, "_", 1:2)])), goals))
# a 90% interval once, for the level argument
r9 <- with(na.omit(bfi[, c("A2", "A3")]), cor(A2, A3))
ci9 <- r.con(r9, nrow(na.omit(bfi[, c("A2", "A3")])), p = 0.90)
out$bfi_A2_A3_level90 <- list(ci_low = 2 * ci9[1] / (1 + ci9[1]), ci_high = 2 * ci9[2] / (1 + ci9[2]))
write_json(out, "spearman_brown.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
record_versions(c("psych", "jsonlite"), "spearman_brown.json")
