"""A goal coder that learns from coders: n-grams plus the definitional features, in one scikit-learn pipeline.

The classes are ``mastery``, ``performance``, ``outcome`` and ``not_a_goal`` (complaints, wishes,
blanks). The text part sees the statement with every own-action verb replaced by one token
(:func:`analysis.goals.features.masked_text`), so "phone", "call", "ring" or "email" cannot decide
the class; the feature part is the nine features of :mod:`analysis.goals.features` and the two
pairs the definitions name (:data:`PAIRS`: an own action with a means or routine and nothing that
depends on others, for mastery; a measurable target that depends on others, for performance). A multinomial logistic
regression weighs them: a linear model whose weights a reviewer can read, fitted by a
deterministic solver, so that the same sheet gives the same coder on any machine.

A coder is saved with skops, whose loader builds only the types it is told to trust: a file that
asks for any other type (code smuggled in, or a file from elsewhere) is refused before anything in
it runs. The file also carries the training data's SHA-256 and the library versions.
"""

from __future__ import annotations

import hashlib
import io
import platform
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from ..errors import DataError, GoalscopeError
from ..formatting.apa import Apa, apa
from ..results import Result
from .features import FEATURE_NAMES, masked_text, statement_features
from ..checks import near_columns

#: the classes a trained coder assigns, in reporting order
CLASSES = ("mastery", "performance", "outcome", "not_a_goal")
TRAINING_DATA = Path(__file__).with_name("data") / "training.csv"
SEED = 2026
FORMAT = "goalscope goal coder 1"
#: the types a coder file may ask for besides scikit-learn's and numpy's own
#: the pairs the definitions name, as (feature, feature, feature that must be absent, or None): mastery is an
#: own action with a means or routine, controllable only if its attainment does not depend on others;
#: performance is a measurable target whose attainment depends on others
PAIRS = (("own_action", "means_or_routine", "depends_on_others"), ("depends_on_others", "measurable_target", None))
TRUSTED_TYPES = ["analysis.goals.model.DefinitionFeatures", "analysis.goals.model.MaskedText"]


class CoderFileError(GoalscopeError):
    """A coder file is missing, unreadable, altered, or not written by ``goalscope goals train``."""


class MaskedText(BaseEstimator, TransformerMixin):
    """Statements → normalised text with the own-action verbs masked (the n-grams' input)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [masked_text(x) for x in X]


class DefinitionFeatures(BaseEstimator, TransformerMixin):
    """Statements → 0/1 columns: the nine features and the two pairs of :data:`PAIRS`."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        rows = []
        for x in X:
            f = statement_features(x)
            row = [float(f[n]) for n in FEATURE_NAMES]
            row += [float(f[a] and f[b] and (not f[c] if c else True)) for a, b, c in PAIRS]
            rows.append(row)
        return np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURE_NAMES) + len(PAIRS))


def build_pipeline(seed: int = SEED):
    """The untrained pipeline: word 1–2-grams and character 2–4-grams of the masked text, plus the features."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    words = Pipeline([("mask", MaskedText()),
                      ("tfidf", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"))])
    chars = Pipeline([("mask", MaskedText()),
                      ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2))])
    union = FeatureUnion([("words", words), ("chars", chars), ("features", DefinitionFeatures())],
                         transformer_weights={"words": 1.0, "chars": 1.0, "features": 1.5})
    clf = LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced", random_state=seed)
    return Pipeline([("union", union), ("clf", clf)])


def _versions() -> dict:
    import scipy
    import skops
    import sklearn

    from .._version import __version__ as goalscope_version

    return {"goalscope": str(goalscope_version), "scikit-learn": sklearn.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "skops": skops.__version__, "python": platform.python_version()}


def data_hash(statements, labels) -> str:
    """SHA-256 of the training data: one line per statement, ``label<TAB>statement``, in sheet order."""
    h = hashlib.sha256()
    for s, lab in zip(statements, labels):
        h.update(f"{lab}\t{s}\n".encode("utf-8"))
    return h.hexdigest()


def _read_sheet(sheet, text: str, label: str) -> tuple[pd.DataFrame, str]:
    """The training statements and labels, checked: every row has a statement and a known class."""
    if isinstance(sheet, pd.DataFrame):
        df, source = sheet, sheet.attrs.get("source")
    else:
        from ..io import read_responses

        source = str(sheet)
        df = read_responses(sheet, text_columns=[text, label])
    for col in (text, label):
        if col not in df.columns:
            raise DataError(f"is not in the training sheet (columns: {', '.join(map(str, df.columns[:12]))})",
                            file=source, column=col, hint=f"a training sheet holds the statements in '{text}' and the "
                                                          f"human codes in '{label}'." + near_columns(col, df))
    out = pd.DataFrame({"statement": df[text].astype("string").str.strip(),
                        "label": df[label].astype("string").str.strip().str.lower()})
    from ..io import row_label

    for i, (s, lab) in zip(df.index, zip(out["statement"], out["label"])):
        row = row_label(df, i)
        if pd.isna(lab) or lab not in CLASSES:
            raise DataError(f"is not one of {', '.join(CLASSES)}", file=source, row=row, column=label,
                            value="" if pd.isna(lab) else lab, hint="code every training statement with one of them")
        if pd.isna(s) or not s:
            raise DataError("the statement is blank", file=source, row=row, column=text, value="",
                            hint="code a blank answer as not_a_goal with its text (e.g. 'n/a') or remove the row")
    missing = [c for c in CLASSES if c not in set(out["label"])]
    if missing:
        raise DataError(f"has no statement coded {missing[0]!r}", file=source, column=label,
                        hint=f"a coder needs examples of every class ({', '.join(CLASSES)})")
    return out, source


@dataclass
class GoalCoder(Result):
    """A trained goal coder (see :func:`train_goal_coder`): the pipeline, its cross-validation and provenance.

    ``.table()`` is per-class precision and recall in cross-validation; ``.summary()`` the overall
    accuracy and Cohen's kappa with its CI; ``.apa()`` says it in a sentence; ``.meta`` holds the
    training data's SHA-256, the class counts, the seed and the library versions;
    ``.save(path)`` writes a skops file that :func:`load_goal_coder` reads back.

    Examples
    --------
    >>> coder = default_goal_coder()
    >>> coder.predict(["Call each key account once a month to hear their plans", "Close 20 sales a month",
    ...                "Be a better manager", "Too many meetings"])
    ['mastery', 'performance', 'outcome', 'not_a_goal']

    R has no equivalent of the pipeline; the kappa is ``psych::cohen.kappa`` on the cross-validated codes.
    """

    pipeline: object
    meta: dict
    cv: pd.DataFrame = field(default_factory=pd.DataFrame)
    r_call: str = "no R equivalent: scikit-learn pipeline; kappa as psych::cohen.kappa(cbind(label, cv_code))"

    @property
    def n(self) -> int:
        return int(self.meta["n"])

    @property
    def n_excluded(self) -> int:
        return 0

    @property
    def options(self) -> dict:
        return {"seed": self.meta["seed"], "n_splits": self.meta["n_splits"], "level": self.meta["level"]}

    def predict_proba(self, statements) -> pd.DataFrame:
        """Probability of each class for each statement (columns in :data:`CLASSES` order)."""
        texts = ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in statements]
        p = self.pipeline.predict_proba(texts)
        order = [list(self.pipeline.classes_).index(c) for c in CLASSES]
        return pd.DataFrame(p[:, order], columns=list(CLASSES))

    def predict(self, statements) -> list[str]:
        """The class of each statement (a blank statement is ``not_a_goal``)."""
        texts = list(statements)
        p = self.predict_proba(texts)
        out = [CLASSES[int(i)] for i in np.argmax(p.to_numpy(), axis=1)]
        return ["not_a_goal" if not str(t if t is not None else "").strip() or (isinstance(t, float) and np.isnan(t))
                else c for t, c in zip(texts, out)]

    def table(self) -> pd.DataFrame:
        """Per-class precision and recall of the cross-validated codes against the training labels."""
        return self.cv.copy()

    def summary(self) -> pd.DataFrame:
        m = self.meta
        return pd.DataFrame([{"n": m["n"], "n_splits": m["n_splits"], "accuracy": m["cv_accuracy"],
                              "kappa": m["cv_kappa"], "ci_low": m["cv_kappa_ci"][0], "ci_high": m["cv_kappa_ci"][1],
                              "level": m["level"], "data_sha256": m["data_sha256"]}])

    def save(self, path) -> Path:
        """Write the coder as a skops file (refused on load if altered to ask for other types)."""
        import skops.io as sio

        from ..io.writers import atomic_write_bytes

        payload = {"format": FORMAT, "pipeline": self.pipeline, "meta": self.meta, "cv": self.cv.to_dict(orient="list")}
        return atomic_write_bytes(path, sio.dumps(payload))


@apa.register
def _apa_coder(res: GoalCoder) -> Apa:
    m = res.meta
    lo, hi = m["cv_kappa_ci"]
    est = f"κ = {m['cv_kappa']:.2f}, {m['level']:.0%} CI [{lo:.2f}, {hi:.2f}]".replace("0.", ".")
    text = (f"Trained on {m['n']} coded statements; in {m['n_splits']}-fold cross-validation the coder agreed "
            f"with the labels on {m['cv_accuracy']:.1%} of statements, {est}.")
    return Apa(estimate=est, full_result=text, table=res.table())


def _cross_validate(pipe_factory, X, y, *, n_splits: int, seed: int, level: float):
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from .agreement import cohen_kappa

    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    pred = cross_val_predict(pipe_factory(), X, y, cv=folds)
    prec, rec, _, support = precision_recall_fscore_support(y, pred, labels=list(CLASSES), zero_division=0)
    table = pd.DataFrame({"goal_type": list(CLASSES), "precision": prec, "recall": rec, "n": support.astype(int)})
    k = cohen_kappa(list(y), list(pred), level=level)
    return pred, table, k


def train_goal_coder(sheet, *, text: str = "statement", label: str = "label", seed: int = SEED,
                     n_splits: int = 5, level: float = 0.95) -> GoalCoder:
    """Train a goal coder on human-coded statements, with its cross-validated agreement.

    Parameters
    ----------
    sheet : path or DataFrame
        A coded sheet (.csv, .xlsx, …): one statement per row in column ``text`` and its code in
        column ``label`` (one of mastery, performance, outcome, not_a_goal).
    text, label : str
        Column names.
    seed : int, default 2026
        Seeds the cross-validation folds (the fit itself is deterministic).
    n_splits : int, default 5
        Cross-validation folds; stratified by class.
    level : float, default 0.95
        Confidence level of kappa's CI.

    Returns
    -------
    GoalCoder
        ``.predict()``, ``.save()``; ``.table()`` per-class precision/recall and ``.summary()``
        accuracy and kappa from cross-validation.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.goals.model import TRAINING_DATA
    >>> coder = train_goal_coder(TRAINING_DATA)
    >>> coder.n, coder.meta["data_sha256"] == default_goal_coder().meta["data_sha256"]
    (568, True)

    R has no equivalent of the pipeline; the kappa is ``psych::cohen.kappa`` on the cross-validated codes.
    """
    from .agreement import _check_level

    level = _check_level(level)
    df, source = _read_sheet(sheet, text, label)
    counts = df["label"].value_counts()
    if int(counts.min()) < n_splits:
        raise DataError(f"has {int(counts.min())} statements of class '{counts.idxmin()}'; {n_splits}-fold "
                        f"cross-validation needs at least {n_splits} of each class", file=source, column=label,
                        hint="code more, or lower n_splits")
    X, y = df["statement"].tolist(), df["label"].to_numpy()
    _, cv, k = _cross_validate(lambda: build_pipeline(seed), X, y, n_splits=n_splits, seed=seed, level=level)
    pipe = build_pipeline(seed).fit(X, y)
    meta = {"format": FORMAT, "n": len(df), "counts": {c: int(counts.get(c, 0)) for c in CLASSES},
            "data_sha256": data_hash(X, y), "seed": int(seed), "n_splits": int(n_splits), "level": level,
            "cv_accuracy": float(k["agreement"]) / 100.0, "cv_kappa": float(k["kappa"]),
            "cv_kappa_ci": [float(k["ci_low"]), float(k["ci_high"])], "versions": _versions()}
    return GoalCoder(pipeline=pipe, meta=meta, cv=cv)


def load_goal_coder(path) -> GoalCoder:
    """Read a coder file written by :meth:`GoalCoder.save`, refusing any file that asks for untrusted types.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "coder.skops")
    >>> _ = default_goal_coder().save(p)
    >>> load_goal_coder(p).predict(["Be the top seller in the region this year"])
    ['performance']

    R has no equivalent.
    """
    import zipfile

    import skops.io as sio

    p = Path(path)
    if not p.is_file():
        raise CoderFileError("does not exist", file=str(p), hint=f"train one with: goalscope goals train SHEET -o {p.name}")
    data = p.read_bytes()
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise CoderFileError(f"is not a skops coder file ({type(exc).__name__})", file=str(p),
                             hint="train one with: goalscope goals train SHEET -o coder.skops") from None
    unexpected = [t for t in untrusted if t not in TRUSTED_TYPES]
    if unexpected:
        raise CoderFileError(f"is refused: it asks for types goalscope does not trust ({', '.join(unexpected)}); "
                             "it was altered or not written by goalscope goals train", file=str(p),
                             hint="Retrain it from the coding sheet rather than loading it")
    try:
        payload = sio.loads(data, trusted=[t for t in untrusted if t in TRUSTED_TYPES])
    except Exception as exc:  # noqa: BLE001 - any failure to build the objects means an unusable file
        raise CoderFileError(f"could not be read ({type(exc).__name__}: {exc})", file=str(p),
                             hint="retrain it with goalscope goals train") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or "pipeline" not in payload:
        raise CoderFileError(f"is not a goalscope goal coder (no '{FORMAT}' format mark)", file=str(p),
                             hint="train one with: goalscope goals train SHEET -o coder.skops")
    return GoalCoder(pipeline=payload["pipeline"], meta=payload["meta"], cv=pd.DataFrame(payload.get("cv", {})))


@lru_cache(maxsize=1)
def _default() -> GoalCoder:
    return train_goal_coder(TRAINING_DATA)


def default_goal_coder() -> GoalCoder:
    """The shipped coder: trained at first use, deterministically (seed 2026), from the shipped training set.

    The training set (``analysis/goals/data/training.csv``) was written for goalscope (licence:
    the project's own); the coder is not saved in the repository but trained in about a second,
    so a reviewer can always rebuild exactly what ran.

    Examples
    --------
    >>> default_goal_coder().meta["counts"]
    {'mastery': 151, 'performance': 122, 'outcome': 130, 'not_a_goal': 165}

    R has no equivalent.
    """
    return _default()


def get_goal_coder(coder="default") -> GoalCoder:
    """A coder from ``"default"``, a :class:`GoalCoder` or a coder file path."""
    if isinstance(coder, GoalCoder):
        return coder
    if str(coder) == "default":
        return default_goal_coder()
    return load_goal_coder(coder)
