"""The date checks' machinery: finding the dates a text mentions, with their
tense, their line and whether they are page furniture
(:mod:`provlint.plugins.dates.datetext`). Used by ``date-mismatch``,
``date-inconsistent`` and ``missing-date``."""
