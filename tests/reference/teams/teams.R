# Reference values for analysis/teams (agreement, ICC, aggregation, random-group resampling).
#
# Run from the repository root:  Rscript tests/reference/teams/teams.R
#
# multilevel (Debian r-cran-multilevel) and lme4; versions in teams.versions. Data: multilevel's item-level bhr2000 (99 army companies, 11 items on 1-5, HRS),
# cohesion (11 soldiers, 5 items, one NA) and lq2002 (49 companies; TSIG 1-5, HOSTIL 0-4), plus a
# small hand-made "edge" set (size-1 groups, constant groups, answers at the scale bounds, NAs).
# Every result is written with 17 significant digits (input data as R stores them).
if (!file.exists("tests/reference/reference.R")) stop("run from the repository root:  Rscript tests/reference/teams/teams.R", call. = FALSE)
source("tests/reference/reference.R")  # moves beside this script; record_versions()
suppressPackageStartupMessages(library(multilevel))
data(bhr2000); data(cohesion); data(lq2002)

num17 <- function(df) {
  for (nm in names(df)) if (is.numeric(df[[nm]])) {
    v <- df[[nm]]
    df[[nm]] <- ifelse(is.na(v), NA, sprintf("%.17g", v))
  }
  df
}
out <- function(df, file) write.csv(num17(df), file, row.names = FALSE, na = "NA")

# ---- data ---------------------------------------------------------------------------------------
items_bhr <- c("AF06", "AF07", "AP12", "AP17", "AP33", "AP34", "AS14", "AS15", "AS16", "AS17", "AS28")
bhr <- bhr2000[, c("GRP", items_bhr, "HRS")]
# a copy with missing answers in a fixed pattern (listwise deletion inside rwg.j / ad.m / awg)
bhr_na <- bhr
bhr_na$AF07[seq(5, nrow(bhr_na), by = 97)] <- NA
bhr_na$AS16[seq(11, nrow(bhr_na), by = 131)] <- NA
bhr_na$HRS[seq(3, nrow(bhr_na), by = 53)] <- NA
write.csv(bhr, "bhr2000.csv", row.names = FALSE)
write.csv(cohesion, "cohesion.csv", row.names = FALSE)
lq <- lq2002[, c("COMPID", "TSIG01", "TSIG02", "TSIG03", "HOSTIL01", "HOSTIL02", "HOSTIL03", "HOSTIL04", "HOSTIL05")]
write.csv(lq, "lq2002.csv", row.names = FALSE)

edge <- data.frame(
  grp = c("a", "b", "b", "c", "c", "c", "d", "d", "d", "d", "e", "e", "e", "f", "f", "f", "f", "g", "g", "g"),
  i1  = c( 3,   1,   5,   2,   2,   2,   5,   5,   5,   4,   1,   1,   1,   1,   5,   1,   5,   3,   NA,  4),
  i2  = c( 4,   2,   4,   2,   3,   2,   5,   5,   5,   5,   1,   1,   2,   5,   1,   5,   1,   2,   2,   NA),
  i3  = c( 2,   3,   3,   1,   1,   1,   5,   4,   5,   5,   1,   2,   1,   3,   3,   3,   3,   5,   1,   1)
)
write.csv(edge, "edge.csv", row.names = FALSE)

# ---- agreement ----------------------------------------------------------------------------------
# null variances: uniform (A^2 - 1)/12 = 2 for 5 options; slight skew 1.34, heavy skew 0.44
# (James, Demaree & Wolf 1984; LeBreton & Senter 2008)
agree_set <- function(x, grp, item1, ranvar, range, tag) {
  m <- merge(rwg.j(x, grp, ranvar), rwg.j.lindell(x, grp, ranvar)[, 1:2], by = "grpid")
  m <- merge(m, setNames(ad.m(x, grp, "mean")[, 1:2], c("grpid", "ad_m")), by = "grpid")
  m <- merge(m, setNames(ad.m(x, grp, "median")[, 1:2], c("grpid", "ad_md")), by = "grpid")
  m <- merge(m, awg(x, grp, range)[, c("grpid", "a.wg")], by = "grpid")
  r1 <- rwg(item1, grp, ranvar); names(r1) <- c("grpid", "rwg_item1", "gsize_item1")
  m <- merge(m, r1, by = "grpid")
  m <- merge(m, setNames(ad.m(item1, grp, "mean")[, 1:2], c("grpid", "ad_m_item1")), by = "grpid")
  m <- merge(m, setNames(ad.m(item1, grp, "median")[, 1:2], c("grpid", "ad_md_item1")), by = "grpid")
  m <- merge(m, setNames(awg(item1, grp, range)[, 1:2], c("grpid", "awg_item1")), by = "grpid")
  names(m)[names(m) == "rwg.j"] <- "rwg_j"
  names(m)[names(m) == "rwg.lindell"] <- "rwg_j_lindell"
  names(m)[names(m) == "a.wg"] <- "awg"
  m$case <- tag
  m$ranvar <- ranvar
  m
}
res <- rbind(
  agree_set(bhr[, items_bhr], bhr$GRP, bhr$AF06, 2, c(1, 5), "bhr2000_uniform"),
  agree_set(bhr[, items_bhr], bhr$GRP, bhr$AF06, 1.34, c(1, 5), "bhr2000_slight_skew"),
  agree_set(bhr[, items_bhr], bhr$GRP, bhr$AF06, 0.44, c(1, 5), "bhr2000_heavy_skew"),
  agree_set(bhr_na[, items_bhr], bhr_na$GRP, bhr_na$AF07, 2, c(1, 5), "bhr2000_na_uniform"),
  agree_set(cohesion[, 3:7], cohesion$UNIT, cohesion$COH02, 2, c(1, 5), "cohesion_unit"),
  agree_set(cohesion[, 3:7], paste(cohesion$UNIT, cohesion$PLATOON), cohesion$COH01, 2, c(1, 5), "cohesion_platoon"),
  agree_set(lq[, 2:4], lq$COMPID, lq$TSIG01, 2, c(1, 5), "lq2002_tsig"),
  agree_set(lq[, 5:9], lq$COMPID, lq$HOSTIL01, 2, c(0, 4), "lq2002_hostil"),
  agree_set(edge[, 2:4], edge$grp, edge$i1, 2, c(1, 5), "edge")
)
res$grpid <- as.character(res$grpid)
out(res, "agreement.csv")

# ---- ICC(1), ICC(2) from one-way ANOVA (unequal group sizes) ------------------------------------
icc_rows <- list()
add_icc <- function(y, g, tag, var) {
  fit <- aov(y ~ as.factor(g))
  s <- summary(fit)[[1]]
  data.frame(case = tag, variable = var, icc1 = ICC1(fit), icc2 = ICC2(fit),
             msb = s[1, 3], msw = s[2, 3], df_between = s[1, 1], df_within = s[2, 1],
             f = s[1, 4], p_val = s[1, 5])
}
for (v in c(items_bhr, "HRS")) icc_rows[[length(icc_rows) + 1]] <- add_icc(bhr[[v]], bhr$GRP, "bhr2000", v)
icc_rows[[length(icc_rows) + 1]] <- add_icc(bhr_na$HRS, bhr_na$GRP, "bhr2000_na", "HRS")
for (v in names(lq)[-1]) icc_rows[[length(icc_rows) + 1]] <- add_icc(lq[[v]], lq$COMPID, "lq2002", v)
for (v in names(cohesion)[3:7]) icc_rows[[length(icc_rows) + 1]] <- add_icc(cohesion[[v]], cohesion$UNIT, "cohesion", v)
for (v in c("i1", "i2", "i3")) icc_rows[[length(icc_rows) + 1]] <- add_icc(edge[[v]], edge$grp, "edge", v)
out(do.call(rbind, icc_rows), "icc.csv")

# ---- aggregation: n, mean, sd, t-based 95% CI per group -----------------------------------------
agg <- do.call(rbind, lapply(split(bhr_na$HRS, bhr_na$GRP), function(v) {
  v <- v[!is.na(v)]
  ci <- t.test(v)$conf.int
  data.frame(n = length(v), mean = mean(v), sd = sd(v), ci_low = ci[1], ci_high = ci[2])
}))
agg <- cbind(grpid = names(split(bhr_na$HRS, bhr_na$GRP)), agg)
v <- bhr_na$HRS[!is.na(bhr_na$HRS)]; ci <- t.test(v)$conf.int
agg <- rbind(agg, data.frame(grpid = "organisation", n = length(v), mean = mean(v), sd = sd(v),
                             ci_low = ci[1], ci_high = ci[2]))
out(agg, "aggregate_hrs.csv")

# ---- random-group resampling (rgr.agree) --------------------------------------------------------
# R's RNG cannot be reproduced in numpy, so we record the random groups R drew: re-seeding and
# replaying ran.group()'s sample() calls gives the row indices of every pseudo-group. The Python
# tests feed these draws to rgr_agree(permutations=...) and must reproduce R's numbers exactly.
seed <- 2026; nran <- 500
set.seed(seed)
rg <- rgr.agree(bhr$HRS, bhr$GRP, nran)
sm <- summary(rg)
gsize <- tapply(bhr$GRP, bhr$GRP, length)
nreps <- round(nran / length(gsize))
set.seed(seed)
perms <- matrix(NA_integer_, nrow = nreps, ncol = nrow(bhr))
for (r in 1:nreps) {
  remaining <- seq_len(nrow(bhr)); pos <- 0
  for (i in seq_along(gsize)) {
    sam <- sample(seq_along(remaining), size = gsize[i])
    perms[r, (pos + 1):(pos + gsize[i])] <- remaining[sam]
    remaining <- remaining[-sam]; pos <- pos + gsize[i]
  }
}
write.csv(data.frame(rep = rep(1:nreps, each = nrow(bhr)), row = as.vector(t(perms))),
          "rgr_permutations.csv", row.names = FALSE)
out(data.frame(rgr_var = rg$RGRVARS), "rgr_vars.csv")
tab <- sm[[1]]
summ <- data.frame(n_random_groups = tab[1, 1], mean_random_var = tab[1, 2], sd_random_var = tab[1, 3],
                   mean_group_var = tab[1, 4], z = tab[1, 5], total_var = var(bhr$HRS), nreps = nreps,
                   seed = seed)
q <- c(sm[[2]], sm[[3]])
summ <- cbind(summ, as.data.frame(t(setNames(as.numeric(q), paste0("q", c("005", "01", "025", "05", "10", "90", "95", "975", "99", "995"))))))
out(summ, "rgr_summary.csv")

# ---- two-level model: person outcome on group-mean-centred predictors and team means ----------
suppressPackageStartupMessages(library(lme4))
lqs <- lq2002[, c("COMPID", "LEAD", "TSIG", "HOSTILE")]
write.csv(lqs, "lq2002_scales.csv", row.names = FALSE)
for (v in c("LEAD", "TSIG")) {
  lqs[[paste0(v, "_cwc")]] <- lqs[[v]] - ave(lqs[[v]], lqs$COMPID)
  lqs[[paste0(v, "_team")]] <- ave(lqs[[v]], lqs$COMPID) - mean(lqs[[v]])
}
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-2, rhoend = 1e-10, maxfun = 1e6))
m <- lmer(HOSTILE ~ LEAD_cwc + TSIG_cwc + LEAD_team + TSIG_team + LEAD_cwc:TSIG_team + (1 | COMPID),
          lqs, REML = TRUE, control = ctrl)
cf <- summary(m)$coefficients
ci <- confint(m, method = "Wald", parm = "beta_")
out(data.frame(term = rownames(cf), estimate = cf[, 1], se = cf[, 2], z = cf[, 3],
               ci_low = ci[, 1], ci_high = ci[, 2], row.names = NULL), "mlm_fixed.csv")
out(lqs[, c("COMPID", "LEAD_cwc", "LEAD_team", "TSIG_cwc", "TSIG_team")][1:200, ], "mlm_centred_head.csv")
vc <- as.data.frame(VarCorr(m))
out(data.frame(grp = vc$grp, vcov = vc$vcov), "mlm_varcomp.csv")

# random slope of the within-team part (correlated with the intercept)
m2 <- lmer(LEAD ~ TSIG_cwc + TSIG_team + (TSIG_cwc | COMPID), lqs, REML = TRUE, control = ctrl)  # not singular
cf <- summary(m2)$coefficients
ci <- confint(m2, method = "Wald", parm = "beta_")
out(data.frame(term = rownames(cf), estimate = cf[, 1], se = cf[, 2], z = cf[, 3],
               ci_low = ci[, 1], ci_high = ci[, 2], row.names = NULL), "mlm_slopes_fixed.csv")
record_versions(c("multilevel", "lme4"), c("bhr2000.csv", "cohesion.csv", "lq2002.csv", "edge.csv", "agreement.csv",
                "icc.csv", "aggregate_hrs.csv", "rgr_permutations.csv", "rgr_vars.csv", "rgr_summary.csv",
                "lq2002_scales.csv", "mlm_fixed.csv", "mlm_centred_head.csv", "mlm_varcomp.csv", "mlm_slopes_fixed.csv"))
