"""What date-inconsistent takes as evidence on raw pages, class by class.

Each class of false alarm found on real raw pages has a pair of cases: the
page furniture, period end, scheduled event or context that is no evidence
(no finding), and a control sentence that states the same date as a past
event (a finding), so that the rule is shown to hold back only what it
should. The texts are written for these tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from provlint.testing import CorpusBuilder

PROSE = (
    "The harbour office said on Tuesday that dredging of the inner harbour had been "
    "approved after two years of hearings, and that the first barges had already arrived.\n"
)
"""A paragraph of the article itself: where its prose begins."""
LONG = PROSE.rstrip("\n") + " " + PROSE
"""A paragraph long enough that two of them make the article begun."""

# (id, declared date, text, whether date-inconsistent reports it)
CASES = [
    # Lists of headlines, related posts, events: short dated lines close together.
    (
        "headline-list",
        "2021-03-10",
        PROSE + "Related stories\nNew ferry timetable for the islands 12 September 2021\n"
        "Lighthouse restoration finished 3 August 2021\n"
        "Storm damage on the coast road 19 July 2021\n",
        False,
    ),
    (
        "headline-list-control",
        "2021-03-10",
        PROSE + "The new ferry timetable was published on 12 September 2021.\n",
        True,
    ),
    (
        "teaser-stamps",
        "2021-03-10",
        PROSE + "More from the coast\nNew ferry timetable for the islands\n12 September 2021\n"
        "Lighthouse restoration finished\n3 August 2021\nStorm damage on the coast road\n"
        "19 July 2021\n",
        False,
    ),
    # Comment stamps.
    (
        "comment-said",
        "2021-03-10",
        PROSE + "Tom on June 2, 2021 at 9:12 pm said:\nThe barges are still there.\n",
        False,
    ),
    (
        "comment-reply",
        "2021-03-10",
        PROSE + "Ann Becker\n14 September 2021 at 6:34 am\nGood news for the town.\nReply\n",
        False,
    ),
    (
        "comment-section",
        "2021-03-10",
        PROSE + "2 Comments\nAnn Becker\n14 September 2021\nGood news for the town.\n",
        False,
    ),
    (
        "comment-control",
        "2021-03-10",
        PROSE + "Tom said the barges had left the harbour on June 2, 2021.\n",
        True,
    ),
    # Archive widgets, menus, calendars.
    (
        "archive-lines",
        "2021-03-10",
        PROSE + "Archives\nOctober 2021\nSeptember 2021\nAugust 2021\n",
        False,
    ),
    (
        "archive-one-line",
        "2021-03-10",
        PROSE + "Archive Select Month October 2021 (2) September 2021 (1) August 2021 (4)\n",
        False,
    ),
    (
        "menu-tree",
        "2021-03-10",
        PROSE + "Forum|--News| |--October 2021| |--November 2021| |--Events| |--Help\n",
        False,
    ),
    (
        "calendar",
        "2021-03-10",
        PROSE + "Calendar\nNovember 2021\nM T W T F S S\n",
        False,
    ),
    (
        "archive-control",
        "2021-03-10",
        PROSE + "The last barge left the harbour in October 2021.\n",
        True,
    ),
    # Records of labelled fields.
    (
        "record",
        "2021-01-10",
        PROSE + "Title: Harbour Tales Author: Mira Holt Pages: 224 Release: 03.11.2022 "
        "Publisher: Coast Press\n",
        False,
    ),
    (
        "record-control",
        "2021-01-10",
        PROSE + "Mira Holt's book on the harbour came out on 03.11.2022.\n",
        True,
    ),
    # A date every page shows, above the article and away from it.
    (
        "masthead",
        "2021-03-10",
        "Home\nNews\nThursday, 14 October 2021\nSign in\nSubscribe\nSearch\nMenu\n"
        "Harbour dredging approved\n" + PROSE,
        False,
    ),
    # The page's own date stamp just above the article, or labelled as such:
    # date-mismatch reports it (test_a_wrong_byline_stamp_is_one_finding),
    # so date-inconsistent does not report it again.
    ("byline-stamp", "2021-03-10", "Harbour dredging approved\n14 October 2021\n" + PROSE, False),
    (
        "published-label",
        "2021-03-10",
        "Published: 14.10.2021 09:35\nHome\nNews\nSearch\nMenu\nHarbour dredging approved\n"
        + PROSE,
        False,
    ),
    # A quoted post's date.
    (
        "quoted-post",
        "2021-03-10",
        PROSE + "The barges are here at last.\n— Ann Becker (@annbecker) October 16, 2021\n",
        True,
    ),
    # A line scrape-residue takes for furniture (a feed item, "5 minutes ago").
    (
        "residue-line",
        "2021-03-10",
        PROSE + "Ferry service restored on 12 September 2021 5 minutes ago\n",
        False,
    ),
    (
        "residue-control",
        "2021-03-10",
        PROSE + "Ferry service resumed on 12 September 2021, the operator said.\n",
        True,
    ),
    # Monthly figures in a table.
    (
        "monthly-figures",
        "2021-01-15",
        PROSE + "Tonnage fell over the winter: Jan 41.2, Feb 32.9, Mar 6.8.\n",
        False,
    ),
    (
        "monthly-figures-control",
        "2021-01-15",
        PROSE + "Tonnage fell on Mar 6, the office said.\n",
        True,
    ),
    # Code and JSON.
    (
        "json-value",
        "2021-03-10",
        PROSE + '{ "sensor": "quay", "checked": "2021-12-30", "level": 3.2 }\n',
        False,
    ),
    (
        "code-block",
        "2021-03-10",
        PROSE + "```\nlast_run = 2021-12-30 was logged\n```\n",
        False,
    ),
    (
        "code-control",
        "2021-03-10",
        PROSE + "The sensor was last checked on 2021-12-30.\n",
        True,
    ),
    # Future markers: an infinitive, a period still running, an invitation.
    (
        "to-be-featured",
        "2021-03-10",
        PROSE + "A report to be featured in the December 2021 issue was finished last week.\n",
        False,
    ),
    (
        "to-be-featured-control",
        "2021-03-10",
        PROSE + "A report featured in the December 2021 issue was finished last week.\n",
        True,
    ),
    (
        "quarter-ending",
        "2021-03-10",
        PROSE + "The company reported results for the fourth quarter ending May 30.\n",
        False,
    ),
    (
        "quarter-ended-control",
        "2021-03-10",
        PROSE + "The company reported results for the fourth quarter, which ended May 30.\n",
        True,
    ),
    (
        "invitation-range",
        "2021-09-20",
        PROSE
        + "Residents are invited to ATTEND a two-day open house Oct. 28-29, the office said.\n",
        False,
    ),
    (
        "invitation-control",
        "2021-09-20",
        PROSE + "Residents visited a two-day open house Oct. 28-29, the office said.\n",
        True,
    ),
    (
        "through",
        "2020-10-13",
        PROSE + "Members earn double points on ferry rides through March 2022.\n",
        False,
    ),
    # Scheduled events named before their date.
    (
        "annual-meeting",
        "2021-03-10",
        PROSE + "Questions for the annual meeting April 23 were sent to shareholders.\n",
        False,
    ),
    (
        "awards",
        "2020-01-19",
        PROSE + "Several contenders for best picture at the Oscars on Feb. 9 were not nominated.\n",
        False,
    ),
    (
        "awards-control",
        "2020-01-19",
        PROSE + "The film won best picture at the Oscars on Feb. 9.\n",
        True,
    ),
    # The year of a date without one, from its sentence.
    (
        "month-context",
        "2022-01-10",
        PROSE + "Fishermen were arrested in April for a protest on March 21, the police said.\n",
        False,
    ),
    (
        "month-context-control",
        "2022-01-10",
        PROSE + "Fishermen were arrested for a protest on March 21, the police said.\n",
        True,
    ),
    (
        "named-year",
        "2022-05-01",
        PROSE + "In 2005, a storm damaged the coast on July 10.\n",
        False,
    ),
    ("named-year-control", "2022-05-01", PROSE + "A storm damaged the coast on July 10.\n", True),
    ("last-year", "2022-04-20", PROSE + "Last year the bridge closed on June 3.\n", False),
    (
        "century-ago",
        "2022-03-01",
        PROSE + "A century ago, the town council met on May 2 to vote.\n",
        False,
    ),
    ("century-ago-control", "2022-03-01", PROSE + "The town council met on May 2 to vote.\n", True),
    (
        "attributive",
        "2021-11-20",
        PROSE + "The dispute led to the January 6 attack, officials said.\n",
        False,
    ),
    (
        "attributive-control",
        "2021-11-20",
        PROSE + "The attack happened on January 6, officials said.\n",
        True,
    ),
    # Present tense for the future in German, French and Spanish.
    (
        "present-de",
        "2022-02-04",
        PROSE + "Im September 2022 kommt das neue Modell auf den Markt.\n",
        False,
    ),
    (
        "present-fr",
        "2022-02-04",
        PROSE + "Le nouveau modèle arrive en septembre 2022 dans les magasins.\n",
        False,
    ),
    (
        "present-es",
        "2022-02-04",
        PROSE + "El nuevo modelo llega el 5 de septiembre de 2022 a las tiendas.\n",
        False,
    ),
    (
        "past-de-control",
        "2022-02-04",
        PROSE + "Das neue Modell kam im September 2022 auf den Markt.\n",
        True,
    ),
    # A day's ordinal dot does not end the sentence that looks forward.
    (
        "ordinal-dot",
        "2021-10-18",
        PROSE + "Das Gesetz tritt am 1. Januar 2022 (Artikel 1) und am 1. Juli 2022 in Kraft.\n",
        False,
    ),
    # A postponement names the new date of an event, not when it happened.
    (
        "postponed-en",
        "2021-03-10",
        PROSE + "The court adjourned the hearing to 3 March 2022 after a short session.\n",
        False,
    ),
    (
        "postponed-fr",
        "2021-03-10",
        PROSE + "Le tribunal a renvoyé le procès au 1er avril 2022.\n",
        False,
    ),
    (
        "postponed-control",
        "2021-03-10",
        PROSE + "The court held the hearing on 3 March 2022 after a short session.\n",
        True,
    ),
    # An editor's note that the article was updated: what it reports up to
    # that day is no anachronism. A site's "Updated" time stamp is no note.
    (
        "editors-note",
        "2021-03-10",
        "Harbour dredging approved\nArticle updated on 7 January 2022.\n"
        + PROSE
        + "The first barge arrived on 3 September 2021.\n",
        False,
    ),
    (
        "editors-note-control",
        "2021-03-10",
        "Harbour dredging approved\nUpdated 2022-01-07T06:09Z\n"
        + PROSE
        + "The first barge arrived on 3 September 2021.\n",
        True,
    ),
    (
        "editors-note-later-event",
        "2021-03-10",
        "Harbour dredging approved\nArticle updated on 7 January 2022.\n"
        + PROSE
        + "The first barge arrived on 3 September 2022.\n",
        True,
    ),
    # The author's biography below the article tells the author's story up
    # to the capture, not the article's.
    (
        "author-bio",
        "2021-03-10",
        "Harbour dredging approved\nBy Mira Holt\n"
        + PROSE
        + "Tags: harbour, ferries\nMira Holt has reported on the coast for ten years. Her book "
        "on the harbour came out in November 2022 and won a regional prize.\n",
        False,
    ),
    (
        "author-bio-control",
        "2021-03-10",
        "Harbour dredging approved\nBy Mira Holt\n"
        + PROSE
        + "Tags: harbour, ferries\nTom Berg has reported on the coast for ten years. His book "
        "on the harbour came out in November 2022 and won a regional prize.\n",
        True,
    ),
    # A page that shows its date stamp at the top: a dated label further
    # down (a teaser card's "12 September 2022 · 4 min read", an edition
    # box) is another item's date.
    (
        "other-items-label",
        "2021-03-12",
        "Harbour dredging approved\n14 March 2021\n"
        + LONG * 2
        + "More from the coast\nFerry timetable for the islands\n12 September 2022. 4 min read\n",
        False,
    ),
    (
        "other-items-label-control",
        "2021-03-12",
        "Harbour dredging approved\n14 March 2021\n"
        + LONG * 2
        + "More from the coast\nThe ferry timetable changed on 12 September 2022.\n",
        True,
    ),
    (
        "other-items-label-no-stamp",
        "2021-03-12",
        "Harbour dredging approved\n"
        + LONG * 2
        + "More from the coast\nFerry timetable for the islands\n12 September 2022. 4 min read\n",
        True,
    ),
    # "Since" puts a date in the past, whatever the tense.
    (
        "since",
        "2021-11-01",
        PROSE + "Seit dem 1. Januar 2022 ist das Fischen im Hafen verboten.\n",
        True,
    ),
]


@pytest.mark.parametrize(
    ("declared", "text", "reported"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_evidence_class(
    provlint_corpus: CorpusBuilder, declared: str, text: str, reported: bool
) -> None:
    provlint_corpus.row("a", "a.txt", date=declared).doc("a.txt", text)
    found = provlint_corpus.findings(select=["date-inconsistent"])
    assert bool(found) is reported, [f.message for f in found]


# One cause, one finding: a byline's date stamp is date-mismatch's evidence.
STAMPED = (
    "Ferry pier reopens after repairs\n"
    "By Ann Becker - 14 June 2021\n" + PROSE + "The pier was closed in March after a storm.\n"
)


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("By Ann Becker - 14 June 2021", ["date-mismatch"]),
        ("Published: 14 June 2021", ["date-mismatch"]),
        ("14 June 2021 10:32 CEST", ["date-mismatch"]),
        ("14 June 2021", ["date-mismatch"]),
        # A stamp that agrees: neither check says anything about it.
        ("By Ann Becker - 15 May 2021", []),
    ],
)
def test_a_wrong_byline_stamp_is_one_finding(
    provlint_corpus: CorpusBuilder, stamp: str, expected: list[str]
) -> None:
    text = STAMPED.replace("By Ann Becker - 14 June 2021", stamp)
    provlint_corpus.row("a", "a.txt", date="2021-05-15").doc("a.txt", text)
    found = provlint_corpus.findings(select=["date-mismatch", "date-inconsistent"])
    assert [f.check for f in found] == expected, [f.message for f in found]
    if expected:
        assert "14 June 2021" in found[0].message




TEASER = "Lesen Sie auch: Der Fährhafen wurde am 14. September 2021 neu eröffnet\n"


def test_one_line_analysis_per_text(
    provlint_corpus: CorpusBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """date-inconsistent reads scrape-residue's analysis of the document's
    lines (body_lines, kept in doc.cache) instead of classifying them again:
    with both checks, the lines are classified once. A teaser's date is
    another article's."""
    import provlint.plugins.scrape_residue as residue
    import provlint.plugins.scrape_residue.lines as lines

    calls: list[int] = []
    real = lines.classify

    def counting(*args: Any, **kw: Any) -> list[str | None]:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(lines, "classify", counting)
    monkeypatch.setattr(residue, "classify", counting)
    provlint_corpus.row("a", "a.txt", date="2021-03-10").doc("a.txt", PROSE + TEASER)
    provlint_corpus.row("b", "b.txt", date="2021-03-10").doc(
        "b.txt", PROSE + TEASER.removeprefix("Lesen Sie auch: ")
    )
    found = provlint_corpus.findings(select=["date-inconsistent", "scrape-residue"])
    assert [(f.path, f.check) for f in found if f.check == "date-inconsistent"] == [
        ("b.txt", "date-inconsistent")
    ]
    assert len(calls) == 2  # one analysis per text


def test_a_byline_line_is_the_pages_own_not_furniture() -> None:
    from provlint.plugins.dates.datetext import TextIndex
    from provlint.plugins.scrape_residue import BYLINE, MENU, RELATED

    text = "Veröffentlicht am 16.08.2019\nHome\nLesen Sie auch: …\n"
    index = TextIndex(text)
    kinds = [BYLINE, MENU, RELATED]
    assert [index.residue_kind(index.starts[i], lambda: kinds) for i in range(3)] == [
        None,
        MENU,
        RELATED,
    ]
