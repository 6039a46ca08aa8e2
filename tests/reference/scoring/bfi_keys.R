# bfi.yaml: psychTools's scoring keys for bfi (bfi.keys; reversed items marked "-") as a goalscope
# key file, which the reference tests pass as a user's own key; the scales keep bfi.keys's names, so
# the scores are comparable by name with psych::scoreItems(bfi.keys, ...) in score_reference.R.
# Checked on the way: the signs of bfi.keys are bfi.dictionary's Keying (which keys neuroticism
# towards emotional stability, so there its N items are all -1), and the answers in bfi run 1-6
# (?bfi: "a 6 point response scale: 1 Very Inaccurate ... 6 Very Accurate").
# Run from the repository root:  Rscript tests/reference/scoring/bfi_keys.R
# Writes bfi.yaml beside this script.
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/scoring/bfi_keys.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages(library(psychTools))
keys <- psychTools::bfi.keys
items <- sub("^-", "", unlist(keys, use.names = FALSE))
sign <- ifelse(startsWith(unlist(keys, use.names = FALSE), "-"), -1, 1)
stopifnot(identical(sign, psychTools::bfi.dictionary[items, "Keying"] * ifelse(startsWith(items, "N"), -1, 1)),
          identical(range(psychTools::bfi[, items], na.rm = TRUE), c(1L, 6L)))

width <- max(nchar(names(keys))) + 1
lines <- mapply(function(k, name) {
  it <- sub("^-", "", k); rev <- it[startsWith(k, "-")]
  paste0("  ", formatC(paste0(name, ":"), width = -width), " {items: [", paste(it, collapse = ", "), "]",
         if (length(rev)) paste0(", reverse: [", paste(rev, collapse = ", "), "]"), ", method: mean}")
}, keys, names(keys), USE.NAMES = FALSE)
writeLines(c('# psychTools::bfi keys (items named by column; "reverse" lists the reversed items), used as a',
             '# user\'s own key file in the reference tests. Items 1-6 ("Very Inaccurate" .. "Very Accurate").',
             "# Written by tests/reference/scoring/bfi_keys.R from psychTools::bfi.keys; do not edit by hand.",
             "id: bfi-big-five", "name: Big Five Inventory items of psychTools::bfi", "response: {min: 1, max: 6}",
             "scales:", lines), "bfi.yaml")
record_versions("psychTools", "bfi.yaml")
