# Reference scores for goalscope's scorer: psych::scoreItems(keys, items, impute = "none", min, max).
# Run from the repository root:  Rscript tests/reference/scoring/score_reference.R
# Writes, beside this script:
#   bfi_scores.csv      psych::scoreItems mean scores (impute = "none", min = 1, max = 6) of
#                       psychTools::bfi (2,800 respondents, 25 items 1-6 with missing answers); the
#                       data themselves are tests/reference/psychometrics/bfi.csv (same rows, same order)
#   agq_r_scores.csv    scores of the demo AGQ-R items (administered 1-7; -99 = missing)
#   instruments_data.csv + instruments_scores.csv: random answers (seeded, with missing) to every
#                       shipped key, scored by scoreItems with the same keys, for mean-scored scales
#   score_reference.versions  R and package versions
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/scoring/score_reference.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressMessages({library(psych); library(psychTools)})
out <- "."
fmt <- function(df) format(df, digits = 17)   # full precision

# --- psychTools bfi with its published keys (reverse items marked "-") -----------------------
items <- psychTools::bfi[, 1:25]
keys <- list(agree = c("-A1", "A2", "A3", "A4", "A5"),
             conscientious = c("C1", "C2", "C3", "-C4", "-C5"),
             extraversion = c("-E1", "-E2", "E3", "E4", "E5"),
             neuroticism = c("N1", "N2", "N3", "N4", "N5"),
             openness = c("O1", "-O2", "O3", "O4", "-O5"))
sc <- scoreItems(keys, items, impute = "none", min = 1, max = 6)
res <- data.frame(id = rownames(items), sc$scores)
write.csv(fmt(res), file.path(out, "bfi_scores.csv"), row.names = FALSE, quote = FALSE)

# --- the demo AGQ-R items (1-7 administration, -99 = missing) ---------------------------------
demo <- read.csv(repo_path("data/raw/demo/responses.csv"))
agq <- demo[, paste0("agq_", 1:12)]
agq[agq == -99] <- NA
agq_keys <- list(mastery_approach = paste0("agq_", c(1, 3, 7)),
                 performance_approach = paste0("agq_", c(2, 4, 8)),
                 mastery_avoidance = paste0("agq_", c(5, 9, 11)),
                 performance_avoidance = paste0("agq_", c(6, 10, 12)))
sa <- scoreItems(agq_keys, agq, impute = "none", min = 1, max = 7)
write.csv(fmt(data.frame(respondent_id = demo$respondent_id, sa$scores)),
          file.path(out, "agq_r_scores.csv"), row.names = FALSE, quote = FALSE)

# --- every shipped key with mean scoring, random answers with 10 % missing -------------------
set.seed(20261122)
spec <- list(  # instrument id, n items, min, max, scales (items; negative = reversed)
  list("gps", 20, 1, 5, list(total = c(1, 2, -3, -4, 5, -6, 7, -8, 9, 10, -11, 12, -13, -14, -15, 16, 17, -18, 19, -20))),
  list("grit-s", 8, 1, 5, list(grit = c(-1, 2, -3, 4, -5, -6, 7, 8),
                                consistency_of_interest = c(-1, -3, -5, -6),
                                perseverance_of_effort = c(2, 4, 7, 8))),
  list("ips", 9, 1, 5, list(total = c(1, -2, 3, 4, 5, -6, 7, 8, -9))),
  list("vandewalle", 13, 1, 6, list(learning = 1:5, avoid = 6:9, prove = 10:13)))
all_data <- list(); all_scores <- list()
for (s in spec) {
  id <- s[[1]]; k <- s[[2]]; lo <- s[[3]]; hi <- s[[4]]
  x <- matrix(sample(lo:hi, 60 * k, replace = TRUE), 60, k)
  x[matrix(runif(60 * k) < 0.10, 60, k)] <- NA
  colnames(x) <- paste0("i", 1:k)
  kl <- lapply(s[[5]], function(v) ifelse(v < 0, paste0("-i", -v), paste0("i", v)))
  r <- scoreItems(kl, as.data.frame(x), impute = "none", min = lo, max = hi)$scores
  all_data[[id]] <- data.frame(instrument = id, row = 1:60, x[, 1:k, drop = FALSE])
  long <- do.call(rbind, lapply(colnames(r), function(nm) data.frame(instrument = id, row = 1:60, scale = nm, score = r[, nm])))
  all_scores[[id]] <- long
}
wide <- do.call(rbind, lapply(all_data, function(d) { m <- matrix(NA, nrow(d), 20); m[, 1:(ncol(d) - 2)] <- as.matrix(d[, -(1:2)]);
  data.frame(instrument = d$instrument, row = d$row, setNames(as.data.frame(m), paste0("i", 1:20))) }))
write.csv(wide, file.path(out, "instruments_data.csv"), row.names = FALSE, na = "")
write.csv(fmt(do.call(rbind, all_scores)), file.path(out, "instruments_scores.csv"), row.names = FALSE, quote = FALSE)

record_versions(c("psych", "psychTools"), c("bfi_scores.csv", "agq_r_scores.csv", "instruments_data.csv",
                "instruments_scores.csv"))
