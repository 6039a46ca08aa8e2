"""The registry: every entry validated, sourced and free of unpublished numbers; clear schema errors."""

import re

import pandas as pd
import pytest

from analysis import published_findings
from analysis.findings import CONSTRUCTS, FindingsError, describe_finding, get_finding, load_findings
from analysis.findings.registry import SHIPPED
from tests.conftest import ROOT
from messages import flat

# every number the registry holds, with the source table it comes from (literature.md 2.1 and 2.2);
# a new number must be added here on purpose, with its source
PUBLISHED_NUMBERS = {
    "diaconu-gherasim-2024-map-depression": -0.18, "diaconu-gherasim-2024-map-anxiety": -0.10,
    "diaconu-gherasim-2024-mav-depression": -0.13, "diaconu-gherasim-2024-mav-anxiety": 0.08,
    "diaconu-gherasim-2024-pap-depression": 0.05, "diaconu-gherasim-2024-pap-anxiety": 0.15,
    "diaconu-gherasim-2024-pav-depression": 0.16, "diaconu-gherasim-2024-pav-anxiety": 0.25,
    "hulleman-2010-pap-normative-performance": 0.14, "hulleman-2010-pap-appearance-performance": -0.14,
    "hulleman-2010-map-goal-language-performance": 0.05,
}
SIGNIFICANCE = {  # as Diaconu-Gherasim et al. (2024) report it
    "map-depression": True, "map-anxiety": True, "mav-depression": False, "mav-anxiety": False,
    "pap-depression": False, "pap-anxiety": True, "pav-depression": True, "pav-anxiety": True,
}
REQUIRED_WORKS = ["howell-watson-2007", "howell-buro-2009", "seo-2009", "wolters-2003", "cao-2012",
                  "grant-dweck-2003", "dykman-1998", "lindsay-scott-2005", "diaconu-gherasim-2024",
                  "hulleman-2010", "van-yperen-2014", "payne-2007", "cellar-2011", "baranik-2010",
                  "crede-2017", "steel-2007"]


def test_registry_holds_every_required_work():
    ids = [f.id for f in load_findings()]
    for work in REQUIRED_WORKS:
        assert any(i.startswith(work + "-") for i in ids), work
    assert len(ids) == len(set(ids)) == 57


def test_every_entry_has_source_and_status():
    for f in load_findings():
        assert f.status in ("V", "S")
        assert f.source.urls and all(u.startswith(("http://", "https://")) for u in f.source.urls)
        assert len(f.source.location) >= 3
        assert f.citation and set(f.constructs) <= set(CONSTRUCTS)


def test_numbers_are_exactly_the_published_ones():
    numeric = {f.id: f.effect.value for f in load_findings() if f.has_value}
    assert numeric == PUBLISHED_NUMBERS
    for f in load_findings():
        if not f.has_value:  # direction only: no number anywhere in the effect
            assert f.effect.value is None and f.effect.ci is None and f.effect.se is None
            assert f.effect.direction in ("positive", "negative", "none", "nonzero")


def test_diaconu_gherasim_all_eight_with_significance():
    for cell, sig in SIGNIFICANCE.items():
        f = get_finding(f"diaconu-gherasim-2024-{cell}")
        assert f.effect.kind == "r" and f.effect.significant is sig and f.design == "meta-analysis"
        assert f.doi == "10.1007/s10648-024-09943-5" and f.sample.n is None


def test_samples_as_published():
    assert get_finding("howell-watson-2007-map-procrastination").sample.n == 170
    assert get_finding("howell-buro-2009-mav-procrastination").sample.n == 397
    assert get_finding("seo-2009-map-procrastination").sample.n == 307
    assert get_finding("cao-2012-map-active-procrastination").sample.n == 125
    h = get_finding("hulleman-2010-pap-normative-performance").sample
    assert (h.k, h.n_total) == (243, 91087)
    c = get_finding("crede-2017-grit-performance").sample
    assert (c.k, c.n_total) == (88, 66807)
    assert get_finding("steel-2007-self-efficacy-procrastination").sample.k == 691
    assert get_finding("seo-2009-map-procrastination").status == "S"
    assert get_finding("dykman-1998-validation-seeking-depression").claim == "prediction"


def test_published_findings_frame():
    t = published_findings()
    assert list(t.columns[:6]) == ["id", "construct_x", "construct_y", "subgroup", "kind", "value"]
    assert len(t) == 57 and t["value"].notna().sum() == 11
    assert t.loc[t["id"] == "hulleman-2010-pap-appearance-performance", "value"].item() == -0.14
    p = published_findings("procrastination")
    assert ((p["construct_x"] == "procrastination") | (p["construct_y"] == "procrastination")).all()
    assert len(p) == 17  # Howell & Watson 3, Howell & Buro 5, Seo 2, Wolters 2, Steel 2, van Eerde 2, Kim & Seo 1
    with pytest.raises(FindingsError, match="^construct='procrast': unknown construct 'procrast'") as err:
        published_findings("procrast")
    assert flat(err.value).endswith("work_avoidance; use one of the valid names (`goalscope findings` lists what "
                                    "each construct links)")


def test_describe_and_lookup():
    text = describe_finding("diaconu-gherasim-2024-pav-anxiety")
    assert "r = 0.25, significant" in text and "abstract" in text and "status:     V" in text
    text = describe_finding("howell-watson-2007-map-procrastination")
    assert "direction only: negative (no published number)" in text and "N = 170" in text
    with pytest.raises(FindingsError, match="^finding='howell-2007': unknown finding 'howell-2007'. Did you mean: "
                                            "howell-watson-2007-map") as err:
        get_finding("howell-2007")
    assert flat(err.value).endswith("? List the registry with `goalscope findings` or analysis.published_findings().")


def test_no_file_outside_the_project_is_cited():
    for path in [*sorted((ROOT / "analysis").rglob("*.yaml")), ROOT / "README.md"]:
        assert "shared/reference" not in path.read_text(encoding="utf-8"), path


GOOD = dict(id="x-2020-map-procrastination", citation="Someone, A. (2020). A journal, 1, 1-2.",
            design="correlational", sample={"n": 100, "population": "students"},
            constructs=["mastery_approach", "procrastination"], effect={"kind": "r", "value": -0.2},
            status="V", source={"urls": ["https://example.org/a"], "location": "Table 2"})


def _entry(**changes):
    e = {**GOOD, **changes}
    return {k: v for k, v in e.items() if v is not None}


def _write(tmp_path, entries):
    import yaml

    p = tmp_path / "mine.yaml"
    p.write_text(yaml.safe_dump({"findings": entries}, sort_keys=False))
    return p


def test_a_good_user_registry_loads(tmp_path):
    (f,) = load_findings(_write(tmp_path, [_entry()]))
    assert f.effect.value == -0.2 and f.sample.n == 100


@pytest.mark.parametrize("changes,message", [
    ({"effect": {"kind": "direction", "direction": "negative", "value": -0.2}},
     r"entry 'x-2020-map-procrastination': field 'effect': a direction-only effect carries no number, but value is given"),
    ({"effect": {"kind": "direction", "direction": "negative", "ci": [-0.3, -0.1]}},
     r"field 'effect': a direction-only effect carries no number, but ci is given"),
    ({"effect": {"kind": "direction"}}, r"field 'effect': a direction-only effect needs 'direction'"),
    ({"effect": {"kind": "r"}}, r"field 'effect': an effect of kind r needs its published 'value'"),
    ({"effect": {"kind": "r", "value": 1.3}}, r"a correlation must lie strictly between -1 and 1 \(got 1.3\)"),
    ({"effect": {"kind": "r", "value": -0.2, "ci": [0.1, 0.3]}}, r"ci \[0.1, 0.3\] does not contain the value -0.2"),
    ({"effect": {"kind": "r", "value": -0.2, "direction": "positive"}}, r"direction 'positive' contradicts the value -0.2"),
    ({"constructs": ["mastery_approach", "procrastinaton"]}, r"field 'constructs': unknown construct 'procrastinaton'"),
    ({"status": "?"}, r"field 'status': Input should be 'V' or 'S' \(got '\?'\)"),
    ({"source": {"urls": ["https://example.org/a"]}}, r"field 'source.location': Field required"),
    ({"source": {"urls": [], "location": "abstract"}}, r"field 'source.urls': List should have at least 1 item"),
    ({"source": {"urls": ["example.org"], "location": "abstract"}}, r"each source must be a full http\(s\) address: example.org"),
    ({"source": None}, r"field 'source': Field required"),
    ({"doi": "https://doi.org/10.1/x"}, r"field 'doi': a DOI looks like"),
    ({"design": "survey"}, r"field 'design': Input should be 'correlational', 'longitudinal', 'experimental' or 'meta-analysis'"),
    ({"design": "meta-analysis"}, r"a meta-analysis has no single N"),
    ({"id": "Bad ID"}, r"entry 'Bad ID': field 'id': use lower-case letters and digits"),
    ({"colour": "red"}, r"field 'colour': Extra inputs are not permitted"),
    ({"instruments": {"grit": "Grit-S"}}, r"instruments named for constructs the finding does not link: grit"),
])
def test_bad_entries_name_file_entry_and_field(tmp_path, changes, message):
    p = _write(tmp_path, [_entry(**changes)])
    with pytest.raises(FindingsError, match=message) as err:
        load_findings(p)
    assert str(err.value).startswith(f"findings file '{p}', entry ")


def test_duplicate_ids_and_file_shape(tmp_path):
    p = _write(tmp_path, [_entry(), _entry()])
    with pytest.raises(FindingsError) as err:
        load_findings(p)
    assert flat(err.value) == (f"file '{p}', field 'findings[2].id', value 'x-2020-map-procrastination': the id is "
                               "used twice (entries 1 and 2); give every finding its own id")
    q = tmp_path / "flat.yaml"
    q.write_text("- id: a\n")
    with pytest.raises(FindingsError) as err:
        load_findings(q)
    assert flat(err.value) == (f"file '{q}': expected a top-level 'findings:' list. Put the entries under "
                               "'findings:', as the shipped published.yaml does.")
    q.write_text("findings: [1]\n")
    with pytest.raises(FindingsError) as err:
        load_findings(q)
    assert flat(err.value) == (f"file '{q}', field 'findings[1]', value 1: expected a mapping (id: ..., effect: "
                               "...). Write the entry's fields (id:, effect:, …) under its '- '.")
    q.write_text("findings: {id: a}\n")
    with pytest.raises(FindingsError) as err:
        load_findings(q)
    assert flat(err.value) == (f"file '{q}', field 'findings' must be a list of entries (- id: ...). Start each "
                               "finding with '- id:' under 'findings:'.")
    with pytest.raises(FindingsError, match=r"file '.*nowhere.yaml' does not exist. Check the path of the findings file."):
        load_findings(tmp_path / "nowhere.yaml")


def test_shipped_file_comments_state_the_rule():
    text = SHIPPED.read_text(encoding="utf-8")
    assert re.search(r"carries no number", text)


def test_instrument_keys_carry_their_sources():
    from analysis.instruments import list_instruments, load_instrument

    for iid in list_instruments()["id"]:
        key = load_instrument(iid)
        assert key.sources, iid
        for src in key.sources:
            assert re.search(r"status [VS?]", src), (iid, src)
            assert re.search(r"https?://|doi 10\.|GitHub", src), (iid, src)
        assert "source: " in key.summary()
