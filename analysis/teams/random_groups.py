"""Random-group resampling (Bliese & Halverson; multilevel::rgr.agree): real within-group variances
compared with those of random groups of the same sizes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_seed, draw_seed
from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num, apa_p
from ..results import Result
from .grouped_items import group_items


@dataclass
class RgrAgreeResult(Result):
    """Random-group resampling of within-group variances (Bliese & Halverson; multilevel::rgr.agree).

    ``table()`` one row: ``variable, n, n_groups, n_random_groups, mean_group_var,
    mean_random_var, sd_random_var, statistic`` (z), ``p_val`` (one-tailed: real groups agree more
    than random ones); ``summary()`` the same facts in multilevel's layout (``z``); ``quantiles()``
    the random-group variances' quantiles; ``apa()`` the text; ``options`` and ``r_call``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import rgr_agree
    >>> res = rgr_agree(read_dataset("staff_demo"), "wdgo_1", "department", 100, seed=1)
    >>> res.n, res.n_groups, res.table().columns[-2:].tolist()
    (334, 6, ['statistic', 'p_val'])

    # R: set.seed(1); summary(multilevel::rgr.agree(staff$wdgo_1, staff$department, 100))
    """

    variable: str
    n: int
    n_groups: int
    n_random_groups: int
    mean_random_var: float
    sd_random_var: float
    mean_group_var: float
    z: float
    random_vars: np.ndarray
    seed: int | None = None
    n_excluded: int = 0
    options: dict = field(default_factory=dict)
    r_call: str = ""

    @property
    def p_val(self) -> float:
        """One-tailed p of z (real groups agree more than random ones)."""
        return float(stats.norm.cdf(self.z))

    def quantiles(self) -> pd.DataFrame:
        """One-tailed lower and upper quantiles of the random-group variances (R's type-7)."""
        probs = [0.005, 0.01, 0.025, 0.05, 0.10, 0.90, 0.95, 0.975, 0.99, 0.995]
        return pd.DataFrame({"prob": probs, "random_var": np.quantile(self.random_vars, probs)})

    def table(self) -> pd.DataFrame:
        """One row: ``variable, n, n_groups, n_random_groups, mean_group_var, mean_random_var,
        sd_random_var, statistic`` (z) ``, p_val`` (one-tailed)."""
        return pd.DataFrame([{"variable": self.variable, "n": self.n, "n_groups": self.n_groups,
                              "n_random_groups": self.n_random_groups, "mean_group_var": self.mean_group_var,
                              "mean_random_var": self.mean_random_var, "sd_random_var": self.sd_random_var,
                              "statistic": self.z, "p_val": self.p_val}])

    def summary(self) -> pd.DataFrame:
        """One row: ``variable, n, n_groups, n_random_groups, mean_random_var, sd_random_var, mean_group_var, z``."""
        return pd.DataFrame([{"variable": self.variable, "n": self.n, "n_groups": self.n_groups,
                              "n_random_groups": self.n_random_groups, "mean_random_var": self.mean_random_var,
                              "sd_random_var": self.sd_random_var, "mean_group_var": self.mean_group_var,
                              "z": self.z}])


@renamed(value="y")
def rgr_agree(data, y, group, n_random_groups: int = 1000, *, seed=None, permutations=None) -> RgrAgreeResult:
    """Compare real within-group variances with those of random groups of the same sizes.

    Parameters
    ----------
    data : DataFrame
    y : str
        One variable (rows with a missing value are dropped); ``value`` before this release (it still
        works, with a FutureWarning).
    group : str
        Grouping column; every group needs at least two members.
    n_random_groups : int
        About this many random groups are drawn: ``round(n_random_groups / G)`` shuffles of all
        people, each cut into pseudo-groups with the real group sizes (in sorted group order).
    seed : int or numpy.random.Generator, optional
        Seed of numpy's generator (results are reproducible for a seed, not equal to R's draws).
        Default None: a fresh seed is drawn and stated as ``.seed`` on the result.
    permutations : array, optional
        ``reps × N`` row positions (0-based) defining the random groups explicitly; the first
        ``size_1`` positions form pseudo-group 1, and so on. Used to replay R's draws in tests.

    Returns
    -------
    RgrAgreeResult
        ``z = (mean real variance − mean random variance) / (SD random / √G)``; a negative z means
        real groups agree more than random ones. Under random grouping the expected mean random
        variance equals the total sample variance of ``y``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": [1, 1, 1, 2, 2, 2], "q": [4, 4, 5, 1, 2, 2]})
    >>> r = rgr_agree(df, "q", "team", 100, seed=1)
    >>> r.n_random_groups, round(r.mean_group_var, 4)
    (100, 0.3333)

    # R: set.seed(1); summary(multilevel::rgr.agree(df$q, df$team, 100))
    """
    gi = group_items(data, [y], group)
    if (gi.n < 2).any() or not gi.keep.all():
        small = gi.labels[gi.n < 2][:5].tolist() or gi.all_labels[~gi.keep][:5].tolist()
        raise DataError(f"has group(s) {small} with fewer than two people with a '{y}' value",
                        file=data.attrs.get("source"), column=group, within="rgr_agree",
                        hint="rgr_agree needs at least two people in every group; leave the small groups out")
    n, g = len(gi.x), len(gi.n)
    pseudo = np.repeat(np.arange(g), gi.n)
    given = permutations is not None      # R's draws replayed (tests): no seed of ours
    if permutations is None:
        reps = int(round(n_random_groups / g))
        seed = check_seed(seed, "rgr_agree")
        if seed is None:  # state the seed drawn, so the user can repeat the run
            seed = draw_seed()
        rng = np.random.default_rng(seed)
        permutations = np.stack([rng.permutation(n) for _ in range(reps)]) if reps else np.empty((0, n), dtype=int)
    perms = np.asarray(permutations, dtype=np.int64)
    if perms.ndim != 2 or perms.shape[1] != n:
        raise DataError(f"must be reps × {n} row positions", argument="permutations", value=perms.shape,
                        within="rgr_agree", hint="leave permutations out to draw them from seed=")
    xs = _data_order(data, y, group)  # R's ran.group draws rows of x in data order
    out = np.empty(perms.shape[0] * g)
    for r, p in enumerate(perms):  # a loop over replications; each is vectorised over groups
        v = xs[p]
        s = np.bincount(pseudo, weights=v, minlength=g)
        m = s / gi.n
        d = v - m[pseudo]
        out[r * g:(r + 1) * g] = np.bincount(pseudo, weights=d * d, minlength=g) / (gi.n - 1)
    mean_group_var = float(np.mean(gi.var[:, 0]))
    mean_r = float(out.mean()) if out.size else np.nan
    sd_r = float(out.std(ddof=1)) if out.size > 1 else np.nan
    z = (mean_group_var - mean_r) / (sd_r / np.sqrt(g))
    r_call = (f"summary(multilevel::rgr.agree(data${y}, data${group}, {n_random_groups}))" if given else
              f"set.seed({seed}); summary(multilevel::rgr.agree(data${y}, data${group}, {n_random_groups}))"
              f"  # R's draws differ from numpy's")
    options = {"y": y, "group": group, "n_random_groups": n_random_groups, "seed": seed,
               "permutations": "given" if given else None, "nan_policy": "omit"}
    return RgrAgreeResult(variable=y, n=n, n_groups=g, n_random_groups=out.size, mean_random_var=mean_r,
                          sd_random_var=sd_r, mean_group_var=mean_group_var, z=float(z), random_vars=out, seed=seed,
                          n_excluded=gi.n_rows - n, options=options, r_call=r_call)


def _data_order(data, value, group) -> np.ndarray:
    """Values of rows with a value and a group, in the data's row order (R's ``x``)."""
    y = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = ~np.isnan(y) & data[group].notna().to_numpy()
    return y[ok]


@apa.register
def _(res: RgrAgreeResult) -> Apa:
    est = (f"mean within-group variance = {apa_num(res.mean_group_var)}, random groups: M = "
           f"{apa_num(res.mean_random_var)}, SD = {apa_num(res.sd_random_var)}")
    p = res.p_val  # one-tailed: real groups agree more than random ones
    stat = f"z = {apa_num(res.z)}, {apa_p(p)} (one-tailed, {res.n_random_groups} random groups)"
    return Apa(estimate=est, statistic=stat, full_result=f"{est}; {stat}", table=res.summary())
