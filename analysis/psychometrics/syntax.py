"""lavaan-style model syntax → a parameter table (lavaan's ``cfa()`` defaults).

Supported (the measurement-model part of lavaan's syntax):

* ``f =~ x1 + x2 + x3`` — loadings; the first indicator is fixed to 1 (marker) unless
  ``std_lv=True`` (factor variances fixed to 1, all loadings free);
* ``x1 ~~ x2`` / ``f1 ~~ f2`` / ``f ~~ f`` — (co)variances of residuals or factors;
* ``x1 ~ 1`` / ``f ~ 1`` — intercepts and latent means;
* modifiers ``1*x`` / ``0*f2`` (fixed), ``NA*x`` (free), ``a*x`` (label: equal to every parameter
  with the same label), ``start(0.5)*x`` is not supported;
* comments ``#`` / ``!``, statements separated by new lines or ``;``.

Defaults as lavaan ``cfa``: residual variances and factor variances free, all factor covariances
free, intercepts free and latent means fixed to 0 when there is a mean structure (multi-group),
latent means free in groups 2… when intercepts are constrained equal (``group_equal``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import DataError

_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")
GROUP_EQUAL = ("loadings", "intercepts", "residuals", "residual.covariances", "lv.variances",
               "lv.covariances", "means")


@dataclass
class Statement:
    lhs: str
    op: str
    rhs: str
    fixed: float | None = None
    free: bool = False
    label: str | None = None
    line: int | None = None     # the line of the model text it was written on (1-based)


#: the words of a refusal of a name that lavaan (and R) cannot read as a variable
NAME_RULE = "letters, digits, '_' and '.', not starting with a digit"


@dataclass
class Param:
    lhs: str
    op: str
    rhs: str
    group: int
    mat: str          # lambda, theta, psi, nu, alpha
    row: int
    col: int
    free: int         # 0: fixed; k ≥ 1: the k-th free parameter (shared ids = equality constraints)
    value: float      # fixed value (or 0 for free ones; starts are computed from the data)
    label: str | None = None
    user: bool = False


@dataclass
class ModelSpec:
    """The parsed model for G groups: variable order and the parameter table."""

    observed: list
    latent: list
    params: list = field(default_factory=list)
    n_groups: int = 1
    meanstructure: bool = False
    n_free: int = 0
    text: str = ""


def _modifier(term: str, line: int) -> tuple[str, float | None, bool, str | None]:
    if "*" not in term:
        return term.strip(), None, False, None
    mod, name = term.split("*", 1)
    mod, name = mod.strip(), name.strip()
    if mod.upper() == "NA":
        return name, None, True, None
    try:
        return name, float(mod), False, None
    except ValueError:
        pass
    if not _NAME.match(mod):
        raise DataError(f"modifier '{mod}' is not a number, NA or a label", line=line, value=term.strip(),
                        within="model syntax", hint="Write 1*x to fix a loading, NA*x to free it, or a*x to label it.")
    return name, None, False, mod


def parse_model(text: str) -> list[Statement]:
    """Split lavaan-style syntax into statements (one per left-hand/right-hand pair)."""
    if not isinstance(text, str) or not text.strip():
        raise DataError("is empty", argument="model", value=text,
                        hint="write it as lavaan syntax, e.g. 'f1 =~ x1 + x2 + x3'")
    out = []
    for n, raw in enumerate(text.split("\n"), 1):      # n: the line of the text, as an editor counts it
        for line in re.split(r"[#!]", raw, maxsplit=1)[0].split(";"):
            line = line.strip()
            if line:
                out += _statements(line, n)
    if not any(s.op == "=~" for s in out):
        raise DataError("has no factor", argument="model", value=text,
                        hint="write at least one 'factor =~ item1 + item2 + item3'")
    return out


def _statements(line: str, n: int) -> list[Statement]:
    """The statements of one statement's text ``line``, written on line ``n`` of the model."""
    m = re.match(r"^(.+?)\s*(=~|~~|~)\s*(.+)$", line)
    if not m:
        raise DataError("is not a statement of the form 'f =~ x1 + x2', 'x ~~ y' or 'x ~ 1'", line=n, value=line,
                        within="model syntax", hint="Write one statement per line with the operator =~, ~~ or ~ 1.")
    lhs, op, rhs = m.group(1).strip(), m.group(2), m.group(3).strip()
    if op == "~" and rhs != "1":
        raise DataError("regressions are not part of a CFA; only 'x ~ 1' is allowed", line=n, value=line,
                        within="model syntax", hint="Leave the regression out, or write 'x ~ 1' for an intercept.")
    out = []
    for lname in lhs.split("+"):
        lname = lname.strip()
        if not _NAME.match(lname):
            raise DataError("is not a variable name", line=n, value=lname, within="model syntax",
                            hint=f"Name a factor or a column with {NAME_RULE}.")
        if op == "~":
            out.append(Statement(lname, "~1", "", line=n))
            continue
        for term in rhs.split("+"):
            name, fixed, free, label = _modifier(term, n)
            if not _NAME.match(name):
                raise DataError("is not a variable name", line=n, value=name, within="model syntax",
                                hint=f"Name a factor or a column with {NAME_RULE}.")
            out.append(Statement(lname, op, name, fixed, free, label, line=n))
    return out


def build_spec(text: str, n_groups: int = 1, *, meanstructure: bool | None = None, std_lv: bool = False,
               group_equal=()) -> ModelSpec:
    """The parameter table of a CFA model for ``n_groups`` groups (lavaan ``cfa`` defaults)."""
    stmts = parse_model(text)
    given, group_equal = group_equal, tuple(group_equal or ())
    bad = [g for g in group_equal if g not in GROUP_EQUAL]
    if bad:
        raise DataError(f"names unknown constraint(s) {', '.join(bad)}", argument="group_equal", value=given,
                        hint=f"use {', '.join(GROUP_EQUAL)}")
    latent = []
    for s in stmts:
        if s.op == "=~" and s.lhs not in latent:
            latent.append(s.lhs)
    observed = []
    for s in stmts:
        for name in (s.lhs, s.rhs) if s.op != "=~" else (s.rhs,):
            if name and name not in latent and name not in observed:
                observed.append(name)
    for s in stmts:
        if s.op == "=~" and s.rhs in latent:
            raise DataError("higher-order factors are not supported", line=s.line, value=f"{s.lhs} =~ {s.rhs}",
                            within="model syntax", hint="Give each factor observed columns as its indicators.")
    if meanstructure is None:
        meanstructure = n_groups > 1 or any(s.op == "~1" for s in stmts)
    oi = {v: i for i, v in enumerate(observed)}
    li = {v: i for i, v in enumerate(latent)}

    spec = ModelSpec(observed=observed, latent=latent, n_groups=n_groups, meanstructure=meanstructure, text=text)
    ids: dict = {}
    counter = [0]

    def new_id(key):
        if key is not None and key in ids:
            return ids[key]
        counter[0] += 1
        if key is not None:
            ids[key] = counter[0]
        return counter[0]

    for g in range(n_groups):
        rows: dict = {}

        def put(lhs, op, rhs, mat, r, c, fixed, free_kind, label=None, user=False):
            key = (lhs, op, rhs)
            if fixed is not None:
                par = Param(lhs, op, rhs, g, mat, r, c, 0, float(fixed), label, user)
            else:
                share = None
                if label is not None:
                    share = ("label", label)
                elif free_kind in group_equal:
                    share = (free_kind, lhs, op, rhs)
                par = Param(lhs, op, rhs, g, mat, r, c, new_id(share), 0.0, label, user)
            rows[key] = par

        # loadings
        first_done = set()
        for s in stmts:
            if s.op != "=~":
                continue
            r, c = oi[s.rhs], li[s.lhs]
            fixed = s.fixed
            if fixed is None and not s.free and s.label is None and not std_lv and s.lhs not in first_done:
                fixed = 1.0
            first_done.add(s.lhs)
            put(s.lhs, "=~", s.rhs, "lambda", r, c, fixed, "loadings", s.label, True)
        # user (co)variances
        for s in stmts:
            if s.op != "~~":
                continue
            a, b = s.lhs, s.rhs
            if (a in latent) != (b in latent):
                raise DataError("a (co)variance cannot join a factor and an observed variable", line=s.line,
                                value=f"{a} ~~ {b}", within="model syntax",
                                hint="Write ~~ between two factors or between two observed columns.")
            if a in latent:
                mat, r, c = "psi", li[a], li[b]
                kind = "lv.variances" if a == b else "lv.covariances"
            else:
                mat, r, c = "theta", oi[a], oi[b]
                kind = "residuals" if a == b else "residual.covariances"
            if (b, "~~", a) in rows:
                a, b = b, a
            put(a, "~~", b, mat, r, c, s.fixed, kind, s.label, True)
        # default variances and covariances
        for v in observed:
            if (v, "~~", v) not in rows:
                put(v, "~~", v, "theta", oi[v], oi[v], None, "residuals")
        for f in latent:
            if (f, "~~", f) not in rows:
                put(f, "~~", f, "psi", li[f], li[f], 1.0 if std_lv else None, "lv.variances")
        for a_i, a in enumerate(latent):
            for b in latent[a_i + 1:]:
                if (a, "~~", b) not in rows and (b, "~~", a) not in rows:
                    put(a, "~~", b, "psi", li[b], li[a], None, "lv.covariances")
        if meanstructure:
            user_means = {s.lhs: s for s in stmts if s.op == "~1"}
            for v in observed:
                s = user_means.get(v)
                put(v, "~1", "", "nu", oi[v], 0, s.fixed if s else None, "intercepts", s.label if s else None)
            for f in latent:
                s = user_means.get(f)
                if s is not None:
                    put(f, "~1", "", "alpha", li[f], 0, s.fixed, "means", s.label, True)
                elif g > 0 and "intercepts" in group_equal and "means" not in group_equal:
                    put(f, "~1", "", "alpha", li[f], 0, None, "means")
                else:
                    put(f, "~1", "", "alpha", li[f], 0, 0.0, "means")
        spec.params.extend(rows.values())
    spec.n_free = counter[0]
    return spec


def facet_scales(instrument, names=None) -> list:
    """The scales that are not totals of other scales (a total is the union of two or more of them)."""
    names = list(instrument.scales) if names is None else list(names)
    out = []
    for name in names:
        own = set(instrument.scales[name].items)
        parts = [set(instrument.scales[o].items) for o in names if o != name and set(instrument.scales[o].items) < own]
        if not (len(parts) >= 2 and set().union(*parts) == own):
            out.append(name)
    return out


def model_from_instrument(instrument, columns: dict | None = None) -> str:
    """The declared structure of an instrument as lavaan syntax: one factor per scale.

    ``columns`` maps item ids to data column names (``ItemSet.columns``); without it items are used
    by name. A total scale made of two or more of the other scales (Grit-S ``grit`` over its two
    facets) is left out: its factor would duplicate the facets' and the model would not be identified.
    """
    lines = []
    for name in facet_scales(instrument):
        scale = instrument.scales[name]
        cols = [str(columns[i]) if columns else str(i) for i in scale.items]
        bad = [c for c in cols if not _NAME.match(c)]
        if bad:
            raise DataError("cannot be used in a model", file=None, column=bad,
                            hint=f"rename them ({NAME_RULE})")
        lines.append(f"{name} =~ " + " + ".join(cols))
    return "\n".join(lines)
