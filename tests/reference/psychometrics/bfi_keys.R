# The goalscope key files of psychTools bfi that the psychometrics tests pass as a user's own key
# (--instrument), written from psychTools's scoring keys bfi.keys (reversed items marked "-").
# Checked on the way: the signs of bfi.keys are bfi.dictionary's Keying (which keys neuroticism
# towards emotional stability, so there its N items are all -1), and the answers in bfi run 1-6
# (?bfi: "a 6 point response scale: 1 Very Inaccurate ... 6 Very Accurate").
# Run from the repository root:  Rscript tests/reference/psychometrics/bfi_keys.R
# Writes, beside this script:
#   bfi_key.yaml          all five scales, named as in reliability.R (agree, consc, extra, neuro, open)
#   bfi_agree_consc.yaml  agreeableness and conscientiousness (the invariance case of cfa.R)
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/psychometrics/bfi_keys.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages(library(psychTools))
keys <- psychTools::bfi.keys
items <- sub("^-", "", unlist(keys, use.names = FALSE))
sign <- ifelse(startsWith(unlist(keys, use.names = FALSE), "-"), -1, 1)
stopifnot(identical(sign, psychTools::bfi.dictionary[items, "Keying"] * ifelse(startsWith(items, "N"), -1, 1)),
          identical(range(psychTools::bfi[, items], na.rm = TRUE), c(1L, 6L)))

# one line per scale: "  name: {items: [...], reverse: [...]}", names padded to one width
scale_lines <- function(keys, names) {
  width <- max(nchar(names)) + 1
  mapply(function(k, name) {
    it <- sub("^-", "", k); rev <- it[startsWith(k, "-")]
    paste0("  ", formatC(paste0(name, ":"), width = -width), " {items: [", paste(it, collapse = ", "), "]",
           if (length(rev)) paste0(", reverse: [", paste(rev, collapse = ", "), "]"), "}")
  }, keys, names, USE.NAMES = FALSE)
}
short <- c(agree = "agree", conscientious = "consc", extraversion = "extra", neuroticism = "neuro", openness = "open")
made_by <- "# Written by tests/reference/psychometrics/bfi_keys.R from psychTools::bfi.keys; do not edit by hand."
writeLines(c("# A user's key for the 25 IPIP items of psychTools bfi (used by the CLI tests).", made_by,
             "id: bfi-25", "name: IPIP Big Five items (psychTools bfi)", "response: {min: 1, max: 6}", "scales:",
             scale_lines(keys, short[names(keys)])), "bfi_key.yaml")
ac <- keys[c("agree", "conscientious")]
writeLines(c("# Agreeableness and conscientiousness of psychTools bfi (the invariance case of cfa.R).", made_by,
             "id: bfi-ac", "response: {min: 1, max: 6}", "scales:", scale_lines(ac, short[names(ac)])),
           "bfi_agree_consc.yaml")
record_versions("psychTools", c("bfi_key.yaml", "bfi_agree_consc.yaml"))
