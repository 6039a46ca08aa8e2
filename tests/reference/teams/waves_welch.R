# Reference for goalscope's survey-wave change: Welch t.test(later, earlier) per unit and scale.
# Reads the two demo waves, scores VandeWalle's scales as the key says (mean of the items; at least
# min_valid items answered: learning 1-5 >= 3, avoid 6-9 >= 2, prove 10-13 >= 2), and tests every
# unit (organisation, department, team, site) that has at least 2 scores in both waves.
# Run from the repository root:  Rscript tests/reference/teams/waves_welch.R
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/teams/waves_welch.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
w1 <- read.csv(repo_path("data/raw/staff_demo/responses.csv"), stringsAsFactors = FALSE)
w2 <- read.csv(repo_path("data/raw/staff_demo/responses_wave2.csv"), stringsAsFactors = FALSE)
scales <- list(learning = list(items = 1:5, min_valid = 3), avoid = list(items = 6:9, min_valid = 2),
               prove = list(items = 10:13, min_valid = 2))
score <- function(d) {
  for (s in names(scales)) {
    x <- as.matrix(d[, paste0("wdgo_", scales[[s]]$items)])
    m <- rowMeans(x, na.rm = TRUE)
    m[rowSums(!is.na(x)) < scales[[s]]$min_valid] <- NA
    d[[s]] <- m
  }
  d
}
w1 <- score(w1); w2 <- score(w2)
w1$organisation <- "organisation"; w2$organisation <- "organisation"
out <- list()
for (lv in c("organisation", "department", "team", "site")) {
  for (u in sort(intersect(unique(w1[[lv]]), unique(w2[[lv]])))) {
    for (s in names(scales)) {
      a <- w1[w1[[lv]] == u, s]; a <- a[!is.na(a)]
      b <- w2[w2[[lv]] == u, s]; b <- b[!is.na(b)]
      if (length(a) < 2 || length(b) < 2) next
      tt <- t.test(b, a, var.equal = FALSE, conf.level = 0.95)
      out[[length(out) + 1]] <- data.frame(level = lv, unit = u, scale = s, n_1 = length(a), n_2 = length(b),
        estimate = unname(tt$estimate[1] - tt$estimate[2]), ci_low = tt$conf.int[1], ci_high = tt$conf.int[2],
        statistic = unname(tt$statistic), df = unname(tt$parameter), p_val = tt$p.value)
    }
  }
}
res <- do.call(rbind, out)
write.csv(res, "waves_welch.csv", row.names = FALSE)
cat(sprintf("%d unit-scale tests; R %s\n", nrow(res), R.version.string))
record_versions(writes = "waves_welch.csv")
