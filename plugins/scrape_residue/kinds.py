"""The kinds of residue line the classifier tells apart.

A *strong* kind is page furniture on sight; a weak one only counts towards
the residue share and count.
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
