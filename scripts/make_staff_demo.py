"""Generate the synthetic staff survey in data/raw/staff_demo/ (fixed seed; no real people).

    python scripts/make_staff_demo.py            # rewrite data/raw/staff_demo/responses*.csv
    python scripts/make_staff_demo.py --out DIR  # write elsewhere (a test checks the committed files)

A made-up organisation of 6 departments and 34 teams (1 to 16 people; a few below the default
minimum reporting size of 5), spread over three sites that cut across teams. Everyone answered
VandeWalle's 13-item work-domain goal-orientation scale (learning 1-5, avoid 6-9, prove 10-13) on
the key's 1-6 range. Team "goal climate" (the team mean of learning orientation) varies between
teams, so agreement and ICC(1) are moderate. Outcomes follow the direction of Payne, Youngcourt &
Beaubien (2007): learning orientation goes with better rated performance, avoid orientation with
worse, prove orientation with neither. ``email`` (identifier) and ``comment`` (free text) exist
only so that the report's handling of them is exercised: neither may ever reach a report.
``goal`` answers "My main goal for next year" with invented statements of the person's department
(mastery, performance and outcome goals, some non-goals, some blanks; see GOALS), drawn from a
generator of its own (the wave's seed + GOAL_SEED_OFFSET) so that every other column keeps its bytes.

``responses_wave2.csv`` is the same survey a year later (its own seed, drawn after and
independently of the first wave, so the first file is unchanged): about 12% of people have left
and been replaced by new staff, about 8% have moved to another team, team OPE-08 was dissolved
into the other Operations teams and a new team SAL-07 was formed. Sales ran a coaching programme
on controllable, specific goals between the waves, so its teams' learning climate is higher.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2026
ROOT = Path(__file__).resolve().parents[1]
DEPARTMENTS = {"Finance": 4, "Operations": 8, "Sales": 6, "Engineering": 9, "People": 3, "Legal": 4}
SITES = ["North", "South", "East"]
COMMENTS = ["More time for training would help.", "Deadlines are tight this quarter.",
            "I would like clearer feedback from my line manager.", "Good team spirit.",
            "Too many meetings.", "", "", ""]

#: "My main goal for next year": invented statements (ours), by department and kind. Mastery: what the
#: person will do or learn, how and how often; performance: a clear target that depends on others or
#: circumstances; outcome: a wished-for result without means; not a goal: complaints, wishes, remarks.
GOALS = {
    "Finance": {
        "mastery": [
            "Reconcile the supplier accounts every Friday instead of leaving them to month end",
            "learn Power Query properly by rebuilding one of my monthly reports with it each quarter",
            "Sit down with the budget holders once a month and go through their variances line by line",
            "I will check every journal I post against the source document before I submit it",
            "Take the first module of the tax course and apply one thing from it to our VAT returns",
            "Write down the steps of the year-end close as I do them so I can improve them next time",
        ],
        "performance": [
            "Close the month within 5 working days",
            "Get the audit signed off with no management letter points",
            "Reduce overdue invoices to under 3% by December",
            "pass my ACCA exams",
            "Be promoted to senior accountant",
        ],
        "outcome": [
            "Be more organised",
            "Get better with Excel",
            "improve the forecasting",
            "Have a less stressful year end",
            "Be seen as a business partner rather than just the numbers person",
        ],
    },
    "Operations": {
        "mastery": [
            "Walk the floor with the shift lead every morning and note one thing to fix",
            "Learn to run the new scheduling tool by using it for my own rota each week",
            "Hold a ten-minute huddle at the start of every shift to go over yesterday's problems",
            "After every late delivery I will trace what happened and write it up in the log",
            "Practise the forklift refresher drills once a month until I can do them without the card",
            "Spend one afternoon a month in the warehouse at the other site to see how they pick orders",
        ],
        "performance": [
            "Hit 98% on-time dispatch",
            "Zero lost-time accidents on my shift this year",
            "Get my team to the top of the site productivity table",
            "Cut picking errors by half",
            "Get the ISO certificate renewed first time",
        ],
        "outcome": [
            "Make things run smoother",
            "better communication between shifts",
            "Be a better supervisor",
            "improve safety",
            "Less firefighting",
            "Keep on top of things",
        ],
    },
    "Sales": {
        "mastery": [
            "Call each of my key accounts once a month to ask what is changing in their business",
            "Role-play one difficult customer conversation with a colleague every week",
            "I want to learn how to negotiate on value, so I will read one book on it and try one idea per call",
            "Review my lost deals every Friday and write down what I could have asked earlier",
            "Prepare three questions before every client meeting and note the answers afterwards",
            "Shadow our best account manager on two visits a month",
        ],
        "performance": [
            "Hit my target of 1.2m",
            "Close 20 new accounts",
            "Win the Northern region contract",
            "Be in the top 3 of the sales league",
            "Make President's Club",
            "Get promoted to account director",
            "Grow my territory by 15%",
        ],
        "outcome": [
            "Sell more",
            "Be more confident with big clients",
            "Build better relationships with customers",
            "get better at closing",
            "Have a good year",
        ],
    },
    "Engineering": {
        "mastery": [
            "Write tests first for every change I make to the billing service",
            "Review two pull requests a day and leave at least one comment that explains why",
            "Learn Rust by porting one small internal tool to it, an hour every Thursday",
            "Pair with a junior developer once a week and let them drive",
            "After each incident I am on call for, I will write the postmortem myself within two days",
            "Read the design docs of the systems I depend on, one a fortnight, and ask the owners questions",
            "Give one short talk a quarter at the team's knowledge-sharing session",
        ],
        "performance": [
            "Ship the new checkout before Black Friday",
            "Get my AWS Solutions Architect certification",
            "Be promoted to senior engineer",
            "Get our uptime to 99.95%",
            "Have my paper accepted at the main conference",
            "Bring the build time under ten minutes",
        ],
        "outcome": [
            "Become a better engineer",
            "Improve code quality",
            "Write cleaner code",
            "Understand the architecture better",
            "be more productive",
            "Get better at estimating",
        ],
    },
    "People": {
        "mastery": [
            "Ask every new starter for feedback on their first week and change one thing in onboarding each quarter",
            "Practise coaching conversations with a peer once a fortnight",
            "Learn the basics of employment law by taking the evening course and summarising each session",
            "Check in with each manager I support for half an hour every month",
            "Rewrite one policy a month in plain English and test it on two employees",
        ],
        "performance": [
            "Fill every vacancy within 40 days",
            "Get staff turnover below 10%",
            "Raise the engagement score by 5 points",
            "Get my CIPD Level 5",
            "Win the employer award",
        ],
        "outcome": [
            "Be more strategic",
            "Improve the employee experience",
            "Make HR more visible",
            "Help people develop",
            "Be a trusted advisor",
        ],
    },
    "Legal": {
        "mastery": [
            "Draft a checklist for NDAs and use it on every one I review",
            "Read one new judgment in our area each week and share a two-line summary with the team",
            "Spend an hour every Monday planning my matters for the week",
            "Ask the business teams after each contract what slowed them down and note it",
            "Learn the new contract management system by moving my own files into it first",
        ],
        "performance": [
            "Turn round standard contracts within 3 days",
            "Qualify as a solicitor",
            "Win the dispute with our former supplier",
            "Get made a partner-track lawyer",
        ],
        "outcome": [
            "Be more commercial",
            "Reduce risk",
            "Be better at managing my workload",
            "Be seen as an enabler not a blocker",
            "improve my drafting",
        ],
    },
}
#: answers that are not goals (complaints, wishes, remarks): any department
NOT_GOALS = [
    "Too many meetings",
    "Nothing really, I am leaving in the spring",
    "Not sure yet",
    "The new system is slowing everyone down",
    "A pay rise would be nice",
    "same as last year",
    "n/a",
    "Management should listen more",
    "We need more staff, not more goals",
    "I would like to work from home more",
    "Survive",
    "-",
]
#: share of each kind among the non-blank answers, and the share of blank answers
GOAL_KINDS = {"outcome": 0.40, "performance": 0.28, "mastery": 0.20, "not_a_goal": 0.12}
GOAL_BLANK = 0.18
#: the goal column draws from its own generator, so every other column keeps its bytes
GOAL_SEED_OFFSET = 500


def _goals(departments, seed: int) -> list[str]:
    """One "My main goal for next year" answer per person, of their department (see GOALS)."""
    rng = np.random.default_rng(seed + GOAL_SEED_OFFSET)
    kinds, shares = list(GOAL_KINDS), list(GOAL_KINDS.values())
    out = []
    for dept in departments:
        if rng.random() < GOAL_BLANK:
            out.append("")
            continue
        kind = kinds[rng.choice(len(kinds), p=shares)]
        pool = NOT_GOALS if kind == "not_a_goal" else GOALS[dept][kind]
        out.append(str(pool[rng.integers(len(pool))]))
    return out


def _item(rng, latent, n_cat=6, noise=0.8):
    cuts = np.linspace(-1.5, 1.5, n_cat - 1)
    return 1 + np.searchsorted(cuts, latent + rng.normal(0, noise, len(latent)))


def make(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    teams = []
    k = 0
    for dept, n_teams in DEPARTMENTS.items():
        for t in range(n_teams):
            k += 1
            size = int(rng.choice([1, 2, 3, 4]) if rng.random() < 0.2 else rng.integers(5, 17))
            teams.append((f"{dept[:3].upper()}-{t + 1:02d}", dept, size, SITES[k % 3]))
    rows = []
    for team, dept, size, site in teams:
        for _ in range(size):
            # most people work at their team's site; some elsewhere (so sites overlap teams)
            rows.append((team, dept, site if rng.random() < 0.8 else rng.choice(SITES)))
    df = pd.DataFrame(rows, columns=["team", "department", "site"])
    n = len(df)
    codes, uniq = pd.factorize(df["team"])
    climate = rng.normal(0, 0.45, len(uniq))[codes]          # team learning climate
    learning = climate + rng.normal(0, 0.8, n)
    avoid = -0.3 * climate + rng.normal(0, 0.9, n)
    prove = 0.2 * learning + 0.3 * avoid + rng.normal(0, 0.8, n)
    items = np.column_stack([_item(rng, learning) for _ in range(5)] + [_item(rng, avoid) for _ in range(4)]
                            + [_item(rng, prove) for _ in range(4)]).astype(float)
    items[rng.random(items.shape) < 0.015] = np.nan
    perf = 3.4 + 0.25 * learning + 0.20 * climate - 0.20 * avoid + 0.0 * prove + rng.normal(0, 0.55, n)
    ids = [f"E{i:04d}" for i in range(1, n + 1)]
    out = pd.DataFrame({
        "employee_id": ids,
        "email": [f"{s.lower()}@example.org" for s in ids],
        "department": df["department"], "team": df["team"], "site": df["site"],
        "tenure_years": rng.integers(0, 25, n),
    })
    for j in range(13):
        out[f"wdgo_{j + 1}"] = pd.array(items[:, j], dtype="Int64")
    out["performance"] = np.round(np.clip(perf, 1, 5), 2)
    out["comment"] = [f"(synthetic) {rng.choice(COMMENTS)}".strip() if rng.random() < 0.4 else "" for _ in range(n)]
    out["goal"] = _goals(out["department"], seed)
    return out


def make_wave2(first: pd.DataFrame, seed: int = SEED + 1) -> pd.DataFrame:
    """The second wave: the same organisation a year later (see the module docstring)."""
    rng = np.random.default_rng(seed)
    teams = first[["team", "department"]].drop_duplicates().sort_values("team").reset_index(drop=True)
    teams = teams[teams["team"] != "OPE-08"].reset_index(drop=True)
    site_of = first.groupby("team")["site"].agg(lambda x: x.value_counts().index[0]).to_dict()
    rows = []
    next_id = len(first) + 1
    for r in first.itertuples():
        if rng.random() < 0.12:               # left; replaced by a new person in the same team
            team, eid = r.team, f"E{next_id:04d}"
            next_id += 1
        else:
            team, eid = r.team, r.employee_id
            if rng.random() < 0.08:           # moved to another team of the same department
                others = teams.loc[teams["department"] == r.department, "team"].tolist()
                team = str(rng.choice(others))
        if team == "OPE-08":
            others = teams.loc[teams["department"] == "Operations", "team"].tolist()
            team = str(rng.choice(others))
        rows.append((eid, team, r.department, r.site))
    for _ in range(6):
        rows.append((f"E{next_id:04d}", "SAL-07", "Sales", "South"))
        next_id += 1
    site_of["SAL-07"] = "South"
    df = pd.DataFrame(rows, columns=["employee_id", "team", "department", "site"])
    n = len(df)
    codes, uniq = pd.factorize(df["team"], sort=True)
    shift = np.array([0.45 if u.startswith("SAL") else 0.0 for u in uniq])
    climate = (rng.normal(0, 0.45, len(uniq)) + shift)[codes]
    learning = climate + rng.normal(0, 0.8, n)
    avoid = -0.3 * climate + rng.normal(0, 0.9, n)
    prove = 0.2 * learning + 0.3 * avoid + rng.normal(0, 0.8, n)
    items = np.column_stack([_item(rng, learning) for _ in range(5)] + [_item(rng, avoid) for _ in range(4)]
                            + [_item(rng, prove) for _ in range(4)]).astype(float)
    items[rng.random(items.shape) < 0.015] = np.nan
    out = pd.DataFrame({"employee_id": df["employee_id"],
                        "email": [f"{s.lower()}@example.org" for s in df["employee_id"]],
                        "department": df["department"], "team": df["team"], "site": df["site"]})
    for j in range(13):
        out[f"wdgo_{j + 1}"] = pd.array(items[:, j], dtype="Int64")
    out["comment"] = [f"(synthetic) {rng.choice(COMMENTS)}".strip() if rng.random() < 0.4 else "" for _ in range(n)]
    out["goal"] = _goals(out["department"], seed)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "raw" / "staff_demo", help="output folder")
    out = ap.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    first = make()
    for name, frame in (("responses.csv", first), ("responses_wave2.csv", make_wave2(first))):
        frame.to_csv(out / name, index=False, lineterminator="\n")
        print(f"wrote {out / name}")
        if out.resolve() == (ROOT / "data" / "raw" / "staff_demo").resolve():   # the copy analysis.datasets ships
            frame.to_csv(ROOT / "analysis" / "datasets" / "data" / "staff_demo" / name, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
