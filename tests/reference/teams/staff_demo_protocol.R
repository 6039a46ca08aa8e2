# Reference values for the teams results' APA text and counts on the shipped staff demo
# (tests/teams/test_protocol.py): ICC(1)/ICC(2) with the one-way ANOVA F test, and r_wg(j),
# r*_wg(j), AD_M, AD_Md and a_wg per team for learning-orientation items wdgo_1..wdgo_5 (1-6,
# uniform null: ranvar = (6^2 - 1) / 12), rows with a missing item dropped (listwise).
# Run from the repository root:  Rscript tests/reference/teams/staff_demo_protocol.R
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/teams/staff_demo_protocol.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages(library(multilevel))
num17 <- function(df) {
  for (nm in names(df)) if (is.numeric(df[[nm]])) {
    v <- df[[nm]]
    df[[nm]] <- ifelse(is.na(v), NA, sprintf("%.17g", v))
  }
  df
}
d <- read.csv(repo_path("analysis/datasets/data/staff_demo/responses.csv"), stringsAsFactors = FALSE)
rows <- list()
for (v in c("performance", "wdgo_1")) {
  m <- aov(as.formula(paste(v, "~ as.factor(team)")), d)
  tab <- summary(m)[[1]]
  rows[[v]] <- data.frame(variable = v, n = sum(!is.na(d[[v]])), icc1 = ICC1(m), icc2 = ICC2(m),
                          df_between = tab[1, "Df"], df_within = tab[2, "Df"], f = tab[1, "F value"],
                          p_val = tab[1, "Pr(>F)"])
}
write.csv(num17(do.call(rbind, rows)), "staff_demo_icc.csv", row.names = FALSE)

items <- paste0("wdgo_", 1:5)
x <- d[complete.cases(d[, items]), c("team", items)]
ranvar <- (6^2 - 1) / 12
r <- rwg.j(x[, items], x$team, ranvar = ranvar)
l <- rwg.j.lindell(x[, items], x$team, ranvar = ranvar)
am <- ad.m(x[, items], x$team, type = "mean")
amd <- ad.m(x[, items], x$team, type = "median")
a <- awg(x[, items], x$team, range = c(1, 6))
out <- data.frame(group = r$grpid, n = r$gsize, rwg_j = r$rwg.j, rwg_j_lindell = l$rwg.lindell,
                  ad_m = am$AD.M, ad_md = amd$AD.M, awg = a$a.wg)
write.csv(num17(out), "staff_demo_agreement.csv", row.names = FALSE, na = "NA")
record_versions(packages = "multilevel", writes = c("staff_demo_icc.csv", "staff_demo_agreement.csv"))
