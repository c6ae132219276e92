"""Measure the date checks on a labelled synthetic corpus: precision and recall per defect kind.

Generates a corpus with ``gen_dated_corpus.py`` (next to this script) in a
temporary folder, or reads one given with ``--corpus DIR`` (it needs the
``labels.json`` the generator writes), runs

    provlint.run(root, provlint.Config(select=("date-mismatch", "date-inconsistent"),
                                       load_entrypoints=False))

and scores the findings against the labels. Every defect kind K maps to
the one check that must catch it (``CHECK_OF`` in the generator:
the four ``*-mismatch`` kinds to ``date-mismatch``, the anachronisms,
``relative-weekday`` and ``story-outlier`` to ``date-inconsistent``). A
document is *flagged by* a check when that check reports at least one
finding (any severity) on it. Then, for kind K with check C:

* recall(K) = documents of kind K flagged by C / documents of kind K;
* precision(K) = documents of kind K flagged by C / (those + *clean*
  documents flagged by C).

Only clean documents count as false positives: a defective document of
another kind that C also flags is neither a hit nor a false alarm for K.
A clean document flagged by C is a false positive of *every* kind that
maps to C (so one clean false alarm of ``date-mismatch`` lowers the
precision of all four ``*-mismatch`` kinds). The false-alarm rate is the
share of clean documents flagged by either check.

    python benchmarks/eval_synthetic_dates.py                    # N=600, seed 7
    python benchmarks/eval_synthetic_dates.py -n 600,2000 --seed 7,8
    python benchmarks/eval_synthetic_dates.py --corpus DIR --show 5
    python benchmarks/eval_synthetic_dates.py --json

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
DATE_CHECKS = ("date-mismatch", "date-inconsistent")


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_dated_corpus", HERE / "gen_dated_corpus.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_dated_corpus", mod)
    spec.loader.exec_module(mod)
    return mod


def evaluate(root: Path) -> dict[str, Any]:
    """Run the date checks on the corpus at ``root`` and score them."""
    import provlint

    gen = _generator()
    labels: dict[str, str] = json.loads((root / gen.LABELS).read_text(encoding="utf-8"))
    meta_path = root / gen.META
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    docs_meta: dict[str, Any] = meta.get("documents", {})
    by_path = {info["file"]: did for did, info in docs_meta.items()}

    cfg = provlint.Config(select=DATE_CHECKS, load_entrypoints=False)
    started = time.perf_counter()
    report = provlint.run(root, cfg)
    seconds = time.perf_counter() - started

    flagged: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for f in report.findings:
        if f.check not in DATE_CHECKS:
            continue
        did = f.doc_id if f.doc_id in labels else by_path.get(f.path, f.doc_id or f.path)
        flagged[did][f.check].append(f"{f.path}:{f.line}: {f.message}")

    clean = [d for d, k in labels.items() if k == gen.CLEAN]
    fp: dict[str, list[str]] = {
        c: [d for d in clean if c in flagged.get(d, {})] for c in DATE_CHECKS
    }
    kinds: dict[str, Any] = {}
    misses: dict[str, list[str]] = {}
    for kind in gen.KINDS:
        check = gen.CHECK_OF[kind]
        docs = [d for d, k in labels.items() if k == kind]
        hit = [d for d in docs if check in flagged.get(d, {})]
        denom = len(hit) + len(fp[check])
        kinds[kind] = {
            "check": check,
            "documents": len(docs),
            "detected": len(hit),
            "clean_false_positives": len(fp[check]),
            "recall": len(hit) / len(docs) if docs else None,
            "precision": len(hit) / denom if denom else None,
        }
        misses[kind] = [d for d in docs if d not in hit]
    alarms = [d for d in clean if flagged.get(d)]
    missed = [d for docs in misses.values() for d in docs]

    def limited(ids: list[str]) -> int:
        return sum(1 for d in ids if docs_meta.get(d, {}).get("known_limits"))

    return {
        "corpus": str(root),
        "n": meta.get("n", len(labels)),
        "seed": meta.get("seed"),
        "documents": len(labels),
        "clean": len(clean),
        "kinds": kinds,
        "false_alarm_rate": len(alarms) / len(clean) if clean else None,
        "clean_flagged": len(alarms),
        "clean_flagged_by_check": {c: len(v) for c, v in fp.items()},
        "known_limits": meta.get("known_limits", False),
        "misses_with_known_limit": limited(missed),
        "false_alarms_with_known_limit": limited(alarms),
        "seconds": seconds,
        "misses": misses,
        "false_alarms": alarms,
        "flagged": {d: dict(v) for d, v in flagged.items()},
        "meta": docs_meta,
    }


def generate_and_evaluate(n: int, seed: int, known_limits: bool = False) -> dict[str, Any]:
    gen = _generator()
    with tempfile.TemporaryDirectory(prefix="provlint-dated-") as tmp:
        root = Path(tmp) / "corpus"
        gen.generate(root, n, seed, known_limits)
        return evaluate(root)


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.1%}"


def print_table(res: dict[str, Any], show: int = 0) -> None:
    limits = ", known limits" if res["known_limits"] else ""
    print(
        f"\ncorpus: {res['documents']} documents (N={res['n']}, seed={res['seed']}{limits}), "
        f"{res['clean']} clean; provlint.run {res['seconds']:.2f} s"
    )
    print(
        f"{'kind':<24} {'check':<18} {'docs':>5} {'found':>6} {'clean FP':>9} "
        f"{'precision':>10} {'recall':>8}"
    )
    for kind, k in res["kinds"].items():
        print(
            f"{kind:<24} {k['check']:<18} {k['documents']:>5} {k['detected']:>6} "
            f"{k['clean_false_positives']:>9} {_pct(k['precision']):>10} {_pct(k['recall']):>8}"
        )
    by = ", ".join(f"{c} {v}" for c, v in res["clean_flagged_by_check"].items())
    print(
        f"false-alarm rate on clean documents: {_pct(res['false_alarm_rate']).strip()} "
        f"({res['clean_flagged']} of {res['clean']}; {by})"
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", default="600", help="documents; a comma list runs several sizes")
    parser.add_argument("--seed", default="7", help="generator seed; a comma list runs several")
    parser.add_argument("--corpus", type=Path, help="score this generated corpus instead")
    parser.add_argument(
        "--known-limits",
        action="store_true",
        help="generate with forms provlint is known to get wrong (see gen_dated_corpus.py)",
    )
    parser.add_argument(
        "--show", type=int, default=0, help="print up to N misses per kind and N false alarms"
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    if args.corpus is not None:
        results = [evaluate(args.corpus)]
    else:
        results = [
            generate_and_evaluate(int(n), int(seed), args.known_limits)
            for n in str(args.n).split(",")
            for seed in str(args.seed).split(",")
        ]
    if args.json:
        out = [{k: v for k, v in r.items() if k not in ("flagged", "meta")} for r in results]
        print(json.dumps(out, indent=2))
        return 0
    for r in results:
        print_table(r, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
