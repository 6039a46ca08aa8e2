"""Decision features read from a goal statement's grammar, following the three definitions.

Each feature answers one question the definitions ask, and reports the words that answered it:

* ``own_action``: is the person the agent of a concrete action? The verb that heads the goal
  ("Phone each account…", "I will phone…", "My goal is to phone…") counts, whatever verb it is,
  unless it names a state or a result rather than a deed (be, become, get, have, achieve, hit,
  improve, increase…: a short closed list of *non*-actions; every other verb counts);
* ``means_or_routine``: how or how often (once a month, every Friday, on a monthly basis, after
  every call, by shadowing, with my mentor, for 20 minutes);
* ``depends_on_others``: attainment rests on others' decisions or on circumstances (sales,
  approval, promotion, a grade, a ranking, acceptance, a customer's score);
* ``learning``: learning or improving a process or skill (learn, practise, get better at, improve
  how I…);
* ``measurable_target``: a number, a percentage, a deadline or a position to reach;
* ``vague_result``: a result named without measure (be better, more, seen as);
* ``complaint_or_wish``: a complaint about circumstances or a wish about what others should do —
  not a goal of the person's own;
* ``states_aim``: the statement is worded as an aim of the person: an aim frame ("I want to…", "I
  will…", "My goal is…", "To…") or an imperative, i.e. it opens with the verb of what the person
  will do or become ("Phone…", "Be more…", "Get promoted…"). A goal of any of the three kinds
  states an aim; a complaint, a fact or a question does not;
* ``describes``: the statement says how things are or were, or asks: a subject followed by its verb
  ("I teach year 9", "I sold 40 units", "The printer never works", "Lectures are boring") or a
  question — a description of the present, not an aim.

The tokenizer is a regular expression and the verb frame a handful of patterns on purpose: the
statements are short imperative or first-person sentences whose verb stands in a fixed place, so
no part-of-speech model is needed; the one that would be (spaCy's English pipeline) is not
published on the package registry by its authors and would have to be downloaded at run time.
"""

from __future__ import annotations

import re

from .coder import normalise

#: the features, in the order they are reported
FEATURE_NAMES = ("own_action", "means_or_routine", "depends_on_others", "learning",
                 "measurable_target", "vague_result", "complaint_or_wish", "states_aim", "describes")

# the frames that put the person in the subject place before the goal's verb
_FRAME = re.compile(
    r"(?:^|[.;:!?]\s*|,\s*|\band\s+)(?:so\s+)?(?:(?:in|this|next)\s+\w+\s*,?\s*)?"
    r"(?:(?:i|we)\s+(?:will|'ll|shall|want\s+to|would\s+like\s+to|'d\s+like\s+to|aim\s+to|plan\s+to|intend\s+to|"
    r"hope\s+to|need\s+to|mean\s+to|am\s+going\s+to|'m\s+going\s+to|am\s+gonna|'m\s+gonna|am\s+committed\s+to|"
    r"commit\s+to|should|must|can|try\s+to|will\s+try\s+to|want\s+to\s+try\s+to|have\s+to|promise\s+to)\s+"
    r"|i'll\s+|i\s+(?=\w+\s)|my\s+(?:goal|aim|plan|target|objective)\s+is\s+to\s+|to\s+|i'd\s+like\s+to\s+)?"
    r"(?:(?:also|really|actively|personally|consistently|regularly|properly|finally|always|then|try\s+to|"
    r"start\s+to|start|begin\s+to|continue\s+to|keep\s+on)\s+)*"
    r"(?P<verb>[a-z][a-z'-]*)")
# words in the verb slot that name a state or a result, not a deed of the person (closed classes)
NOT_ACTIONS = frozenset("""
be am is are was were been being become becomes get gets getting got have has had having achieve achieves
reach hit win earn gain receive secure land obtain exceed beat surpass pass attain deliver make
improve increase reduce grow boost raise lower cut double triple halve maximise maximize minimise minimize
feel seem look appear remain hopefully wish hope think believe guess want need like love hate would could can
can't don't did does doesn't won't wouldn't suppose mean try
""".split())
# words that cannot head a verb phrase at all (function words, comparatives, nouns of wishing)
NOT_VERBS = frozenset("""
a an the my our your their his her its this that these those more less fewer better best worse most
much many some any all no not never nobody nothing none too very so i we you they he she it me us them
there here what why how when where who which if because but or and of in on at for with from by about
as into than then just only also management managers manager company team staff people everyone someone
less fewer higher lower bigger new good great n/a na tbc tbd idk yes ok okay
""".split())
_WORD = re.compile(r"[a-z][a-z'-]*")
# "do" names a result, not a deed, in "do better", "do well", "do my best", "do more"
_DO_RESULT = re.compile(r"\s+(?:(?:a\s+lot\s+|much\s+|even\s+)?better|well|my\s+best|more|great|good)\b")

_MEANS = [
    r"\b(?:every|each)\s+(?!other\b|of\b|one\s+of\b|time\s+i\s+(?:feel|get)\b)[\w-]+(?:\s+[\w-]+)?",
    r"\b(?:once|twice|three\s+times|four\s+times|\d+\s+times|\w+\s+times)\s+(?:a|an|per|each|every)\s+\w+",
    r"\b(?:daily|weekly|fortnightly|monthly|quarterly|annually|yearly|nightly|every\s*day)\b",
    r"\bon\s+an?\s+(?:daily|weekly|fortnightly|monthly|quarterly|yearly|annual|regular)\s+basis\b",
    r"\b(?:a|per)\s+(?:day|week|fortnight|month|term|semester|shift|sprint)\b",
    r"\b(?:after|before|at\s+the\s+(?:start|end)\s+of|during)\s+(?:every|each|my|our|the)\s+"
    r"(?!(?:end|summer|winter|spring|autumn|holidays?|new\s+year|deadline\s+day)\b)[\w-]+",
    r"\bon\s+(?:mon|tues|wednes|thurs|fri|satur|sun)days\b",
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+(?:mornings?|afternoons?|evenings?)\b",
    r"\bby\s+(?!the\b|end\b|next\b|then\b)\w+ing\b",
    r"\b(?:using|through|via)\s+(?:a|an|the|my|our)?\s*[\w-]+",
    r"\bwith\s+(?:a|my|our|the)\s+(?:mentor|coach|buddy|colleague|peer|supervisor|manager|tutor|study\s+group|checklist|"
    r"template|timer|planner|team\s+lead|partner|senior)\b",
    r"\bfor\s+(?:\d+|ten|fifteen|twenty|thirty|forty|an?|one|two|half\s+an)\s+(?:minutes?|hours?|mins?)\b",
    r"\b\d+\s*(?:minutes?|mins?|hours?)\b",
    r"\b(?:a\s+)?checklist\b|\bschedule\b|\bcalendar\b|\broutine\b|\bhabit\b",
]
_DEPENDS = [
    r"\bsales?\b", r"\brevenue\b", r"\bturnover\b", r"\bquota\b", r"\btargets?\b", r"\bkpis?\b", r"\bdeals?\b",
    r"\bcommission\b", r"\bbonus\b", r"\bpromot(?:ed|ion)\b", r"\bapprov(?:al|ed|e)\b", r"\bsigned\s+off\b",
    r"\bsign-off\b", r"\baccepted\b", r"\bacceptance\b", r"\bpublished\b", r"\bselected\b", r"\bchosen\b",
    r"\bhired\b", r"\boffer\b", r"\bawards?\b", r"\bprize\b", r"\bgrades?\b", r"\bmarks?\b", r"\bscores?\b",
    r"\bratings?\b", r"\brated\b", r"\brank(?:ed|ing|ings)?\b", r"(?<!on\s)\btop\s+(?:\d+|three|five|ten|seller|performer|of)\b",
    r"\bleague\s+table\b", r"\bwin\b", r"\bwinning\b", r"\bbeat\b", r"\boutperform\w*\b", r"\bexams?\b",
    r"\b(?:a|an)\s+(?:first|distinction|merit)\b", r"\bpass\b", r"\bcertifi(?:ed|cation)\b", r"\bsatisfaction\b",
    r"\bnps\b", r"\brecogni[sz](?:ed|e|ition)\b", r"\bpraised?\b", r"\bimpress\w*\b", r"\bappraisal\b",
    r"\bpay\s+rise\b", r"\braise\b(?=\s+(?:this|next|at|in))", r"\bsalary\b", r"\bon-time\b", r"\bon\s+time\b",
    r"\bmarket\s+share\b", r"\bconversion\b", r"\bnew\s+(?:clients|customers|business|accounts|members)\b",
    r"\bclients?\s+(?:sign|renew|buy)\w*\b", r"\bfunding\b", r"\bgrant\b", r"\bscholarship\b", r"\badmitted\b",
    r"\badmission\b", r"\bplace\s+at\b", r"\bthan\s+(?:my\s+)?(?:colleagues|classmates|peers|others|everyone)\b",
    r"\bbest\s+in\b", r"\bfirst\s+place\b", r"\bemployee\s+of\s+the\s+\w+\b", r"\bcomplaints\b",
    r"\battendance\b", r"\bresults\b", r"\bretention\b", r"\bwaiting\s+times?\b", r"\bbudget\b",
    r"\b(?:be|being|get|getting|been)\s+(?:\w+\s+)?(?:graded|made|chosen|picked|appointed|named|elected|shortlisted|"
    r"nominated|invited|offered|awarded|trusted\s+with|put\s+forward|taken\s+on|kept\s+on)\b",
    r"\bby\s+(?:the|my|our|their|senior)\s+(?:\w+\s+)?(?:board|head|manager|director|committee|panel|inspectors?|"
    r"examiners?|clients?|customers?|leadership|partners?|editors?|reviewers?|judges?)\b",
    r"\b(?:get|getting|got)\s+(?:onto|into)\b", r"\bplace\s+on\b", r"\bsell(?:s|ing)?\b", r"\bsold\b",
]
_LEARNING = [
    r"\blearn\w*\b", r"\bpractis\w*\b", r"\bpractic\w*\b", r"\brehears\w*\b", r"\bstudy\w*\b", r"\bstudie\w*\b",
    r"\bget\s+better\s+at\b", r"\bbecome\s+better\s+at\b", r"\bimprove\s+(?:my|how|the\s+way)\b", r"\bskills?\b",
    r"\bunderstand\w*\b", r"\bmaster(?:ing|y)?\b", r"\bdevelop\s+(?:my|a)\b", r"\bfeedback\b", r"\breflect\w*\b",
    r"\bmentor\w*\b", r"\bcoach\w*\b", r"\bcourse\b", r"\btraining\b", r"\bupskill\w*\b", r"\bfluent\b",
    r"\bgrasp\b", r"\bexperiment\w*\b", r"\btechniques?\b", r"\bmethod\w*\b",
]
_TARGET = [
    r"(?<![\w.])(?<!year\s)(?<!ward\s)(?<!room\s)(?<!floor\s)(?<!unit\s)(?<!form\s)(?<!class\s)\d+(?:[.,]\d+)?\s*(?:%|percent|k\b|m\b)?", r"[£$€]\s*\d+",
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty|hundred)\b",
    r"\bby\s+(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"q[1-4]|christmas|easter|the\s+end\s+of\s+\w+|year[- ]end|next\s+\w+)\b",
    r"\b(?:this|next|by\s+the\s+end\s+of\s+the)\s+(?:quarter|year|term|semester|month|spring|summer|autumn|winter)\b",
    r"(?<!on\s)\btop\b", r"\bfirst\b", r"\bbest\b", r"\bdouble\b", r"\bhalf\b", r"\bzero\b", r"\bevery\s+single\b",
]
_VAGUE = [
    r"\b(?:be|become|get|feel|seem)\s+(?:a\s+)?(?:more|less|better|much\s+better|a\s+bit\s+more)\b",
    r"\bmore\b", r"\bbetter\b", r"\bless\b", r"\bfewer\b", r"\bseen\s+as\b", r"\bin\s+general\b",
    r"\boverall\b", r"\bstuff\b", r"\bthings\b", r"\bsmarter\b", r"\bharder\b",
]
_COMPLAINT = [
    r"\btoo\s+(?:many|much|few|little|long|slow|busy|often)\b", r"\bnot\s+enough\b", r"\bnobody\b", r"\bno\s+one\b",
    r"\bi\s+wish\b", r"\bi\s+hate\b", r"\bit\s+would\s+be\s+(?:nice|good|great)\s+if\b", r"\bwhy\s+(?:do|does|is|are|can't)\b",
    r"\b(?:management|they|the\s+company|my\s+manager|the\s+school|hr|it|leadership)\s+(?:should|needs?\s+to|never|always|don't|doesn't)\b",
    r"\bshould\s+(?:be|give|stop|hire|fix|listen|pay|let)\b", r"\b(?:is|are)\s+(?:a\s+)?(?:nightmare|useless|broken|pointless|unfair)\b",
    r"\bfed\s+up\b", r"\bsick\s+of\b", r"\btired\s+of\b", r"\bwe\s+need\s+(?:more|better|a)\b", r"\bno\s+time\s+for\b",
    r"\bwaste\s+of\s+time\b", r"\bunderstaffed\b", r"\bunderpaid\b", r"\bdon't\s+have\s+(?:a|any)\s+goals?\b",
    r"^(?:n/?a|none|nothing|no|-+|\?+|tbc|tbd|idk|pass|skip|not\s+sure|no\s+idea|don't\s+know|i\s+don't\s+know|"
    r"no\s+comment|same\s+as\s+(?:last\s+year|before|always|usual)|see\s+(?:above|below|my\s+[\w\s]+)|"
    r"nothing\s+(?:to\s+add|more|else)(?:\s+(?:from\s+me|to\s+say|really))?|not\s+applicable|no\s+goals?)[ .!?]*$",
]
_COMPILED = {name: [re.compile(p) for p in pats] for name, pats in [
    ("means_or_routine", _MEANS), ("depends_on_others", _DEPENDS), ("learning", _LEARNING),
    ("measurable_target", _TARGET), ("vague_result", _VAGUE), ("complaint_or_wish", _COMPLAINT)]}
ACTION_TOKEN = "ownaction"

# an aim frame at the start: the person says what they want, will or mean to do or reach
_AIM_FRAME = re.compile(
    r"^(?:(?:in|this|next|by|over|for)\s+(?:the\s+)?(?:next\s+)?[\w-]+(?:\s+[\w-]+)?\s*,\s*)?(?:(?:honestly|personally|"
    r"basically|ideally|mainly|mostly|overall|really)\s*,?\s*)?"
    r"(?P<frame>(?:i|we)\s+(?:really\s+|just\s+|also\s+|would\s+)?(?:will|'ll|shall|want\s+to|want|would\s+like|'d\s+like|"
    r"'d\s+love\s+to|would\s+love\s+to|aim|plan|intend|hope\s+to|need\s+to|mean\s+to|am\s+going\s+to|'m\s+going\s+to|"
    r"am\s+gonna|'m\s+gonna|am\s+committed|'m\s+committed|commit|must|should|can|try|have\s+to|promise|"
    r"am\s+determined|'m\s+determined|am\s+aiming|'m\s+aiming|am\s+planning|'m\s+planning|am\s+hoping|'m\s+hoping)\b"
    r"|i'll\b|i'd\s+like\b|i'd\s+love\s+to\b|i'm\s+(?:going\s+to|gonna|committed|determined|aiming|planning|hoping)\b|"
    r"(?:my|our)\s+(?:[\w-]+\s+){0,2}?(?:goal|aim|plan|target|objective|focus|"
    r"priority|ambition|resolution|intention|hope)s?\b(?:\s+(?:for|this|next)\s+[\w\s-]+?)?\s*(?:(?:is|are|will\s+be)\s+"
    r"(?=to\b|an?\b|the\b|my\b|our\b|\d|[£$€]|that\b|for\b|[a-z]+ing\b)|:|-)"
    r"|(?:goal|aim|target|objective|plan)\s*:|to\s+[a-z])")
# verbs that open an imperative without being own actions: the result verbs of NOT_ACTIONS and the aspect verbs
_IMPERATIVE_HEADS = frozenset("""be become get have achieve reach hit win earn gain receive secure land obtain exceed beat
surpass pass attain deliver make improve increase reduce grow boost raise lower cut double triple halve maximise maximize
minimise minimize feel do start begin keep continue stop try stay""".split())
# an opening time or place phrase before the aim frame: "On each night shift I will …"
_LATE_FRAME = re.compile(r"^(?:on|in|at|after|before|during|by|from|every|each|once|when|whenever|rather|instead)\b[^,.;]{0,60}?\s"
                         r"(?P<frame>(?:i|we)\s+(?:will|'ll|shall|want\s+to|would\s+like\s+to|aim\s+to|plan\s+to|intend\s+to|"
                         r"am\s+going\s+to|'m\s+going\s+to|must|should|can)\b|i'll\b)")
# a subject followed by its verb at the start: a statement of how things are (closed word classes only)
_SUBJECT = (r"(?:i|we|they|he|she|it|there|this|that|everyone|everybody|nobody|no\s+one|people|"
            r"(?:the|my|our|their|his|her|its|these|those|most|all|some|many|too\s+many)\s+[\w'-]+(?:\s+[\w'-]+){0,3}?)")
_FINITE = (r"(?:am|is|are|was|were|'m|'re|'s|isn't|aren't|wasn't|weren't|has|have|had|'ve|hasn't|haven't|do|does|did|"
           r"don't|doesn't|didn't|can't|cannot|won't|never|always|often|usually|still|mostly|rarely|only|keeps?|kept|"
           r"gets?|got|goes|went|seems?|feels?|looks?|takes?|took|makes?|made|wish|hate|love|like|[a-z'-]+ed|[a-z'-]+s)")
_DESCRIBES = [
    re.compile(r"^(?:honestly,?\s+|right\s+now,?\s+|currently,?\s+|at\s+the\s+moment,?\s+)?" + _SUBJECT + r"\s+"
               + _FINITE + r"\b"),
    re.compile(r"^(?:i|we)\s+(?!(?:really\s+|just\s+|also\s+)?(?:will|'ll|shall|want|would|'d|aim|plan|intend|hope|need|"
               r"mean|don't\s+(?:just\s+)?want\s+to|am\s+(?:going|gonna|committed|determined|aiming|planning|hoping)|'m\s+(?:going|gonna|committed|"
               r"determined|aiming|planning|hoping)|commit|must|should|can|try|have\s+to|promise)\b)[a-z'-]+"),
    re.compile(r"^(?!(?:" + "|".join(sorted(_IMPERATIVE_HEADS)) + r")\b)[\w'-]+(?:\s+(?!(?:i|we|you|and|or|then|to)\b)[\w'-]+){0,4}?\s+(?:is|are|was|"
               r"were|isn't|aren't|wasn't|weren't|should|shouldn't|never|always|keeps|takes|do|does|did|don't|doesn't|didn't|can't|"
               r"won't|keep|take|get|gets|got|sends|makes|goes|gives)"
               r"\b(?!\s+to\b)"),
    re.compile(r"\?\s*$"),
    re.compile(r"^(?:why|what|when|who|how|where|which|is|are|do|does|did|can|could|will|would|should|shall)\b"
               r"(?=\s+(?:i|we|you|they|it|this|that|there|goals?)\b)"),
    re.compile(r"^(?:i'm|i've|we're|we've|it's|there's|that's|they're|i was|we were)\b"),
]


def own_actions(t: str) -> list[tuple[int, int, str]]:
    """Spans and words of the verbs the person is the agent of, in a normalised statement."""
    out = []
    for m in _FRAME.finditer(t):
        verb = m.group("verb")
        s = m.start("verb")
        if verb in NOT_ACTIONS or verb in NOT_VERBS or len(verb) < 2 or verb.endswith("'s"):
            continue
        if verb == "do" and _DO_RESULT.match(t, m.end("verb")):
            continue
        if verb.endswith("ly") or verb.endswith("er") and not verb.endswith(("enter", "gather", "deliver", "offer", "answer", "register", "consider", "discover", "master", "order", "foster", "cover", "filter", "volunteer", "encounter", "partner")):
            continue  # adverbs and comparatives ("quicker") in the slot are not verbs
        if any(a <= s < b for a, b, _ in out):
            continue
        out.append((s, m.end("verb"), verb))
    return out


def aim_words(t: str) -> list[str]:
    """The words that make a normalised statement an aim of the person: its aim frame or its imperative verb."""
    # the first clause decides; an opening phrase that is neither ("After every lost deal, …") hands on to the next
    parts = [t] + [t[m.end():] for m in re.finditer(r"[,:;]\s*|\s+-+\s+", t)][:2]
    for part in (re.sub(r"^(?:just|simply|and|but|then|so)\s+", "", p) for p in parts):
        m = _AIM_FRAME.match(part)
        if m:
            return [m.group("frame").strip()]
        if describe_words(part):
            return []
        first = _WORD.match(part)
        if len(part.split()) >= 2 and first and (first.group(0) in _IMPERATIVE_HEADS
                                                 or any(s == 0 for s, _, _ in own_actions(part))):
            return [first.group(0)]
    m = _LATE_FRAME.match(t)
    return [m.group("frame").strip()] if m else []


def describe_words(t: str) -> list[str]:
    """The subject and verb (or question) that make a normalised statement a description, unless it opens with an aim."""
    if not t or _AIM_FRAME.match(t):
        return []
    return _hits(t, _DESCRIBES)


def _hits(t: str, patterns) -> list[str]:
    """Words matched by any pattern, in order of appearance; a match inside a longer one is left out."""
    spans = sorted({(m.start(), m.end()) for rx in patterns for m in rx.finditer(t) if m.group(0).strip()},
                   key=lambda se: (se[0], -se[1]))
    words, covered = [], []
    for s, e in spans:
        if any(a <= s and e <= b for a, b in covered):
            continue
        covered.append((s, e))
        w = t[s:e].strip()
        if w not in words:
            words.append(w)
    return words


def statement_features(text) -> dict:
    """The nine features of one statement, each with the words that triggered it.

    Returns a dict with ``<feature>`` (True/False) and ``<feature>_words`` ("; "-joined) for
    every name in :data:`FEATURE_NAMES`.

    Examples
    --------
    >>> f = statement_features("Phone each of my key accounts once a month to understand their plans")
    >>> f["own_action_words"], f["means_or_routine_words"]
    ('phone', 'once a month')
    >>> statement_features("Hit 95% on-time delivery this quarter")["own_action"]
    False

    R has no equivalent: the features are goalscope's reading of its three goal definitions.
    """
    t = normalise(text)
    found = {"own_action": [w for _, _, w in own_actions(t)] if t else []}
    for name, pats in _COMPILED.items():
        found[name] = _hits(t, pats) if t else []
    found["describes"] = describe_words(t)
    found["states_aim"] = aim_words(t)
    out = {}
    for name in FEATURE_NAMES:
        out[name] = bool(found[name])
        out[f"{name}_words"] = "; ".join(found[name])
    return out


def masked_text(text) -> str:
    """The statement with each own-action verb replaced by one token, so that which verb the person
    uses ("phone", "call", "ring", "email") cannot change what a model learns from the words."""
    t = normalise(text)
    for s, e, _ in reversed(own_actions(t)):
        t = t[:s] + ACTION_TOKEN + t[e:]
    return t
