#!/usr/bin/env python3
# ruff: noqa: RUF001, RUF002
"""Generate a labelled synthetic corpus for provlint's content checks.

    python benchmarks/gen_content_corpus.py OUT_DIR -n 600 --seed 7

OUT_DIR receives:

* ``INDEX.md``: one GFM table ``| id | file | title | source | url | date |
  derived_from | language |`` with a row per document;
* ``docs/<id>.md`` with YAML front matter, ``docs/<id>.txt`` with the legacy
  one-line header `` date YYYY-MM-DD ...``, and a few ``docs/<id>.txt`` or
  ``.md`` with no header at all (the INDEX.md row is then the only
  declaration);
* ``labels.json``: ``{doc id: [kind, ...]}``, the defects injected into the
  document (``[]`` for a clean one; usually one kind, sometimes two);
* ``corpus.json``: the parameters and, per document, its story, language,
  header format, labels, the checks they should trigger, the document whose
  text it carries (``copy_of``; ``family``, the origin of that text; and
  ``families``, with the origins a round-up quotes),
  its declared ``derived_from``, the injected evidence and the hard
  (must-not-flag) cases it contains. Written last.

The prose is made up here from word lists and a small phrase grammar in
English, French, German, Spanish and Portuguese (nothing is copied from
external text); names of people, places and organisations are built from
syllables, with some real accented first names. Documents come in
*stories* of 3-9 documents: several outlets covering one event, sharing a
cast (three people, a place, a region, an organisation, a topic) but each
written with its own sentences, so that two articles of one story share a
few phrases and names and are *not* duplicates.

About 55% of the documents are clean; the defects are spread evenly over
nine kinds, each meant to be caught by one check:

=====================  =====================================================  =================
kind                   what is injected                                       check
=====================  =====================================================  =================
``duplicate-exact``    a copy of another document's body (same story) with    duplicate-content
                       only case, punctuation, quotes, whitespace, line
                       breaks and numbers changed; no ``derived_from``
``duplicate-near``     a copy with about 1-2% of its words changed, or the    duplicate-content
                       copy wrapped in heavy page furniture (menus, sign-in
                       and cookie prompts, feeds of other headlines,
                       footers) so that the Jaccard score is low
                       (0.45-0.75) but containment is near 1; no
                       ``derived_from``. The wrapped copies are labelled
                       ``scrape-residue`` too
``derived-unknown``    ``derived_from`` names an id no document has: a typo   derived-from
                       of a real id (a doubled letter, a dropped digit, the
                       wrong case), an uncollected wire item, a URL
``derived-cycle``      2-3 copies of one text whose ``derived_from`` links    derived-from
                       form a cycle (all dated the same day); every member
                       is labelled
``derived-after``      a copy declares its source, which is dated 1-40 days   derived-from
                       after the copy
``scrape-residue``     2-4 blocks of page furniture mixed into the text:      scrape-residue
                       XPath lines, cookie banners, share, sign-in and
                       subscribe prompts, menus, language pickers, bare
                       image URLs, metadata values, advertisement markers,
                       feeds, copyright and contact footers, forum chrome
                       (English or German wording); some also carry mojibake
                       and are labelled ``encoding-mojibake`` too
``encoding-invalid``   bytes that are not UTF-8: one paragraph (or a whole    encoding
                       legacy file) encoded as Windows-1252 or Mac OS Roman
``encoding-mojibake``  a paragraph or the whole body double-encoded: UTF-8    encoding
                       bytes read as Windows-1252 (``cafÃ©``, ``â€œ``) or
                       Latin-1 (C1 controls)
``encoding-control``   1-4 control or invisible characters inside the text:   encoding
                       BEL, backspace, escape sequences, form feed, DEL,
                       SUB, a C1 apostrophe, zero-width space/joiner, a
                       byte-order mark mid-text, bidirectional overrides
=====================  =====================================================  =================

A scrape-residue document has at least three furniture lines in at least
two blocks, two of them *unmistakable* (a cookie banner, a prompt, an XPath
line, a feed heading, a footer line...; not only menus, advertisement
markers or metadata values, which are ambiguous on their own). Each line
has a tier: ``strong`` (unmistakable, and provlint's patterns recognise
it), ``missed`` (unmistakable, but provlint does not recognise it: the
``MISSED`` set, e.g. "Please check your inbox to confirm your
subscription.", "Advertisement", a one-line language picker
``Edition: English | Deutsch | Français``, an XPath with a ``//*`` step)
or ``weak``. By default every residue document has two distinct strong
lines, and missed lines appear only beside them; see ``--known-limits``.

Clean and defective documents are built from the same parts (languages,
header formats, bylines, datelines, quotes, URLs, lists, sub-headings,
byte-order marks, CRLF line endings, accented names, curly quotes), and
clean documents carry the hard cases the checks must not flag:

* the other articles of a story: same cast, place and topic, some shared
  quotes, other sentences (containment of word 5-grams up to about 0.45,
  median about 0.06);
* syndicated copies that declare ``derived_from`` (in INDEX.md, the header
  or both; sometimes as a code span) and are dated the same day as their
  source or later, sometimes against a source whose date is a date-time
  later that day;
* two or three copies of one wire story that all declare the same origin;
* round-ups that excerpt two story members and declare both (``a, b``,
  ``a,b`` or a YAML list);
* short texts (under 30 words, title included), two briefs of one story
  worded differently;
* French, German, Spanish and Portuguese prose with accents, NBSP and
  narrow NBSP, guillemets, „German quotes“, ¿¡, dialogue dashes and
  ellipses, Portuguese ``São Paulo``, ``SÃO PAULO``, ``não``, ``Ângela``,
  ``irmã``, ``ações``;
* ``cookies``, ``subscribe`` and ``share`` in ordinary sentences, some as a
  one-sentence paragraph;
* a list of short headlines or agenda items in the body, bulleted or one
  item a line without bullets;
* a UTF-8 byte-order mark and CRLF line endings;
* a URL quoted inside a sentence;
* forum posts (first person, some with emoji) without forum chrome.

With ``--known-limits`` the generator also writes realistic forms that
provlint gets wrong, and lists them per document under ``known_limits`` in
``corpus.json`` (copies and round-ups that carry the passage inherit it):

* ``ellipsis-quote`` (clean; a false alarm of encoding): Spanish and
  Portuguese dialogue where an accented vowel is followed by an ellipsis
  and a closing quote or a dash (``—No lo sé…—respondió``, ``“Foi a minha
  irmã…”``): read as the mojibake of a three-byte UTF-8 sequence;
* ``emoji-zwj`` (clean; a false alarm of encoding): emoji sequences joined
  by U+200D ZERO WIDTH JOINER (``👩\u200d🔧``) in forum posts: reported as
  invisible characters;
* ``timezone-dates`` (clean; a false alarm of derived-from): a copy dated
  ``YYYY-MM-05T20:30-05:00`` of a source dated ``YYYY-MM-06T01:15+09:00``,
  nine hours *after* it but one calendar day earlier: only calendar dates
  are compared;
* ``mojibake-lost-byte`` (a miss of encoding): mojibake made by a cp1252
  decoder that drops the five bytes cp1252 leaves undefined, in a passage
  whose only non-ASCII characters lose one (``Ángel`` becomes ``Ãngel``,
  👍 becomes ``ðŸ‘``); provlint handles the lost byte only in ``â€``;
* ``low-jaccard`` (a miss of duplicate-content in ``lsh`` mode only): a
  copy wrapped in so much furniture that its Jaccard score is 0.3-0.45
  (by default 0.45-0.75). LSH banding (42 bands of 3 rows) never makes a
  pair a candidate with probability (1 - J^3)^42: 32% at 0.3, 16% at 0.35,
  6% at 0.4, 1.8% at 0.45, 0.4% at 0.5;
* ``unrecognised-furniture`` (a miss of scrape-residue): a residue document
  whose unmistakable lines include fewer than two that provlint
  recognises (the ``MISSED`` wording);
* ``romance-furniture`` (a miss of scrape-residue): page furniture in
  French, Spanish or Portuguese wording (``Accepter les cookies``,
  ``Suscríbete``, ``Compartilhar``); provlint's patterns are English and
  German.

Only the standard library is used; the same seed and N give byte-identical
output.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import string
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

KINDS = (
    "duplicate-exact",
    "duplicate-near",
    "derived-unknown",
    "derived-cycle",
    "derived-after",
    "scrape-residue",
    "encoding-invalid",
    "encoding-mojibake",
    "encoding-control",
)
CHECK_OF = {
    "duplicate-exact": "duplicate-content",
    "duplicate-near": "duplicate-content",
    "derived-unknown": "derived-from",
    "derived-cycle": "derived-from",
    "derived-after": "derived-from",
    "scrape-residue": "scrape-residue",
    "encoding-invalid": "encoding",
    "encoding-mojibake": "encoding",
    "encoding-control": "encoding",
}
CHECKS = ("duplicate-content", "derived-from", "scrape-residue", "encoding")
CLEAN_SHARE = 0.55
SYNDICATED_SHARE = 0.08  # documents that are declared copies (clean)
WIRE_SHARE = 0.03  # documents in wire groups (an origin and 2-3 declared copies)
ROUNDUP_SHARE = 0.01
SHORT_SHARE = 0.04
WRAPPED_SHARE = 0.5  # of duplicate-near: wrapped in page furniture (also scrape-residue)
RESIDUE_MOJIBAKE_SHARE = 0.12  # of scrape-residue: also mojibake
FOREIGN_SHARE = 0.14  # stories in French, German, Spanish or Portuguese
FIRST_DAY = date(2016, 1, 1)
LAST_DAY = date(2024, 6, 30)
MIN_WORDS = 30  # provlint's duplicate-content default: shorter texts are not compared
INDEX_TITLE = "# Synthetic content corpus (provlint benchmarks/gen_content_corpus.py)"
META = "corpus.json"
LABELS = "labels.json"
FORMAT_VERSION = 1

# --------------------------------------------------------------------------
# Vocabulary (made up for this generator)
# --------------------------------------------------------------------------

# fmt: off
ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p",
          "pr", "r", "s", "sk", "t", "tr", "v", "z", "th", "")
VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou", "ei")
CODAS = ("", "", "", "n", "r", "l", "s", "m", "nd", "rk", "lt")
NAME_ENDS = ("a", "o", "i", "an", "en", "ov", "ez", "ard", "ell", "ak", "is", "ani")
PLACE_ENDS = ("by", "ton", "mere", "wick", "stad", "ford", "holm", "burg", "vale", "mouth",
              "haven", "field")
PLACE_PREFIXES = ("Port", "Lake", "Fort", "North", "Saint")
# Substrings a generated name must not contain: words page-furniture rules
# react to, and English stop words.
NAME_BLOCK = ("share", "reply", "quot", "login", "menu", "home", "news", "sport", "cook",
              "print", "mail", "like", "edit", "report", "term", "priva", "about", "contact",
              "latest", "trend", "read", "sign", "regist", "subscr", "teil", "kontakt")
ACCENTED_FIRST = ("José", "Zoë", "Renée", "Jürgen", "Björn", "Françoise", "Inês", "João",
                  "Chloé", "Søren", "Agnès", "Úrsula", "Ángel", "Maël", "Günther", "Noémie",
                  "Raúl", "Dörte", "Stéphane", "Açelya")
PT_FIRST = ("Ângela", "João", "Conceição", "Sebastião", "Estêvão", "Inês", "Luís")
# (English, French, German, Spanish, Portuguese)
ORG_KINDS = (("Council", "conseil", "Rat", "consejo", "conselho"),
             ("Authority", "autorité", "Behörde", "autoridad", "autoridade"),
             ("Commission", "commission", "Kommission", "comisión", "comissão"),
             ("Trust", "fondation", "Stiftung", "fundación", "fundação"),
             ("Assembly", "assemblée", "Versammlung", "asamblea", "assembleia"))
TOPICS = (
    ("the grain levy", "la taxe sur les céréales", "die Getreideabgabe",
     "la tasa sobre el grano", "a taxa sobre os grãos"),
    ("the harbour expansion", "l’agrandissement du port", "den Hafenausbau",
     "la ampliación del puerto", "a ampliação do porto"),
    ("the water tariff", "le tarif de l’eau", "den Wassertarif",
     "la tarifa del agua", "a tarifa da água"),
    ("the rail link", "la ligne ferroviaire", "die Bahnstrecke",
     "la línea de tren", "a linha de trem"),
    ("the fishing quota", "le quota de pêche", "die Fangquote",
     "la cuota pesquera", "a cota de pesca"),
    ("the bridge tender", "l’appel d’offres du pont", "die Brückenausschreibung",
     "el concurso del puente", "a licitação da ponte"),
    ("the ferry contract", "le contrat des ferries", "den Fährvertrag",
     "el contrato de los ferris", "o contrato das balsas"),
    ("the wind farm permit", "le permis du parc éolien", "die Windpark-Genehmigung",
     "el permiso del parque eólico", "a licença do parque eólico"),
    ("the school merger", "la fusion des écoles", "die Schulfusion",
     "la fusión de los colegios", "a fusão das escolas"),
    ("the port budget", "le budget du port", "den Hafenetat",
     "el presupuesto del puerto", "o orçamento do porto"),
    ("the pension reform", "la réforme des retraites", "die Rentenreform",
     "la reforma de las pensiones", "a reforma da previdência"),
    ("the night flight ban", "l’interdiction des vols de nuit", "das Nachtflugverbot",
     "la prohibición de vuelos nocturnos", "a proibição de voos noturnos"),
)
EVENTS = ("summit", "hearing", "vote", "session", "referendum", "debate", "rally", "ceremony")
OUTLETS = ("Harbor City Times", "Northfield Courier", "The Valley Observer", "Example Daily Ledger",
           "Riverside Gazette", "Coastal Bulletin", "Lakeshore Herald", "Highland Chronicle",
           "Metro Example Post", "Islands Weekly")
FOREIGN_OUTLETS = {
    "fr": ("Le Courrier de l’Exemple", "La Gazette du Littoral", "L’Écho des Ports"),
    "de": ("Hafenblatt Exempelstadt", "Küstenbote", "Nordmark-Anzeiger"),
    "es": ("El Diario del Ejemplo", "La Voz del Puerto", "Crónica Costera"),
    "pt": ("Folha do Exemplo", "Jornal do Porto", "Gazeta Litorânea"),
}
WIRES = ("Example News Wire", "Tidewire", "NPX Agency")
HOSTS = ("news.example.test", "ledger.example.test", "courier.example.org", "times.example.net",
         "observer.example.test", "gazette.example.test", "herald.example.org",
         "bulletin.example.com", "chronicle.example.test", "post.example.com")
FORUM_HOST = "forum.example.net"
SECTIONS = ("world", "politics", "region", "business", "local", "news")
STREETS = ("Harbour Road", "Market Street", "the Quay", "Station Avenue", "Mill Lane",
           "Church Street", "the esplanade", "Bridge Street")
ROLES = ("the regional transport minister", "the mayor", "a spokeswoman for the {org}",
         "the opposition leader", "the head of the dockworkers’ union",
         "the harbour commissioner", "the finance minister", "a senior judge",
         "the chair of the {org}", "the provincial governor")
TITLED = {"the regional transport minister": "Minister", "the finance minister": "Minister",
          "the mayor": "Mayor", "the provincial governor": "Governor", "a senior judge": "Judge"}

# English: a small phrase grammar. {P1} {P2} {P3} are people (full name on
# first mention, then the last name).
EN_SAY = ("said", "told reporters", "said on Monday", "argued", "insisted", "warned",
          "told the {outlet}", "said in a statement", "wrote on social media",
          "told a meeting in {place}", "conceded", "claimed", "said late on Tuesday",
          "told local radio", "said in an interview")
EN_SPEAKER = ("{P1}", "{P2}", "{P3}", "{P1}", "{P2}", "a spokesperson for the {org}",
              "{role1}", "{role2}", "{role3}")
EN_AGENT = ("the {org}", "the government in {region}", "ministers", "the ferry operators",
            "the unions", "the {org}’s lawyers", "the port authority",
            "councillors in {place}", "the regional court", "local businesses",
            "the treasury", "the planning office")
EN_PLURAL = ("ministers", "the ferry operators", "the unions", "the {org}’s lawyers",
             "councillors in {place}", "local businesses")
EN_MODAL = ("would", "had agreed to", "{be} ready to", "could still", "had refused to",
            "planned to", "should", "had decided to", "{be} unlikely to", "must",
            "{be} expected to", "had been told to", "wanted to")
EN_ACTION = ("review", "delay", "scrap", "press ahead with", "reconsider", "put to a vote",
             "pay for", "rewrite", "challenge", "suspend", "expand", "cut funding for",
             "publish the full costs of", "hold a public inquiry into", "renegotiate",
             "water down", "defend")
EN_OBJECT = ("{topic}", "the plans for {topic}", "the second phase of {topic}",
             "parts of {topic}", "the timetable for {topic}", "the contracts behind {topic}",
             "its position on {topic}")
EN_TIME = ("", "", " before the end of the year", " within weeks", " after the summer",
           " by the spring", " this month", " next year", " in the coming days",
           " once the audit was finished", " before the elections")
EN_REASON = ("", "", "", " because costs had risen sharply", " after a wave of complaints",
             " despite strong opposition in {place}", " unless more money was found",
             " to avoid a legal fight", " as pressure grew from {region}",
             " after talks with {P2} broke down", " following a critical report by auditors")
EN_QUOTE = ("We are not going to be rushed into this", "This is a good day for {place}",
            "Nobody asked the people who actually live here", "The numbers simply do not add up",
            "We listened, and we changed the plan", "It is a mess, and everybody knows it",
            "We will keep fighting this in the courts",
            "Show us the figures and we will look at them", "This was never about money",
            "I have been clear about this from the start",
            "People in {place} deserve better than this", "Nobody wins if the talks collapse",
            "The {org} has lost the trust of {region}", "We did what the law required of us",
            "There is still time to get this right", "I understand why people are angry",
            "Our members will not accept it", "It is too early to say what happens next",
            "We have waited long enough", "Ask the fishermen what they think")
EN_QUOTE_TAIL = ("{said} {who}", "{who} {said}", "{who} {said}, visibly frustrated",
                 "{who} {said} after the meeting", "{who} {said} outside the {org} offices")
EN_QUOTE_SAID = ("said", "told reporters", "added", "said on Tuesday", "told the {outlet}")
EN_FACT = (
    "More than {N} people signed a petition against {topic}",
    "The meeting in {place} ran for more than {H} hours",
    "Turnout at the {event} was {cmp} than the organisers had expected",
    "Shops along {street} closed early as about {N} protesters gathered outside the {org} "
    "offices",
    "The project would cost about {M} million {cur}, according to figures seen by the {outlet}",
    "About {N} jobs in {region} depend on {industry}",
    "Traffic through the centre of {place} was diverted for most of the afternoon",
    "Police put the size of the crowd at {N}, while organisers claimed twice that",
    "The motion was carried by {N} votes to {N2}",
    "A survey of {N} residents found that most of them opposed {topic}",
    "Ferries between {place} and the islands ran {adv} during the {event}",
    "The {org} employs {N} people and has an annual budget of {M} million {cur}",
    "The session was briefly suspended when protesters in the public gallery began chanting",
    "Several roads around the harbour in {place} were closed to traffic",
    "Fishing crews from {region} moored their boats across the harbour mouth in protest",
    "The regional parliament debated {topic} for a second day",
    "Outside the café on {street}, volunteers handed out leaflets about {topic}",
    "The protest was organised by the Comité de défense du port, a group of {N} residents",
    "A plate of fish at the harbour café in {place} now costs 14 €, up from 9 € a year ago",
    "Among the speakers was a retired naïve-art painter who has lived on {street} since {Y}",
)
EN_CMP = ("higher", "lower", "much higher", "far lower")
EN_ADV = ("normally", "on a reduced timetable", "with long delays", "half empty")
EN_CUR = ("euros", "dollars", "pounds", "crowns")
EN_INDUSTRY = ("the fishing fleet", "the ferry services", "the port", "tourism",
               "the shipyards", "the grain trade", "the quarries")
EN_BACKGROUND = (
    "{P1} has led the {org} since {Y}",
    "The dispute over {topic} dates back to {Y}, when {origin}",
    "{place} has a population of about {N}",
    "Critics have long argued that {crit}",
    "Supporters of {topic} say it will {benefit}",
    "The {org} was set up in {Y} to {purpose}",
    "It is the {ord} time in {K} years that {topic} has come to a vote",
    "{P3}, a former {job}, entered politics in {Y}",
    "Talks on {topic} collapsed twice last year",
    "{P2} was first elected in {Y} on a promise to fix {topic}",
    "The {org} has been without a permanent chief executive since the spring",
)
EN_ORIGIN = ("the first plans were drawn up", "a court blocked an earlier version",
             "the previous government shelved the idea", "auditors raised questions about the "
             "costs", "a storm damaged the old harbour wall")
EN_CRIT = ("the {org} moves too slowly", "{topic} favours large companies",
           "the costs were never properly checked",
           "residents of {place} were left out of the process")
EN_BENEFIT = ("bring jobs to {region}", "cut journey times", "pay for itself within a decade",
              "protect the coast from flooding")
EN_PURPOSE = ("run the harbour", "oversee public transport in {region}",
              "settle disputes between the towns of {region}", "manage the water supply")
EN_ORD = ("second", "third", "fourth")
EN_JOB = ("teacher", "harbour pilot", "lawyer", "nurse", "trade union official", "fisherman")
EN_FIRST_PERSON = (
    "I have lived in {place} for {K} years and I have never seen the harbour this quiet.",
    "Does anyone know whether the {org} will publish the full costs of {topic}?",
    "My brother works on the ferries and he says nobody has explained the new rota to them.",
    "I went to the meeting on Tuesday and most people there were against {topic}.",
    "Honestly, I think {P1} is right about this one.",
    "The petition is a start, but we need people at the next session in {place}.",
    "Not sure why everyone is surprised, this has been coming for years.",
    "We wrote to {P2} twice and never got an answer.",
    "Parking near the quay is already impossible on market days.",
    "If the {org} goes ahead, the small boats will be the first to suffer.",
    "Has anyone actually read the report, or are we all going on what the papers say?",
)
EMOJI = (" 👍", " 🙄", " 😡", " 🤷")
# Emoji sequences joined by U+200D ZERO WIDTH JOINER (family, mechanic,
# rainbow flag): legitimate text. Only with --known-limits.
EMOJI_ZWJ = (" 👨‍👩‍👧", " 👩‍🔧", " 🏳️‍🌈", " 🧑‍🤝‍🧑")
SUBHEADS = {
    "en": ("What happens next", "Background", "The costs", "Reaction", "A long dispute"),
    "fr": ("Et maintenant ?", "Le contexte", "Réactions"),
    "de": ("Wie geht es weiter?", "Hintergrund", "Reaktionen"),
    "es": ("¿Y ahora qué?", "Antecedentes", "Reacciones"),
    "pt": ("E agora?", "Histórico", "Reações"),
}
# Hard cases: furniture words in ordinary sentences, URLs inside sentences.
EN_COOKIES = (
    "A bakery on {street} handed out free cookies to people waiting in the queue.",
    "Volunteers sold cookies and coffee outside the hall to raise money for the campaign.",
    "The {org} said its new website does not set advertising cookies, after a complaint "
    "from {P3}.",
    "Residents can subscribe to flood warnings for {place} by text message, the {org} said.",
    "More than {N} households subscribe to the district heating scheme in {place}.",
    "{P2} urged listeners to subscribe to the council’s public notices, which list every "
    "planning application.",
    "Readers who want to share their views can write to the {org} before the consultation "
    "closes.",
)
EN_URL_SENTENCE = (
    "The full report is published at https://www.{host}/reports/{slug}.pdf and runs to {N} "
    "pages.",
    "The petition, hosted at https://petitions.{host}/{slug}, had more than {N} signatures by "
    "the evening.",
    "Details of the consultation are on the {org} website (https://www.{host}/consultation), "
    "{P1} said.",
    "A livestream of the session, at https://video.{host}/live/{slug}, was watched by about "
    "{N} people.",
)
EN_AGENDA_INTRO = ("The agenda for the next session also includes:",
                   "Among the other items approved on the day were:",
                   "The {org} will also vote on:", "Other decisions taken at the meeting:")
EN_AGENDA = ("Repairs to the {place} sea wall", "Parking charges at {place} station",
             "A new cycle lane on {street}", "The {org} budget for next year",
             "Student fares on the {place} ferries", "Opening hours of the {place} library",
             "A review of {region} bus routes", "Flood defences along {street}",
             "Rents for the {place} market stalls", "Street lighting in the old town of {place}")
EN_TITLE = ("{A} and {B} clash over {topic} in {place}", "{Org} split over {topic}",
            "{place} row over {topic} deepens", "{A} defends {topic} as {B} steps up criticism",
            "Protest in {place} as {topic} vote nears", "What the {topic} row means for {place}",
            "{Org} delays decision on {topic}", "Residents of {place} divided over {topic}",
            "Anger in {place} over {topic}", "{B} calls for inquiry into {topic}")
EN_SHORT = (
    ("{place}: {topic} vote postponed",
     "The {org} has postponed its vote on {topic} until after the summer, a spokesperson "
     "said."),
    ("{Org} to meet on {topic}",
     "The {org} will meet on Thursday to discuss {topic}, officials in {place} said."),
    ("Ferries in {place} suspended",
     "Ferry services from {place} were suspended because of high winds, the operator said."),
    ("{A} resigns",
     "{A} has resigned from the {org} after the row over {topic}, {pronoun} office said."),
)
EN_CREDITS = ("Reporting by {R1}; editing by {R2}", "Additional reporting by {R1} in {place}",
              "Writing by {R1}; editing by {R2}")

# French, German, Spanish and Portuguese: smaller grammars.
FR = {
    "say": ("a déclaré", "a assuré", "a affirmé", "a estimé", "a prévenu", "a reconnu",
            "a expliqué à la presse", "a indiqué"),
    "speaker": ("{P1}", "{P2}", "{P3}", "le porte-parole du {orgk}",
                "la ministre régionale des Transports"),
    "agent": ("le {orgk}", "le gouvernement", "la préfecture",
              "l’opérateur des ferries", "la mairie de {place}"),
    "modal": ("allait", "devrait", "pourrait", "refusait de", "comptait", "avait décidé de",
              "souhaitait"),
    "action": ("réexaminer", "reporter", "abandonner", "soumettre au vote", "financer",
               "réécrire", "contester", "suspendre", "élargir", "défendre"),
    "object": ("{topic}", "le financement {topic_de}", "le calendrier {topic_de}",
               "une partie {topic_de}"),
    "time": ("", "", " avant l’été", " d’ici la fin de l’année", " dans les prochaines semaines",
             " après les élections", " dès la rentrée"),
    "quote": ("Nous n’avons pas été consultés", "C’est une très mauvaise nouvelle pour {place}",
              "Le dossier n’est pas clos", "On ne peut pas continuer comme ça",
              "Il faut d’abord connaître le coût réel", "Nous irons jusqu’au bout",
              "Personne n’a demandé ce projet", "La décision a été prise trop vite",
              "Ce n’est qu’un début", "Nous avons écouté les habitants"),
    "quote_tail": ("a déclaré {who}", "a regretté {who}", "a réagi {who}", "estime {who}",
                   "résume {who}", "a lancé {who}"),
    "fact": (
        "Selon la préfecture, près de {N} personnes ont manifesté à {place} samedi.",
        "Le coût du projet est estimé à {M} millions d’euros.",
        "La réunion a duré plus de {H} heures, selon plusieurs participants.",
        "À {place}, de nombreux commerces ont fermé plus tôt que d’habitude.",
        "Environ {N} emplois dépendent du port dans la région de {region}.",
        "Le texte a été adopté par {N} voix contre {N2}.",
        "Une pétition contre le projet a déjà recueilli {N} signatures.",
        "Les ferries ont circulé normalement pendant toute la journée.",
        "Le débat sur {topic} divise la région depuis des années.",
        "Élue depuis {Y}, {P2} connaît bien le dossier.",
        "Le préfet n’a pas souhaité commenter.",
        "Les élus de l’opposition dénoncent une décision «\u00a0précipitée\u00a0».",
        "Que va devenir {topic}\u202f? Personne, à {place}, ne se risque à le prédire.",
        "Les pêcheurs, eux, sont déjà mobilisés\u00a0: ils ont bloqué le port dès l’aube.",
        "Dans les cafés du port de {place}, on ne parle que de ça.",
        "La séance a été suspendue à deux reprises sous les huées du public.",
        "Les marins-pêcheurs de {region} réclament des compensations.",
        "Le rapport des inspecteurs, publié en {Y}, pointait déjà des dépassements de coûts.",
    ),
    "title": ("{place}\u00a0: la colère monte contre {topic}", "Le {orgk} divisé sur {topic}",
              "{A} défend {topic} face aux critiques", "À {place}, les habitants s’inquiètent",
              "{topic_cap}\u00a0: le bras de fer continue"),
    "short": (("{place}\u00a0: le vote reporté",
               "Le {orgk} a reporté son vote sur {topic} à l’automne, a indiqué un porte-parole."),
              ("Ferries suspendus à {place}",
               "Les liaisons au départ de {place} sont suspendues en raison du vent.")),
    "cookies": ("La boulangerie de la place du marché a distribué des cookies aux "
                "manifestants.",),
    "agenda_intro": ("L’ordre du jour de la prochaine séance comprend aussi\u00a0:",),
    "agenda": ("La réfection de la digue de {place}", "Les tarifs du parking de la gare",
               "Une nouvelle piste cyclable", "Le budget du {orgk} pour l’an prochain",
               "Les horaires de la médiathèque de {place}"),
}
DE = {
    "say": ("sagte", "erklärte", "betonte", "warnte", "räumte ein", "kündigte an",
            "sagte am Montag"),
    "speaker": ("{P1}", "{P2}", "{P3}", "ein Sprecher des {orgk}s", "die Verkehrsministerin"),
    "agent": ("der {orgk}", "die Landesregierung", "die Stadtverwaltung von {place}",
              "der Fährbetreiber", "die Hafenbehörde",
              "die Opposition in {region}"),
    "modal": ("werde", "wolle", "müsse", "könne", "solle"),
    "action": ("überprüfen", "verschieben", "stoppen", "zur Abstimmung stellen", "finanzieren",
               "überarbeiten", "anfechten", "aussetzen", "ausweiten", "verteidigen"),
    "object": ("{topic}", "die Pläne für {topic}", "den Zeitplan für {topic}",
               "die Kosten für {topic}"),
    "time": ("", "", " noch vor dem Sommer", " bis Ende des Jahres", " in den kommenden Wochen",
             " nach der Wahl", " im Frühjahr"),
    "quote": ("Wir sind nicht gefragt worden", "Das ist ein schlechter Tag für {place}",
              "Die Zahlen gehen einfach nicht auf", "Wir werden weiter kämpfen",
              "Niemand hat dieses Projekt gewollt", "Die Entscheidung fiel viel zu schnell",
              "Wir haben den Bürgern zugehört", "Das letzte Wort ist noch nicht gesprochen",
              "Über die Kosten muss offen geredet werden"),
    "quote_tail": ("sagte {who}", "kritisierte {who}", "erklärte {who}", "betonte {who}"),
    "fact": (
        "Nach Angaben der Polizei demonstrierten rund {N} Menschen in {place}.",
        "Die Kosten werden auf {M} Millionen Euro geschätzt.",
        "Die Sitzung dauerte mehr als {H} Stunden.",
        "In {place} schlossen viele Geschäfte früher als üblich.",
        "Rund {N} Arbeitsplätze in {region} hängen vom Hafen ab.",
        "Die Abstimmung endete mit {N} zu {N2} Stimmen.",
        "Eine Petition gegen das Vorhaben haben bereits {N} Menschen unterschrieben.",
        "Über {topic} wird in {region} seit Jahren gestritten.",
        "Ein Sprecher des Ministeriums wollte sich nicht äußern.",
        "Die Fähren verkehrten den ganzen Tag über planmäßig.",
        "Seit {Y} führt {P1} die Geschäfte des {orgk}s.",
        "Die Opposition sprach von einer übereilten Entscheidung.",
        "Für die Fischer aus {region} geht es um ihre Existenz, größere Betriebe sind kaum "
        "betroffen.",
        "In den Cafés am Hafen von {place} gibt es kaum ein anderes Thema.",
        "Die Sitzung musste zweimal unterbrochen werden, weil Zuhörer protestierten.",
        "Schon ein Prüfbericht aus dem Jahr {Y} hatte vor steigenden Kosten gewarnt.",
        "Viele Anwohner fühlen sich übergangen, berichten Bürgerinitiativen aus {region}.",
    ),
    "title": ("Streit um {topic} in {place}", "{A} verteidigt {topic}",
              "{orgk} uneins über {topic}", "In {place} wächst der Ärger",
              "Proteste gegen {topic} in {place}"),
    "short": (("{place}: Abstimmung verschoben",
               "Der {orgk} hat die Abstimmung über {topic} auf den Herbst verschoben."),
              ("Fähren in {place} eingestellt",
               "Wegen des Sturms fallen die Fähren ab {place} bis auf Weiteres aus.")),
    "cookies": ("Eine Bäckerei am Markt verteilte Kekse und Cookies an die Demonstranten.",
                "Wer über Hochwasser informiert werden will, kann die Warnungen des {orgk}s per "
                "SMS abonnieren."),
    "agenda_intro": ("Auf der Tagesordnung der nächsten Sitzung stehen außerdem:",),
    "agenda": ("Die Sanierung der Kaimauer in {place}", "Parkgebühren am Bahnhof",
               "Ein neuer Radweg zum Hafen", "Der Haushalt des {orgk}s für das nächste Jahr",
               "Die Öffnungszeiten der Bücherei in {place}"),
}
ES = {
    "say": ("aseguró", "afirmó", "explicó", "advirtió", "reconoció", "declaró a la prensa",
            "señaló"),
    "speaker": ("{P1}", "{P2}", "{P3}", "un portavoz del {orgk}", "la consejera de Transportes"),
    "agent": ("el {orgk}", "el Gobierno", "el ayuntamiento de {place}",
              "la naviera", "la autoridad portuaria", "la oposición en {region}"),
    "modal": ("va a", "podría", "tendrá que", "no piensa", "quiere"),
    "action": ("revisar", "aplazar", "suspender", "someter a votación", "financiar",
               "reescribir", "recurrir", "ampliar", "defender"),
    "object": ("{topic}", "el calendario {topic_de}", "la financiación {topic_de}",
               "parte {topic_de}"),
    "time": ("", "", " antes del verano", " antes de fin de año", " en las próximas semanas",
             " después de las elecciones", " en primavera"),
    "quote": ("No nos han consultado", "Es un mal día para {place}", "Las cuentas no cuadran",
              "Seguiremos luchando", "Nadie pidió este proyecto",
              "La decisión se tomó demasiado rápido", "Hemos escuchado a los vecinos",
              "Todavía no está todo dicho", "¿Quién va a pagar la factura?"),
    "quote_tail": ("dijo {who}", "lamentó {who}", "señaló {who}", "insistió {who}"),
    "fact": (
        "Según la policía, unas {N} personas se manifestaron en {place} el sábado.",
        "El coste del proyecto se estima en {M} millones de euros.",
        "La reunión duró más de {H} horas.",
        "En {place}, muchos comercios cerraron antes de lo habitual.",
        "Unos {N} empleos de {region} dependen del puerto.",
        "La votación terminó con {N} votos a favor y {N2} en contra.",
        "Una petición contra el proyecto ya ha reunido {N} firmas.",
        "El debate sobre {topic} divide a la región desde hace años.",
        "El ministerio no quiso hacer comentarios.",
        "Los ferris funcionaron con normalidad durante todo el día.",
        "¿Qué pasará ahora con {topic}? Nadie en {place} lo sabe con certeza.",
        "—¿Y quién lo paga? —preguntó una vecina durante la reunión.",
        "¡Ya está bien!, gritaban los pescadores frente al ayuntamiento.",
        "En los bares del puerto de {place} no se habla de otra cosa.",
        "La sesión tuvo que suspenderse dos veces por los abucheos del público.",
        "Un informe de los auditores de {Y} ya advertía del aumento de los costes.",
        "Los pescadores de {region} exigen compensaciones.",
    ),
    "title": ("Polémica en {place} por {topic}", "{A} defiende {topic} ante las críticas",
              "El {orgk}, dividido sobre {topic}", "Malestar en {place}",
              "Protestas contra {topic} en {place}"),
    "short": (("{place}: aplazada la votación",
               "El {orgk} ha aplazado la votación sobre {topic} hasta el otoño."),
              ("Suspendidos los ferris en {place}",
               "Los ferris con salida en {place} quedan suspendidos por el temporal.")),
    "cookies": ("Una panadería de la plaza repartió cookies y café entre los manifestantes.",),
    "agenda_intro": ("El orden del día de la próxima sesión incluye además:",),
    "agenda": ("La reparación del dique de {place}", "Las tarifas del aparcamiento de la "
               "estación", "Un nuevo carril bici", "El presupuesto del {orgk} para el año "
               "próximo", "El horario de la biblioteca de {place}"),
}
PT = {
    "say": ("afirmou", "disse", "garantiu", "explicou", "reconheceu", "alertou"),
    "speaker": ("{P1}", "{P2}", "{P3}", "um porta-voz do {orgk}", "a secretária de Transportes"),
    "agent": ("o {orgk}", "o governo", "a prefeitura de {place}",
              "a operadora das balsas", "a autoridade portuária", "a oposição em {region}"),
    "modal": ("vai", "pode", "não pretende", "terá de", "quer"),
    "action": ("rever", "adiar", "suspender", "votar", "financiar", "reescrever", "contestar",
               "ampliar", "defender"),
    "object": ("{topic}", "o cronograma {topic_de}", "o financiamento {topic_de}",
               "parte {topic_de}"),
    "time": ("", "", " antes do verão", " até o fim do ano", " nas próximas semanas",
             " depois das eleições", " na primavera"),
    "quote": ("Não fomos consultados", "É um dia ruim para {place}", "As contas não fecham",
              "Vamos continuar lutando", "Ninguém pediu este projeto",
              "A decisão foi tomada às pressas", "Ouvimos a população",
              "A questão ainda não está encerrada"),
    "quote_tail": ("disse {who}", "lamentou {who}", "afirmou {who}", "criticou {who}"),
    "fact": (
        "Segundo a polícia, cerca de {N} pessoas protestaram em {place} no sábado.",
        "O custo da obra é estimado em {M} milhões de reais.",
        "A reunião durou mais de {H} horas.",
        "Em {place}, muitas lojas fecharam mais cedo do que o normal.",
        "Cerca de {N} empregos em {region} dependem do porto.",
        "A votação terminou com {N} votos a favor e {N2} contra.",
        "Um abaixo-assinado contra o projeto já reuniu {N} assinaturas.",
        "Em São Paulo, a notícia foi recebida com desconfiança.",
        "A secretária Ângela {surname} não quis comentar.",
        "A população de {place} não esconde a preocupação com as ações do governo.",
        "As balsas funcionaram normalmente durante todo o dia.",
        "Desde {Y}, {P1} comanda o {orgk}.",
        "A mãe de um dos pescadores disse que a família não foi ouvida.",
        "Foi a irmã de {P3} quem organizou o protesto em São Paulo.",
        "Nos bares do porto de {place}, não se fala de outra coisa.",
        "A sessão foi interrompida duas vezes pelas vaias do público.",
        "Um relatório de auditoria de {Y} já alertava para o aumento dos custos.",
        "Os pescadores de {region} exigem compensações.",
    ),
    "title": ("Polêmica em {place} sobre {topic}", "{A} defende {topic} diante das críticas",
              "{orgk_cap} dividido sobre {topic}",
              "Moradores de {place} não escondem a preocupação", "Protestos contra {topic}"),
    "short": (("{place}: votação adiada",
               "O {orgk} adiou a votação sobre {topic} para o segundo semestre."),
              ("Balsas suspensas em {place}",
               "As balsas que saem de {place} estão suspensas por causa do vento.")),
    "cookies": ("Uma padaria da praça distribuiu cookies e café aos manifestantes.",),
    "agenda_intro": ("A pauta da próxima sessão inclui ainda:",),
    "agenda": ("A reforma do cais de {place}", "As tarifas do estacionamento da estação",
               "Uma nova ciclovia", "O orçamento do {orgk} para o próximo ano",
               "O horário da biblioteca de {place}"),
}
GRAMMARS = {"fr": FR, "de": DE, "es": ES, "pt": PT}
LANG_INDEX = {"en": 0, "fr": 1, "de": 2, "es": 3, "pt": 4}
# Known limits (only with --known-limits): dialogue with an ellipsis and a
# closing quote or dash after an accented vowel.
ELLIPSIS_QUOTES = {
    "es": ("—No lo sé…—respondió {who}, antes de marcharse.",
           "—Ya está…—dijo {who}, encogiéndose de hombros."),
    "pt": ("“Foi a minha irmã…”, disse {who}, emocionada.",
           "“A culpa não é…”, começou {who}, antes de ser interrompida."),
}
# The same dialogue without an accented vowel before the ellipsis (clean,
# and provlint reads it right).
ELLIPSIS_CLEAN = {
    "es": "«Ya veremos qué pasa…», dijo {who}, sin dar más detalles.",
    "pt": "“Agora, só nos resta esperar a decisão…”, afirmou {who}.",
}
EN_AGENDA_SHORT = ("Harbour repairs", "Station parking", "Library hours", "Bus routes",
                   "Street lighting", "Market rents", "Flood defences", "Ferry fares",
                   "Cycle lanes", "School meals")

# Page furniture (English, and German for German pages), written for this
# generator.
MENU_SECTIONS = ("Home", "News", "World", "Politics", "Business", "Sport", "Culture", "Opinion",
                 "Weather", "Local", "Video", "Podcasts", "Travel", "Science", "Health",
                 "Obituaries", "Puzzles", "Jobs", "Property", "Motoring", "Lifestyle")
MENU_SECTIONS_DE = ("Startseite", "Politik", "Wirtschaft", "Sport", "Kultur", "Region",
                    "Panorama", "Wissen", "Reise", "Meinung", "Video")
ACCOUNT = ("Sign in", "Log in", "Log in | Register", "Sign in or create an account", "My account",
           "Register for free", "Subscribe", "Subscribe now", "Log in to your account")
ACCOUNT_DE = ("Anmelden", "Jetzt registrieren", "Einloggen", "Mein Konto", "Abonnieren")
COOKIE_BANNER = (
    "We use cookies to give you the best experience on our website. By continuing to browse, "
    "you agree to our use of cookies.",
    "This site uses cookies to personalise content and ads and to analyse our traffic.",
    "We and our partners use cookies and similar technologies to store and access information "
    "on your device.",
    "Our website uses cookies. Some are essential, others help us improve your experience.",
    "By continuing to use this site you consent to the use of cookies in accordance with our "
    "cookie policy.",
    "We value your privacy. We use cookies to enhance your browsing experience, serve "
    "personalised ads and analyse our traffic.",
)
COOKIE_BANNER_DE = (
    "Diese Website verwendet Cookies, um Inhalte zu personalisieren und Zugriffe zu analysieren.",
    "Wir nutzen Cookies, um Ihnen die bestmögliche Nutzung unserer Seite zu ermöglichen.",
)
COOKIE_BUTTONS = ("Accept all", "Accept all cookies", "Reject all", "Cookie settings",
                  "Manage preferences", "Manage cookies", "Allow all", "Privacy settings",
                  "Accept", "Customise")
COOKIE_BUTTONS_DE = ("Alle akzeptieren", "Alle ablehnen", "Cookie-Einstellungen")
SHARE = ("Share this article", "Share this story", "Share", "Share on Facebook", "Share on X",
         "Share via email", "Facebook Twitter WhatsApp Email", "Facebook | X | LinkedIn | Email",
         "Copy link", "Tweet", "Print", "Email this article", "Follow us on Instagram",
         "Share on WhatsApp", "Pin it")
SHARE_DE = ("Artikel teilen", "Teilen", "Drucken", "Folgen Sie uns auf Instagram",
            "Facebook WhatsApp E-Mail")
SUBSCRIBE = (
    "Subscribe to our newsletter", "Sign up for our morning briefing",
    "Get the {outlet} newsletter in your inbox every morning", "Thanks for subscribing!",
    "Thank you for signing up.", "Please check your inbox to confirm your subscription.",
    "Already a subscriber? Sign in", "Create a free account to keep reading",
    "Subscribe now for unlimited access", "Sign up for breaking news alerts",
    "Enter your email address", "Registration was successful!",
    "Not a subscriber yet? Start your free trial",
)
SUBSCRIBE_DE = ("Newsletter abonnieren", "Jetzt kostenlos registrieren",
                "Bitte bestätigen Sie Ihre E-Mail-Adresse.", "Passwort vergessen?")
PAYWALL = ("You have reached your limit of free articles this month.",
           "This article is for subscribers only.", "Continue reading with a subscription")
FEED_HEADS = ("Most read", "Related stories", "Latest news", "Trending now", "You might also like",
              "More from {section}", "Recommended for you", "Read more", "Top stories",
              "Most popular", "Read next", "More stories")
FEED_HEADS_DE = ("Meistgelesen", "Mehr zum Thema", "Lesen Sie auch", "Weitere Artikel")
FEED_STAMPS = ("{k} minutes ago", "{k} hours ago", "{k} mins ago")
ADS = ("Advertisement", "Story continues below advertisement", "Sponsored content",
       "ADVERTISEMENT", "Ad")
FOOTER = ("© {Y} {outlet}. All rights reserved.", "Copyright {Y} {outlet} Media Group",
          "© {outlet} {Y}", "All rights reserved.", "Privacy Policy", "Terms of Use",
          "Terms and Conditions", "Cookie Policy", "Contact us", "About us", "Advertise with us",
          "Editorial standards", "newsroom@{host}", "Tel. +44 20 7946 {k4}",
          "Phone: +1 555 0{k3} {k4}", "Accessibility", "Sitemap", "Corrections",
          "Privacy notice", "Do not sell my personal information")
FOOTER_DE = ("© {Y} {outlet}. Alle Rechte vorbehalten.", "Impressum", "Datenschutz",
             "Datenschutzerklärung", "Nutzungsbedingungen", "Kontakt", "Mediadaten",
             "redaktion@{host}")
FORUM = ("Joined: {mon} {Y}", "Messages: {k}", "Posts: {k}", "Reaction score: {k}", "Reply",
         "Quote", "Report", "Like · Reply · Quote", "Reply · Quote · Report", "Click to expand...",
         "Users who are viewing this thread", "Thread starter {user}", "Top Bottom",
         "Last edited by {user}", "What's new", "New posts", "Search forums",
         "You must log in or register to reply here.", "Member since {mon} {Y}",
         "Like Reply Report")
LANGUAGE_HEADS = ("Edition:", "Select language", "Choose your edition", "Language:",
                  "Choose your language")
LANGUAGE_NAMES = ("English", "Deutsch", "Français", "Español", "Italiano", "Português",
                  "Nederlands", "Polski")
META_VALUES = ("1200", "630", "1920", "1080", "true", "false", "en_GB", "en-US", "null")
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
USERS = ("harbourwatch", "quaysider", "tidewatcher", "oldsalt", "ferryfan", "lighthousekeeper")
XPATH_META = ("og:title", "og:image", "og:description", "og:url", "twitter:card",
              "article:published_time", "description")
XPATH_CLASSES = ("article-body", "story-text", "content", "main-col", "post-content")
# Known limits: furniture in French, Spanish and Portuguese wording.
ROMANCE_FURNITURE = {
    "fr": ("Accepter les cookies", "Paramétrer les cookies", "Partager sur Facebook",
           "S’abonner", "Se connecter", "Mentions légales", "Tous droits réservés",
           "À lire aussi", "Les plus lus", "Politique de confidentialité"),
    "es": ("Aceptar cookies", "Configurar cookies", "Compartir en Facebook", "Suscríbete",
           "Iniciar sesión", "Aviso legal", "Lo más leído", "Te puede interesar",
           "Política de privacidad", "Todos los derechos reservados"),
    "pt": ("Aceitar cookies", "Compartilhar", "Assine já", "Entrar", "Fale conosco",
           "Mais lidas", "Leia também", "Política de privacidade",
           "Todos os direitos reservados", "Termos de uso"),
}
# Furniture that is unmistakable on a page but that provlint's line patterns
# do not recognise (or recognise as a weak sign only). A residue document
# never relies on these unless --known-limits is given.
MISSED = frozenset((
    "Log in | Register", "My account", "Mein Konto",
    "We and our partners use cookies and similar technologies to store and access information "
    "on your device.",
    "Copy link", "Sign up for our morning briefing",
    "Please check your inbox to confirm your subscription.",
    "Subscribe now for unlimited access", "Sign up for breaking news alerts",
    "Enter your email address", "Jetzt kostenlos registrieren",
    "Bitte bestätigen Sie Ihre E-Mail-Adresse.", *PAYWALL, *ADS, "Choose your edition",
    "newsroom@{host}", "redaktion@{host}", "Tel. +44 20 7946 {k4}", "Phone: +1 555 0{k3} {k4}",
))
# Lines that are not furniture beyond doubt on their own (a lone "Reply" or
# "1200" may be anything): never counted as evidence.
WEAK = frozenset((
    "Accept", "Customise", "Reply", "Quote", "Report", "Accessibility", "Sitemap",
    "Corrections", "Kontakt", *META_VALUES,
))
CONTROL_CHARS = ("\x07", "\x08", "\x1b[0m", "\x0c", "\x7f", "\x1a", "\x92", "\u200b", "\u200c",
                 "\u200d", "\u202e", "\u202d", "\u2066", "\ufeff", "\x01", "\x1f")
SYNONYMS = {"said": "stated", "about": "around", "more": "over", "people": "residents",
            "early": "soon", "long": "for years", "the": "this", "would": "will",
            "had": "has", "most": "many", "after": "following", "against": "opposing",
            "new": "fresh", "large": "big", "first": "initial", "also": "too"}
# fmt: on


# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------


@dataclass
class Story:
    sid: str
    day: date
    lang: str
    people: list[tuple[str, str]]  # (first, last)
    titles: list[str | None]
    roles: list[str]
    place: str
    region: str
    org: str  # the proper name, "Varnia"
    org_kind: int
    topic: int
    event: str
    members: list[Doc] = field(default_factory=list)
    briefs: set[str] = field(default_factory=set)  # short texts already used
    facts: set[str] = field(default_factory=set)  # fact templates already used


@dataclass
class Doc:
    role: str  # single | original | copy | synd | wire | wire-copy | cycle | after-source | ...
    kinds: list[str] = field(default_factory=list)
    did: str = ""
    story: Story | None = None
    lang: str = "en"
    when: date = FIRST_DAY
    date_text: str = ""  # the INDEX.md date (a date or date-time)
    header: str = "yaml"  # yaml | legacy | none
    ext: str = ".md"
    copy_of: Doc | None = None  # whose text it carries
    copy_mode: str = ""  # exact | near | wrapped | synd | wire | cycle | after
    derived: list[Doc | str] = field(default_factory=list)
    derived_where: str = "index"  # index | header | both
    ids_sep: str = ", "  # how several ids are written: ", " | "," | "list" (a YAML list)
    roundup_of: list[Doc] = field(default_factory=list)
    short: bool = False
    forum: bool = False
    source: str = ""
    url: str = ""
    title: str = ""
    body: str = ""  # text without header, "\n" line endings
    bom: bool = False
    crlf: bool = False
    legacy_bytes: tuple[int, int, str] | None = None  # (start, end, encoding) of the body
    legacy_whole: str = ""  # the whole file in this encoding
    notes: list[str] = field(default_factory=list)
    hard: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)
    marks: list[tuple[str, str]] = field(default_factory=list)  # (known limit, its text)

    @property
    def family(self) -> Doc:
        d = self
        while d.copy_of is not None:
            d = d.copy_of
        return d


def _day(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randrange((hi - lo).days + 1))


_FOLD = (
    string.punctuation
    + string.digits
    + "\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u2013\u2014\u2026\u00b7\u2022\u00a9\u00ae\u2122"
)


def fold_words(text: str) -> list[str]:
    """The words provlint's duplicate check compares (its similarity.words)."""
    return [w for w in (x.strip(_FOLD) for x in text.lower().split()) if w]


def shingle_set(text: str) -> set[tuple[str, ...]]:
    w = fold_words(text)
    return set(zip(w, w[1:], w[2:], w[3:], w[4:], strict=False))


def overlap(a: str, b: str) -> tuple[float, float]:
    """(Jaccard, containment) of the word 5-gram shingles of two texts."""
    sa, sb = shingle_set(a), shingle_set(b)
    inter = len(sa & sb)
    union = len(sa | sb)
    small = min(len(sa), len(sb))
    return (inter / union if union else 0.0), (inter / small if small else 0.0)


class Names:
    """Syllable-built names, unique within a corpus."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _syl(self) -> str:
        r = self.rng
        return r.choice(ONSETS) + r.choice(VOWELS) + r.choice(CODAS)

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
            low = w.lower()
            if 5 <= len(w) <= 11 and low not in self.used and not any(b in low for b in NAME_BLOCK):
                self.used.add(low)
                return w
        raise RuntimeError("name space exhausted")


# --------------------------------------------------------------------------
# Corpus plan
# --------------------------------------------------------------------------


def _quota(n: int, rng: random.Random) -> dict[str, int]:
    n_defect = n - round(n * CLEAN_SHARE)
    quota = {k: n_defect // len(KINDS) for k in KINDS}
    for k in rng.sample(KINDS, n_defect % len(KINDS)):
        quota[k] += 1
    return quota


def plan(n: int, rng: random.Random, known_limits: bool = False) -> tuple[list[Story], list[Doc]]:
    """Units of related documents (a copy and its original, a cycle, a
    wire group...), packed into stories."""
    quota = _quota(n, rng)
    units: list[list[Doc]] = []
    for kind in ("duplicate-exact", "duplicate-near"):
        for _ in range(quota[kind]):
            orig = Doc("original")
            cp = Doc("copy", [kind], copy_of=orig)
            if kind == "duplicate-exact":
                cp.copy_mode = "exact"
            else:
                cp.copy_mode = "wrapped" if rng.random() < WRAPPED_SHARE else "near"
                if cp.copy_mode == "wrapped":
                    cp.kinds.append("scrape-residue")
            units.append([orig, cp])
    for _ in range(quota["derived-after"]):
        src = Doc("after-source")
        cp = Doc("after-copy", ["derived-after"], copy_of=src, copy_mode="after", derived=[src])
        units.append([src, cp])
    left = quota["derived-cycle"]
    while left > 0:
        size = left if left in (2, 3) else (2 if left == 4 else rng.choice((2, 3)))
        size = max(size, 2)
        group = [Doc("cycle", ["derived-cycle"]) for _ in range(size)]
        for i, d in enumerate(group):
            if i:
                d.copy_of = group[0]
                d.copy_mode = "cycle"
            d.derived = [group[(i + 1) % size]]
        units.append(group)
        left -= size
    for kind in ("derived-unknown", "scrape-residue", *KINDS[6:]):
        for _ in range(quota[kind]):
            units.append([Doc("single", [kind])])
    residue = [u[0] for u in units if u[0].kinds == ["scrape-residue"]]
    for d in rng.sample(residue, round(len(residue) * RESIDUE_MOJIBAKE_SHARE)):
        d.kinds.append("encoding-mojibake")

    # Clean units fill the rest.
    used = sum(len(u) for u in units)
    free = n - used
    if free < 0:
        raise SystemExit(f"-n {n} is too small for the planned defects")
    want = {
        "synd": round(n * SYNDICATED_SHARE / 2),
        "wire": round(n * WIRE_SHARE / 3),
        "roundup": round(n * ROUNDUP_SHARE),
        "short": round(n * SHORT_SHARE),
    }
    while free > 0:
        if want["synd"] and free >= 2:
            src = Doc("synd-source")
            units.append([src, Doc("synd", copy_of=src, copy_mode="synd", derived=[src])])
            want["synd"] -= 1
            free -= 2
        elif want["wire"] and free >= 3:
            origin = Doc("wire")
            size = 2 if free < 4 or rng.random() < 0.7 else 3
            copies = [
                Doc("wire-copy", copy_of=origin, copy_mode="wire", derived=[origin])
                for _ in range(size)
            ]
            units.append([origin, *copies])
            want["wire"] -= 1
            free -= 1 + size
        elif want["short"] and free >= 2 and rng.random() < 0.5:
            units.append([Doc("single", short=True), Doc("single", short=True)])
            want["short"] = max(0, want["short"] - 2)
            free -= 2
        elif want["short"]:
            units.append([Doc("single", short=True)])
            want["short"] -= 1
            free -= 1
        else:
            units.append([Doc("single")])
            free -= 1
    rng.shuffle(units)

    # Round-ups: a clean single that excerpts two members of its story.
    names = Names(rng)
    stories: list[Story] = []
    current: list[Doc] = []
    target = rng.randint(3, 7)
    packs: list[list[Doc]] = []
    for unit in units:
        current.extend(unit)
        if len(current) >= target:
            packs.append(current)
            current = []
            target = rng.randint(3, 7)
    if current:
        if packs and len(current) < 3:
            packs[-1].extend(current)
        else:
            packs.append(current)
    docs: list[Doc] = []
    for si, members in enumerate(packs):
        st = _story(si, names, rng)
        for j, d in enumerate(members):
            d.did = f"{st.sid}-{_letters(j)}"
            d.story = st
            d.lang = st.lang
            st.members.append(d)
            docs.append(d)
        stories.append(st)
    _roundups(stories, rng, want_roundups=round(n * ROUNDUP_SHARE))
    _formats(docs, rng)
    _dates(docs, rng, known_limits)
    _derivations(docs, rng)
    return stories, docs


def _letters(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(ord("a") + r) + s
    return s


def _story(si: int, names: Names, rng: random.Random) -> Story:
    lang = "en"
    if rng.random() < FOREIGN_SHARE:
        lang = rng.choice(("fr", "de", "es", "pt"))
    people = []
    for _ in range(3):
        if lang == "pt" and rng.random() < 0.5:
            first = rng.choice(PT_FIRST)
        elif rng.random() < 0.2:
            first = rng.choice(ACCENTED_FIRST)
        else:
            first = names.make("first")
        people.append((first, names.make("last")))
    roles = rng.sample(ROLES, 3)
    pre = rng.choice(PLACE_PREFIXES) + " " if rng.random() < 0.3 else ""
    return Story(
        sid=f"s{si + 1:04d}",
        day=_day(rng, FIRST_DAY, LAST_DAY),
        lang=lang,
        people=people,
        titles=[TITLED.get(role) if rng.random() < 0.4 else None for role in roles],
        roles=roles,
        place=pre + names.make("place"),
        region=names.make("org"),
        org=names.make("org"),
        org_kind=rng.randrange(len(ORG_KINDS)),
        topic=rng.randrange(len(TOPICS)),
        event=rng.choice(EVENTS),
    )


def _roundups(stories: list[Story], rng: random.Random, want_roundups: int) -> None:
    for st in rng.sample(stories, len(stories)):
        if want_roundups <= 0:
            return
        singles = [d for d in st.members if d.role == "single" and not d.kinds and not d.short]
        originals = [
            d
            for d in st.members
            if d.role in ("single", "original", "synd-source") and not d.kinds and not d.short
        ]
        if not singles:
            continue
        r = rng.choice(singles)
        pool = [d for d in originals if d is not r]
        if len(pool) < 2:
            continue
        r.role = "roundup"
        r.roundup_of = rng.sample(pool, 2)
        r.derived = list(r.roundup_of)
        r.ids_sep = rng.choice((", ", ",", "list"))
        want_roundups -= 1


def _formats(docs: list[Doc], rng: random.Random) -> None:
    for d in docs:
        x = rng.random()
        d.header = "yaml" if x < 0.68 else ("legacy" if x < 0.9 else "none")
        if d.header == "yaml":
            d.ext = ".md"
        elif d.header == "legacy":
            d.ext = ".txt"
        else:
            d.ext = rng.choice((".txt", ".md"))
        d.derived_where = "index"
        if d.header == "yaml":
            d.derived_where = rng.choice(("index", "header", "both"))
        d.bom = rng.random() < 0.08
        d.crlf = rng.random() < 0.1
        if d.bom or d.crlf:
            d.hard.append("bom" if not d.crlf else ("crlf" if not d.bom else "bom-crlf"))
        d.forum = d.lang == "en" and not d.short and d.role == "single" and rng.random() < 0.06


def _dates(docs: list[Doc], rng: random.Random, known_limits: bool = False) -> None:
    for d in docs:
        assert d.story is not None
        d.when = d.story.day + timedelta(days=rng.randrange(4))
    for d in docs:  # a round-up follows its latest source
        if d.roundup_of:
            d.when = max(s.when for s in d.roundup_of) + timedelta(days=rng.randrange(2))
    for d in docs:  # copies follow their source
        src = d.copy_of
        if src is None:
            continue
        if d.copy_mode in ("synd", "wire"):
            d.when = src.when + timedelta(days=rng.choice((0, 0, 1, 2)))
        elif d.copy_mode == "after":
            d.when = src.when - timedelta(days=rng.randint(1, 40))
        elif d.copy_mode == "cycle":
            d.when = src.when
        else:
            d.when = src.when + timedelta(days=rng.randrange(3))
    for d in docs:
        d.date_text = d.when.isoformat()
    # A source with a date-time later on the day its same-day copy is dated.
    for d in docs:
        src = d.copy_of
        if d.copy_mode in ("synd", "wire") and src is not None and d.when == src.when:
            if rng.random() < 0.35 and "T" not in src.date_text:
                src.date_text = (
                    f"{src.when.isoformat()}T{rng.randint(14, 23):02d}:{rng.randrange(60):02d}"
                    f"{rng.choice(('+00:00', '+01:00', '-05:00', '+02:00'))}"
                )
                d.hard.append("source-datetime-same-day")
            elif known_limits and rng.random() < 0.3 and "T" not in src.date_text:
                # Published in Tokyo at 01:15 on the 6th, copied in New York at
                # 20:30 on the 5th: nine hours later, one calendar day earlier.
                d.when = src.when - timedelta(days=1)
                src.date_text = f"{src.when.isoformat()}T01:{rng.randrange(10, 60)}+09:00"
                d.date_text = f"{d.when.isoformat()}T20:{rng.randrange(30, 60)}-05:00"
                d.limits.append("timezone-dates")


def _derivations(docs: list[Doc], rng: random.Random) -> None:
    ids = {d.did for d in docs}
    for d in docs:
        if "derived-unknown" not in d.kinds:
            continue
        assert d.story is not None
        sibling = rng.choice([m for m in d.story.members if m is not d] or [d])
        for _ in range(100):
            style = rng.randrange(5)
            if style == 0:  # a doubled letter
                bad = sibling.did + sibling.did[-1]
            elif style == 1:  # a digit dropped
                bad = sibling.did[0] + sibling.did[2:]
            elif style == 2:  # the wrong case
                bad = sibling.did.upper()
            elif style == 3:  # an uncollected wire item
                bad = f"wire-{d.when:%Y%m%d}-{rng.randint(1000, 9999)}"
            else:  # a URL where an id belongs
                bad = f"https://{rng.choice(HOSTS)}/{d.when:%Y/%m/%d}/story-{rng.randint(10, 99)}"
            if bad not in ids:
                d.derived = [bad]
                d.notes.append(f"derived_from names {bad!r}, which no document has")
                break


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------

_MARK = re.compile(r"⟦P(\d)⟧")


class Writer:
    """Builds one original document's title, url and body."""

    def __init__(self, doc: Doc, rng: random.Random, known_limits: bool = False) -> None:
        self.d = doc
        self.r = rng
        self.limits = known_limits
        st = doc.story
        assert st is not None
        self.st = st
        li = LANG_INDEX[doc.lang]
        topic = TOPICS[st.topic][li]
        orgk = ORG_KINDS[st.org_kind if li == 0 else 0][li]
        self.outlet = rng.choice(FOREIGN_OUTLETS.get(doc.lang, OUTLETS))
        self.host = rng.choice(HOSTS)
        self.slots: dict[str, str] = {
            "org": f"{st.org} {orgk}" if li == 0 else st.org,
            "Org": f"{st.org} {orgk}",
            "orgk": f"{orgk} de {st.org}"
            if doc.lang in ("fr", "es", "pt")
            else (f"{st.org}-{orgk}" if doc.lang == "de" else orgk),
            "place": st.place,
            "region": st.region,
            "topic": topic,
            "topic_cap": topic[0].upper() + topic[1:],
            "topic_de": _de(doc.lang, topic),
            "event": st.event,
            "outlet": self.outlet,
            "host": self.host,
            "A": st.people[0][1],
            "B": st.people[1][1],
            "surname": st.people[2][1],
            "pronoun": rng.choice(("his", "her", "their")),
            "P1": "⟦P1⟧",
            "P2": "⟦P2⟧",
            "P3": "⟦P3⟧",
        }
        self.slots["orgk_cap"] = self.slots["orgk"][0].upper() + self.slots["orgk"][1:]
        for i in range(3):
            self.slots[f"role{i + 1}"] = st.roles[i].format(org=self.slots["org"])
        self.curly = doc.lang != "en" or rng.random() < 0.65
        self.used: set[str] = set()

    # -- helpers ---------------------------------------------------------

    def pick(self, options: tuple[str, ...]) -> str:
        return self.r.choice(options)

    def pick_new(self, options: tuple[str, ...], story: bool = False) -> str:
        """A template this document has not used yet (while there are any);
        with ``story``, preferably one no other article of the story used."""
        fresh = [o for o in options if o not in self.used]
        if story:
            fresh = [o for o in fresh if o not in self.st.facts] or fresh
        choice = self.r.choice(fresh or list(options))
        self.used.add(choice)
        if story:
            self.st.facts.add(choice)
        return choice

    def fill(self, template: str, **extra: str) -> str:
        r = self.r
        values = {
            "N": _thousands(r.randint(2, 40) * 50, self.d.lang),
            "N2": str(r.randint(3, 40)),
            "M": str(r.randint(3, 900)),
            "H": str(r.randint(2, 6)),
            "K": str(r.randint(3, 40)),
            "Y": str(r.randint(1995, 2015)),
            "cmp": self.pick(EN_CMP),
            "adv": self.pick(EN_ADV),
            "cur": self.pick(EN_CUR),
            "industry": self.pick(EN_INDUSTRY),
            "street": self.pick(STREETS),
            "origin": self.pick(EN_ORIGIN),
            "crit": self.pick(EN_CRIT),
            "benefit": self.pick(EN_BENEFIT),
            "purpose": self.pick(EN_PURPOSE),
            "ord": self.pick(EN_ORD),
            "job": self.pick(EN_JOB),
            "slug": "-".join([*self.st.place.lower().split(), str(r.randint(10, 99))]),
        }
        values.update(self.slots)
        values.update(extra)
        s = template
        for _ in range(3):  # nested slots ("{crit}" holds "{org}")
            if "{" not in s:
                break
            s = s.format(**values)
        return s[0].upper() + s[1:] if s[0].islower() else s

    def quote(self, text: str) -> str:
        lang = self.d.lang
        if lang in ("fr",):
            return f"«\u00a0{text}\u00a0»"
        if lang == "es":
            return f"«{text}»"
        if lang == "de":
            return f"„{text}“"
        return f"“{text}”" if self.curly else f'"{text}"'

    def person_names(self, i: int) -> tuple[str, str]:
        first, last = self.st.people[i]
        title = self.st.titles[i] if self.d.lang == "en" else None
        return f"{title + ' ' if title else ''}{first} {last}", last

    def resolve(self, text: str) -> str:
        """First mention of each person by full name, then by last name."""
        seen: set[int] = set()

        def sub(m: re.Match[str]) -> str:
            i = int(m.group(1)) - 1
            full, last = self.person_names(i)
            if i in seen:
                return last
            seen.add(i)
            return full

        return _MARK.sub(sub, text)

    # -- sentences -------------------------------------------------------

    def en_sentence(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.34:
            agent = self.pick(EN_AGENT)
            modal = self.pick(EN_MODAL).replace("{be}", "were" if agent in EN_PLURAL else "was")
            claim = (
                f"{agent} {modal} {self.pick(EN_ACTION)} "
                f"{self.pick(EN_OBJECT)}{self.pick(EN_TIME)}{self.pick(EN_REASON)}"
            )
            that = "that " if r.random() < 0.5 else ""
            if r.random() < 0.7:
                s = f"{self.pick(EN_SPEAKER)} {self.pick(EN_SAY)} {that}{claim}."
            else:
                s = f"{claim[0].upper()}{claim[1:]}, {self.pick(EN_SPEAKER)} said."
            return self.fill(s)
        if x < 0.54:
            q = self.fill(self.pick_new(EN_QUOTE))
            tail = (
                self.pick(EN_QUOTE_TAIL)
                .replace("{said}", self.pick(EN_QUOTE_SAID))
                .replace("{who}", self.pick(("{P1}", "{P2}", "{P3}")))
            )
            if r.random() < 0.8:
                return self.fill(self.quote(q + ",") + " " + tail + ".")
            return self.fill(f"{self.pick(('{P1}', '{P2}', '{P3}'))} put it bluntly: ") + (
                self.quote(q + ".")
            )
        if x < 0.78:
            return self.fill(self.pick_new(EN_FACT, story=True) + ".")
        return self.fill(self.pick_new(EN_BACKGROUND, story=True) + ".")

    def foreign_sentence(self) -> str:
        g = GRAMMARS[self.d.lang]
        r = self.r
        x = r.random()
        if x < 0.5:
            agent = self.pick(g["agent"])
            claim = (
                f"{agent} {self.pick(g['modal'])} {self.pick(g['action'])} "
                f"{self.pick(g['object'])}{self.pick(g['time'])}"
            )
            if self.d.lang == "de":  # the verb goes last
                modal = self.pick(g["modal"])
                claim = (
                    f"{agent} {modal} {self.pick(g['object'])}{self.pick(g['time'])} "
                    f"{self.pick(g['action'])}"
                )
                s = f"{self.pick(g['speaker'])} {self.pick(g['say'])}, {claim}."
            else:
                s = f"{self.pick(g['speaker'])} {self.pick(g['say'])} que {claim}."
            return self.fill(s)
        if x < 0.7:
            q = self.fill(self.pick_new(g["quote"]))
            tail = self.pick(g["quote_tail"]).format(who=self.pick(("{P1}", "{P2}", "{P3}")))
            if self.d.lang == "es" and q.endswith("?"):
                return self.fill(self.quote(q) + ", " + tail + ".")
            return self.fill(self.quote(q) + ", " + tail + ".")
        return self.fill(self.pick_new(g["fact"], story=True))

    def sentence(self) -> str:
        for _ in range(20):
            s = self.en_sentence() if self.d.lang == "en" else self.foreign_sentence()
            if s not in self.used:
                break
        self.used.add(s)
        return s

    def title_line(self) -> str:
        if self.d.forum:
            return self.fill("Re: {topic} in {place}")
        if self.d.lang == "en":
            return self.fill(self.pick(EN_TITLE))
        return self.fill(self.pick(GRAMMARS[self.d.lang]["title"]))

    # -- the document ----------------------------------------------------

    def build(self) -> None:
        d, r = self.d, self.r
        st = self.st
        d.source = self.outlet if not d.forum else f"{st.place} Forum"
        if d.role == "wire":
            d.source = r.choice(WIRES)
        host = FORUM_HOST if d.forum else self.host
        if d.short and not self._short():
            d.short = False  # the story has no other brief left
        if not d.short:
            d.title = self.title_line()
        slug = "-".join(re.sub(r"[^\w\s-]", "", d.title.lower()).split()[:6])
        if r.random() < 0.8:
            d.url = f"https://{host}/{r.choice(SECTIONS)}/{slug}-{r.randint(300000, 999999)}"
        if d.short:
            return
        paras: list[str] = []
        n_paras = r.randint(4, 7) if d.lang == "en" else r.randint(3, 5)
        for _ in range(n_paras):
            k = r.randint(2, 3)
            if d.forum:
                sents = [self.fill(self.pick(EN_FIRST_PERSON)) for _ in range(k)]
                if r.random() < 0.3:
                    zwj = self.limits and not d.kinds and r.random() < 0.5
                    sents[-1] += self.pick(EMOJI_ZWJ if zwj else EMOJI)
                    if zwj:
                        d.limits.append("emoji-zwj")
                        d.marks.append(("emoji-zwj", sents[-1][-4:]))
                    else:
                        d.hard.append("emoji")
            else:
                sents = [self.sentence() for _ in range(k)]
            paras.append(" ".join(sents))
        extras: list[str] = []
        if r.random() < 0.14:
            pool = EN_COOKIES if d.lang == "en" else GRAMMARS[d.lang]["cookies"]
            extras.append(self.fill(self.pick(pool)))
            d.hard.append("furniture-word-in-sentence")
        if r.random() < 0.22 and d.lang == "en":
            extras.append(self.fill(self.pick(EN_URL_SENTENCE)))
            d.hard.append("url-in-sentence")
        if (
            self.limits
            and d.lang in ELLIPSIS_QUOTES
            and not d.kinds
            and d.role == "single"
            and r.random() < 0.3
        ):
            s = self.fill(self.pick(ELLIPSIS_QUOTES[d.lang]).format(who="{P2}"))
            extras.append(s)
            d.limits.append("ellipsis-quote")
            d.marks.append(("ellipsis-quote", s[: s.index("…") + 2]))
        elif d.lang in ELLIPSIS_CLEAN and r.random() < 0.3:
            extras.append(self.fill(ELLIPSIS_CLEAN[d.lang].format(who="{P2}")))
            d.hard.append("ellipsis-dialogue")
        for s in extras:
            i = r.randrange(1, len(paras) + 1)
            if r.random() < 0.5:  # a one-sentence paragraph
                paras.insert(i, s)
            else:
                paras[i - 1] = paras[i - 1] + " " + s
        if r.random() < 0.12 and len(paras) > 3:
            sub = self.pick(SUBHEADS.get(d.lang, SUBHEADS["en"]))
            paras.insert(r.randrange(2, len(paras)), f"## {sub}" if d.ext == ".md" else sub)
            d.hard.append("subheading")
        # Dateline, byline.
        if d.lang == "pt" and r.random() < 0.35:
            paras[0] = "SÃO PAULO — " + paras[0]
            d.hard.append("caps-sao-paulo")
        elif not d.forum and r.random() < 0.3:
            dash = "—" if self.curly else "-"
            agency = "(" + r.choice(("Tidewire", "NPX", "Wire")) + ")"
            paras[0] = f"{st.place.upper()} {agency} {dash} " + paras[0]
        text = self.resolve("\n\n".join(paras))
        lines: list[str] = []
        heading = f"# {d.title}" if d.ext == ".md" else d.title
        lines += [heading, ""]
        if not d.forum and r.random() < 0.4:
            lines += [f"By {self._reporter()}", ""]
        if d.forum:
            lines += [f"Posted by {r.choice(USERS)}", ""]
        lines.append(text)
        # A bulleted agenda or headline list.
        if not d.forum and r.random() < 0.1:
            g = GRAMMARS.get(d.lang)
            intro = self.fill(self.pick(g["agenda_intro"] if g else EN_AGENDA_INTRO))
            items = [self.fill(t) for t in r.sample(g["agenda"] if g else EN_AGENDA, 4)]
            bullet = (
                r.choice(("- ", "* ", "• ", "1. "))
                if d.ext == ".md"
                else r.choice(("- ", "• ", "* "))
            )
            if not g and r.random() < 0.3:  # a plain-text list: no bullets
                items = r.sample(EN_AGENDA_SHORT, r.randint(4, 6))
                lines += ["", intro, *items]
                d.hard.append("unbulleted-list")
            else:
                listed = [
                    (f"{j + 1}. " if bullet == "1. " else bullet) + it for j, it in enumerate(items)
                ]
                lines += ["", intro, *listed]
                d.hard.append("headline-list")
        if not d.forum and d.lang == "en" and r.random() < 0.2:
            lines += [
                "",
                self.fill(self.pick(EN_CREDITS), R1=self._reporter(), R2=self._reporter()),
            ]
        if not self.curly:
            lines = [ln.replace("’", "'") for ln in lines]
        d.body = "\n".join(lines).rstrip("\n") + "\n"

    def _short(self) -> bool:
        d, r = self.d, self.r
        pool = EN_SHORT if d.lang == "en" else GRAMMARS[d.lang]["short"]
        fresh = [b for b in pool if b[1] not in self.st.briefs]  # sibling briefs differ
        if not fresh:
            return False
        title, text = r.choice(fresh)
        self.st.briefs.add(text)
        d.title = self.fill(title)
        heading = f"# {d.title}" if d.ext == ".md" else d.title
        d.body = self.resolve(f"{heading}\n\n{self.fill(text)}\n")
        if not self.curly:
            d.body = d.body.replace("’", "'")
        assert len(fold_words(d.body)) < MIN_WORDS, d.body
        d.hard.append("short-text")
        return True

    def _reporter(self) -> str:
        r = self.r
        first = r.choice(
            (
                "Mira",
                "Tomas",
                "Lena",
                "Omar",
                "Priya",
                "Jonas",
                "Ines",
                "Karl",
                "Sofia",
                "Ravi",
                "Ana",
                "Piet",
            )
        )
        last = r.choice(
            (
                "Kessling",
                "Ondra",
                "Vasquez",
                "Brandt",
                "Oduya",
                "Lindqvist",
                "Moretti",
                "Halloran",
                "Sato",
                "Nkemelu",
                "Dubois",
                "Varga",
            )
        )
        return f"{first} {last}"


def _thousands(n: int, lang: str) -> str:
    """``n`` with the language's thousands separator (French: a narrow NBSP)."""
    s = f"{n:,}"
    return s if lang == "en" else s.replace(",", "\u202f" if lang == "fr" else ".")


def _de(lang: str, topic: str) -> str:
    """ "de" + a noun phrase, contracted as the language requires."""
    if lang == "fr":
        for art, out in (("le ", "du "), ("les ", "des ")):
            if topic.startswith(art):
                return out + topic[len(art) :]
        return "de " + topic
    if lang == "es":
        return "del " + topic[3:] if topic.startswith("el ") else "de " + topic
    if lang == "pt":
        for art, out in (("o ", "do "), ("a ", "da "), ("os ", "dos "), ("as ", "das ")):
            if topic.startswith(art):
                return out + topic[len(art) :]
        return "de " + topic
    return topic


# --------------------------------------------------------------------------
# Page furniture
# --------------------------------------------------------------------------


Line = tuple[str, str]  # (text, tier): strong | missed | weak


def tier(template: str) -> str:
    return "missed" if template in MISSED else ("weak" if template in WEAK else "strong")


class Furniture:
    """Blocks of page furniture for one document, each line with its tier."""

    def __init__(self, d: Doc, rng: random.Random, outlet: str, host: str) -> None:
        self.d = d
        self.r = rng
        self.outlet = outlet
        self.host = host
        self.de = d.lang == "de"

    def fmt(self, s: str) -> str:
        r = self.r
        return s.format(
            Y=str(self.d.when.year),
            outlet=self.outlet,
            host=self.host,
            k=str(r.randint(2, 59)),
            k3=str(r.randint(10, 99)),
            k4=str(r.randint(1000, 9999)),
            mon=r.choice(MONTH_ABBR),
            user=r.choice(USERS),
            section=r.choice(MENU_SECTIONS),
        )

    def pick(self, options: tuple[str, ...], k: int) -> list[Line]:
        return [(self.fmt(t), tier(t)) for t in self.r.sample(options, min(k, len(options)))]

    def menu(self) -> list[Line]:
        r = self.r
        items = r.sample(MENU_SECTIONS_DE if self.de else MENU_SECTIONS, r.randint(5, 8))
        if r.random() < 0.5:
            return [(it, "weak") for it in items]
        return [(r.choice((" | ", " · ", " • ")).join(items), "weak")]

    def account(self) -> list[Line]:
        return self.pick(ACCOUNT_DE if self.de else ACCOUNT, self.r.randint(1, 3))

    def cookie(self) -> list[Line]:
        r = self.r
        if self.de:
            return [(r.choice(COOKIE_BANNER_DE), "strong"), *self.pick(COOKIE_BUTTONS_DE, 2)]
        return [self.pick(COOKIE_BANNER, 1)[0], *self.pick(COOKIE_BUTTONS, r.randint(1, 3))]

    def language(self) -> list[Line]:
        r = self.r
        names = r.sample(LANGUAGE_NAMES, r.randint(3, 6))
        head = r.choice(LANGUAGE_HEADS)
        style = r.randrange(3)
        if style == 0:  # a picker, one name a line
            return [(head, tier(head)), *((n, "strong") for n in names)]
        if style == 1:
            return [(f"{head} {' | '.join(names)}", "missed")]
        return [(head, tier(head)), (" / ".join(names), "missed")]

    def share(self) -> list[Line]:
        return self.pick(SHARE_DE if self.de else SHARE, self.r.randint(1, 3))

    def subscribe(self) -> list[Line]:
        r = self.r
        out = self.pick(SUBSCRIBE_DE if self.de else SUBSCRIBE, r.randint(1, 3))
        if not self.de and r.random() < 0.3:
            out.insert(0, self.pick(PAYWALL, 1)[0])
        return out

    def meta(self) -> list[Line]:
        r = self.r
        out: list[Line] = []
        for _ in range(r.randint(1, 3)):
            style = r.randrange(6)
            if style == 0:
                x = (
                    f"/html/head/meta[@{r.choice(('name', 'property'))}="
                    f"'{r.choice(XPATH_META)}']/@content"
                )
            elif style == 1:
                x = f"//div[@class='{r.choice(XPATH_CLASSES)}']/p[{r.randint(1, 9)}]/text()"
            elif style == 2:
                x = f"/html/body/div[{r.randint(1, 4)}]/article/h1"
            elif style == 3:
                x = "/html/head/link[@rel='canonical']/@href"
            elif style == 4:
                x = "//span[@itemprop='datePublished']/@content"
            else:  # a wildcard step: not recognised
                out.append((f"//*[@id='{r.choice(XPATH_CLASSES)}']//a/@href", "missed"))
                continue
            out.append((x, "strong"))
        for _ in range(r.randint(0, 2)):
            ext = r.choice(("jpg", "jpeg", "png", "webp"))
            y = self.d.when
            if r.random() < 0.5:
                url = (
                    f"https://cdn.{self.host}/images/{y:%Y/%m}/{r.randint(10000, 99999)}_"
                    f"{r.choice(('1200x675', '800x450', '1280x720'))}.{ext}"
                )
            else:
                url = f"https://img.{self.host}/{r.getrandbits(40):010x}.{ext}?w=1200"
            out.append((url, "strong"))
        for _ in range(r.randint(0, 2)):
            out.append((r.choice(META_VALUES), "weak"))
        return out

    def feed(self, titles: list[str]) -> list[Line]:
        r = self.r
        out = self.pick(FEED_HEADS_DE if self.de else FEED_HEADS, 1)
        heads = r.sample(titles, min(r.randint(3, 8), len(titles))) if titles else []
        for h in heads:
            if r.random() < 0.3 and not self.de:
                out.append((f"{h} {self.fmt(r.choice(FEED_STAMPS))}", "strong"))
            else:
                out.append((h, "weak"))
        return out

    def ads(self) -> list[Line]:
        return self.pick(ADS, 1)

    def footer(self) -> list[Line]:
        return self.pick(FOOTER_DE if self.de else FOOTER, self.r.randint(2, 5))

    def forum(self) -> list[Line]:
        return self.pick(FORUM, self.r.randint(3, 6))

    def romance(self) -> list[Line]:
        pool = ROMANCE_FURNITURE[self.d.lang]
        return [(t, "missed") for t in self.r.sample(pool, self.r.randint(2, 4))]


# Where blocks go: before or just after the heading, between paragraphs, at the end.
PLACES = (
    ("menu", "account", "cookie", "language", "subscribe"),
    ("share", "meta", "ads", "subscribe"),
    ("feed", "footer", "share", "subscribe", "ads"),
)
BLOCKS = tuple(sorted({b for place in PLACES for b in place}))
# Blocks that always hold an unmistakable line.
EVIDENCE_BLOCKS = ("account", "cookie", "language", "subscribe", "share", "meta", "feed", "footer")


def _distinct(lines: list[Line], tiers: tuple[str, ...]) -> int:
    return len({" ".join(t.casefold().split()) for t, k in lines if k in tiers})


def add_furniture(
    d: Doc, rng: random.Random, body: str, titles: list[str], heavy: bool, limits: bool
) -> str:
    """``body`` with 2-4 blocks of page furniture (more when ``heavy``:
    enough to bring the Jaccard score with the clean text under 0.8).

    At least three furniture lines in two blocks, two of them unmistakable
    (not only menus, advertisement markers or metadata values); without
    ``limits`` two of them are of the wording provlint recognises."""
    f = Furniture(d, rng, d.source or rng.choice(OUTLETS), rng.choice(HOSTS))
    placed: list[tuple[int, list[Line]]] = []  # (0 top, 1 inline, 2 bottom; lines)
    kinds: list[str] = []

    def add(kind: str, where: int | None = None) -> None:
        if kind == "feed":
            block = f.feed(titles)
        else:
            block = getattr(f, kind)()
        if where is None:
            where = rng.choice([i for i, place in enumerate(PLACES) if kind in place])
        placed.append((where, block))
        kinds.append(kind)

    romance = limits and d.lang in ROMANCE_FURNITURE and rng.random() < 0.5
    if romance:
        placed.append((0, f.romance()))
        placed.append((2, f.romance()))
        kinds.append("romance")
    elif d.forum:
        add("forum", 0)
        add("forum", 2)
        if rng.random() < 0.5:
            add("footer")
    else:
        for _ in range(rng.randint(4, 6) if heavy else rng.randint(2, 4)):
            add(rng.choice(BLOCKS))
        if heavy:
            add("menu", 0)
            add("feed")
            add("footer")
    need = ("strong",) if not limits else ("strong", "missed")
    for _ in range(20):
        lines = [ln for _w, b in placed for ln in b]
        if len(placed) >= 2 and len(lines) >= 3 and _distinct(lines, need) >= 2:
            break
        add(rng.choice(EVIDENCE_BLOCKS))
    lines = [ln for _w, b in placed for ln in b]
    if _distinct(lines, ("strong",)) < 2:
        d.limits.append("romance-furniture" if romance else "unrecognised-furniture")

    text = body.rstrip("\n").split("\n")
    sep = rng.random() < 0.5  # blank lines between blocks, or none

    def joined(where: int) -> list[str]:
        out: list[str] = []
        for w, block in placed:
            if w == where:
                out += [t for t, _k in block]
                if sep:
                    out.append("")
        return out

    # Inline blocks go between paragraphs (at blank lines after the heading).
    for w, block in placed:
        if w != 1:
            continue
        blanks = [i for i, ln in enumerate(text) if not ln.strip() and i > 1]
        at = rng.choice(blanks) if blanks else len(text)
        text[at:at] = ["", *(t for t, _k in block)]
    top = joined(0)
    if rng.random() < 0.5:
        text = top + text
    else:
        text = [*text[:1], "", *top, *text[1:]]
    text += ["", *joined(2)]
    d.notes.append(f"page furniture: {', '.join(kinds)}")
    return "\n".join(text).rstrip("\n") + "\n"


# --------------------------------------------------------------------------
# Copies
# --------------------------------------------------------------------------


def exact_copy(text: str, rng: random.Random) -> str:
    """``text`` with only case, quotes, punctuation, whitespace, line breaks
    and numbers changed: the folded words stay the same."""
    out = text
    # Numbers.
    out = re.sub(
        r"(?<!\S)\d[\d,.]*(?=[\s.,;:!?)]|$)",
        lambda m: str(rng.randint(2, 999)) if rng.random() < 0.7 else m.group(),
        out,
    )
    # Quotes at word edges, and standalone dashes.
    out = re.sub(r"(?<!\w)“|”(?!\w)", '"', out) if rng.random() < 0.5 else out
    out = out.replace(" — ", " - ") if rng.random() < 0.5 else out
    # Commas and full stops.
    if rng.random() < 0.5:
        out = re.sub(r",(?= )", lambda m: ";" if rng.random() < 0.3 else ",", out)
    # Case.
    lines = out.split("\n")
    for i, ln in enumerate(lines):
        if ln and rng.random() < 0.15:
            changed = ln.upper() if len(ln) < 80 else ln.lower()
            if changed.lower() == ln.lower():  # not "ß" -> "SS"
                lines[i] = changed
    out = "\n".join(lines)
    # Whitespace and line breaks: re-wrap paragraphs or squeeze blank lines.
    style = rng.randrange(3)
    if style == 0:
        width = rng.randint(70, 90)
        wrapped: list[str] = []
        for ln in out.split("\n"):
            while len(ln) > width:
                cut = ln.rfind(" ", 0, width)
                if cut <= 0:
                    break
                wrapped.append(ln[:cut])
                ln = ln[cut + 1 :]
            wrapped.append(ln)
        out = "\n".join(wrapped)
    elif style == 1:
        out = re.sub(r"\n\n+", "\n", out)
    else:
        out = re.sub(r"(?<=[.!?]) (?=[A-Z])", "  ", out)
    return out


def near_copy(text: str, rng: random.Random) -> tuple[str, int]:
    """``text`` with about 1-2% of its words replaced, dropped or added."""
    lines = text.split("\n")
    prose = [i for i, ln in enumerate(lines) if len(ln) > 80]
    n_words = len(text.split())
    k = max(2, round(n_words * rng.uniform(0.01, 0.02)))
    done = 0
    for _ in range(k * 4):
        if done >= k or not prose:
            break
        i = rng.choice(prose)
        words = lines[i].split(" ")
        j = rng.randrange(1, len(words))
        w = words[j]
        key = w.lower().strip(".,;:")
        x = rng.random()
        if key in SYNONYMS and x < 0.6:
            words[j] = w.lower().replace(key, SYNONYMS[key])
        elif x < 0.8 and len(words) > 6:
            del words[j]
        else:
            words.insert(j, rng.choice(("reportedly", "still", "already", "again", "clearly")))
        lines[i] = " ".join(words)
        done += 1
    return "\n".join(lines), done


def retitle(body: str, title: str, ext: str) -> str:
    """``body`` with its first line replaced by ``title`` in ``ext``'s style."""
    _first, _, rest = body.partition("\n")
    head = f"# {title}" if ext == ".md" else title
    return head + "\n" + rest


def _heading_text(body: str) -> str:
    first = body.partition("\n")[0]
    return first[2:] if first.startswith("# ") else first


def build_copy(d: Doc, rng: random.Random, titles: list[str], limits: bool = False) -> None:
    src = d.copy_of
    assert src is not None
    d.source = rng.choice([s for s in FOREIGN_OUTLETS.get(d.lang, OUTLETS) if s != src.source])
    host = rng.choice(HOSTS)
    d.title = src.title
    mode = d.copy_mode
    body = retitle(src.body, src.title, d.ext)
    if mode in ("synd", "wire", "after", "cycle"):
        if mode == "wire":
            d.hard.append("wire-copy-shared-origin")
            if rng.random() < 0.5:  # copies often cut the last paragraph
                paras = body.rstrip("\n").split("\n\n")
                if len(paras) > 3:
                    body = "\n\n".join(paras[:-1]) + "\n"
            if rng.random() < 0.5:
                body = body.rstrip("\n") + f"\n\n({src.source})\n"
        elif mode == "synd":
            d.hard.append("declared-syndicated-copy")
            if rng.random() < 0.4:
                body = body.rstrip("\n") + f"\n\nThis article first appeared in {src.source}.\n"
        if rng.random() < 0.3:
            d.title = _retitle_text(d.title, rng)
            body = retitle(body, d.title, d.ext)
    elif mode == "exact":
        body = exact_copy(body, rng)
        assert fold_words(body) == fold_words(retitle(src.body, src.title, d.ext)), d.did
        d.notes.append("exact copy of " + src.did + " (case, punctuation, spacing, numbers)")
    elif mode == "near":
        if rng.random() < 0.3:
            d.title = _retitle_text(d.title, rng)
            body = retitle(body, d.title, d.ext)
        body, k = near_copy(body, rng)
        j, c = overlap(src.body, body)
        d.notes.append(
            f"near copy of {src.did}: {k} words changed (Jaccard {j:.2f}, containment {c:.2f})"
        )
    elif mode == "wrapped":
        others = [t for t in titles if t != src.title]
        # Jaccard 0.45-0.75; with known limits also 0.3-0.45, where LSH
        # banding misses a pair with probability (1 - J^3)^42 (2% to 32%).
        low = limits and rng.random() < 0.3
        floor, target = (0.3, rng.uniform(0.3, 0.45)) if low else (0.45, rng.uniform(0.45, 0.75))
        j, c = overlap(src.body, body)
        for i in range(60):  # furniture until the Jaccard score is low enough
            if j <= target:
                break
            kept = len(d.notes)
            more = add_furniture(d, rng, body, others, heavy=i == 0, limits=False)
            j2, c2 = overlap(src.body, more)
            if j2 < floor:  # too much at once: try a smaller block
                del d.notes[kept:]
                continue
            body, j, c = more, j2, c2
        if not 0.3 <= j <= 0.75:
            raise RuntimeError(f"{d.did}: wrapped copy with Jaccard {j:.2f}")
        if j < 0.45:
            d.limits.append("low-jaccard")
        d.notes.append(f"wrapped copy of {src.did} (Jaccard {j:.2f}, containment {c:.2f})")
    d.body = body
    if rng.random() < 0.5:
        d.url = f"https://{host}/{rng.choice(SECTIONS)}/{d.when:%Y/%m/%d}/{d.did}"


def _retitle_text(title: str, rng: random.Random) -> str:
    return rng.choice(("UPDATE 1-", "WRAPUP ", "Analysis: ", "")) + title


def build_roundup(d: Doc, rng: random.Random) -> None:
    """A round-up that excerpts the first paragraphs of two documents."""
    parts = []
    for src in d.roundup_of:
        paras = src.body.split("\n\n")
        parts.append("\n\n".join(p for p in paras[1:3] if not p.startswith(("By ", "#"))))
    heading = f"# {d.title}" if d.ext == ".md" else d.title
    intro = {
        "en": "What the papers said:",
        "fr": "Revue de presse\u00a0:",
        "de": "Pressestimmen:",
        "es": "Lo que dice la prensa:",
        "pt": "O que diz a imprensa:",
    }[d.lang]
    d.body = f"{heading}\n\n{intro}\n\n" + "\n\n".join(parts).strip("\n") + "\n"
    d.hard.append("roundup-declares-both")


# --------------------------------------------------------------------------
# Encoding defects
# --------------------------------------------------------------------------

_CP1252_UNDEFINED = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D))


def mojibake(text: str, drop_undefined: bool = False, codec: str = "cp1252") -> str:
    """UTF-8 bytes read as Windows-1252 (or Latin-1); the five bytes cp1252
    leaves undefined become C1 controls (as Latin-1 reads them) or are lost."""
    if codec == "latin_1":
        return text.encode("utf-8").decode("latin_1")
    out = []
    for b in text.encode("utf-8"):
        if b in _CP1252_UNDEFINED:
            if not drop_undefined:
                out.append(chr(b))
        else:
            out.append(bytes([b]).decode("cp1252"))
    return "".join(out)


def _lossy(ch: str) -> bool:
    """Whether a character's mojibake loses its trace when the bytes cp1252
    leaves undefined are dropped: Á Í Ï Ð Ý become a bare "Ã" before the
    next letter, 👍 (F0 9F 91 8D) only three characters."""
    raw = ch.encode("utf-8")
    return len(raw) in (2, 4) and any(b in _CP1252_UNDEFINED for b in raw)


def _only_lossy(text: str) -> bool:
    return all(_lossy(ch) for ch in text if ch >= "\x80")


def _paragraph_spans(d: Doc) -> list[tuple[int, int]]:
    """Where the prose paragraphs of ``d.body`` are (not its heading)."""
    spans = []
    pos = 0
    for para in d.body.split("\n\n"):
        if len(para) > 60 and d.title not in para:
            spans.append((pos, pos + len(para)))
        pos += len(para) + 2
    return spans


_ACCENTED_SENTENCES = {
    "en": (
        " Outside the café on the quay, José and Zoë handed out leaflets.",
        " The crowd outside the Hôtel de Ville applauded.",
        " Prices at the harbour café have doubled, to 4 € a coffee.",
        " The résumé of the new harbour master was published on Friday.",
    ),
    "fr": (
        " Les élus se sont réunis à huis clos, a précisé la préfecture.",
        " Le débat a été très animé.",
    ),
    "de": (
        " Die Bürger äußerten sich überwiegend skeptisch.",
        " Die Gebühren würden sich fast verdoppeln.",
    ),
    "es": (
        " El alcalde insistió en que la decisión está tomada.",
        " La sesión se alargó más de lo previsto.",
    ),
    "pt": (
        " A população não foi ouvida, segundo a associação.",
        " A sessão terminou às três da manhã.",
    ),
}


def _ensure_accents(
    d: Doc, span: tuple[int, int], rng: random.Random, lossy_ok: bool = True
) -> tuple[int, int]:
    """``span`` of ``d.body``, with an accented sentence added when it has no
    non-ASCII character (or, unless ``lossy_ok``, only lossy ones)."""
    a, b = span
    text = d.body[a:b]
    if not text.isascii() and (lossy_ok or not _only_lossy(text)):
        return span
    add = rng.choice(_ACCENTED_SENTENCES[d.lang])
    d.body = d.body[:b] + add + d.body[b:]
    d.notes.append("added an accented sentence")
    return a, b + len(add)


def inject_encoding(d: Doc, kind: str, rng: random.Random, limits: bool = False) -> None:
    spans = _paragraph_spans(d)
    if kind == "encoding-invalid":
        whole = d.header != "yaml" and rng.random() < 0.35
        enc = "mac_roman" if rng.random() < 0.12 else "cp1252"
        if whole:
            try:
                d.body.encode(enc)
            except UnicodeEncodeError:
                whole = False
        if whole:
            if d.body.isascii():
                a, b = _ensure_accents(d, spans[0], rng)
            d.legacy_whole = enc
            d.notes.append(f"the whole file encoded as {enc}")
            return
        order = sorted(spans, key=lambda s: -sum(ch >= "\x80" for ch in d.body[s[0] : s[1]]))
        for a, b in order:
            try:
                d.body[a:b].encode(enc)
            except UnicodeEncodeError:
                continue
            a, b = _ensure_accents(d, (a, b), rng)
            d.legacy_bytes = (a, b, enc)
            line = d.body.count("\n", 0, a) + 1
            d.notes.append(f"paragraph at body line {line} encoded as {enc}")
            return
        raise RuntimeError(f"{d.did}: no paragraph encodable as {enc}")
    if kind == "encoding-mojibake":
        drop = rng.random() < 0.3
        codec = "latin_1" if rng.random() < 0.15 else "cp1252"
        lossy_ok = limits or not drop or codec != "cp1252"
        if rng.random() < 0.35:
            if d.body.isascii() or (not lossy_ok and _only_lossy(d.body)):
                _ensure_accents(d, spans[0], rng, lossy_ok)
            if drop and codec == "cp1252" and _only_lossy(d.body):
                d.limits.append("mojibake-lost-byte")
            d.body = mojibake(d.body, drop, codec)
            d.notes.append(f"the whole body double-encoded (UTF-8 read as {codec})")
            return
        order = sorted(spans, key=lambda s: -sum(ch >= "\x80" for ch in d.body[s[0] : s[1]]))
        a, b = _ensure_accents(d, order[0], rng, lossy_ok)
        if drop and codec == "cp1252" and _only_lossy(d.body[a:b]):
            d.limits.append("mojibake-lost-byte")
        bad = mojibake(d.body[a:b], drop, codec)
        d.body = d.body[:a] + bad + d.body[b:]
        line = d.body.count("\n", 0, a) + 1
        sample = next((w for w in bad.split() if not w.isascii()), "")
        d.notes.append(f"paragraph at body line {line} double-encoded ({codec}), e.g. {sample!r}")
        return
    if kind == "encoding-control":
        k = rng.randint(1, 4)
        added = []
        for _ in range(k):
            a, b = rng.choice(spans)
            ch = rng.choice(CONTROL_CHARS)
            text = d.body[a:b]
            if ch == "\x92" and "'" in text:
                at = a + text.index("'")
                d.body = d.body[:at] + ch + d.body[at + 1 :]
            elif ch in ("\x0c", "\ufeff"):  # a page break or a BOM from a joined file
                d.body = d.body[:a] + ch + d.body[a:]
            elif ch == "\u202e":  # an override around a word
                at = d.body.find(" ", a + 10, b)
                end = d.body.find(" ", at + 1, b)
                if at < 0 or end < 0:
                    at, end = a, a
                d.body = d.body[: at + 1] + ch + d.body[at + 1 : end] + "\u202c" + d.body[end:]
            else:
                # inside a word or between words
                at = rng.randrange(a + 1, b - 1)
                d.body = d.body[:at] + ch + d.body[at:]
            added.append(f"U+{ord(ch[0]):04X}")
            spans = _paragraph_spans(d)
        d.notes.append("control characters " + ", ".join(added))
        return
    raise ValueError(kind)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def _yaml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _derived_ids(d: Doc) -> list[str]:
    return [x if isinstance(x, str) else x.did for x in d.derived]


def render(d: Doc) -> bytes:
    ids = ", ".join(_derived_ids(d))
    head = ""
    if d.header == "yaml":
        lines = ["---", f"id: {d.did}", f"title: {_yaml_str(d.title)}", f"source: {d.source}"]
        if d.url:
            lines.append(f"url: {d.url}")
        lines.append(f"date: {d.date_text}")
        if ids and d.derived_where in ("header", "both"):
            many = _derived_ids(d)
            if len(many) > 1 and d.ids_sep == "list":
                lines.append(f"derived_from: [{', '.join(many)}]")
            else:
                lines.append(f"derived_from: {_yaml_str(ids)}")
        lines.append(f"language: {d.lang}")
        lines.append("---")
        head = "\n".join(lines) + "\n"
    elif d.header == "legacy":
        head = f" date {d.when.isoformat()} "
    nl = "\r\n" if d.crlf else "\n"
    body = d.body
    if d.legacy_whole:
        raw = (head + body).replace("\n", nl).encode(d.legacy_whole)
    elif d.legacy_bytes is not None:
        a, b, enc = d.legacy_bytes
        raw = (
            (head + body[:a]).replace("\n", nl).encode("utf-8")
            + body[a:b].replace("\n", nl).encode(enc)
            + body[b:].replace("\n", nl).encode("utf-8")
        )
    else:
        raw = (head + body).replace("\n", nl).encode("utf-8")
    if d.legacy_whole or d.legacy_bytes:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise RuntimeError(f"{d.did}: the legacy bytes happen to be valid UTF-8")
    return (b"\xef\xbb\xbf" if d.bom else b"") + raw


def _cell(s: str) -> str:
    return s.replace("|", "\\|")


def generate(
    out: Path, n: int = 600, seed: int = 7, known_limits: bool = False
) -> dict[str, list[str]]:
    """Write the corpus into ``out`` and return the labels. With
    ``known_limits``, documents may also take realistic forms provlint is
    known to get wrong (see the module docstring)."""
    rng = random.Random(seed)
    stories, docs = plan(n, rng, known_limits)
    # Texts: originals first, then round-ups, then copies (in dependency order).
    for d in docs:
        if d.copy_of is None and d.role != "roundup":
            Writer(d, random.Random(f"{seed}:{d.did}"), known_limits).build()
    for d in docs:
        if d.role == "roundup":
            w = Writer(d, random.Random(f"{seed}:{d.did}"), known_limits)
            d.source = w.outlet
            d.title = w.title_line()
            build_roundup(d, random.Random(f"{seed}:{d.did}:roundup"))
    titles = [d.title for d in docs if d.copy_of is None]
    for d in docs:
        if d.copy_of is not None:
            build_copy(d, random.Random(f"{seed}:{d.did}:copy"), titles, known_limits)
    for d in docs:  # copies and round-ups that carry a known-limit passage
        sources = [*d.roundup_of, *([d.copy_of] if d.copy_of else [])]
        for src in sources:
            for tag, text in src.marks:
                if text in d.body and (tag, text) not in d.marks:
                    d.marks.append((tag, text))
                    d.limits.append(tag)
    # Defects that change the text: encodings first (furniture is added to
    # the text as a scraper would see it, garbled or not).
    for d in docs:
        r = random.Random(f"{seed}:{d.did}:defect")
        for kind in ("encoding-invalid", "encoding-mojibake", "encoding-control"):
            if kind in d.kinds:
                inject_encoding(d, kind, r, known_limits)
        if "scrape-residue" in d.kinds and d.copy_mode != "wrapped":
            assert d.legacy_bytes is None and not d.legacy_whole
            d.body = add_furniture(d, r, d.body, titles, heavy=False, limits=known_limits)
        if d.copy_of is not None and d.copy_mode in ("exact", "near", "wrapped"):
            src = d.copy_of
            j, c = overlap(src.body, d.body)
            if max(j, c) < 0.85:
                raise RuntimeError(f"{d.did}: planted copy too far from {src.did} ({j}, {c})")

    if out.exists():
        if any(out.iterdir()) and not (out / META).is_file() and not (out / LABELS).is_file():
            raise SystemExit(f"{out} is not empty and was not made by this script; not touching it")
        shutil.rmtree(out / "docs", ignore_errors=True)
        for name in ("INDEX.md", META, LABELS):
            (out / name).unlink(missing_ok=True)
    (out / "docs").mkdir(parents=True, exist_ok=True)

    rows = [
        INDEX_TITLE,
        "",
        f"{n} generated documents in {len(stories)} stories (seed {seed}). "
        f"`{LABELS}` says which carry a defect.",
        "",
        "| id | file | title | source | url | date | derived_from | language |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for d in docs:
        rel = f"docs/{d.did}{d.ext}"
        (out / rel).write_bytes(render(d))
        sep = "," if d.ids_sep == "," else ", "
        ids = sep.join(_derived_ids(d)) if d.derived_where in ("index", "both") else ""
        if ids and random.Random(f"{seed}:{d.did}:cell").random() < 0.1:
            ids = f"`{ids}`"  # a code span: its text is the value
        rows.append(
            f"| {d.did} | {rel} | {_cell(d.title)} | {_cell(d.source)} | {d.url} | "
            f"{d.date_text} | {ids} | {d.lang} |"
        )
    (out / "INDEX.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    labels = {d.did: list(d.kinds) for d in docs}
    (out / LABELS).write_text(json.dumps(labels, indent=1) + "\n", encoding="utf-8")
    meta: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "generator": "benchmarks/gen_content_corpus.py",
        "n": n,
        "seed": seed,
        "known_limits": known_limits,
        "kinds": dict(CHECK_OF),
        "documents": {
            d.did: {
                "file": f"docs/{d.did}{d.ext}",
                "story": d.story.sid if d.story else None,
                "role": d.role,
                "labels": list(d.kinds),
                "checks": sorted({CHECK_OF[k] for k in d.kinds}),
                "language": d.lang,
                "header": d.header,
                "date": d.date_text,
                "derived_from": _derived_ids(d),
                "copy_of": d.copy_of.did if d.copy_of else None,
                "copy_mode": d.copy_mode or None,
                "family": d.family.did,
                "families": sorted({d.family.did, *(src.family.did for src in d.roundup_of)}),
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
        help="also write realistic forms provlint is known to get wrong",
    )
    args = parser.parse_args(argv)
    if args.n < 60:
        parser.error("-n must be at least 60 (every defect kind needs a few documents)")
    labels = generate(args.out, args.n, args.seed, args.known_limits)
    counts: dict[str, int] = {"clean": sum(1 for v in labels.values() if not v)}
    for kinds in labels.values():
        for k in kinds:
            counts[k] = counts.get(k, 0) + 1
    summary = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("clean", *KINDS))
    print(f"wrote {len(labels)} documents to {args.out}: {summary}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
