"""The dask engine (``--engine dask``): the same findings as the local engine,
and clear errors instead of tracebacks."""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import load_benchmark
from provlint import cache
from provlint.cli import main
from provlint.config import Config, ConfigError, load_config
from provlint.engine_dask import INSTALL_HINT, _probe, run_targets_dask
from provlint.output import FormatOptions
from provlint.runner import Report, locate, run_targets

distributed: Any = pytest.importorskip("distributed")

N = 600



@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 generated documents with injected defects (date-mismatch,
    missing-source, checksum-mismatch), plus copies that add duplicate ids,
    duplicate content and unindexed files. ``exact-limit = 100`` makes
    duplicate-content use MinHash signatures and LSH bands."""
    root = tmp_path_factory.mktemp("dask") / "corpus"
    load_benchmark("gen_corpus").generate(root, N)
    extra = root / "docs" / "extra"
    extra.mkdir()
    for i, n in enumerate((3, 50, 400)):
        src = root / "docs" / "0000" / f"doc-{n:07d}.md"
        shutil.copy(src, extra / f"copy-{i}.md")
    (root / "provlint.toml").write_text(
        '[check.duplicate-content]\n"exact-limit" = 100\n', encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A two-worker local cluster (single-threaded processes); its address."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=40,
    ) as lc:
        yield lc.scheduler_address


@pytest.fixture(autouse=True)
def _cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROVLINT_CACHE_KEY_FILE", str(tmp_path / "cache-key"))


def _config(root: Path, **changes: Any) -> Config:
    return load_config(root).with_overrides(**changes)


@pytest.fixture(scope="module")
def local(corpus: Path) -> Report:
    """The local engine's report, in this process."""
    [report] = run_targets(locate([corpus]), _config(corpus, jobs=1))
    return report


def test_same_findings_as_local_engine(
    corpus: Path, cluster: str, local: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Identical reports; with the result cache on, a second run takes every
    document from the cache (kept in the client) and sends none to the cluster."""
    # The cache context includes the mtimes of provlint's sources: keep it
    # stable even if a file is edited while the test runs.
    monkeypatch.setattr(cache, "_fingerprint", lambda module, *sources: module)
    cfg = _config(corpus, jobs=1, cache=True, cache_dir=tmp_path / "cache")
    [dask] = run_targets_dask(locate([corpus]), cfg, scheduler=cluster)
    assert dask.findings == local.findings
    assert dask.suppressed == local.suppressed
    assert dask.tracebacks == local.tracebacks == ()
    assert dask.exit_code == local.exit_code == 1
    assert dask.stats["documents"] == local.stats["documents"] == N + 3
    checks = {f.check for f in local.findings}
    assert {"checksum-mismatch", "date-mismatch", "missing-source"} <= checks
    assert {"duplicate-id", "duplicate-content", "unindexed-file"} <= checks
    stats = dask.stats["dask"]
    assert stats["documents"] == N + 3 and stats["batches"] == 3

    [again] = run_targets_dask(locate([corpus]), cfg, scheduler=cluster)
    assert dask.stats["cached"] == 0 and again.stats["cached"] == N + 3
    assert again.stats["dask"]["documents"] == 0
    assert again.findings == local.findings


def test_cli_json_identical(
    corpus: Path, cluster: str, local: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    """``provlint validate --engine dask --format json`` prints what the
    local engine's report renders to (as ``provlint validate`` does)."""
    assert local.registry is not None
    expected = io.StringIO()
    local.registry.formats["json"]().render([local], expected, FormatOptions())
    args = ["validate", str(corpus), "--no-cache", "--format", "json", "--engine", "dask"]
    assert main([*args, "--scheduler", cluster]) == 1
    out = capsys.readouterr()
    assert out.out == expected.getvalue()
    assert out.err == ""
    assert json.loads(out.out)["summary"]["documents"] == N + 3


def test_plugin_objects_refused(corpus: Path) -> None:
    with pytest.raises(ConfigError, match="cannot use plugin objects"):
        run_targets_dask(locate([corpus]), Config(), plugins=[object()])


def test_unreachable_scheduler(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    with pytest.raises(ConfigError, match=f"--scheduler {address}: cannot connect"):
        run_targets_dask(locate([corpus]), Config(), scheduler=address, timeout=1)


def test_unreachable_scheduler_cli(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import provlint.engine_dask as engine_dask

    monkeypatch.setattr(engine_dask, "CONNECT_TIMEOUT", 1.0)
    code = main(["validate", str(corpus), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot connect to a dask scheduler" in err and "Traceback" not in err


def test_missing_extra(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigError) as info:
        run_targets_dask(locate([corpus]), Config(), scheduler="tcp://127.0.0.1:1")
    assert str(info.value) == INSTALL_HINT


def _break_index_stamp() -> None:
    import provlint.engine_dask as engine_dask

    setattr(engine_dask, "_saved_stamp", engine_dask._index_stamp)  # noqa: B010
    setattr(engine_dask, "_index_stamp", lambda root: (-1, ""))  # noqa: B010


def _restore_index_stamp() -> None:
    import provlint.engine_dask as engine_dask

    saved = getattr(engine_dask, "_saved_stamp", None)
    if saved is not None:
        setattr(engine_dask, "_index_stamp", saved)  # noqa: B010


def test_workers_that_do_not_see_the_corpus(corpus: Path, cluster: str) -> None:
    with distributed.Client(cluster) as client:
        client.run(_break_index_stamp)
        try:
            with pytest.raises(ConfigError, match=r"sees a different .*INDEX\.md"):
                run_targets_dask(locate([corpus]), Config(jobs=1), scheduler=cluster)
        finally:
            client.run(_restore_index_stamp)
    why = _probe("/no/such/corpus", (-1, ""), _version())
    assert why is not None and "cannot see the corpus folder /no/such/corpus" in why
    assert "runs provlint" in (_probe(str(corpus), (-1, ""), "0.0.0-other") or "")


def _version() -> str:
    from provlint import __version__

    return str(__version__)


def test_startup_does_not_import_dask() -> None:
    code = "import sys, provlint.cli, provlint.runner; print('dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_keyed_checks_are_judged_on_the_cluster(
    corpus: Path, cluster: str, local: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a store, no keyed record reaches the client: each batch's
    records stay on the worker that emitted them, are shuffled by key and
    judged there, stage by stage. Only findings come back, and they are
    the local engine's."""
    import provlint.corpus_phase as corpus_phase

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("a keyed check was judged in the client")

    monkeypatch.setattr(corpus_phase, "judge_all", not_here)
    monkeypatch.setattr(corpus_phase, "judge_touched", not_here)
    [dask] = run_targets_dask(locate([corpus]), _config(corpus, jobs=1, cache=False), cluster)
    assert dask.findings == local.findings
    judged = dask.stats["dask"]["judged"]
    assert judged["duplicate-content"] > 0 and judged["duplicate-id"] > 0


def test_renamed_files_and_ragged_rows_same_as_local(cluster: str, tmp_path: Path) -> None:
    """Renamed files are linked to their rows (missing-file's keyed join of
    missing and unindexed documents) and a row with an unescaped '|' is one
    finding, with the dask engine judging on the cluster as with the local
    engine."""
    root = tmp_path / "corpus"
    load_benchmark("gen_corpus").generate(root, 40)
    docs = sorted((root / "docs").rglob("*.md"))
    (root / "moved").mkdir()
    for doc in docs[:3]:  # their rows carry their sha256
        doc.rename(root / "moved" / f"renamed-{doc.name}")
    index = root / "INDEX.md"
    lines = index.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if docs[5].name in line)
    cells = lines[row].split(" | ")
    cells[2] = cells[2] + " | and more"  # an unescaped '|' in the title
    lines[row] = " | ".join(cells)
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = _config(root, jobs=1, cache=False)
    [local] = run_targets(locate([root]), cfg)
    [dask] = run_targets_dask(locate([root]), cfg, cluster)
    assert dask.findings == local.findings
    links = [f for f in local.findings if f.check == "missing-file" and "renamed to" in f.message]
    assert len(links) == 3
    assert not [f for f in local.findings if f.check == "unindexed-file"]
    ragged = [f for f in local.findings if f.line == row + 1 and f.path == "INDEX.md"]
    assert [f.check for f in ragged] == ["index-schema"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("generator", "options"),
    [
        ("gen_content_corpus", ""),
        ("gen_content_corpus", '[check.duplicate-content]\n"exact-limit" = 100\n'),
        ("gen_dated_corpus", ""),
    ],
    ids=["content-exact", "content-lsh", "dated"],
)
def test_labelled_corpora_same_as_local(
    generator: str, options: str, cluster: str, tmp_path: Path
) -> None:
    """Every multi-stage keyed check (duplicate-content in both of its
    modes, date-inconsistent, derived-from, scrape-residue) gives on the
    cluster what it gives locally, on corpora with labelled defects."""
    root = tmp_path / "corpus"
    load_benchmark(generator).generate(root, 2000, 11)
    (root / "provlint.toml").write_text(options, encoding="utf-8")
    cfg = _config(root, jobs=1, cache=False)
    [here] = run_targets(locate([root]), cfg)
    [there] = run_targets_dask(locate([root]), cfg, scheduler=cluster)
    assert there.findings == here.findings
    assert there.tracebacks == here.tracebacks
    checks = {f.check for f in here.findings}
    assert checks & {"duplicate-content", "date-inconsistent", "derived-from"}


FAILING_PLUGIN = '''
"""A keyed check whose judge fails on one key."""
from provlint import DocumentCheck, KeyedCheck, Severity, hookimpl


class Initials(KeyedCheck):
    """Documents sharing a last digit.

    **What it does.** Groups documents by the last character of their name.

    **Why it matters.** It is a test.

    **Example.** None.

    **Options.** None.
    """

    code = "ZZ901"
    name = "initials"
    severity = Severity.WARNING
    stages = ("initial",)

    def emit(self, doc):
        yield ("initial", doc.path.rsplit(".", 1)[0][-1:]), doc.path

    def judge(self, key, records, totals):
        if key[1] == "3":
            raise RuntimeError("no 3, please")
        if len(records) > 1:
            yield self.finding(records[-1], 1, 1, f"{len(records)} documents start with {key[1]}")


class Spin(DocumentCheck):
    """Never ends on one document.

    **What it does.** Spins on doc-0000007.

    **Why it matters.** It is a test.

    **Example.** None.

    **Options.** None.
    """

    code = "ZZ902"
    name = "spin"
    severity = Severity.WARNING

    def check_document(self, doc):
        while doc.path.endswith("doc-0000007.md"):
            pass
        return ()


@hookimpl
def provlint_register_checks():
    return [Initials, Spin]
'''


def test_failing_and_hanging_checks_on_a_worker_are_internal_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin's judge that raises on a dask worker, and a document check
    that never ends there (``check-timeout`` holds on worker threads too),
    become the same internal-error findings as locally, and the rest of
    the run goes on."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "zz_initials.py").write_text(FAILING_PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(plugins))
    monkeypatch.setenv("PYTHONPATH", str(plugins))  # for the workers started below
    root = tmp_path / "corpus"
    load_benchmark("gen_corpus").generate(root, 300)
    cfg = _config(root, jobs=1, cache=False).with_overrides(
        plugin_modules=("zz_initials",), check_timeout=1.0
    )
    [here] = run_targets(locate([root]), cfg)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as lc:
        [there] = run_targets_dask(locate([root]), cfg, scheduler=lc.scheduler_address)
    assert there.findings == here.findings
    failed = sorted(f.message for f in here.findings if f.check == "internal-error")
    assert len(failed) == 2
    assert "no 3, please" in failed[0] and "doc-0000007.md" in failed[1]
    assert any(f.check == "initials" for f in here.findings)
