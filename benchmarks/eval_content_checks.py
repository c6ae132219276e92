"""Measure the content checks on a labelled synthetic corpus: precision and recall per defect kind.

Generates a corpus with ``gen_content_corpus.py`` (next to this script) in a
temporary folder, or reads one given with ``--corpus DIR`` (it needs the
``labels.json`` and ``corpus.json`` the generator writes), runs

    provlint.run(root, provlint.Config(
        select=("duplicate-content", "derived-from", "scrape-residue", "encoding"),
        load_entrypoints=False))

once with the default options (``exact`` mode: up to 3,000 documents every
pair is scored exactly) and once with
``check_options={"duplicate-content": {"exact-limit": 0}}`` (``lsh`` mode:
MinHash signatures and LSH banding, what corpora over 3,000 documents get),
and scores the findings against the labels. Every defect kind K maps to the
one check C that must catch it (``CHECK_OF`` in the generator). A document
may carry several kinds (a copy wrapped in page furniture is
``duplicate-near`` and ``scrape-residue``).

Which documents a finding *flags*:

* ``encoding``, ``scrape-residue``, ``derived-from``: the document the
  finding is about (its ``doc_id``, else its path). A ``derived-from``
  finding that reports a cycle is reported once, on one member, and names
  the others in ``related``: it flags every member it names;
* ``duplicate-content`` reports a *pair*: the finding sits on one copy and
  names the other in ``related``. When the two documents carry text of a
  common origin (``families`` in corpus.json) and one of them is a planted
  duplicate (``duplicate-exact`` or ``duplicate-near``), the pair is the
  planted one (or the planted copy paired with a declared copy of its
  origin, or with a round-up that quotes it): it flags the planted copy
  only, whichever member the finding sits on, and never the clean
  document beside it. Any other pair flags both of its documents.

Then, for kind K with check C:

* recall(K) = documents of kind K flagged by C / documents of kind K (a
  duplicate counts only when flagged through its planted pair);
* precision(K) = documents of kind K flagged by C / (those + *clean*
  documents flagged by C).

As in ``eval_synthetic_dates.py``, only clean documents count as false
positives of a kind: a document with a defect of another kind that C also
flags is neither a hit nor a false alarm for K, and one clean false alarm
of C lowers the precision of every kind of C. The per-check rows are
stricter: precision(C) = documents with a kind of C flagged by C /
*all* documents flagged by C (a document with only other defects counts
as a false positive there, column ``FP other``); recall(C) = documents
with a kind of C flagged by C / documents with a kind of C. The
false-alarm rate of C is the share of clean documents it flags.

    python benchmarks/eval_content_checks.py                       # N=600, seed 7
    python benchmarks/eval_content_checks.py -n 600,2000 --seed 7,8
    python benchmarks/eval_content_checks.py --mode lsh --show 5
    python benchmarks/eval_content_checks.py --corpus DIR --json

Exit status 0 whatever the scores (it measures; the test suite asserts).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CONTENT_CHECKS = ("duplicate-content", "derived-from", "scrape-residue", "encoding")
DUPLICATE_KINDS = ("duplicate-exact", "duplicate-near")
MODES = ("exact", "lsh")


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "gen_content_corpus", HERE / "gen_content_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_content_corpus", mod)
    spec.loader.exec_module(mod)
    return mod


def config(mode: str = "exact") -> Any:
    """The run's configuration: the four content checks, and in ``lsh``
    mode duplicate-content's ``exact-limit`` at 0."""
    import provlint

    options = {"duplicate-content": {"exact-limit": 0}} if mode == "lsh" else {}
    return provlint.Config(select=CONTENT_CHECKS, load_entrypoints=False, check_options=options)


def evaluate(root: Path, mode: str = "exact") -> dict[str, Any]:
    """Run the content checks on the corpus at ``root`` and score them."""
    import provlint

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    gen = _generator()
    labels: dict[str, list[str]] = json.loads((root / gen.LABELS).read_text(encoding="utf-8"))
    meta = json.loads((root / gen.META).read_text(encoding="utf-8"))
    docs_meta: dict[str, Any] = meta["documents"]
    by_path = {info["file"]: did for did, info in docs_meta.items()}

    started = time.perf_counter()
    report = provlint.run(root, config(mode))
    seconds = time.perf_counter() - started

    def families(did: str) -> set[str]:
        info = docs_meta.get(did, {})
        return set(info.get("families") or [info.get("family", did)])

    def doc_of(doc_id: str | None, path: str) -> str:
        if doc_id in labels:
            return str(doc_id)
        return by_path.get(path, doc_id or path)

    # flagged[doc][check] = messages; planted[doc] = messages of planted pairs
    flagged: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    planted: dict[str, list[str]] = defaultdict(list)
    for f in report.findings:
        if f.check not in CONTENT_CHECKS:
            continue
        did = doc_of(f.doc_id, f.path)
        msg = f"{f.path}:{f.line}:{f.column}: {f.message}"
        if f.check == "duplicate-content":
            other = doc_of(None, f.related[0].path) if f.related else did
            pair = (did, other)
            dups = [d for d in pair if set(labels.get(d, ())) & set(DUPLICATE_KINDS)]
            if dups and families(did) & families(other):
                for d in dups:
                    planted[d].append(msg)
                    flagged[d][f.check].append(msg)
            else:
                for d in pair:
                    flagged[d][f.check].append(msg)
            continue
        flagged[did][f.check].append(msg)
        if f.check == "derived-from" and "forms a cycle" in f.message:
            for rel in f.related:
                other = doc_of(None, rel.path)
                if other != did:
                    flagged[other][f.check].append(msg)

    def hit(did: str, kind: str) -> bool:
        if kind in DUPLICATE_KINDS:
            return did in planted
        return gen.CHECK_OF[kind] in flagged.get(did, {})

    clean = [d for d, k in labels.items() if not k]
    clean_fp: dict[str, list[str]] = {
        c: [d for d in clean if c in flagged.get(d, {})] for c in CONTENT_CHECKS
    }
    kinds: dict[str, Any] = {}
    misses: dict[str, list[str]] = {}
    for kind in gen.KINDS:
        check = gen.CHECK_OF[kind]
        docs = [d for d, ks in labels.items() if kind in ks]
        hits = [d for d in docs if hit(d, kind)]
        denom = len(hits) + len(clean_fp[check])
        kinds[kind] = {
            "check": check,
            "documents": len(docs),
            "detected": len(hits),
            "clean_false_positives": len(clean_fp[check]),
            "recall": len(hits) / len(docs) if docs else None,
            "precision": len(hits) / denom if denom else None,
        }
        misses[kind] = [d for d in docs if d not in hits]
    checks: dict[str, Any] = {}
    other_fp: dict[str, list[str]] = {}
    for check in CONTENT_CHECKS:
        mine = [d for d, ks in labels.items() if any(gen.CHECK_OF[k] == check for k in ks)]
        found = [d for d in mine if any(hit(d, k) for k in labels[d] if gen.CHECK_OF[k] == check)]
        others = [
            d for d, ks in labels.items() if ks and d not in mine and check in flagged.get(d, {})
        ]
        other_fp[check] = others
        fp = len(clean_fp[check]) + len(others)
        checks[check] = {
            "documents": len(mine),
            "detected": len(found),
            "clean_false_positives": len(clean_fp[check]),
            "other_false_positives": len(others),
            "recall": len(found) / len(mine) if mine else None,
            "precision": len(found) / (len(found) + fp) if found or fp else None,
            "false_alarm_rate": len(clean_fp[check]) / len(clean) if clean else None,
        }
    alarms = [d for d in clean if flagged.get(d)]
    missed = [d for ds in misses.values() for d in ds]

    def limited(ids: list[str]) -> int:
        return sum(1 for d in ids if docs_meta.get(d, {}).get("known_limits"))

    return {
        "corpus": str(root),
        "mode": mode,
        "n": meta.get("n", len(labels)),
        "seed": meta.get("seed"),
        "documents": len(labels),
        "clean": len(clean),
        "kinds": kinds,
        "checks": checks,
        "false_alarm_rate": len(alarms) / len(clean) if clean else None,
        "clean_flagged": len(alarms),
        "known_limits": meta.get("known_limits", False),
        "misses_with_known_limit": limited(missed),
        "false_alarms_with_known_limit": limited(alarms),
        "seconds": seconds,
        "misses": misses,
        "false_alarms": alarms,
        "other_false_positives": other_fp,
        "flagged": {d: dict(v) for d, v in flagged.items()},
        "meta": docs_meta,
    }


def generate_and_evaluate(
    n: int, seed: int, modes: tuple[str, ...] = MODES, known_limits: bool = False
) -> list[dict[str, Any]]:
    gen = _generator()
    with tempfile.TemporaryDirectory(prefix="provlint-content-") as tmp:
        root = Path(tmp) / "corpus"
        gen.generate(root, n, seed, known_limits)
        return [evaluate(root, mode) for mode in modes]


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.1%}"


def print_table(res: dict[str, Any], show: int = 0) -> None:
    limits = ", known limits" if res["known_limits"] else ""
    print(
        f"\ncorpus: {res['documents']} documents (N={res['n']}, seed={res['seed']}{limits}), "
        f"{res['clean']} clean; duplicate-content in {res['mode']} mode; "
        f"provlint.run {res['seconds']:.2f} s"
    )
    print(
        f"{'kind':<20} {'check':<18} {'docs':>5} {'found':>6} {'clean FP':>9} "
        f"{'precision':>10} {'recall':>8}"
    )
    for kind, k in res["kinds"].items():
        print(
            f"{kind:<20} {k['check']:<18} {k['documents']:>5} {k['detected']:>6} "
            f"{k['clean_false_positives']:>9} {_pct(k['precision']):>10} {_pct(k['recall']):>8}"
        )
    print(
        f"{'check':<20} {'':<18} {'docs':>5} {'found':>6} {'clean FP':>9} {'precision':>10} "
        f"{'recall':>8} {'FP other':>9} {'false alarms':>13}"
    )
    for check, c in res["checks"].items():
        print(
            f"{check:<20} {'':<18} {c['documents']:>5} {c['detected']:>6} "
            f"{c['clean_false_positives']:>9} {_pct(c['precision']):>10} {_pct(c['recall']):>8} "
            f"{c['other_false_positives']:>9} {_pct(c['false_alarm_rate']):>13}"
        )
    print(
        f"false-alarm rate on clean documents, any check: {_pct(res['false_alarm_rate']).strip()} "
        f"({res['clean_flagged']} of {res['clean']})"
    )
    if res["known_limits"]:
        print(
            f"with a known provlint limit: {res['misses_with_known_limit']} of "
            f"{sum(len(v) for v in res['misses'].values())} misses, "
            f"{res['false_alarms_with_known_limit']} of {res['clean_flagged']} false alarms"
        )
    if not show:
        return
    meta = res["meta"]
    for kind, docs in res["misses"].items():
        for did in docs[:show]:
            info = meta.get(did, {})
            lim = f" known limits {info['known_limits']}" if info.get("known_limits") else ""
            print(f"  MISS {kind} {did} ({info.get('file')}): {info.get('evidence')}{lim}")
            for check, msgs in res["flagged"].get(did, {}).items():
                print(f"      other finding {check}: {msgs[0][:200]}")
    for did in res["false_alarms"][:show]:
        info = meta.get(did, {})
        lim = f" [known limits {info['known_limits']}]" if info.get("known_limits") else ""
        for check, msgs in res["flagged"][did].items():
            print(f"  FALSE ALARM {did} ({info.get('file')}) {check}: {msgs[0][:300]}{lim}")
    for check, docs in res["other_false_positives"].items():
        for did in docs[:show]:
            info = meta.get(did, {})
            msgs = res["flagged"][did][check]
            print(
                f"  OTHER-DEFECT FP {did} {info.get('labels')} ({info.get('file')}) {check}: "
                f"{msgs[0][:300]}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", default="600", help="documents; a comma list runs several sizes")
    parser.add_argument("--seed", default="7", help="generator seed; a comma list runs several")
    parser.add_argument("--corpus", type=Path, help="score this generated corpus instead")
    parser.add_argument(
        "--mode",
        default="exact,lsh",
        help="duplicate-content mode(s): exact, lsh (exact-limit = 0), exact,lsh or both (default)",
    )
    parser.add_argument(
        "--known-limits",
        action="store_true",
        help="generate with forms provlint is known to get wrong (see gen_content_corpus.py)",
    )
    parser.add_argument(
        "--show", type=int, default=0, help="print up to N misses per kind and N false alarms"
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    modes = tuple(m.strip() for m in str(args.mode).split(",") if m.strip())
    if modes == ("both",):
        modes = MODES
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        parser.error(f"--mode takes exact, lsh, exact,lsh or both; not {args.mode!r}")
    if args.corpus is not None:
        results = [evaluate(args.corpus, mode) for mode in modes]
    else:
        results = [
            r
            for n in str(args.n).split(",")
            for seed in str(args.seed).split(",")
            for r in generate_and_evaluate(int(n), int(seed), modes, args.known_limits)
        ]
    if args.json:
        drop = ("flagged", "meta")
        out = [{k: v for k, v in r.items() if k not in drop} for r in results]
        print(json.dumps(out, indent=2))
        return 0
    for r in results:
        print_table(r, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
