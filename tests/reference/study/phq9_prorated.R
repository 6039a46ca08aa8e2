# PHQ-9 of the bundled demo scored as a prorated sum of at least 7 answered items, with the key's bands.
# Reference for tests/test_study_rules.py (goalscope: method prorated_sum, min_valid 7 in the study file).
# Base R only.
# Run from the repository root:  Rscript tests/reference/study/phq9_prorated.R
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/study/phq9_prorated.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
d <- read.csv(repo_path("data/raw/demo/responses.csv"))
items <- as.matrix(d[, paste0("phq_", 1:9)])
items[items == -99] <- NA          # the study's missing code
items <- items - 1                  # recode {1: 0, 2: 1, 3: 2, 4: 3}: a 1-4 export of the 0-3 scale
n_valid <- rowSums(!is.na(items))
total <- rowMeans(items, na.rm = TRUE) * 9
total[n_valid < 7] <- NA
band <- as.character(cut(total, breaks = c(0, 5, 10, 15, 20, Inf), right = FALSE,
                         labels = c("none-minimal", "mild", "moderate", "moderately severe", "severe")))
out <- data.frame(row = seq_len(nrow(d)) + 1, total = total, n_valid = n_valid, band = band)
write.csv(out, "phq9_prorated.csv", row.names = FALSE, na = "")
cat(sprintf("scored %d of %d; all-9 rule would score %d\n", sum(!is.na(total)), nrow(d), sum(n_valid == 9)))
print(table(band, useNA = "ifany"))
record_versions(writes = "phq9_prorated.csv")
