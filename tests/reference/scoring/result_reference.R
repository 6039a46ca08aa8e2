# Reference for ScoreResult (analysis/scoring/scorer.py): its R call, run in R, gives its scores,
# and psych::describe of those scores gives its summary() (n, mean, sd).
# Run from the repository root:  Rscript tests/reference/scoring/result_reference.R
# Each block between "# <<< r_call NAME" and "# >>>" is, character for character, the text of
# ScoreResult.r_call for that case (tests/scoring/test_result.py checks that). Before each block
# `items` is built as the R call's docstring says: the cleaned answers (missing codes NA, recodes
# and printed-anchor flips applied), columns named as in the data.
# Writes, beside this script:
#   result_data.csv     seeded random answers (0-3, 8 % missing) for CES-D (c1-c20) and DASS-21 (d1-d21)
#   result_scores.csv   case, row, scale, score (the R call's scores; 17 significant digits)
#   result_summary.csv  case, scale, n, mean, sd (psych::describe of the scores)
#   result_reference.versions  R and package versions
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/scoring/result_reference.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressMessages(library(psych))
out <- "."
fmt <- function(df) format(df, digits = 17)
demo <- read.csv(repo_path("data/raw/demo/responses.csv"))
clean <- function(x) { x[x == -99] <- NA; x }

set.seed(20261201)
rand <- function(k, prefix) {
  x <- matrix(sample(0:3, 60 * k, replace = TRUE), 60, k)
  x[matrix(runif(60 * k) < 0.08, 60, k)] <- NA
  colnames(x) <- paste0(prefix, 1:k)
  as.data.frame(x)
}
synthetic <- cbind(rand(20, "c"), rand(21, "d"))
write.csv(synthetic, file.path(out, "result_data.csv"), row.names = FALSE, na = "")

results <- list()
keep <- function(name, scores) results[[name]] <<- as.data.frame(scores)

# --- agq_r
items <- clean(demo[, paste0("agq_", 1:12)])
# <<< r_call agq_r
keys <- list(
  mastery_approach = c("agq_1", "agq_3", "agq_7"),
  performance_approach = c("agq_2", "agq_4", "agq_8"),
  mastery_avoidance = c("agq_5", "agq_9", "agq_11"),
  performance_avoidance = c("agq_6", "agq_10", "agq_12"))
sc <- psych::scoreItems(keys, items, totals = FALSE, impute = "none", min = 1, max = 7)
scores <- sc$scores  # mean of the answered items
scores[sc$missing[, "mastery_approach"] > 1, "mastery_approach"] <- NA  # at least 2 of 3 answered
scores[sc$missing[, "performance_approach"] > 1, "performance_approach"] <- NA  # at least 2 of 3 answered
scores[sc$missing[, "mastery_avoidance"] > 1, "mastery_avoidance"] <- NA  # at least 2 of 3 answered
scores[sc$missing[, "performance_avoidance"] > 1, "performance_avoidance"] <- NA  # at least 2 of 3 answered
# >>>
keep("agq_r", scores)

# --- grit_s
items <- 6 - clean(demo[, paste0("grit_", 1:8)])   # printed anchors (1 = very much like me) flipped
# <<< r_call grit_s
keys <- list(
  grit = c("-grit_1", "grit_2", "-grit_3", "grit_4", "-grit_5", "-grit_6", "grit_7", "grit_8"),
  consistency_of_interest = c("-grit_1", "-grit_3", "-grit_5", "-grit_6"),
  perseverance_of_effort = c("grit_2", "grit_4", "grit_7", "grit_8"))
sc <- psych::scoreItems(keys, items, totals = FALSE, impute = "none", min = 1, max = 5)
scores <- sc$scores  # mean of the answered items
scores[sc$missing[, "grit"] > 2, "grit"] <- NA  # at least 6 of 8 answered
scores[sc$missing[, "consistency_of_interest"] > 1, "consistency_of_interest"] <- NA  # at least 3 of 4 answered
scores[sc$missing[, "perseverance_of_effort"] > 1, "perseverance_of_effort"] <- NA  # at least 3 of 4 answered
# >>>
keep("grit_s", scores)

# --- phq_9
items <- clean(demo[, paste0("phq_", 1:9)]) - 1     # exported 1-4, key 0-3
# <<< r_call phq_9
keys <- list(
  total = c("phq_1", "phq_2", "phq_3", "phq_4", "phq_5", "phq_6", "phq_7", "phq_8", "phq_9"))
sc <- psych::scoreItems(keys, items, totals = FALSE, impute = "none", min = 0, max = 3)
scores <- sc$scores  # mean of the answered items
scores[, "total"] <- scores[, "total"] * (9 - sc$missing[, "total"])  # sum of the answered items
scores[sc$missing[, "total"] > 1, "total"] <- NA  # at least 8 of 9 answered
# >>>
keep("phq_9", scores)

# --- cesd
items <- synthetic[, paste0("c", 1:20)]
# <<< r_call cesd
keys <- list(
  total = c("c1", "c2", "c3", "-c4", "c5", "c6", "c7", "-c8", "c9", "c10", "c11", "-c12", "c13", "c14", "c15", "-c16", "c17", "c18", "c19", "c20"))
sc <- psych::scoreItems(keys, items, totals = FALSE, impute = "none", min = 0, max = 3)
scores <- sc$scores  # mean of the answered items
scores[, "total"] <- scores[, "total"] * 20  # prorated sum
scores[sc$missing[, "total"] > 4, "total"] <- NA  # at least 16 of 20 answered
# >>>
keep("cesd", scores)

# --- dass_21
items <- synthetic[, paste0("d", 1:21)]
# <<< r_call dass_21
keys <- list(
  depression = c("d3", "d5", "d10", "d13", "d16", "d17", "d21"),
  anxiety = c("d2", "d4", "d7", "d9", "d15", "d19", "d20"),
  stress = c("d1", "d6", "d8", "d11", "d12", "d14", "d18"))
sc <- psych::scoreItems(keys, items, totals = FALSE, impute = "none", min = 0, max = 3)
scores <- sc$scores  # mean of the answered items
scores[, "depression"] <- scores[, "depression"] * 7 * 2  # scaled sum
scores[sc$missing[, "depression"] > 2, "depression"] <- NA  # at least 5 of 7 answered
scores[, "anxiety"] <- scores[, "anxiety"] * 7 * 2  # scaled sum
scores[sc$missing[, "anxiety"] > 2, "anxiety"] <- NA  # at least 5 of 7 answered
scores[, "stress"] <- scores[, "stress"] * 7 * 2  # scaled sum
scores[sc$missing[, "stress"] > 2, "stress"] <- NA  # at least 5 of 7 answered
# >>>
keep("dass_21", scores)

long <- do.call(rbind, lapply(names(results), function(nm) {
  s <- results[[nm]]
  do.call(rbind, lapply(colnames(s), function(sc) data.frame(case = nm, row = seq_len(nrow(s)), scale = sc, score = s[[sc]])))
}))
write.csv(fmt(long), file.path(out, "result_scores.csv"), row.names = FALSE, quote = FALSE)
summ <- do.call(rbind, lapply(names(results), function(nm) {
  d <- psych::describe(results[[nm]])
  data.frame(case = nm, scale = rownames(d), n = d$n, mean = d$mean, sd = d$sd)
}))
write.csv(fmt(summ), file.path(out, "result_summary.csv"), row.names = FALSE, quote = FALSE)
record_versions("psych", c("result_data.csv", "result_scores.csv", "result_summary.csv"))
