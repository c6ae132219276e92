"""The ``duplicate-content`` check."""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from provlint import CorpusCheck, Document, DocumentCheck, Finding, Location, Severity, hookimpl
from provlint.model import Corpus

KEY = "duplicate-content"


def _derived(doc: Document) -> set[str]:
    return {ident for ident, _ in doc.derived_ids()}


class DuplicateContent(DocumentCheck, CorpusCheck):
    """Two documents carry the same text, and neither declares the other in `derived_from`.

    **What it does.** Folds each text (case, whitespace, punctuation and
    digits) and compares documents two ways:

    - *exact duplicates*: the folded texts are identical;
    - *near duplicates*: word 5-gram shingles, scored by both **Jaccard**
      (shared / all) and **containment** (the share of the smaller text
      found in the other). Either reaching `threshold` (0.8) flags the pair.
      A raw page scrape and its cleaned copy share little page furniture, so
      their Jaccard is low (about 0.5) but their containment is near 1.

    Up to `exact-limit` documents (3,000), every pair is scored exactly
    (prefix filtering finds every pair that can reach the threshold).
    Beyond, each document is reduced to a 128-value MinHash signature
    (512 bytes) and candidates come from LSH banding (42 bands of 3 rows),
    scored from the signatures: time and memory grow linearly; pairs with a
    Jaccard below about 0.35 (a short excerpt inside a long text) can be
    missed there.

    Pairs linked by `derived_from` (either way), or declaring the same
    origin, are not reported: the copy is documented.

    **Why it matters.** An undeclared copy counts one source twice and hides
    where a text really came from.

    **Example.** `seeds/clean-copy.txt:1:1: PV302 duplicate-content: the text
    is a near duplicate of seeds/raw-scrape.txt (containment 0.97, Jaccard
    0.46); expected a derived_from link between them`

    **Options.** `threshold` (0 to 1, default 0.8); `exact-limit` (default
    3000); `min-words` (default 30): shorter texts are not compared.
    """

    code = "PV302"
    name = "duplicate-content"
    severity = Severity.ERROR
    scope = "corpus"
    options = {
        "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "exact-limit": {"type": "integer", "minimum": 0},
        "min-words": {"type": "integer", "minimum": 1},
    }
    defaults = {"threshold": 0.8, "exact-limit": 3000, "min-words": 30}

    def corpus_size_breaks(self) -> tuple[int, ...]:
        return (int(self.config["exact-limit"]),)

    def check_document(self, doc: Document) -> Iterator[Finding]:
        from provlint.similarity import shingles, signature, text_hash, words

        if doc.text is None:
            return iter(())
        tokens = words(doc.body)
        if len(tokens) < int(self.config["min-words"]):
            return iter(())
        hashes = shingles(tokens)
        info: dict[str, Any] = {
            "hash": text_hash(tokens),
            "size": len(hashes),
            "words": len(tokens),
        }
        if doc.corpus_size <= int(self.config["exact-limit"]):
            info["set"] = array("I", sorted(hashes))
        else:
            info["sig"] = signature(hashes)
        doc.summary[KEY] = info
        return iter(())

    def check_corpus(self, corpus: Corpus) -> Iterator[Finding]:
        from provlint.similarity import Pair, exact_pairs, lsh_pairs

        # What the pairs need of each document, not the documents: they may
        # be streamed from disk.
        docs: dict[str, tuple[str | None, frozenset[str]]] = {}
        infos: dict[str, Any] = {}
        for d in corpus.documents:
            if KEY in d.summary:
                docs[d.path] = (d.doc_id, frozenset(_derived(d)))
                infos[d.path] = d.summary[KEY]
        threshold = float(self.config["threshold"])
        pairs: dict[tuple[str, str], Pair] = {}
        by_hash: dict[str, list[str]] = defaultdict(list)
        for p in sorted(infos):
            by_hash[infos[p]["hash"]].append(p)
        for group in by_hash.values():
            for other in group[1:]:
                pairs[(group[0], other)] = Pair(group[0], other, 1.0, 1.0)
        sets = {p: i["set"] for p, i in infos.items() if "set" in i}
        sigs = {p: (i["sig"], i["size"]) for p, i in infos.items() if "sig" in i}
        for pair in (*exact_pairs(sets, threshold), *lsh_pairs(sigs, threshold)):
            pairs.setdefault((pair.a, pair.b), pair)
        for (a, b), pair in sorted(pairs.items()):
            if self._declared(docs[a], docs[b]):
                continue
            exact = infos[a]["hash"] == infos[b]["hash"]
            what = "an exact duplicate" if exact else "a near duplicate"
            scores = (
                "same words once case, punctuation and digits are folded"
                if exact
                else f"containment {pair.containment:.2f}, Jaccard {pair.jaccard:.2f}"
            )
            yield self.finding(
                b,
                1,
                1,
                f"the text is {what} of {a} ({scores}); expected a derived_from link "
                "between them, or one copy removed",
                doc_id=docs[b][0],
                related=[Location(a, 1, 1, "the other copy")],
            )

    @staticmethod
    def _declared(
        a: tuple[str | None, frozenset[str]], b: tuple[str | None, frozenset[str]]
    ) -> bool:
        (id_a, da), (id_b, db) = a, b
        if (id_b and id_b in da) or (id_a and id_a in db):
            return True
        return bool(da & db)


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [DuplicateContent]
