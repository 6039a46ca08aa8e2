"""The methods paragraphs of a study report, written from what ran — never from what could have run.

Every sentence is chosen by a row of the table below from the study file, the declared analyses as
they ran (their spec and the options on their result) and the packages installed. A method that did
not run is never named; an option is named with the value it ran with.

=============================================  ==========================================================
what ran                                       what the paragraph says
=============================================  ==========================================================
each instrument                                name, id, item count, response range *as administered*
                                               (the study's ``response:`` if given, else the key's),
                                               scoring method(s); recoding / reversed anchors if declared
screening declared                             received → analysed; each rule in order with its
                                               description, split into excluding and flag-only rules
no screening                                   "All N respondents were analysed (no screening rules …)"
reliability table with ``alpha``               Cronbach's α with its Feldt CI (psych::alpha), pairwise
                                               deletion
… with ``omega_total``                         McDonald's ω total (psych::omega)
a two-item scale measured                      the Spearman–Brown coefficient with its Fisher-z CI
                                               (Eisinga et al., 2013)
a CFA fitted (``cfa_fit``)                     ML with listwise deletion (lavaan defaults); the competing
                                               structures compared by BIC where more than one model was fit
a CFA not fitted                               the instrument named with "no CFA" (the note in its section)
correlations                                   Pearson / Spearman (partial, controlling for ``covar``),
                                               Fisher-z CIs, ``nan_policy`` deletion, ``padjust`` method or
                                               "p values not adjusted for multiple tests"
regression, gaussian (steps: hierarchical)     OLS, t-based CIs (HC3 SEs if ``hc3``), listwise
regression, logistic                           logistic regression by ML (outcome ≥ ``threshold``),
                                               Wald CIs of odds ratios, listwise
regression, poisson / negative_binomial        Poisson / negative-binomial regression by ML (glm /
                                               MASS::glm.nb, θ estimated), Wald CIs of rate ratios, listwise
mediation (``w``: moderated mediation)         OLS paths (count outcome: its GLM), indirect effects with
                                               ``n_boot`` bootstrap resamples, ``ci_method`` CIs, the seed
moderation                                     OLS with the mean-centred x × w product, simple slopes at
                                               −1 SD / mean / +1 SD, Johnson–Neyman interval
setback_recovery                               linear mixed model, piecewise time coding, random intercept
                                               per respondent (random slopes if fitted), REML or ML
mixed                                          linear mixed model of the formula, random effects by
                                               ``group``, REML or ML
profiles                                       Gaussian mixtures with 1…``k_max`` profiles (covariance,
                                               starts, seed), the number chosen by BIC or fixed by ``k``
power                                          power of a two-sided correlation test (pwr::pwr.r.test)
``weights:`` declared: correlations            weighted Pearson correlations (the final weight named), the
                                               standard errors' source ("80 Fay replicate weights (k = 0.5)",
                                               "… JK2 jackknife …", "… BRR …"), plausible values and Rubin's
                                               rules where a pair used them; z tests with normal CIs for pairs
                                               without plausible values, t on Rubin's df for pairs with them
                                               (both named when both ran); pairwise; p values not adjusted
``weights:`` declared: regression              weighted least squares / weighted logistic regression, the
                                               final weight and the SEs' source; t on Rubin's df with
                                               plausible values, else t on the design's df (degf + 1 − p,
                                               as survey::svyglm); listwise deletion
replication ran                                registered findings against this study's correlations,
                                               ``nan_policy`` deletion, ``level`` CIs, SESOI
``weights:`` declared (and analyses ran)       the final weight; the declared analyses weighted, the sample,
                                               measurement and scale-correlation sections unweighted
software                                       goalscope, numpy, pandas, scipy, matplotlib; statsmodels
                                               when a model of it ran; scikit-learn when profiles ran
=============================================  ==========================================================
"""

from __future__ import annotations

import importlib.metadata as md

#: the packages every report uses, and those named only when an analysis that uses them ran
CORE_SOFTWARE = ("goalscope", "numpy", "pandas", "scipy", "matplotlib")
SOFTWARE_BY_TYPE = {"statsmodels": {"regression", "mediation", "moderation", "setback_recovery", "mixed"},
                    "scikit-learn": {"profiles"}}

_SCORING = {"mean": "item means", "sum": "item sums", "prorated_sum": "prorated item sums",
            "scaled_sum": "scaled item sums"}


def _pct(level: float) -> str:
    return f"{level * 100:g}%"


def _deletion(policy) -> str:
    policy = str(policy or "listwise")
    return f"{policy} deletion" if policy in ("pairwise", "listwise") else policy


def _options(a) -> dict:
    try:
        return dict(getattr(a.result, "options", {}) or {})
    except Exception:  # noqa: BLE001 - a result without options: the spec alone speaks
        return {}


def instruments_sentence(study, instruments: dict) -> str:
    """What respondents answered, with the response range as administered."""
    bits = []
    for alias, inst in instruments.items():
        use = study.instruments[alias]
        resp = dict(use.response or {})
        lo, hi = resp.get("min", inst.response.min), resp.get("max", inst.response.max)
        methods = sorted({_SCORING[sc.method] for sc in inst.scales.values()})
        bit = (f"{inst.name or inst.id} ({inst.id}; {len(inst.all_items)} items, {lo:g}–{hi:g}; "
               f"scored as {' and '.join(methods)})")
        if use.recode:
            bit += " after recoding the export's codes"
        if use.anchors_reversed:
            bit += " with the export's anchors reversed"
        bits.append(bit)
    return f"Respondents answered {len(instruments)} instrument(s): " + "; ".join(bits) + "."


def screening_sentence(result) -> str:
    """The screening rules that ran, in order, or that none was declared."""
    n_recv, n_an = len(result.scores), len(result.analysed)
    if result.screening is None:
        return f"All {n_recv} respondents were analysed (no screening rules were declared)."
    flow = result.screening.flow
    excl = [f"{r.rule}: {r.description}" for r in flow.itertuples() if r.exclude]
    flag = [f"{r.rule}: {r.description}" for r in flow.itertuples() if not r.exclude]
    text = f"Of {n_recv} respondents, {n_an} were analysed after the study's screening rules were applied in order"
    text += (": excluding by " + "; ".join(excl)) if excl else ""
    text += (("; " if excl else ": ") + "flagging without excluding by " + "; ".join(flag)) if flag else ""
    return text + ". Excluded respondents stay in the processed scores with their flags."


def measurement_sentence(measurements) -> str:
    """Reliability and factor structure, as far as they were computed."""
    cols = set()
    for m in measurements:
        cols |= set(m.reliability.columns)
    parts = []
    if "alpha" in cols:
        parts.append("Cronbach's α with its Feldt confidence interval (psych::alpha)")
    if "omega_total" in cols:
        parts.append("McDonald's ω total (psych::omega)")
    if any(m.two_item_scales for m in measurements):
        parts.append("for two-item scales, the Spearman–Brown coefficient of the inter-item correlation with a "
                     "confidence interval from the Fisher-z interval of r (Eisinga, te Grotenhuis & Pelzer, 2013)")
    text = ""
    if parts:
        text = "Reliability is " + " and ".join(parts[:2]) + "".join("; " + p for p in parts[2:]) + ", with pairwise deletion."
    fitted = [m for m in measurements if m.cfa_fit is not None and len(m.cfa_fit)]
    if fitted:
        text += (" " if text else "") + ("Factor structures were fitted by maximum likelihood with listwise deletion "
                                         "(lavaan's defaults)")
        compared = [m.alias for m in fitted if len(m.cfa_fit) > 1]
        if compared:
            text += f"; for {', '.join(compared)} the competing structures of the key were compared by BIC"
        text += "."
    missing = [m.alias for m in measurements if m not in fitted]
    if fitted and missing:
        text += f" No factor model was fitted for {', '.join(missing)} (see its section)."
    return text


def _weighted_tests(res, level: float) -> str:
    """How a weighted result tested and set its intervals (the rows of the module's table)."""
    ci = f"{_pct(level)} confidence intervals"
    rubin = f"t tests and {ci} on Rubin's degrees of freedom"
    if res.analysis == "correlations":
        with_pv = res.table()["plausible_values"].gt(0)
        if not with_pv.any():
            return f"z tests with normal-based {ci}"
        if with_pv.all():
            return rubin
        return (f"{rubin} for pairs with {', '.join(res.plausible_values)}, z tests with normal-based intervals "
                f"for the others")
    if res.draws:
        return rubin
    p = len(res.table())
    return (f"t tests and {ci} on {res.design.degf + 1 - p} degrees of freedom (the design's {res.design.degf} "
            f"+ 1 − {p} coefficients, as survey::svyglm)")


def _weighted(a, o):
    """The sentence of a correlation or regression that ran with the study's ``weights:``."""
    res, s = a.result, a.spec
    weight = f"final weight {res.design.weight}"
    tests = _weighted_tests(res, o.get("level", s.level))
    if a.type == "correlations":
        return (f"weighted Pearson correlations ({weight}) with {res.standard_errors}; {tests}, pairwise deletion, "
                "p values not adjusted for multiple tests")
    kind = "weighted least-squares regression" if s.family == "gaussian" else "weighted logistic regression"
    return (f"{kind} of {s.outcome} on {_n_predictors(a)} predictor(s) ({weight}) with {res.standard_errors}; "
            f"{tests}, listwise deletion")


def _correlations(a, o):
    s = a.spec
    if hasattr(a.result, "standard_errors"):
        return _weighted(a, o)
    kind = {"pearson": "Pearson", "spearman": "Spearman"}[o.get("method", s.method)]
    partial = f"partial {kind} correlations controlling for {', '.join(s.covar)}" if s.covar else f"{kind} correlations"
    adj = s.padjust if s.padjust not in (None, "none") else None
    names = {"holm": "Holm's method", "bonferroni": "the Bonferroni method", "fdr_bh": "the Benjamini–Hochberg FDR"}
    mult = f"p values adjusted by {names[adj]}" if adj else "p values not adjusted for multiple tests"
    return (f"{partial} with Fisher-z {_pct(o.get('level', s.level))} confidence intervals, "
            f"{_deletion(o.get('nan_policy', s.nan_policy))}, {mult}")


def _n_predictors(a) -> int:
    """The predictors the model ran with (patterns expanded): its terms without the intercept."""
    terms = a.long["term"].astype(str) if "term" in a.long else []
    return sum(1 for t in terms if t.lower() not in ("intercept", "(intercept)", "const"))


def _regression(a, o):
    s = a.spec
    if hasattr(a.result, "standard_errors"):
        return _weighted(a, o)
    n_pred = _n_predictors(a)
    if s.steps:
        return (f"hierarchical OLS regression of {s.outcome} in {len(s.steps)} blocks (ΔR² with F-change tests), "
                f"t-based {_pct(s.level)} confidence intervals{', HC3 standard errors' if s.hc3 else ''}, "
                "listwise deletion")
    if s.family == "gaussian":
        return (f"OLS regression of {s.outcome} on {n_pred} predictor(s), t-based {_pct(s.level)} confidence "
                f"intervals{', HC3 standard errors' if s.hc3 else ''}, listwise deletion")
    if s.family == "logistic":
        case = f"{s.outcome} ≥ {s.threshold:g}" if s.threshold is not None else s.outcome
        return (f"logistic regression of {case} on {n_pred} predictor(s) by maximum likelihood, Wald "
                f"{_pct(s.level)} confidence intervals of odds ratios, listwise deletion")
    kind = ("negative-binomial regression (θ estimated by maximum likelihood, as MASS::glm.nb)"
            if s.family == "negative_binomial" else "Poisson regression (as glm with family = poisson)")
    return (f"{kind} of {s.outcome} on {n_pred} predictor(s) by maximum likelihood, Wald {_pct(s.level)} "
            "confidence intervals of rate ratios, listwise deletion")


def _mediation(a, o):
    s = a.spec
    n_boot, ci, seed = o.get("n_boot", s.n_boot), o.get("ci_method", s.ci_method), o.get("seed")
    ci_name = {"percentile": "percentile", "bca": "bias-corrected and accelerated (BCa)"}.get(ci, ci)
    paths = "OLS paths" if s.family == "gaussian" else (
        f"OLS paths to the mediator(s) and a {s.family.replace('_', '-')} model of {s.y}")
    what = (f"moderated mediation ({s.x} → {s.m[0]} → {s.y}, moderated by {s.w} at the {s.stage} stage)" if s.w
            else f"{'serial' if s.serial else 'parallel' if len(s.m) > 1 else 'simple'} mediation "
                 f"({s.x} → {', '.join(s.m)} → {s.y})")
    cov = f" controlling for {', '.join(s.covar)}" if s.covar else ""
    return (f"{what}{cov} with {paths}; indirect effects with {n_boot} bootstrap resamples and {ci_name} "
            f"{_pct(o.get('level', s.level))} confidence intervals (seed {seed}), listwise deletion")


def _moderation(a, o):
    s = a.spec
    return (f"moderation of {s.x} → {s.y} by {s.w}: OLS with the product of the mean-centred predictors"
            f"{', HC3 standard errors' if s.hc3 else ''}, simple slopes at −1 SD, the mean and +1 SD of {s.w}, "
            f"and the Johnson–Neyman interval, listwise deletion")


def _fit(o) -> str:
    return "REML" if o.get("reml", True) else "maximum likelihood"


def _recovery(a, o):
    s = a.spec
    slopes = " and a random slope of time" if o.get("random_slopes") else ""
    return (f"linear mixed model of {len(s.scores)} occasions ({', '.join(s.scores)}) with piecewise time coding "
            f"(setback at occasion {s.setback}), a random intercept per respondent{slopes}, fitted by {_fit(o)}; "
            f"Wald {_pct(s.level)} confidence intervals; occasions with a missing score left out")


def _mixed(a, o):
    s = a.spec
    re = f"random effects {s.re_formula} by {s.group}" if s.re_formula else f"a random intercept per {s.group}"
    return (f"linear mixed model {s.formula} with {re}, fitted by {_fit(o)}; Wald {_pct(s.level)} confidence "
            "intervals; listwise deletion")


def _profiles(a, o):
    s = a.spec
    cov, starts = o.get("covariance", "full"), o.get("n_init", 10)
    choose = f"the {s.k}-profile solution fixed by the study" if s.k else "the number of profiles chosen by the lowest BIC"
    return (f"Gaussian mixture models with 1–{s.k_max} profiles of {len(getattr(a.result, 'columns', s.columns))} "
            f"columns "
            f"({cov} covariances, {starts} random starts, seed {o.get('seed')}), {choose}, listwise deletion")


def _power(a, o):
    s = a.spec
    what = f"the published r of {s.finding}" if s.finding else f"r = {s.r:g}"
    return (f"power of a two-sided test of a correlation at α = {s.alpha:g} for {what} at this study's N and "
            f"the N needed for power {', '.join(f'{p:g}' for p in s.power)} (pwr::pwr.r.test)")


_SENTENCES = {"correlations": _correlations, "regression": _regression, "mediation": _mediation,
              "moderation": _moderation, "setback_recovery": _recovery, "mixed": _mixed, "profiles": _profiles,
              "power": _power}


def analysis_sentence(a) -> str:
    """One sentence for one declared analysis as it ran: ``"<id>: <method, estimator, CIs, missing data>."``"""
    return f"{a.id}: {_SENTENCES[a.type](a, _options(a))}."


def replication_sentence(replication) -> str:
    """How registered findings were held against the study, from the options the replication ran with."""
    o = getattr(replication, "options", {}) or {}
    return ("Registered findings whose two constructs the study measures were compared with this study's "
            f"correlation of the two columns ({_deletion(o.get('nan_policy', 'pairwise'))}, "
            f"{_pct(o.get('level', 0.95))} confidence intervals, smallest effect size of interest "
            f"r = {o.get('sesoi', 0.10):g}).")


def software_sentence(analyses) -> str:
    """The versions of the packages the run used."""
    types = {a.type for a in analyses}
    pkgs = list(CORE_SOFTWARE) + [p for p, used_by in SOFTWARE_BY_TYPE.items() if types & used_by]
    out = []
    for pkg in pkgs:
        try:
            out.append(f"{pkg} {md.version(pkg)}")
        except md.PackageNotFoundError:
            pass
    return "Software: " + ", ".join(out) + "."


def methods_text(study, instruments: dict, result, measurements, analyses, n_boot_note: str = "",
                 replication=None) -> list[str]:
    """The methods paragraphs, one sentence per thing that ran (the module docstring's table).

    >>> from types import SimpleNamespace as NS
    >>> from analysis.pipeline.analysis_specs import parse_analyses
    >>> spec = parse_analyses([{"id": "power_check", "type": "power", "r": 0.2}])[0]
    >>> analysis_sentence(NS(id=spec.id, type=spec.type, spec=spec, result=None))
    "power_check: power of a two-sided test of a correlation at α = 0.05 for r = 0.2 at this study's N and the N needed for power 0.8, 0.9, 0.95 (pwr::pwr.r.test)."
    """
    paras = [instruments_sentence(study, instruments), screening_sentence(result)]
    meas = measurement_sentence(measurements)
    if meas:
        paras.append(meas)
    weights = getattr(study, "weights", None)
    if weights is not None and analyses:
        paras.append(f"The study declares survey weights (final weight {weights.final}); they enter the declared "
                     "analyses below. The sample description, the measurement models and the table of scale "
                     "descriptives and correlations describe the analysed respondents unweighted.")
    if analyses:
        paras.append("Declared analyses, as they ran: " + " ".join(analysis_sentence(a) for a in analyses)
                     + (f" {n_boot_note}" if n_boot_note else ""))
    if replication is not None:
        paras.append(replication_sentence(replication))
    paras.append(software_sentence(analyses))
    return paras
