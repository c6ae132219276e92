#!/usr/bin/env python3
"""Generate a labelled synthetic corpus for provlint's date checks.

    python benchmarks/gen_dated_corpus.py OUT_DIR -n 600 --seed 7

OUT_DIR receives:

* ``INDEX.md``: one GFM table ``| id | file | title | source | url | date |
  derived_from |`` with a row per document;
* ``docs/<id>.md`` with YAML front matter, ``docs/<id>.txt`` with the legacy
  one-line header `` date YYYY-MM-DD ...``, and ``docs/<id>.txt`` or ``.md``
  with no header at all (the INDEX.md row is then the only declaration);
* ``labels.json``: ``{doc id: kind}``, the defect injected into the
  document or ``"clean"``;
* ``corpus.json``: the parameters and, per document, its story, header
  format, label, the check the label should trigger, the injected evidence
  and the hard (must-not-flag) cases it contains. Written last.

The prose is made up here from small word lists and sentence templates
(nothing is copied from external text); names of people, places and
organisations are built from syllables. Documents come in *stories* of 3-6
documents that share a cast (three people, a place, a region, an
organisation) and are dated within three days of each other; some clean
members are syndicated copies of another member, declared with
``derived_from`` and dated the same day or the day after.

Every document has at most one defect. About 55% are clean; the rest are
spread evenly over eight kinds, each meant to be caught by one check:

==========================  ==================================================  =================
kind                        what is injected                                    check
==========================  ==================================================  =================
``index-header-mismatch``   header date 1-60 days off the INDEX.md date         date-mismatch
``url-mismatch``            the url carries /YYYY/MM/DD/ or /YYYYMMDD/ that is  date-mismatch
                            20-400 days off
``timestamp-mismatch``      a machine timestamp near the top 20-400 days off    date-mismatch
``dateline-mismatch``       a news dateline 20-170 days off (a year, when       date-mismatch
                            given, 20-400)
``anachronism-full``        a past event with a full date 3-400 days after      date-inconsistent
``anachronism-yearless``    a past event with a month-day 30-170 days after     date-inconsistent
                            (so the nearest year is the later one)
``relative-weekday``        "tomorrow, Tuesday" / "yesterday (Monday)" whose    date-inconsistent
                            writing day is neither the declared day nor the
                            day before
``story-outlier``           a story member declared 90-400 days away from its   date-inconsistent
                            story; its text mentions no dates
==========================  ==================================================  =================

Clean and defective documents are built from the same parts (timestamps,
datelines, dated URLs, past events, forward references, relative weekdays,
forum chrome, related-story listings), with values that agree for clean
documents. Clean documents also carry the hard cases the checks must not
flag: forward references (``will take place on``, ``is scheduled for``,
``plans to``, ``is expected to``, ``next week``, ``are due by``), past
events before the date in many formats (``3 December 2021``, ``Dec. 3``,
``03.12.2021``, ``2021-12-03``, German ``am 1. Dezember 2021``), datelines
and timestamps within a day, ``Updated``/``Last edited`` stamps after the
date, a ``Member since``/``Joined`` forum line, related-story listings
dated later, date-time headers within a day of INDEX.md, and syndicated
copies.

The injected defect sentences are plain past-tense reports that carry none
of the words provlint reads as forward-looking (``will``, ``from``,
``until``, ``may``, German ``statt`` ...; ``_FORWARD`` in
``core/datetext.py``) and no page-furniture word (``comment``, ``reply``,
``updated`` ...) just before the date. Some realistic sentences fall foul
of those rules although they report the past, and provlint misses them:

* the month *May* by name: "The council voted on May 3, 2022." (the word
  is read as the modal verb), so a defect date in May is written
  ``2022-05-03`` or ``03.05.2022``;
* "Delegates from 40 countries met in Port Elsby on March 3, 2022." ("from");
* "Die Sitzung fand am 3. März 2022 in Port Elsby statt." ("statt");
* a date within 40 characters after "... did not respond to a request for
  comment." (read as comment furniture, even across a paragraph break),
  or anywhere in a paragraph of up to 160 characters that says "comment"
  or "joined" ("Varga joined the council two years ago.");
* story outliers, when sentences open with capitalised common words
  ("Talks between ...", "Police said ...", "According to ..."): the story
  grouping counts them as names, links unrelated documents that share six
  of them, and the resulting "story" is too spread out in time for an
  outlier to show. Default sentences open with names or with words the
  grouping ignores ("The", "In", "It").

Clean documents use the May, "from" and "fand ... statt" forms freely
(with dates before the declared date they are harmless). Conversely,
provlint flags some realistic clean sentences: a future event told in the
simple present after a past verb, "Varga told reporters the talks resume
on February 20." or "The council approved the levy, which takes effect on
1 March 2022." (read as past), and the same without any tense marker when
the date is more than 180 days ahead ("The lease expires on March 3,
2023."). By default the generator writes neither kind. ``--known-limits``
lets defect sentences take the forms above and gives some clean documents
such a present-tense forward reference, to measure what the limits cost;
``corpus.json`` lists them per document under ``known_limits``.

Only the standard library is used; the same seed and N give byte-identical
output.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

KINDS = (
    "index-header-mismatch",
    "url-mismatch",
    "timestamp-mismatch",
    "dateline-mismatch",
    "anachronism-full",
    "anachronism-yearless",
    "relative-weekday",
    "story-outlier",
)
CHECK_OF = {
    "index-header-mismatch": "date-mismatch",
    "url-mismatch": "date-mismatch",
    "timestamp-mismatch": "date-mismatch",
    "dateline-mismatch": "date-mismatch",
    "anachronism-full": "date-inconsistent",
    "anachronism-yearless": "date-inconsistent",
    "relative-weekday": "date-inconsistent",
    "story-outlier": "date-inconsistent",
}
CLEAN = "clean"
CLEAN_SHARE = 0.55
COPY_SHARE = 0.07  # documents that are syndicated copies (all clean)
FIRST_DAY = date(2016, 1, 1)
LAST_DAY = date(2024, 6, 30)
INDEX_TITLE = "# Synthetic dated corpus (provlint benchmarks/gen_dated_corpus.py)"
META = "corpus.json"
LABELS = "labels.json"
FORMAT_VERSION = 1

# --------------------------------------------------------------------------
# Vocabulary (made up for this generator)
# --------------------------------------------------------------------------

# fmt: off
ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p",
          "pr", "r", "s", "sk", "t", "tr", "v", "z", "th", "sh", "")
VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou", "ei")
CODAS = ("", "", "", "n", "r", "l", "s", "m", "nd", "rk", "lt", "sh")
NAME_ENDS = ("a", "o", "i", "an", "en", "ov", "ić", "ez", "ard", "ell", "ak", "is")
PLACE_ENDS = ("by", "ton", "mere", "wick", "stad", "ford", "holm", "burg", "vale", "mouth",
              "haven", "field")
PLACE_PREFIXES = ("Port", "Lake", "Fort", "North", "Saint")
ORG_KINDS = ("Council", "Authority", "Commission", "Union", "Trust", "Assembly", "League")
SOURCES = ("Harbor City Times", "Northfield Courier", "The Valley Observer", "Example Daily Ledger",
           "Riverside Gazette", "Coastal Bulletin", "Lakeshore Herald", "Example News Wire",
           "Highland Chronicle", "Metro Example Post")
HOSTS = ("news.example.test", "ledger.example.test", "courier.example.org", "times.example.net",
         "observer.example.test", "wire.example.com", "gazette.example.test",
         "herald.example.org", "forum.example.net", "post.example.com")
SECTIONS = ("world", "politics", "region", "business", "local", "news")
AGENCIES = ("Wire", "NPX", "Tidewire", "Ledger")
ROLES = ("the regional transport minister", "the mayor", "a spokeswoman for the {org}",
         "the opposition leader", "the head of the dockworkers' union", "the harbour commissioner",
         "the finance minister", "a senior judge", "the chair of the {org}",
         "the provincial governor")
# A role's capitalised title before the name ("Minister Aldo Varga").
TITLED = {"the regional transport minister": "Minister", "the finance minister": "Minister",
          "the mayor": "Mayor", "the provincial governor": "Governor", "a senior judge": "Judge"}
TOPICS = ("the grain levy", "the harbour expansion", "the water tariff", "the rail link",
          "the fishing quota", "the bridge tender", "the ferry contract", "the wind farm permit",
          "the school merger", "the port budget", "the pension reform", "the night flight ban",
          "the fuel subsidy", "the hospital audit", "the mining licence", "the border treaty")
EVENTS = ("summit", "hearing", "vote", "session", "referendum", "debate", "rally", "ceremony")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MONTH_AP = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
            "Nov.", "Dec.")
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
            "Oktober", "November", "Dezember")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Substrings a generated name must not contain: words the date rules react
# to (edit stamps, forward and past markers, month and weekday names).
NAME_BLOCK = ("edit", "updat", "modif", "revis", "ed", "will", "till", "may", "mai", "mar",
              "jun", "jul", "dec", "nov", "oct", "sep", "jan", "feb", "apr", "aug", "mon",
              "tue", "wed", "thu", "fri", "sat", "sun", "ab", "bis", "zum", "doit", "sera",
              "due", "from", "hasta", "next", "this", "last", "past")

# Narrative sentences without dates. {p1} full name, {p1l} last name ...
# Sentences open with a name or a word provlint's story grouping ignores
# ("The", "In", "It"...): a capitalised common word ("Talks", "Police",
# "According") counts as a name there, and a handful of them shared by two
# unrelated documents links them into one story (see LIMIT_FILLER).
FILLER = (
    "{p1l} said the {org} had acted within its powers.",
    "{p2l} rejected the criticism and accused opponents of spreading rumours.",
    "Many residents of {place} have complained for years about {topic}.",
    "The {org} did not answer questions about {topic}.",
    "In {place}, shops closed early and traffic was light.",
    "{p3l}, speaking outside the {org} offices, called the decision a mistake.",
    "The dispute over {topic} has divided the {org} for months.",
    "{p1l} and {p2l} argued for almost an hour, people familiar with the talks said.",
    "The two sides published no full account of the exchange.",
    "The opposition in {region} welcomed the move.",
    "It was not the first clash between {p1l} and {p3l}.",
    "{p2l} later described the meeting as difficult but useful.",
    "About 300 people attended the debate in the old market hall in {place}.",
    "The {org} said it had received more than 1,200 letters about {topic}.",
    "\"We did what the law required,\" {p1l} told reporters.",
    "\"Not one person in {place} asked for this,\" {p3l} said.",
    "In {place}, prices rose 4.5 percent over the year, the statistics office said.",
    "{p2l} has led the {org} since 2014.",
    "The fishing crews of {region} said the rules hurt small boats most.",
    "The row over {topic} dates back to a dispute in 2011.",
    "Some members of the {org} walked out in protest.",
    "The talks between {p1l} and {p2l} on Tuesday lasted less than an hour.",
    "The mood in {place} last week was tense.",
    "{p3l} declined to say how the {org} would vote.",
)
INTRO = (
    "{p1}, {role1}, defended {topic} in front of the {org} in {place}.",
    "A quarrel over {topic} broke out between {p1} and {p2} at a meeting in {place}.",
    "The members of the {org} clashed over {topic} at a tense session in {place}.",
    "{p2}, {role2}, accused {p1} of misleading the {org} over {topic}.",
)
CAST = (
    "{p2} is {role2}, and {p3} is {role3}.",
    "The meeting brought together {p2}, {role2}, and {p3}, {role3}.",
    "Both {p2}, {role2}, and {p3}, {role3}, attended.",
)
# A past event with a full date: used before the date (clean) and after it
# (anachronism-full). No forward-looking word, no present tense.
PAST_FULL = (
    "The {event} was held in {place} on {D}.",
    "{p1l} and {p2l} met in {place} on {D} and agreed to reopen talks on {topic}.",
    "On {D}, the {org} voted to suspend {topic}.",
    "The agreement on {topic} was signed in {place} on {D}.",
    "{p3l} resigned on {D} after weeks of criticism over {topic}.",
    "The {org} approved {topic} on {D}, officials said.",
    "A crowd gathered outside the town hall in {place} on {D}.",
    "{p1l} told reporters on {D} that the talks had collapsed.",
)
PAST_MD = (
    "At their summit on {D}, {p1l} and {p2l} agreed on {topic}.",
    "On {D} the {org} voted to suspend {topic}.",
    "{p3l} resigned on {D} after weeks of criticism.",
    "The {event} in {place} on {D} ended without agreement.",
    "The police cleared the square in {place} on {D}, witnesses said.",
    "{p2l} visited {place} on {D} and met local officials.",
)
PAST_DE = (
    "Die Vereinbarung wurde {D} in {place} unterzeichnet.",
    "Der Rat hatte {D} zugestimmt.",
)
# Realistic past-tense sentences that provlint does not read as past (see
# the module docstring). Always usable for dates before the declared date;
# in a defect only with ``known_limits``.
LIMIT_PAST_FULL = (
    ("from", "Delegates from 40 countries met in {place} on {D}."),
    ("fand-statt", "Die Sitzung fand {D} in {place} statt."),
)
# Sentences with a word provlint takes for page furniture ("comment",
# "joined"): a date on the same short line (up to 160 characters), or
# within 40 characters after the word, is ignored.
# Forward references in the simple present after a past verb, or with no
# tense marker at all: provlint reads them as past (a clean document is
# flagged). Only with ``known_limits``.
LIMIT_PRESENT_FUTURE = (
    "{p1l} told reporters the talks resume on {D}.",
    "The {org} approved {topic}, which takes effect on {D}.",
    "The dockworkers said their members walk out on {D}.",
    "The lease on the old ferry terminal expires on {D}.",
)
LIMIT_FILLER = ("The {org} did not respond to a request for comment.",
                "{p3l} joined the {org} two years ago.")
# Sentences opening with a capitalised common word: provlint's story
# grouping counts these as names, so unrelated documents that share six of
# them (and one less common name) become one "story", whose dates are then
# too spread out for an outlier to show. Only with ``known_limits``.
GENERIC_FILLER = (
    "According to people familiar with the talks, {p1l} and {p2l} argued for an hour.",
    "Neither side published a full account of the exchange.",
    "Opposition figures in {region} welcomed the move.",
    "Several members of the {org} walked out in protest.",
    "Talks between {p1l} and {p2l} on Tuesday lasted less than an hour.",
    "Police said the protest in {place} was peaceful.",
    "Prices in {place} rose 4.5 percent over the year, the statistics office said.",
    "Fishing crews in {region} said the rules hurt small boats most.",
    "Nobody in {place} was surprised, {p3l} said.",
    "Critics of {topic} called the vote rushed.",
)
# Forward references (clean, dates after the declared date).
FWD_FULL = (
    "The final vote will take place on {D}.",
    "A court hearing on {topic} is scheduled for {D}.",
    "{p1l} plans to visit {place} again on {D}.",
    "The {org} is expected to publish its report on {D}.",
    "The applications for the new harbour fund are due by {D}.",
    "The new rules are set to take effect on {D}.",
    "{p2l} said the inquiry would report by {D}.",
    "The deadline for objections is {D}.",
)
FWD_MD = (
    "The {org} will meet again on {D}.",
    "The talks are set to resume next week, on {D}.",
    "A decision is expected on {D}, {p3l} said.",
    "The {event} is scheduled for {D}.",
)
FWD_DE = ("Die Abstimmung soll {D} stattfinden.", "Der Bericht wird {D} vorgelegt.")
FWD_MONTH = ("The new terminal is expected to open in {D}.",
             "{p1l} hopes the work will be finished by {D}.")
HIST_MONTH = ("The {org} first debated {topic} in {D}.",
              "{p3l} was elected to the {org} in {D}.")
REL = {
    1: ("The {org} will meet again tomorrow, {W}, {p1l} said.",
        "{p2l} is due to sign the order tomorrow ({W})."),
    -1: ("{p2l} spoke to reporters yesterday ({W}) outside the {org} offices.",
         "The strike began yesterday, {W}, at the main port in {place}."),
    0: ("The {org} met behind closed doors today, {W}, {p3l} said.",),
}
LISTING_HEADS = ("{p1l} under pressure over {topic}", "{place} talks resume",
                 "{org} to review {topic}", "{p2l} and {p1l}: a timeline",
                 "What the {topic} row means for {place}")
NOUNS = ("harbour", "levy", "council", "ferry", "bridge", "tariff", "strike", "budget", "quota")
# fmt: on


# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------


@dataclass
class Story:
    sid: str
    day: date
    people: list[tuple[str, str]]  # (first, last)
    titles: list[str | None]
    roles: list[str]
    place: str
    region: str
    org: str
    topic: str
    event: str
    members: list[Doc] = field(default_factory=list)


@dataclass
class Doc:
    did: str
    story: Story
    kind: str = CLEAN
    when: date = FIRST_DAY  # the INDEX.md date
    header: str = "yaml"  # yaml | legacy | none
    copy_of: Doc | None = None
    is_source: bool = False  # a copy is made of it: its stamps sit on its date
    notes: list[str] = field(default_factory=list)  # injected evidence
    hard: list[str] = field(default_factory=list)  # hard clean cases present
    limits: list[str] = field(default_factory=list)  # known provlint limits in the defect
    source: str = ""
    url: str = ""
    title: str = ""
    body: str = ""
    header_date: str = ""
    ext: str = ".md"


def _day(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randrange((hi - lo).days + 1))


def _sign(rng: random.Random) -> int:
    return rng.choice((-1, 1))


class Names:
    """Syllable-built names, unique within a corpus."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _syl(self) -> str:
        r = self.rng
        return r.choice(ONSETS) + r.choice(VOWELS) + r.choice(CODAS)

    def _ok(self, word: str) -> bool:
        low = word.lower()
        return (
            5 <= len(word) <= 11
            and low not in self.used
            and not any(b in low for b in NAME_BLOCK)
            and not low.endswith("ed")
        )

    def make(self, kind: str) -> str:
        r = self.rng
        for _ in range(1000):
            if kind == "first":
                w = self._syl() + r.choice(ONSETS[:-1]) + r.choice(("a", "o", "i", "e", "ia"))
            elif kind == "last":
                w = self._syl() + r.choice(ONSETS[:-1]) + r.choice(NAME_ENDS)
            elif kind == "place":
                w = self._syl() + r.choice(PLACE_ENDS)
            else:  # org or region word
                w = self._syl() + self._syl() + r.choice(("ia", "a", "en", "or", "is"))
            w = w[0].upper() + w[1:]
            if self._ok(w):
                self.used.add(w.lower())
                return w
        raise RuntimeError("name space exhausted")


# --------------------------------------------------------------------------
# Date phrases
# --------------------------------------------------------------------------


def full_date(d: date, style: str, may_ok: bool = True) -> str:
    """A complete date. Without ``may_ok`` the month May is written as a
    number (provlint reads the word "May" as the modal verb)."""
    if not may_ok and d.month == 5 and style in ("mdy", "dmy", "ap"):
        style = "iso"
    if style == "mdy":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "dmy":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == "ap":
        return f"{MONTH_AP[d.month - 1]} {d.day}, {d.year}"
    if style == "iso":
        return d.isoformat()
    if style == "dotted":
        return f"{d:%d.%m.%Y}"
    raise ValueError(style)


def month_day(d: date, style: str, weekday: bool = False) -> str:
    if style == "md":
        s = f"{MONTHS[d.month - 1]} {d.day}"
    elif style == "dm":
        s = f"{d.day} {MONTHS[d.month - 1]}"
    else:  # AP
        s = f"{MONTH_AP[d.month - 1]} {d.day}"
    return f"{WEEKDAYS[d.weekday()]}, {s}" if weekday else s


def de_date(d: date) -> str:
    return f"am {d.day}. {MONTH_DE[d.month - 1]} {d.year}"


def stamp(d: date, rng: random.Random, style: int) -> str:
    hh, mm = rng.randrange(6, 23), rng.randrange(60)
    if style == 0:
        return f"{d.isoformat()}T{hh:02d}:{mm:02d}+0000"
    if style == 1:
        return f"{hh:02d}:{mm:02d} GMT {d:%d.%m.%Y}"
    if style == 2:
        return f"{d.isoformat()} {hh:02d}:{mm:02d} UTC"
    return f"{d.isoformat()}T{hh:02d}:{mm:02d}Z"


# --------------------------------------------------------------------------
# Corpus plan
# --------------------------------------------------------------------------


def plan(n: int, rng: random.Random) -> tuple[list[Story], list[Doc]]:
    names = Names(rng)
    sizes: list[int] = []
    left = n
    while left > 0:
        s = rng.randint(3, 6)
        if left - s in (1, 2):
            s = left if left <= 6 else left - 3
        s = min(s, left)
        sizes.append(s)
        left -= s
    if sizes and sizes[-1] < 3 and len(sizes) > 1:  # only for n < 3 overall
        sizes[-2] += sizes.pop()
    stories: list[Story] = []
    docs: list[Doc] = []
    for si, size in enumerate(sizes):
        people = [(names.make("first"), names.make("last")) for _ in range(3)]
        pre = rng.choice(PLACE_PREFIXES) + " " if rng.random() < 0.3 else ""
        org_kind = rng.choice(ORG_KINDS)
        roles = rng.sample(ROLES, 3)
        st = Story(
            sid=f"s{si + 1:04d}",
            day=_day(rng, FIRST_DAY, LAST_DAY),
            people=people,
            titles=[TITLED.get(role) if rng.random() < 0.4 else None for role in roles],
            roles=roles,
            place=pre + names.make("place"),
            region=names.make("org"),
            org=f"{names.make('org')} {org_kind}",
            topic=rng.choice(TOPICS),
            event=rng.choice(EVENTS),
        )
        for j in range(size):
            d = Doc(did=f"{st.sid}-{chr(ord('a') + j)}", story=st)
            d.when = st.day + timedelta(days=rng.randrange(4))
            st.members.append(d)
            docs.append(d)
        stories.append(st)

    # Labels: story outliers first (one member of a story), then the rest.
    n_defect = n - round(n * CLEAN_SHARE)
    quota = {k: n_defect // len(KINDS) for k in KINDS}
    for k in rng.sample(KINDS, n_defect % len(KINDS)):
        quota[k] += 1
    quota["story-outlier"] = min(quota["story-outlier"], len(stories))
    for st in rng.sample(stories, quota["story-outlier"]):
        rng.choice(st.members).kind = "story-outlier"
    free = [d for d in docs if d.kind == CLEAN]
    rng.shuffle(free)
    pos = 0
    for k in KINDS[:-1]:
        for d in free[pos : pos + quota[k]]:
            d.kind = k
        pos += quota[k]

    # Header formats.
    for d in docs:
        r = rng.random()
        if d.kind == "index-header-mismatch":
            d.header = "yaml" if r < 0.7 else "legacy"
        else:
            d.header = "yaml" if r < 0.65 else ("legacy" if r < 0.82 else "none")
        d.ext = ".md" if d.header == "yaml" else (".txt" if d.header == "legacy" else "")
        if not d.ext:
            d.ext = rng.choice((".txt", ".md"))

    # Syndicated copies: a clean member copies another clean member.
    want = round(n * COPY_SHARE)
    for st in rng.sample(stories, len(stories)):
        if want <= 0:
            break
        clean = [d for d in st.members if d.kind == CLEAN and d.copy_of is None]
        if len(clean) < 2:
            continue
        src, cp = rng.sample(clean, 2)
        if src.copy_of is not None or cp.is_source:
            continue
        src.is_source = True
        cp.copy_of = src
        want -= 1

    # Dates: outliers move, copies follow their source.
    for d in docs:
        if d.kind == "story-outlier":
            d.when = d.story.day + timedelta(days=_sign(rng) * rng.randint(90, 400))
    for d in docs:
        if d.copy_of is not None:
            d.when = d.copy_of.when + timedelta(days=rng.randrange(2))
    return stories, docs


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------


class Writer:
    """Builds one document's title, url, header and body."""

    def __init__(self, doc: Doc, rng: random.Random, known_limits: bool = False) -> None:
        self.d = doc
        self.r = rng
        self.limits = known_limits
        st = doc.story
        self.slots: dict[str, str] = {
            "org": st.org,
            "place": st.place,
            "region": st.region,
            "topic": st.topic,
            "event": st.event,
        }
        for i, ((first, last), title) in enumerate(zip(st.people, st.titles, strict=True), 1):
            self.slots[f"p{i}"] = f"{title + ' ' if title else ''}{first} {last}"
            self.slots[f"p{i}l"] = last
            self.slots[f"role{i}"] = st.roles[i - 1].format(org=st.org)

    def fill(self, template: str, **extra: str) -> str:
        s = template.format(**self.slots, **extra)
        return s[0].upper() + s[1:]

    # -- pieces ----------------------------------------------------------

    def filler(self, k: int) -> list[str]:
        pool = (*FILLER, *LIMIT_FILLER, *GENERIC_FILLER) if self.limits else FILLER
        return [self.fill(t) for t in self.r.sample(pool, k)]

    def past_full(self, when: date, defect: bool) -> str:
        r = self.r
        risky = not defect or self.limits
        if risky and r.random() < 0.1:
            tag, template = r.choice(LIMIT_PAST_FULL)
            if defect:
                self.d.limits.append(tag)
            return self.fill(
                template,
                D=de_date(when)
                if tag == "fand-statt"
                else full_date(when, r.choice(("mdy", "dmy", "ap"))),
            )
        if r.random() < 0.12:
            return self.fill(r.choice(PAST_DE), D=de_date(when))
        style = r.choice(("mdy", "dmy", "ap", "iso", "dotted", "mdy", "dmy"))
        if defect and when.month == 5 and style in ("mdy", "dmy", "ap"):
            if not self.limits:
                style = "iso"  # provlint reads the word May as the modal verb
            else:
                self.d.limits.append("may")
        return self.fill(r.choice(PAST_FULL), D=full_date(when, style))

    def past_md(self, when: date, defect: bool) -> str:
        r = self.r
        style = r.choice(("md", "dm", "ap"))
        return self.fill(r.choice(PAST_MD), D=month_day(when, style, r.random() < 0.2))

    def forward(self, base: date) -> tuple[str, str]:
        r = self.r
        choice = r.random()
        if choice < 0.45:
            when = base + timedelta(days=r.randint(1, 600))
            style = r.choice(("mdy", "dmy", "ap", "iso", "dotted"))
            return self.fill(r.choice(FWD_FULL), D=full_date(when, style)), "forward-full"
        if choice < 0.75:
            template = r.choice(FWD_MD)
            days = r.randint(6, 12) if "next week" in template else r.randint(3, 170)
            when = base + timedelta(days=days)
            return (
                self.fill(template, D=month_day(when, r.choice(("md", "dm", "ap")))),
                "forward-yearless",
            )
        if choice < 0.87:
            when = base + timedelta(days=r.randint(3, 400))
            return self.fill(r.choice(FWD_DE), D=de_date(when)), "forward-german"
        when = base + timedelta(days=r.randint(200, 900))
        return (
            self.fill(r.choice(FWD_MONTH), D=f"{MONTHS[when.month - 1]} {when.year}"),
            "forward-month-year",
        )

    def history(self, base: date) -> tuple[str, str]:
        r = self.r
        choice = r.random()
        if choice < 0.4:
            when = base - timedelta(days=r.randint(1, 3000))
            return self.past_full(when, False), "past-full-before"
        if choice < 0.75:
            when = base - timedelta(days=r.randint(1, 150))
            return self.past_md(when, False), "past-yearless-before"
        if choice < 0.88:
            when = base - timedelta(days=r.randint(1, 400))
            return self.fill(r.choice(PAST_DE), D=de_date(when)), "past-german-before"
        when = base - timedelta(days=r.randint(0, 2000))
        return (
            self.fill(r.choice(HIST_MONTH), D=f"{MONTHS[when.month - 1]} {when.year}"),
            "past-month-year",
        )

    def relative(self, writing: date, offset: int) -> str:
        phrase_day = writing + timedelta(days=offset)
        return self.fill(self.r.choice(REL[offset]), W=WEEKDAYS[phrase_day.weekday()])

    def title_line(self) -> str:
        st = self.d.story
        r = self.r
        a = st.people[0][1]
        b = st.people[1][1]
        forms = (
            f"{a} and {b} clash over {st.topic} in {st.place}",
            f"{st.org} split over {st.topic}",
            f"{st.place} row over {st.topic} deepens",
            f"{a} defends {st.topic} as {b} steps up criticism",
        )
        return r.choice(forms)

    # -- the document ----------------------------------------------------

    def build(self) -> None:
        d, r = self.d, self.r
        kind = d.kind
        when = d.when  # the INDEX.md date
        exact = d.is_source  # a copy will be made: stamps sit on the date itself
        no_dates = kind == "story-outlier" or r.random() < 0.18
        d.title = self.title_line()
        d.source = r.choice(SOURCES)
        host = r.choice(HOSTS)
        slug = "-".join(d.title.lower().replace("'", "").split()[:6])
        num = r.randint(300000, 999999)

        # URL
        url_when: date | None = None
        url_form = r.random()
        if kind == "url-mismatch":
            url_when = when + timedelta(days=_sign(r) * r.randint(20, 400))
            url_form = r.choice((0.1, 0.5))
            d.notes.append(f"url date {url_when.isoformat()}")
        elif not no_dates and url_form < 0.65:
            url_when = when + timedelta(days=0 if exact else r.choice((0, 0, 0, -1, 1)))
            d.hard.append("url-agrees" if url_form < 0.6 else "url-month-agrees")
        if url_when is not None and url_form < 0.4:
            d.url = f"https://{host}/{r.choice(SECTIONS)}/{url_when:%Y/%m/%d}/{slug}"
        elif url_when is not None and url_form < 0.6:
            d.url = f"https://{host}/{url_when:%Y%m%d}/{slug}-{num}.html"
        elif url_when is not None:
            d.url = f"https://{host}/{r.choice(SECTIONS)}/{url_when:%Y/%m}/{slug}"
        elif r.random() < 0.75:
            d.url = f"https://{host}/{r.choice(SECTIONS)}/{slug}-{num}"

        # Header date
        d.header_date = when.isoformat()
        if d.header != "none" and r.random() < 0.15 and kind != "index-header-mismatch":
            # a date-time within a day of the INDEX.md date
            shift = 0 if exact else r.choice((0, 0, -1, 1))
            t = when + timedelta(days=shift)
            d.header_date = f"{t.isoformat()}T{r.randrange(24):02d}:{r.randrange(60):02d}:00+01:00"
            d.hard.append("header-datetime-within-a-day")
        if kind == "index-header-mismatch":
            off = _sign(r) * r.randint(1, 60)
            h = when + timedelta(days=off)
            if r.random() < 0.2:
                if abs(off) < 2:
                    h = when + timedelta(days=2 * off)
                d.header_date = f"{h.isoformat()}T{r.randrange(24):02d}:{r.randrange(60):02d}Z"
            else:
                d.header_date = h.isoformat()
            d.notes.append(f"header date {d.header_date}")

        lines: list[str] = []
        top: list[str] = []
        forum = not no_dates and r.random() < 0.1
        if forum:
            user = self.r.choice(("harbourwatch", "quaysider", "tidewatcher", "oldsalt"))
            joined = when - timedelta(days=r.randint(100, 3000))
            if r.random() < 0.5:
                top.append(
                    f"{user} · Member since {MONTH_ABBR[joined.month - 1]} {joined.day}, "
                    f"{joined.year} · 1,204 posts"
                )
                d.hard.append("member-since")
            else:
                top.append(f"{user} · Joined: {MONTH_ABBR[joined.month - 1]} {joined.year}")
                d.hard.append("joined")
            top.append("")

        # Timestamp near the top
        has_stamp = False
        if kind == "timestamp-mismatch":
            sd = when + timedelta(days=_sign(r) * r.randint(20, 400))
            s = stamp(sd, r, r.randrange(4))
            top.append(r.choice(("Published ", "Posted ", "")) + s)
            d.notes.append(f"timestamp {s}")
            has_stamp = True
        elif not no_dates and kind != "dateline-mismatch" and r.random() < 0.35:
            sd = when + timedelta(days=0 if exact else r.choice((0, 0, 0, -1, 1)))
            top.append(r.choice(("Published ", "Posted ", "")) + stamp(sd, r, r.randrange(4)))
            d.hard.append("timestamp-agrees")
            has_stamp = True
        if not no_dates and r.random() < 0.12:
            ud = when + timedelta(days=r.randint(2, 300))
            top.append(r.choice(("Updated ", "Last updated: ")) + stamp(ud, r, r.randrange(4)))
            d.hard.append("updated-stamp-later")
        if has_stamp or (top and top[-1]):
            top.append("")

        # First paragraph, perhaps with a dateline
        intro = self.fill(r.choice(INTRO))
        dateline = ""
        if kind == "dateline-mismatch":
            off = _sign(r) * r.randint(20, 170)
            dd = when + timedelta(days=off)
            if r.random() < 0.2:
                off = _sign(r) * r.randint(20, 400)
                dd = when + timedelta(days=off)
                md = f"{MONTH_ABBR[dd.month - 1]} {dd.day}, {dd.year}"
            else:
                md = self._dateline_md(dd)
            dateline = self._dateline(md)
            d.notes.append(f"dateline {dateline.strip()}")
        elif not no_dates and kind != "timestamp-mismatch" and r.random() < 0.35:
            dd = when - timedelta(days=0 if exact else r.choice((0, 0, 1)))
            dateline = self._dateline(self._dateline_md(dd))
            d.hard.append("dateline-agrees")
        para1 = [dateline + intro, self.fill(r.choice(CAST))]

        # Date-bearing sentences
        dated: list[str] = []
        if not no_dates:
            for _ in range(r.choice((0, 1, 1, 2))):
                s, tag = self.history(when)
                dated.append(s)
                d.hard.append(tag)
            for _ in range(r.choice((0, 1, 1, 2))):
                s, tag = self.forward(when)
                dated.append(s)
                d.hard.append(tag)
            if self.limits and kind == CLEAN and r.random() < 0.15:
                later = when + timedelta(days=r.randint(14, 170))
                phrase = (
                    month_day(later, r.choice(("md", "dm", "ap")))
                    if r.random() < 0.5
                    else full_date(later, r.choice(("mdy", "dmy", "ap", "iso")))
                )
                dated.append(self.fill(r.choice(LIMIT_PRESENT_FUTURE), D=phrase))
                d.limits.append("present-future")
            if kind != "relative-weekday" and r.random() < 0.2:
                offset = r.choice((1, 1, -1, -1, 0))
                writing = when if exact else when - timedelta(days=r.randrange(2))
                dated.append(self.relative(writing, offset))
                d.hard.append("relative-weekday-agrees")
        if kind == "anachronism-full":
            ad = when + timedelta(days=r.randint(3, 400))
            s = self.past_full(ad, True)
            dated.append(s)
            d.notes.append(s)
        elif kind == "anachronism-yearless":
            ad = when + timedelta(days=r.randint(30, 170))
            while ad.month == 5 and not self.limits:
                ad = when + timedelta(days=r.randint(30, 170))
            if ad.month == 5:
                self.d.limits.append("may")
            s = self.past_md(ad, True)
            dated.append(s)
            d.notes.append(s)
        elif kind == "relative-weekday":
            offset = r.choice((1, 1, -1, -1, 0))
            # a writing day that is neither the declared day nor the day before
            writing = when - timedelta(days=r.randint(2, 6))
            s = self.relative(writing, offset)
            dated.append(s)
            d.notes.append(s)
        elif kind == "story-outlier":
            d.notes.append(f"declared {when.isoformat()}, story dated about {d.story.day}")

        body_sents = self.filler(r.randint(5, 9)) + dated
        r.shuffle(body_sents)
        paras: list[list[str]] = [para1]
        while body_sents:
            k = r.randint(2, 3)
            paras.append(body_sents[:k])
            body_sents = body_sents[k:]

        tail: list[str] = []
        if not no_dates and r.random() < 0.12:
            tail.append("More on this story:")
            for tpl in r.sample(LISTING_HEADS, 2):
                ld = when + timedelta(days=r.randint(3, 400))
                head = self.fill(tpl)
                if r.random() < 0.5:
                    tail.append(f"- {head} - {full_date(ld, 'mdy')}")
                else:
                    tail.append(f"- {head} | {ld.day} {MONTH_ABBR[ld.month - 1]} {ld.year}")
            d.hard.append("listing-later")
        if forum and r.random() < 0.7:
            ed = when + timedelta(days=r.randint(1, 300))
            tail.append(f"Last edited: {MONTH_ABBR[ed.month - 1]} {ed.day}, {ed.year}")
            d.hard.append("last-edited-later")

        if d.header == "yaml" or (d.header == "none" and d.ext == ".md"):
            lines.append(f"# {d.title}")
            lines.append("")
        else:
            lines.append(d.title)
            lines.append("")
        lines.extend(top)
        for p in paras:
            lines.append(" ".join(p))
            lines.append("")
        if tail:
            lines.extend(tail)
            lines.append("")
        d.body = "\n".join(lines).rstrip("\n") + "\n"
        if self.limits and kind == "story-outlier":
            if any(self.fill(t) in d.body for t in GENERIC_FILLER):
                d.limits.append("generic-names")
        if self.limits and d.notes and kind.startswith("anachronism"):
            at = d.body.find(d.notes[-1])
            a, b = d.body.rfind("\n", 0, at) + 1, d.body.find("\n", at)
            line = d.body[a:b]
            near = line if len(line) <= 160 else d.body[max(0, at - 45) : at]
            if at >= 0 and ("comment" in near or "joined" in near):
                d.limits.append("furniture-word")

    def _dateline_md(self, dd: date) -> str:
        r = self.r
        style = r.randrange(3)
        if style == 0:
            return f"{MONTH_ABBR[dd.month - 1]} {dd.day}"
        if style == 1:
            return f"{MONTHS[dd.month - 1]} {dd.day}"
        return f"{MONTH_AP[dd.month - 1]} {dd.day}"

    def _dateline(self, md: str) -> str:
        place = self.d.story.place.upper()
        dash = self.r.choice(("-", "\u2014", "\u2013"))  # hyphen, em dash, en dash
        return f"{place}, {md} ({self.r.choice(AGENCIES)}) {dash} "


def copy_text(d: Doc, rng: random.Random) -> None:
    src = d.copy_of
    assert src is not None
    d.title = src.title
    d.source = rng.choice([s for s in SOURCES if s != src.source])
    host = rng.choice(HOSTS)
    slug = "-".join(d.title.lower().replace("'", "").split()[:6])
    d.url = (
        f"https://{host}/{rng.choice(SECTIONS)}/{d.when:%Y/%m/%d}/{slug}"
        if rng.random() < 0.5
        else ""
    )
    d.header_date = d.when.isoformat()
    body = src.body
    # The copy's own heading style follows its file type.
    first, _, rest = body.partition("\n")
    title = first[2:] if first.startswith("# ") else first
    head = f"# {title}" if d.header == "yaml" or (d.header == "none" and d.ext == ".md") else title
    d.body = head + "\n" + rest
    d.hard = [*src.hard, "syndicated-copy"]
    d.limits = list(src.limits)
    if d.url:
        d.hard.append("url-agrees")


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def _yaml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def render(d: Doc) -> str:
    if d.header == "yaml":
        head = ["---", f"id: {d.did}", f"title: {_yaml_str(d.title)}", f"source: {d.source}"]
        if d.url:
            head.append(f"url: {d.url}")
        head.append(f"date: {d.header_date}")
        if d.copy_of is not None:
            head.append(f"derived_from: {d.copy_of.did}")
        head.append("language: en")
        head.append("---")
        return "\n".join(head) + "\n" + d.body
    if d.header == "legacy":
        return f" date {d.header_date} {d.body}"
    return d.body


def generate(out: Path, n: int = 600, seed: int = 7, known_limits: bool = False) -> dict[str, str]:
    """Write the corpus into ``out`` and return the labels. With
    ``known_limits``, defect sentences may also take forms provlint is
    known to miss (the month May by name, "from", "fand ... statt", a date
    just after "request for comment.")."""
    rng = random.Random(seed)
    stories, docs = plan(n, rng)
    for d in docs:
        if d.copy_of is None:
            Writer(d, random.Random(f"{seed}:{d.did}"), known_limits).build()
    for d in docs:
        if d.copy_of is not None:
            copy_text(d, random.Random(f"{seed}:{d.did}:copy"))

    if out.exists():
        if any(out.iterdir()) and not (out / META).is_file() and not (out / LABELS).is_file():
            raise SystemExit(f"{out} is not empty and was not made by this script; not touching it")
        for name in ("docs",):
            shutil.rmtree(out / name, ignore_errors=True)
        for name in ("INDEX.md", META, LABELS):
            (out / name).unlink(missing_ok=True)
    (out / "docs").mkdir(parents=True, exist_ok=True)

    rows = [
        INDEX_TITLE,
        "",
        f"{n} generated documents in {len(stories)} stories (seed {seed}). "
        f"`{LABELS}` says which carry a defect.",
        "",
        "| id | file | title | source | url | date | derived_from |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in docs:
        rel = f"docs/{d.did}{d.ext}"
        (out / rel).write_text(render(d), encoding="utf-8")
        rows.append(
            f"| {d.did} | {rel} | {d.title} | {d.source} | {d.url} | {d.when.isoformat()} | "
            f"{d.copy_of.did if d.copy_of else ''} |"
        )
    (out / "INDEX.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    labels = {d.did: d.kind for d in docs}
    (out / LABELS).write_text(json.dumps(labels, indent=1) + "\n", encoding="utf-8")
    meta: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "generator": "benchmarks/gen_dated_corpus.py",
        "n": n,
        "seed": seed,
        "known_limits": known_limits,
        "kinds": dict(CHECK_OF),
        "documents": {
            d.did: {
                "file": f"docs/{d.did}{d.ext}",
                "story": d.story.sid,
                "label": d.kind,
                "check": CHECK_OF.get(d.kind),
                "header": d.header,
                "date": d.when.isoformat(),
                "derived_from": d.copy_of.did if d.copy_of else None,
                "evidence": d.notes,
                "hard": sorted(set(d.hard)),
                "known_limits": d.limits,
            }
            for d in docs
        },
    }
    (out / META).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=600, help="documents (default 600)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--known-limits",
        action="store_true",
        help="let defect sentences take forms provlint is known to miss",
    )
    args = parser.parse_args(argv)
    if args.n < 3:
        parser.error("-n must be at least 3 (a story has 3-6 documents)")
    labels = generate(args.out, args.n, args.seed, args.known_limits)
    counts: dict[str, int] = {}
    for k in labels.values():
        counts[k] = counts.get(k, 0) + 1
    summary = ", ".join(f"{k} {counts.get(k, 0)}" for k in (CLEAN, *KINDS))
    print(f"wrote {len(labels)} documents to {args.out}: {summary}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
