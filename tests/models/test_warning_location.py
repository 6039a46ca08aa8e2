"""A renamed name warns at the user's line, not inside goalscope (``stacklevel`` past the wrappers)."""

import warnings

from analysis.datasets import read_dataset
from analysis.models import fit_mediation, partial_correlation


def test_renamed_names_warn_at_the_callers_line():
    d = read_dataset("demo")
    res = partial_correlation(d, "exam1", "exam3", covar=["exam2"])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res["r"]
        fit_mediation(d, "exam1", "exam2", "exam3", n_boot=100, seed=1, ci="percentile")
    assert [x.filename for x in w] == [__file__] * 3
    assert [str(x.message).split(" is renamed")[0] for x in w] == [
        "PartialCorrelationResult.r", "fit_mediation(): 'ci'", "analysis.models.fit_mediation()"]
