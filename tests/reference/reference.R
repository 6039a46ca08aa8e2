# Shared by every reference script under tests/reference/<area>/ (sourced, not run on its own).
#
# Every script starts with
#     # Run from the repository root:  Rscript tests/reference/<area>/<script>.R
#     if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript ...")
#     source("tests/reference/reference.R")
# and ends with record_versions(packages = ..., writes = ...).
#
# Sourcing this file checks that the script was started with Rscript from the repository root and
# then moves into the script's own folder, so every path in a script is a file beside it (inputs
# elsewhere in the repository are read through repo_path()). record_versions() writes the one
# version record of every area: <script>.versions beside the script, a small YAML file with the same
# keys everywhere (see the comment at record_versions). `make references` runs every script
# (scripts/run_references.py); tests/test_references.py checks the records without R.

local({
  args <- commandArgs(trailingOnly = FALSE)
  file <- sub("^--file=", "", args[startsWith(args, "--file=")])
  if (length(file) != 1L) {
    stop("run a reference script with Rscript from the repository root, e.g.\n",
         "  Rscript tests/reference/models/mixed.R", call. = FALSE)
  }
  file <- gsub("~+~", " ", file, fixed = TRUE)          # Rscript's encoding of spaces in --file
  if (!file.exists(file.path("tests", "reference", "reference.R"))) {
    stop("run this script from the repository root:  Rscript ", file, call. = FALSE)
  }
  root <- normalizePath(".", winslash = "/")
  full <- normalizePath(file, winslash = "/", mustWork = TRUE)
  rel <- substring(full, nchar(root) + 2L)
  if (!startsWith(full, paste0(root, "/")) || !grepl("^tests/reference/[^/]+/[^/]+\\.R$", rel)) {
    stop("not a reference script (expected tests/reference/<area>/<script>.R): ", file, call. = FALSE)
  }
  assign(".reference", list(root = root, script = rel), envir = globalenv())
  setwd(dirname(full))
})

# a file elsewhere in the repository (e.g. repo_path("data/raw/demo/responses.csv"))
repo_path <- function(...) file.path(.reference$root, ...)

# Write <script>.versions beside the script: YAML, every value a quoted string, these keys in this
# order (tests/test_references.py holds the same list):
#   script      tests/reference/<area>/<script>.R, as run from the repository root
#   date        the UTC date of the run that last changed the record or an output (a run that
#               reproduces every output byte for byte, with the same versions, keeps the old date,
#               so regenerating on an unchanged machine changes no committed file)
#   r_version   e.g. "4.2.2"; r_build: R.version.string
#   platform    R.version$platform; os: sessionInfo()$running; blas, lapack: sessionInfo()'s
#               BLAS and LAPACK libraries (the last digits of optimiser results depend on them)
#   packages    each package the script uses (as given, plus every attached one): version
#   loaded      every other non-base package loaded while the script ran (dependencies): version
#   writes      each file the script wrote, relative to its folder: MD5 of its bytes
record_versions <- function(packages = character(0), writes) {
  si <- sessionInfo()
  base_pkgs <- rownames(installed.packages(priority = "base"))
  used <- sort(unique(c(packages, names(si$otherPkgs))), method = "radix")   # C order, any locale
  loaded <- sort(setdiff(loadedNamespaces(), c(used, base_pkgs)), method = "radix")
  missing <- writes[!file.exists(writes)]
  if (length(missing)) stop("record_versions: not written: ", paste(missing, collapse = ", "), call. = FALSE)
  q <- function(x) paste0('"', gsub('"', '\\"', gsub("\\", "\\\\", x, fixed = TRUE), fixed = TRUE), '"')
  block <- function(key, names, values) {
    if (!length(names)) return(paste0(key, ": {}"))
    c(paste0(key, ":"), paste0("  ", names, ": ", q(values)))
  }
  ver <- function(p) utils::packageDescription(p, fields = "Version")  # as the package spells it
  body <- c(
    paste0("r_version: ", q(paste(R.version$major, R.version$minor, sep = "."))),
    paste0("r_build: ", q(R.version.string)),
    paste0("platform: ", q(R.version$platform)),
    paste0("os: ", q(if (is.null(si$running)) "unknown" else si$running)),
    paste0("blas: ", q(if (is.null(si$BLAS)) "unknown" else si$BLAS)),
    paste0("lapack: ", q(if (is.null(si$LAPACK)) "unknown" else si$LAPACK)),
    block("packages", used, vapply(used, ver, "")),
    block("loaded", loaded, vapply(loaded, ver, "")),
    block("writes", writes, unname(tools::md5sum(writes))))
  script <- basename(.reference$script)
  target <- sub("\\.R$", ".versions", script)
  date <- format(Sys.time(), "%Y-%m-%d", tz = "UTC")
  if (file.exists(target)) {               # same versions and outputs: keep the recorded date
    old <- readLines(target, warn = FALSE)
    old_date <- sub('^date: "(.*)"$', "\\1", grep("^date: ", old, value = TRUE))
    if (length(old_date) == 1L && identical(old[!grepl("^(#|script: |date: )", old)], body)) date <- old_date
  }
  lines <- c(paste0("# R and package versions of the last run of ", script, " (written by the script,"),
             "# record_versions() in tests/reference/reference.R; do not edit by hand).",
             paste0("script: ", q(.reference$script)),
             paste0("date: ", q(date)),
             body)
  writeLines(lines, target, useBytes = TRUE)
  cat("wrote", paste(c(writes, target), collapse = ", "), "\n")
  invisible(target)
}
