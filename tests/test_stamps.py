"""Date stamps near the top of a page (provlint.plugins.dates.stamps): each
form that counts, and each kind of line that does not."""

from __future__ import annotations

from datetime import date

import pytest
from provlint.plugins.dates.datetext import extract
from provlint.plugins.dates.stamps import find_stamps, is_code, words


def _stamps(text: str, **kw: object) -> list[tuple[int, str, tuple[date, ...], str, str]]:
    return [
        (s.line, s.text, s.candidates, s.role, s.why)
        for s in find_stamps(text, mentions=extract(text), **kw)  # type: ignore[arg-type]
    ]


D = date

POSITIVE = {
    "time and zone": (
        "Harbour expansion approved\nNov. 20, 2019 5:52 AM EST\nBody text.\n",
        (2, "Nov. 20, 2019", (D(2019, 11, 20),), "plain", "time"),
    ),
    "labels on one line": (
        "Tram line\nPUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:02, Wed, Nov 20, 2019\n",
        (2, "Tue, Nov 19, 2019", (D(2019, 11, 19),), "published", "label"),
    ),
    "alone": (
        "Summer fair\nJuly 2, 2018\nBody.\n",
        (2, "July 2, 2018", (D(2018, 7, 2),), "plain", "alone"),
    ),
    "day first": (
        "Bridge\n27/09/2018\nBody.\n",
        (2, "27/09/2018", (D(2018, 9, 27),), "plain", "alone"),
    ),
    "iso with time": (
        "Report\n2019-11-20T05:52\nBody.\n",
        (2, "2019-11-20T05:52", (D(2019, 11, 20),), "plain", "time"),
    ),
    "german label": (
        "Radwege\nVeröffentlicht am 13. März 2019 von Anna Berg\n",
        (2, "13. März 2019", (D(2019, 3, 13),), "published", "label"),
    ),
    "french label": (
        "Bibliothèque\nPublié le 5 mars 2021 à 10h30\n",
        (2, "5 mars 2021", (D(2021, 3, 5),), "published", "label"),
    ),
    "spanish label": (
        "Autobús\nPublicado el 3 de mayo de 2020\n",
        (2, "3 de mayo de 2020", (D(2020, 5, 3),), "published", "label"),
    ),
    "byline": (
        "Rain record\nBy Annabel Leeworth-Smith - January 10, 2020\n",
        (2, "January 10, 2020", (D(2020, 1, 10),), "plain", "byline"),
    ),
    "meta line": (
        "Trip notes\n8 January 2020 · by Ann · in Travel\n",
        (2, "8 January 2020", (D(2020, 1, 8),), "plain", "lead"),
    ),
    "updated": (
        "Menu\nLast updated: March 3, 2020\n",
        (2, "March 3, 2020", (D(2020, 3, 3),), "updated", "label"),
    ),
    "glued by a scraper": (
        "Ferry\nPosted on28. Juli 201927. Juli 2019Author Tom\n",
        (2, "28. Juli 2019", (D(2019, 7, 28),), "published", "label"),
    ),
    "date in the title": (
        "Regional news | 31.10.2023, 10.19 Uhr\nRain\n",
        (1, "31.10.2023", (D(2023, 10, 31),), "plain", "time"),
    ),
}


@pytest.mark.parametrize("text, first", POSITIVE.values(), ids=POSITIVE.keys())
def test_stamp_forms(text: str, first: tuple[object, ...]) -> None:
    got = _stamps(text)
    assert got and got[0] == first


def test_a_glued_second_date_is_read_as_the_same_stamp() -> None:
    got = _stamps("Ferry\nPosted on28. Juli 201927. Juli 2019Author Tom\n")
    assert [g[1] for g in got] == ["28. Juli 2019", "27. Juli 2019"]


def test_updated_then_originally_created() -> None:
    got = _stamps("Docker builds\nLast updated 04 Jun 2020, originally created 17 Jun 2019\n")
    assert [(g[2], g[3]) for g in got] == [
        ((D(2020, 6, 4),), "updated"),
        ((D(2019, 6, 17),), "published"),
    ]


def test_ambiguous_numeric_date_keeps_both_readings() -> None:
    (got,) = _stamps("Museum night\n05/03/2021\nBody.\n")
    assert got[2] == (D(2021, 3, 5), D(2021, 5, 3))


@pytest.mark.parametrize(
    "other, reading",
    [("27/01/2021", D(2021, 3, 5)), ("01/27/2021", D(2021, 5, 3))],
    ids=["day first elsewhere", "month first elsewhere"],
)
def test_ambiguous_numeric_date_read_as_the_page_reads_its_others(
    other: str, reading: date
) -> None:
    text = (
        "Museum night\n05/03/2021\nThe museums stayed open.\n"
        f"An earlier visit on {other} was much quieter than this one.\n"
    )
    (got,) = _stamps(text)
    assert got[2] == (reading,)


def test_the_language_does_not_decide_the_order() -> None:
    # German sites write 11/01/2021 for 1 November too: both readings stay.
    (got,) = _stamps(
        "Der Roller im Test\n11/01/2021\nWas kann der neue Roller? Wir haben ihn getestet.\n"
    )
    assert got[2] == (D(2021, 1, 11), D(2021, 11, 1))


RAW_PAGE = """\
Port workers strike over pay | Daily Courier
Home
News
Sport
Port workers strike over pay
By Ann Lee
Jul. 6, 2020 7:15 PM
Dock workers stopped work on Monday morning.
"""


def test_near_the_headline_of_a_raw_page() -> None:
    assert _stamps(RAW_PAGE) == [(7, "Jul. 6, 2020", (D(2020, 7, 6),), "plain", "time")]


def test_far_above_the_headline_is_the_site_not_the_article() -> None:
    menu = "\n".join(f"Menu entry {i}" for i in range(12))
    page = f"Port workers strike over pay | Daily Courier\nJuly 8, 2020\n{menu}\n" + "\n".join(
        RAW_PAGE.split("\n")[1:]
    )
    assert [g[0] for g in _stamps(page)] == [20]
    # Just above the headline it is the article's.
    near = RAW_PAGE.replace("Sport\n", "Sport\nJuly 6, 2020\n")
    assert [g[0] for g in _stamps(near)] == [5, 8]


def test_line_numbers_and_columns_follow_the_header() -> None:
    (s,) = find_stamps("Headline\nBy Ann Lee - January 10, 2020\n", line_offset=4)
    assert (s.line, s.column) == (6, 14)


NEGATIVE = {
    "comment": "Garden notes\nAlex on September 17, 2018 at 6:34 am said:\nThanks.\nReply\n",
    "comment below a name": "Garden notes\nKarl says:\n24 November 2019 at 17:53\nIt works.\n",
    "list of headlines": (
        "Round-up\nFlood barriers tested\nMarch 2, 2020\nLibrary cards\nFebruary 24, 2020\n"
        "Cycle lanes\nFebruary 17, 2020\n"
    ),
    "archive widget": "Notes\nArchives\nJuly 2018\nJune 2018\nMay 2018\n",
    "masthead": (
        "Strike | Daily Courier\nWednesday, 8 July 2020\nLogin\nSubscribe\nStrike\nBody.\n"
    ),
    "event": "Choir concert\nNext rehearsal:\n12 March 2020, 19:00\nThe choir meets in the hall.\n",
    "scheduled": "Club\nThe next meeting takes place on 5 February 2020 from 19:00.\n",
    "opening hours": "Open day\nSaturday, 5.11.2023 from 12 - 18 h\n",
    "json": 'Tracker\n{\n  "Timestamp": "2019-08-14 17:43:12",\n}\n',
    "embedded post": "Tour\nA post shared by Mira (@mira) on Apr 21, 2019 at 4:47 PDT\n",
    "range": "Weekly report 14 - 20 January 2022 | Snow Institute\nSnow.\n",
    "copyright": "Ferry\nCopyright 3 March 2015 Harbour Lines\n",
    "version": "Licence\nVersion 3, 29 June 2007\n",
    "data sheet": (
        "Photo\n- Camera: EOS 60\n- Lens: 180 mm\n- ISO: 640\n- Date: 31/08/2019\n"
        "- Time: midnight\n- Zone: CEST\n- Place: Kasberg\n"
    ),
    "capture toolbar": "Page\n1 capture\n10 Nov 2013\nAbout this capture\n",
    "sentence": "Office\nOn 11 September 2019, the minister was charged with a breach of trust.\n",
    "two-digit year and a time": "Forum\nmacfan28.09.1912:44\nHello.\n",
    "no year": "Notes\nPatrick 06 PM | 18 May\n",
    "label in the sentence before": (
        "Talks\nThe two sides published no account. A crowd gathered in the square "
        "on 6 June 2021.\n"
    ),
    "short sentence": "Village fair\nIt was held on 4 June 2019.\nThe fair drew crowds.\n",
    "label in a sentence about something else": (
        "Ferries\nThe new ferry timetable for the islands was published on 12 September 2021.\n"
    ),
}


@pytest.mark.parametrize("text", NEGATIVE.values(), ids=NEGATIVE.keys())
def test_not_a_stamp(text: str) -> None:
    assert _stamps(text) == []


def test_a_label_opening_a_short_sentence_still_counts() -> None:
    text = "Ferries\nArticle updated on 7 January 2020.\nThe timetable changes.\n"
    assert [g[3:] for g in _stamps(text)] == [("updated", "label")]


def test_after_two_paragraphs_the_text_has_begun() -> None:
    para = "word " * 50
    text = f"Blog\n{para}\n{para}\n[Thursday, 22 November 2012]\nNext post.\n"
    assert _stamps(text) == []
    # A labelled stamp at the end of a short post still counts.
    text = f"Blog\n{para}\n{para}\nPublished: 22 November 2012\n"
    assert [g[3] for g in _stamps(text)] == ["published"]


def test_a_date_after_today_is_not_a_stamp() -> None:
    text = "Launch\nJuly 2, 2031\nBody.\n"
    assert _stamps(text, today=D(2025, 1, 1)) == []
    assert _stamps(text)[0][2] == (D(2031, 7, 2),)


def test_only_the_first_lines_without_a_headline() -> None:
    text = "Title\n" + "filler line\n" * 30 + "July 2, 2018\n"
    assert _stamps(text) == []
    assert _stamps(text, max_lines=40)[0][0] == 32


def test_code_lines() -> None:
    assert is_code('  "Timestamp": "2030-08-14 17:43:12",')
    assert is_code('date = "2021-12-05"')
    assert not is_code("Published: 12 May 2020")


def test_words_file_sections() -> None:
    w = words()
    assert {"published", "updated", "byline", "meta", "comment", "not-a-stamp"} <= set(w)
    assert "veröffentlicht" in w["published"] and "mis à jour" in w["updated"]
    assert all(p == p.casefold() for phrases in w.values() for p in phrases)


def test_hostile_text_stays_cheap() -> None:
    import time

    line = "Published: 3 May 2020 " * 50_000  # one line of a million characters
    many = "\n".join(["July 2, 2018 5:52 AM"] * 5_000)
    started = time.perf_counter()
    assert find_stamps(line + "\nBody.\n") == []
    find_stamps(many)
    assert time.perf_counter() - started < 2.0


def test_a_headline_with_a_furniture_word_does_not_hide_its_stamp() -> None:
    got = _stamps("Obituaries\nSinger died at 82\nMarch 3, 2020\nThe singer died on Sunday.\n")
    assert [g[1] for g in got] == ["March 3, 2020"]
    assert _stamps("Concerts\nEvent:\nMarch 3, 2020\nThe band plays at eight.\n") == []
