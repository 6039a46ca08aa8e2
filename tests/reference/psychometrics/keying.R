# Reference for the keying check (analysis/psychometrics/keying.py; issue 9 item 6).
# psych::alpha, called without keys, warns when items are "negatively correlated with the total
# scale" (its rule: a negative loading on the first principal component). We give it the items as
# goalscope keys them, so its check sees what ours sees, and record its message, its flagged items,
# the loadings and the item-rest r (r.drop) that our check reports.
# Run from the repository root:  Rscript tests/reference/psychometrics/keying.R
# (needs bfi.csv from reliability.R and ips_reversed_in_file.csv from make_keying_fixture.py)
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/psychometrics/keying.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressMessages({library(psych); library(jsonlite)})

check <- function(keyed) {
  printed <- ""
  w <- character(0)
  printed <- paste(capture.output(a <- withCallingHandlers(alpha(keyed),
    warning = function(m) { w <<- c(w, conditionMessage(m)); invokeRestart("muffleWarning") })),
    collapse = "\n")
  p1 <- principal(keyed, scores = FALSE)
  list(items = colnames(keyed), r_drop = unname(a$item.stats$r.drop),
       pc_loading = unname(p1$loadings[, 1]), psych_flagged = colnames(keyed)[p1$loadings[, 1] < 0],
       raw_alpha = a$total$raw_alpha, n = nrow(keyed), printed = printed, warning = w)
}

# 1. bfi exported with the reverse-keyed items already reversed (7 - x), scored with the key that
#    reverses them again: the keyed items are bfi's raw answers.
bfi <- read.csv("bfi.csv")
scales <- list(agree = c("A1","A2","A3","A4","A5"), consc = c("C1","C2","C3","C4","C5"),
               extra = c("E1","E2","E3","E4","E5"), neuro = c("N1","N2","N3","N4","N5"),
               open = c("O1","O2","O3","O4","O5"))
rev <- c("A1","C4","C5","E1","E2","O2","O5")
exported <- bfi
for (v in rev) exported[[v]] <- 7 - bfi[[v]]
keyed_twice <- exported
for (v in rev) keyed_twice[[v]] <- 7 - exported[[v]]
bfi_out <- lapply(scales, function(s) check(keyed_twice[, s]))

# 2. ips_reversed_in_file.csv (make_keying_fixture.py): items 2, 6, 9 already reversed in the file.
ips <- read.csv("ips_reversed_in_file.csv")
items <- paste0("ips_", 1:9)
undeclared <- ips[, items]
for (v in c("ips_2", "ips_6", "ips_9")) undeclared[[v]] <- 6 - undeclared[[v]]   # the key reverses them
declared <- ips[, items]                                                           # reversed_in_file: [2, 6, 9]

write_json(list(bfi_reversed_in_file = bfi_out, ips_undeclared = check(undeclared),
                ips_declared = check(declared)),
           "keying_psych.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
record_versions(c("psych", "jsonlite"), "keying_psych.json")
