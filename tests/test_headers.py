"""Header parsing: YAML front matter and the legacy one-line date header."""

from __future__ import annotations

import pytest
from provlint.headers import MAX_NODES, parse_front_matter, parse_legacy


def test_front_matter_keeps_scalars_as_strings_and_positions() -> None:
    h = parse_front_matter(
        "---\nid: a1\ndate: 2021-12-05\ncount: 3\ntags: [x, y]\n---\nBody line\n"
    )
    assert h is not None
    assert h.fields == {"id": "a1", "date": "2021-12-05", "count": "3", "tags": ["x", "y"]}
    assert h.position("date") == (3, 7)
    assert h.position("tags", 1) == (5, 11)
    assert h.body == "Body line\n"
    assert h.body_line == 7
    assert h.errors == []


def test_front_matter_closed_by_dots_and_crlf() -> None:
    h = parse_front_matter("---\r\ntitle: T\r\n...\r\nBody\r\n")
    assert h is not None and h.fields == {"title": "T"} and h.body == "Body\r\n"


def test_not_front_matter() -> None:
    assert parse_front_matter("Hello\n---\n") is None
    assert parse_front_matter("----\nx: y\n----\n") is None


def test_invalid_calendar_date_is_kept_for_the_schema() -> None:
    h = parse_front_matter("---\ndate: 2021-13-45\n---\n")
    assert h is not None and h.fields["date"] == "2021-13-45" and h.errors == []


def test_yaml_error_reports_line_inside_file() -> None:
    h = parse_front_matter("---\nid: a\ntitle: [unclosed\n---\n")
    assert h is not None
    ((line, _col, msg),) = h.errors
    assert line == 4 and "YAML error" in msg


def test_never_closed() -> None:
    h = parse_front_matter("---\nid: a\nbody without end\n")
    assert h is not None and "never closed" in h.errors[0][2]


def test_not_a_mapping() -> None:
    h = parse_front_matter("---\n- a\n- b\n---\n")
    assert h is not None and "mapping" in h.errors[0][2]


def test_object_tags_never_construct() -> None:
    h = parse_front_matter("---\nx: !!python/object/apply:os.system ['echo hacked']\n---\n")
    assert h is not None
    assert h.fields["x"] == ["echo hacked"]
    assert "not allowed" in h.errors[0][2]


def test_duplicate_keys_reported_first_kept() -> None:
    h = parse_front_matter("---\nid: a\nid: b\n---\n")
    assert h is not None and h.fields["id"] == "a"
    assert h.errors[0][:2] == (3, 1) and "duplicate key 'id'" in h.errors[0][2]


def test_alias_bomb_is_bounded() -> None:
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    lines.append("---")
    h = parse_front_matter("\n".join(lines) + "\n")
    assert h is not None
    assert h.fields == {}
    assert f"more than {MAX_NODES}" in h.errors[0][2]


def test_deep_nesting_is_bounded() -> None:
    text = "---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n"
    h = parse_front_matter(text)
    assert h is not None and h.errors


def test_legacy_header_body_starts_after_date() -> None:
    h = parse_legacy(" date 2021-12-05 Registration was successful!\nNext line\n")
    assert h is not None
    assert h.fields == {"date": "2021-12-05"}
    assert h.position("date") == (1, 7)
    assert h.body == "Registration was successful!\nNext line\n"
    assert (h.body_line, h.body_column) == (1, 18)


def test_legacy_header_needs_a_date_on_line_one() -> None:
    assert parse_legacy("date of publication unknown\n") is None
    assert parse_legacy("Some text\n date 2021-12-05 x\n") is None
    assert parse_legacy("dated 2021-12-05 x") is None
    h = parse_legacy("date 2021-12-05")
    assert h is not None and h.body == ""


@pytest.mark.parametrize("first", ["Date 2021-12-05 Body", "date: 2021-12-05", " date 2021-12-5 x"])
def test_near_miss_legacy_header_is_reported(first: str) -> None:
    from provlint.headers import near_miss_legacy

    assert parse_legacy(first) is None
    h = near_miss_legacy(first + "\nmore\n")
    assert h is not None and h.fields == {} and "legacy date header" in h.errors[0][2]
    assert near_miss_legacy("The date 2021-12-05 was set\n") is None
