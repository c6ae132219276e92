"""The kinds of residue line the classifier tells apart.

A *strong* kind is page furniture on sight; a weak one only counts towards
the residue share and count.

Not every kind is another page's text. :data:`BYLINE` ("By Jeanne Morel",
"Veröffentlicht am 16.08.2019", "입력 2021.12.06 14:05") and :data:`TAGS`
describe the page's own article: they are residue in a text meant to hold
the article alone, but a date on a byline is the page's own claim about its
date, unlike a date in :data:`RELATED` teasers, :data:`FEED` lists or a
:data:`MENU`, which belong to other articles.
"""

from __future__ import annotations

XPATH = "XPath"
IMAGE = "image URL"
URL = "bare URL"
SIGNUP = "sign-up prompt"
SHARE = "share prompt"
COOKIE = "cookie banner"
FOOTER = "footer"
FOOTER_LINK = "footer link"
CREDIT = "photo credit"
CONTACT = "contact line"
FEED = "news-feed chrome"
TICKER = "news ticker"
FORUM = "forum chrome"
LANGUAGE = "language picker"
LANGNAME = "language name"  # a language picker when three come in a row
NAVIGATION = "navigation"
NAV_LINK = "navigation link"
BYLINE = "byline"
TAGS = "tag line"
RELATED = "related-article teaser"
MENU = "menu"
BREADCRUMB = "breadcrumb"
METADATA = "metadata value"
GLUED = "run-together words"
CONTEXT = "between residue"
REPEATED = "repeated"

STRONG = frozenset(
    {XPATH, IMAGE, SIGNUP, SHARE, COOKIE, FOOTER, FEED, TICKER, FORUM, LANGUAGE, NAVIGATION}
)
OWN = frozenset({BYLINE, TAGS})
"""The kinds that describe the page's own article: residue in a text meant
to hold the article alone, but no other item's furniture. A date on such a
line is the page's own (the date checks read it as evidence); a date on a
line of any other kind belongs to the site or to another article."""

