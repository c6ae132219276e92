"""Attacks on the keyed corpus engine, tried as a hostile or broken plugin
would: records that provlint must not rebuild, keys it cannot store, a
record of 50 MB, a dask worker that dies under a check, and a plugin folder
that would make fingerprinting it block, recurse or read 200 MB.

Each attack failed before the fix it guards (a traceback, a run that
stopped with a pickling error, a record accepted on one engine and not on
another, code run by the shuffle, a RecursionError), except where a
docstring says the test documents behaviour that already held. Tests that
start real dask clusters are marked ``slow``; every run that could hang is
a subprocess with a generous timeout: a hang guard, never a timing.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import pytest
from conftest import load_benchmark
from provlint import KeyedCheck
from provlint.keyed import emitted

GUARD = 300  # seconds: a hang guard, not a speed test
N = 520  # documents: more than two batches, so --jobs 2 uses worker processes
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file types and signals")
# -P (Python 3.11+): the current folder is not put on sys.path.
SAFE_PATH = ("-P",) if sys.version_info >= (3, 11) else ()

# --------------------------------------------------------------------------
# The hostile plugin: one keyed check per attack, each on its own document
# --------------------------------------------------------------------------

TARGETS = {
    "hk-foreign": 5,
    "hk-nested": 260,
    "hk-listed": 510,
    "hk-huge": 100,
    "hk-object-key": 300,
    "hk-list-key": 7,
    "hk-raise": 400,
}

HOSTILE_PLUGIN = '''
"""Keyed checks that emit, on one document each, what provlint must refuse."""
from typing import NamedTuple

from provlint import KeyedCheck, Severity, hookimpl

MARKER = {marker!r}  # created if a pickle of this module's objects is ever loaded
TARGETS = {targets!r}


class Seen(NamedTuple):
    path: str


class Evil:
    """Not a record class: its pickle opens (creates) the marker file."""

    def __reduce__(self):
        return (open, (MARKER, "w"))


class EvilRecord(NamedTuple):
    """A listed record class whose pickle opens the marker file."""

    path: str

    def __reduce__(self):
        return (open, (MARKER, "w"))


class Foreign:
    pass


def _target(doc, name):
    return doc.path.endswith(f"doc-{{TARGETS[name]:07d}}.md")


class Base(KeyedCheck):
    """A hostile keyed check.

    **What it does.** Groups documents by the last digit of their name.

    **Why it matters.** It is a test.

    **Example.** None.

    **Options.** None.
    """

    severity = Severity.WARNING
    stages = ("last",)
    records = (Seen, EvilRecord)

    def emit(self, doc):
        key = ("last", doc.path.rsplit(".", 1)[0][-1:])
        yield key, Seen(doc.path)
        if _target(doc, self.name):
            yield from self.attack(doc, key)

    def attack(self, doc, key):
        return ()

    def judge(self, key, records, totals):
        if len(records) > 1:
            yield self.finding(records[-1].path, 1, 1, f"{{len(records)}} names end in {{key[1]}}")


class Foreign_(Base):
    code, name = "ZZ941", "hk-foreign"
    __doc__ = Base.__doc__

    def attack(self, doc, key):
        yield key, Foreign()


class Nested(Base):
    code, name = "ZZ942", "hk-nested"
    __doc__ = Base.__doc__

    def attack(self, doc, key):
        yield key, ("plain", (Evil(),))


class Listed(Base):
    code, name = "ZZ943", "hk-listed"
    __doc__ = Base.__doc__

    def attack(self, doc, key):
        yield key, EvilRecord(doc.path)


class Huge(Base):
    code, name = "ZZ944", "hk-huge"
    __doc__ = Base.__doc__

    def attack(self, doc, key):
        yield key, "x" * (50 << 20)


class ObjectKey(Base):
    code, name = "ZZ945", "hk-object-key"
    __doc__ = Base.__doc__

    def attack(self, doc, key):
        yield ("last", object()), Seen(doc.path)


class ListKey(Base):
    code, name = "ZZ946", "hk-list-key"
    __doc__ = Base.__doc__

    def attack(self, doc, key):
        yield ("last", [1, 2]), Seen(doc.path)


class Raise(Base):
    code, name = "ZZ947", "hk-raise"
    __doc__ = Base.__doc__

    def attack(self, doc, key):
        yield key, Seen(doc.path + "#2")
        raise RuntimeError("midway")


@hookimpl
def provlint_register_checks():
    return [Foreign_, Nested, Listed, Huge, ObjectKey, ListKey, Raise]
'''

EXPECTED = {
    "hk-foreign": "emitted a bad record on {path}: a record of class Foreign, which the check "
    "does not list in 'records'",
    "hk-nested": "emitted a bad record on {path}: a record of class tuple that holds a value of "
    "class zz_hostile_keyed.Evil, which provlint does not rebuild",
    "hk-listed": "emitted a bad record on {path}: a record of class EvilRecord that cannot be "
    "rebuilt from its pickle (UnpicklingError: io.open is not allowed",
    "hk-huge": "emitted a bad record on {path}: its records weigh more than",
    "hk-object-key": "emitted a bad record on {path}: a key item of class object in the key of "
    "stage 'last' (key items are str, int, bool or None)",
    "hk-list-key": "emitted a bad record on {path}: a key item of class list in the key of "
    "stage 'last'",
    "hk-raise": "raised RuntimeError on {path}: midway",
}

SNEAKY_PLUGIN = '''
"""A document check whose finding carries a message of its own str class."""
from provlint import DocumentCheck, Severity, hookimpl


class Sneaky(str):
    pass


class Sneak(DocumentCheck):
    """A document check with a sneaky message.

    **What it does.** Reports one document.

    **Why it matters.** It is a test.

    **Example.** None.

    **Options.** None.
    """

    code = "ZZ948"
    name = "hk-sneaky"
    severity = Severity.WARNING

    def check_document(self, doc):
        if doc.path.endswith("doc-0000003.md"):
            yield self.finding(doc.path, 1, 1, Sneaky("a message of a class of its own"))
'''

SNEAKY_PLUGIN += '''

@hookimpl
def provlint_register_checks():
    return [Sneak]
'''


def _doc(n: int) -> str:
    return f"docs/0000/doc-{n:07d}.md"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The corpus (N generated documents plus copies, so that the built-in
    keyed checks find duplicates), the plugin folder and the marker path."""
    base = tmp_path_factory.mktemp("keyed")
    root = base / "corpus"
    load_benchmark("gen_corpus").generate(root, N)
    extra = root / "docs" / "extra"
    extra.mkdir()
    for i, n in enumerate((3, 50, 400)):
        shutil.copy(root / _doc(n), extra / f"copy-{i}.md")
    plugins = base / "plugins"
    plugins.mkdir()
    marker = base / "unpickled.marker"
    (plugins / "zz_hostile_keyed.py").write_text(
        HOSTILE_PLUGIN.format(marker=str(marker), targets=TARGETS), encoding="utf-8"
    )
    (plugins / "zz_sneaky.py").write_text(SNEAKY_PLUGIN, encoding="utf-8")
    (plugins / "zz_killer.py").write_text(
        KILLER_PLUGIN.format(control=str(base / "killer")), encoding="utf-8"
    )
    return {"root": root, "plugins": plugins, "marker": marker, "base": base}


def _env(world: dict[str, Path], **extra: str) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1", **extra}
    env.pop("CI", None)
    env["PYTHONPATH"] = str(world["plugins"])
    env["PROVLINT_CACHE_KEY_FILE"] = str(world["base"] / "cache-key")
    return env


def provlint(
    world: dict[str, Path], *args: str, timeout: float = GUARD
) -> subprocess.CompletedProcess[str]:
    """``provlint validate CORPUS ARGS --format json`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, *SAFE_PATH, "-m", "provlint", "validate", str(world["root"]),
         "--format", "json", "--no-progress", *args],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        env=_env(world),
        cwd=world["base"],
    )  # fmt: skip


def _findings(proc: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert "Traceback" not in proc.stderr, proc.stderr
    findings: list[dict[str, Any]] = json.loads(proc.stdout)["findings"]
    return findings


def _internal(findings: list[dict[str, Any]]) -> list[str]:
    return sorted(f["message"] for f in findings if f["check"] == "internal-error")


@pytest.fixture(scope="module")
def reference(world: dict[str, Path]) -> list[dict[str, Any]]:
    """The local engine, one process, no cache: the findings every other
    engine must give."""
    proc = provlint(world, "-p", "zz_hostile_keyed", "--jobs", "1", "--no-cache")
    assert proc.returncode == 3, proc.stderr
    return _findings(proc)


def _same_as_reference(
    proc: subprocess.CompletedProcess[str], reference: list[dict[str, Any]], marker: Path
) -> None:
    assert proc.returncode == 3, proc.stderr
    assert _findings(proc) == reference
    assert not marker.exists(), "a hostile record's pickle was loaded somewhere"


def test_hostile_records_are_internal_errors_of_their_check(
    world: dict[str, Path], reference: list[dict[str, Any]]
) -> None:
    """Each attack is one internal error naming its check and document; the
    hostile checks' other records are judged as usual, and the built-in
    checks find what they find without the plugin. Before the fix, the
    nested and listed records with a hostile ``__reduce__`` were accepted,
    the object key ended the run with a TypeError, and the 50 MB record
    went through."""
    messages = _internal(reference)
    assert len(messages) == len(TARGETS)
    for name, n in TARGETS.items():
        want = f"check {name!r} (plugin zz_hostile_keyed) " + EXPECTED[name].format(path=_doc(n))
        assert [m for m in messages if m.startswith(want)], (name, messages)
    for name in TARGETS:
        assert any(f["check"] == name for f in reference), name
    plain = provlint(world, "--jobs", "1", "--no-cache")
    builtin = [f for f in reference if f["check"] not in TARGETS and f["check"] != "internal-error"]
    assert _findings(plain) == builtin


def test_hostile_records_with_the_cache_and_worker_processes(
    world: dict[str, Path], reference: list[dict[str, Any]], tmp_path: Path
) -> None:
    """The same findings with the result cache and forked worker processes,
    whose results the main process rebuilds with the restricted unpickler
    (before the fix: UnpicklingError, and no report), twice (the second
    run from the cache)."""
    args = ("-p", "zz_hostile_keyed", "--jobs", "2", "--cache-dir", str(tmp_path / "cache"))
    for _ in range(2):
        _same_as_reference(provlint(world, *args), reference, world["marker"])


def test_an_unreadable_worker_result_is_an_internal_error(world: dict[str, Path]) -> None:
    """A document check's finding that the main process cannot rebuild (a
    message of the plugin's own ``str`` class) makes an internal error on
    that document, not the end of the run (before the fix: an
    UnpicklingError traceback from the worker pool)."""
    proc = provlint(world, "-p", "zz_sneaky", "--jobs", "2", "--no-cache")
    assert proc.returncode == 3, proc.stderr
    [message] = _internal(_findings(proc))
    assert message.startswith(f"the result of {_doc(3)} came back from a worker process unreadable")
    assert "zz_sneaky.Sneaky is not allowed" in message


# --------------------------------------------------------------------------
# The same attacks through the dask shuffle
# --------------------------------------------------------------------------

KILLER_PLUGIN = '''
"""A keyed check that ends its worker process, as the control file says."""
import os
import time
from pathlib import Path

from provlint import KeyedCheck, Severity, hookimpl

CONTROL = Path({control!r})


def _mode():
    try:
        return (CONTROL / "mode").read_text()
    except OSError:
        return ""


def _act(where):
    mode = _mode()
    if not mode.startswith(where):
        return
    if mode.endswith("once"):
        try:
            os.close(os.open(CONTROL / "done", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
    if mode.endswith("wait"):  # until the worker is asked to close (a restart)
        from distributed import get_worker

        worker = get_worker()
        (CONTROL / "judging").write_text("")
        while worker.status.name == "running":
            time.sleep(0.05)
        return
    os._exit(7)


class Killer(KeyedCheck):
    """A keyed check that may end its process.

    **What it does.** Groups documents by the last digit of their name.

    **Why it matters.** It is a test.

    **Example.** None.

    **Options.** None.
    """

    code = "ZZ949"
    name = "hk-killer"
    severity = Severity.WARNING
    stages = ("last",)

    def emit(self, doc):
        if doc.path.endswith("doc-0000260.md"):
            _act("emit")
        yield ("last", doc.path.rsplit(".", 1)[0][-1:]), doc.path

    def judge(self, key, records, totals):
        if key[1] == "3":
            _act("judge")
        if len(records) > 1:
            yield self.finding(records[-1], 1, 1, f"{{len(records)}} names end in {{key[1]}}")


@hookimpl
def provlint_register_checks():
    return [Killer]
'''


@pytest.fixture(scope="module")
def cluster(world: dict[str, Path]) -> Iterator[Any]:
    """A local cluster of two single-threaded worker processes (with their
    nannies) that can import the test plugins; dask gives up on a task
    after a second worker died running it. Yields the test's client."""
    distributed: Any = pytest.importorskip("distributed")
    import dask.config

    with pytest.MonkeyPatch.context() as mp:
        # Worker processes start with this process's sys.path (and, once
        # restarted by their nanny, with PYTHONPATH too).
        mp.syspath_prepend(str(world["plugins"]))
        mp.setenv("PYTHONPATH", str(world["plugins"]))
        with (
            dask.config.set({"distributed.scheduler.allowed-failures": 1}),
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=50,
            ) as lc,
            distributed.Client(lc) as client,
        ):
            client.address = lc.scheduler_address
            yield client


def _dask(world: dict[str, Path], cluster: Any, *args: str) -> subprocess.CompletedProcess[str]:
    return provlint(world, "--engine", "dask", "--scheduler", cluster.address, *args)


@pytest.mark.slow
@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_hostile_records_on_dask(
    world: dict[str, Path],
    reference: list[dict[str, Any]],
    cluster: Any,
    cache: bool,
    tmp_path: Path,
) -> None:
    """On a dask cluster, with the records kept and shuffled there
    (``--no-cache``) or sent back to the client (the cache): the same
    findings as the local engine, and no hostile pickle loaded anywhere
    (before the fix, the shuffle loaded them on the workers, and the
    client stopped with an UnpicklingError)."""
    args = ["--no-cache"] if not cache else ["--cache-dir", str(tmp_path / "cache")]
    _same_as_reference(
        _dask(world, cluster, "-p", "zz_hostile_keyed", *args), reference, world["marker"]
    )


@pytest.mark.slow
def test_an_unreadable_worker_result_on_dask(world: dict[str, Path], cluster: Any) -> None:
    proc = _dask(world, cluster, "-p", "zz_sneaky", "--no-cache")
    assert proc.returncode == 3, proc.stderr
    [message] = _internal(_findings(proc))
    assert message.startswith(f"the result of {_doc(3)} came back from a worker process unreadable")


def _killer(world: dict[str, Path], mode: str) -> Path:
    control = world["base"] / "killer"
    shutil.rmtree(control, ignore_errors=True)
    control.mkdir()
    (control / "mode").write_text(mode)
    return control


@pytest.mark.slow
@pytest.mark.parametrize("where", ["emit", "judge"])
def test_a_worker_killed_once_is_replaced_and_the_findings_are_the_same(
    world: dict[str, Path], cluster: Any, where: str
) -> None:
    """A worker process that dies once, reading documents or judging a key
    (its kept records die with it): dask runs the lost work again on a
    fresh worker, and the findings are the local engine's. Before the fix
    the judge case failed: the run context was scattered data, which a dead
    worker takes with it, and every task was cancelled ("already
    forgotten")."""
    _killer(world, "none")
    local = provlint(world, "-p", "zz_killer", "--jobs", "1", "--no-cache")
    assert local.returncode == 1, local.stderr
    control = _killer(world, f"{where}-once")
    there = _dask(world, cluster, "-p", "zz_killer", "--no-cache")
    assert (control / "done").exists()  # a worker did die
    assert there.returncode == 1, there.stderr
    assert _findings(there) == _findings(local)
    assert there.stderr == ""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("where", "doing"),
    [
        # dask may give up on any batch the dying worker held: not only the killer's.
        ("emit", "reading the documents "),
        ("judge", "judging the keyed checks' stage 1"),
    ],
)
def test_a_check_that_kills_every_worker_stops_the_run(
    world: dict[str, Path], cluster: Any, where: str, doing: str
) -> None:
    """A check that ends its worker process every time: dask gives up after
    ``distributed.scheduler.allowed-failures`` deaths and the run stops
    with one line naming the work, exit code 3, and no traceback (dask's
    own error logs are silenced)."""
    _killer(world, f"{where}-always")
    proc = _dask(world, cluster, "-p", "zz_killer", "--no-cache")
    assert (proc.returncode, proc.stdout) == (3, ""), proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"provlint: internal error: ClusterError: dask gave up {doing}")
    assert "every worker that ran it died" in line


@pytest.mark.slow
def test_a_cluster_restarted_mid_judge_stops_the_run(world: dict[str, Path]) -> None:
    """The cluster restarted while a key is judged (the judge waits for it,
    within a time limit long enough for the test): every task is dropped,
    and the run stops with one line that says so, exit code 3. A cluster
    of its own: a restart may leave one with fewer workers."""
    distributed: Any = pytest.importorskip("distributed")
    control = _killer(world, "judge-wait")
    config = world["base"] / "patient.toml"
    config.write_text("check-timeout = 120\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(world["plugins"]))
        mp.setenv("PYTHONPATH", str(world["plugins"]))
        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=50,
            ) as lc,
            distributed.Client(lc) as client,
        ):
            args = [sys.executable, *SAFE_PATH, "-m", "provlint", "validate", str(world["root"]),
                    "--engine", "dask", "--scheduler", lc.scheduler_address, "--no-cache", "-p",
                    "zz_killer", "--config", str(config), "--format", "json",
                    "--no-progress"]  # fmt: skip
            with subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(world)
            ) as run:
                try:
                    deadline = time.monotonic() + GUARD
                    while not (control / "judging").exists() and run.poll() is None:
                        assert time.monotonic() < deadline, "the judge never started"
                        time.sleep(0.1)
                    client.restart(wait_for_workers=False)
                    out, err = run.communicate(timeout=GUARD)
                finally:
                    if run.poll() is None:
                        run.kill()
    assert run.returncode == 3, err
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith(
        "provlint: internal error: ClusterError: the dask cluster dropped its work"
    )
    assert "while judging the keyed checks' stage 1" in line


NO_NANNY_CLIENT = """
import sys
import provlint.engine_dask as engine_dask
from provlint.cli import main

engine_dask.CONNECT_TIMEOUT = 3.0
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
@posix_only
def test_workers_without_nannies_that_all_die_stop_the_run(
    world: dict[str, Path], tmp_path: Path
) -> None:
    """Workers started without a nanny are not restarted when a check ends
    their process: once every worker is gone, dask would wait for a new one
    forever (``allowed-failures`` is not reached). The run stops when the
    cluster has had no worker for the connection timeout."""
    distributed: Any = pytest.importorskip("distributed")
    import dask.config

    _killer(world, "judge-always")
    env = _env(world)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 3}),  # dask's default
        distributed.LocalCluster(
            n_workers=0, processes=True, dashboard_address=None, silence_logs=50
        ) as lc,
    ):
        worker = [sys.executable, "-m", "distributed.cli.dask_worker", lc.scheduler_address,
                  "--no-nanny", "--nthreads", "1", "--no-dashboard"]  # fmt: skip
        workers = [
            subprocess.Popen(worker, env=env, cwd=tmp_path, stderr=subprocess.DEVNULL)
            for _ in range(2)
        ]
        try:
            lc.wait_for_workers(2, timeout=60)
            proc = subprocess.run(
                [sys.executable, *SAFE_PATH, "-c", NO_NANNY_CLIENT, "validate", str(world["root"]),
                 "--engine", "dask", "--scheduler", lc.scheduler_address, "--no-cache",
                 "-p", "zz_killer", "--format", "json", "--no-progress"],
                capture_output=True, text=True, timeout=GUARD, env=env, cwd=tmp_path,
            )  # fmt: skip
        finally:
            for w in workers:
                w.kill()
                w.wait(timeout=60)
    assert proc.returncode == 3, proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(
        "provlint: internal error: ClusterError: the dask cluster has had no workers for 3 s "
        "while judging the keyed checks' stage 1"
    )


# --------------------------------------------------------------------------
# What emitted() accepts, case by case
# --------------------------------------------------------------------------


class Plain(NamedTuple):
    name: str
    when: Any = None


@dataclass(frozen=True)
class Frozen:
    name: str


def _local_record() -> type:
    class Local(NamedTuple):
        name: str

    return Local


Local = _local_record()


class Probe(KeyedCheck):
    code = "ZZ990"
    name = "hk-probe"
    stages = ("s",)
    records: ClassVar[tuple[type, ...]] = (Plain, Frozen, Local)


def _cycle() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


def test_emitted_accepts_what_provlint_rebuilds() -> None:
    """Documents behaviour that holds: plain data, dates, arrays, listed
    NamedTuples and frozen dataclasses, provlint's own classes."""
    from array import array
    from datetime import date, timezone

    from provlint import Declared, Location, codec

    codec.allow(Probe.records)
    probe = Probe()
    loc = Location("a.md", 1, 2, "note")
    for record in (
        "text",
        ("a", 1, 2.5, None, True, b"x", frozenset({"a"}), [1], {"a": {2}}),
        Plain("a", (date(2020, 1, 2), datetime(2020, 1, 2, tzinfo=timezone.utc))),
        Plain("a", array("I", [1, 2, 3])),
        Plain("a", Declared({"nested": ["list"]}, "header", loc)),
        Frozen("a"),
    ):
        _key, got, weight = emitted(probe, (("s", "k", 1, True, None), record))
        assert got is record and weight > 0


@pytest.mark.parametrize(
    ("item", "why"),
    [
        ((("s", 1.5), "r"), "a key item of class float"),
        ((("s", 1 << 2000), "r"), "an integer of more than 1024 bits in a key"),
        ((("s", "k"), ("a", _cycle())), "nests values more than 64 deep"),
        ((("s", "k"), ("a", {1: object()})), "holds a value of class builtins.object"),
        ((("s", "k"), Plain("a", datetime(2020, 1, 2, tzinfo=None).astimezone())), None),
        ((("s", "k"), Local("a")), "cannot be rebuilt from its pickle"),
        ((("s", "k"), Plain("a", Frozen("b"))), None),
    ],
    ids=["float-key", "big-int-key", "cycle", "object", "fixed-tz", "local-class", "nested-listed"],
)
def test_emitted_refuses_what_provlint_would_not_rebuild(item: Any, why: str | None) -> None:
    from provlint import codec

    codec.allow(Probe.records)
    if why is None:  # documents accepted cases next to refused ones
        assert emitted(Probe(), item)[1] is item[1]
        return
    with pytest.raises(ValueError, match=why):
        emitted(Probe(), item)


class Heavy(KeyedCheck):
    """Emits heavy records: from INDEX.md, and for each document one string
    of 600,000 characters under three keys, and on b.txt three of them."""

    code = "ZZ991"
    name = "hk-heavy"
    stages = ("s",)

    def emit_catalogue(self, catalogue: Any) -> Iterator[tuple[Any, Any]]:
        yield ("s", "index"), "i" * (2 << 20)

    def emit(self, doc: Any) -> Iterator[tuple[Any, Any]]:
        shared = "s" * 600_000
        for n in range(3):
            yield ("s", n), shared if doc.path == "a.txt" else f"{n}" * 600_000


def test_how_much_records_may_weigh(tmp_path: Path) -> None:
    """One document's records of one check weigh at most 8 times its size
    plus 1 MiB, a record under several keys counted once; INDEX.md's are
    not weighed."""
    import provlint

    root = tmp_path / "c"
    root.mkdir()
    (root / "INDEX.md").write_text(
        "| id | file | source | date |\n|---|---|---|---|\n"
        "| a | a.txt | Wire | 2021-12-05 |\n| b | b.txt | Wire | 2021-12-05 |\n",
        encoding="utf-8",
    )
    for name in ("a.txt", "b.txt"):
        (root / name).write_text("Some words.\n", encoding="utf-8")

    class Plugin:
        @provlint.hookimpl
        def provlint_register_checks(self) -> list[type]:
            return [Heavy]

    cfg = provlint.Config(load_entrypoints=False, select=("hk-heavy",))
    report = provlint.run(root, cfg, plugins=[Plugin()])
    limit = 8 * len("Some words.\n") + (1 << 20)
    assert [f.message for f in report.findings if f.check == "internal-error"] == [
        "check 'hk-heavy' (plugin Plugin) emitted a bad record on b.txt: "
        f"its records weigh more than {limit:,} bytes, the most one document's may (8 times "
        "its size, plus 1,048,576 bytes)"
    ]


def test_a_zoneinfo_datetime_is_refused() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        tz = zoneinfo.ZoneInfo("Europe/Paris")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone data")
    with pytest.raises(ValueError, match=r"holds a value of class datetime\.datetime"):
        emitted(Probe(), (("s", "k"), Plain("a", datetime(2020, 1, 2, tzinfo=tz))))


# --------------------------------------------------------------------------
# Fingerprinting a hostile plugin folder
# --------------------------------------------------------------------------

FAT_PLUGIN = '''
from provlint import DocumentCheck, Severity, hookimpl


class Fat(DocumentCheck):
    """A check in a heavy package.

    **What it does.** Nothing.

    **Why it matters.** It is a test.

    **Example.** None.

    **Options.** None.
    """

    code = "ZZ980"
    name = "hk-fat"
    severity = Severity.WARNING

    def check_document(self, doc):
        return ()


@hookimpl
def provlint_register_checks():
    return [Fat]
'''

FINGERPRINT = """
import resource, sys
import zz_fat
from provlint import cache

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(cache._fingerprint("zz_fat"))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) * (1024 if sys.platform != "darwin" else 1))
"""


@pytest.fixture
def fat(tmp_path: Path) -> Iterator[Path]:
    """A plugin package with a 200 MB (sparse) data file, a 60 MB one, a
    FIFO, a symlink to it, a symlink to itself, a symlink to its parent
    folder, a symlink to /dev/zero, an unreadable file and a folder nested
    1,200 deep."""
    where = tmp_path / "fat"
    data = where / "zz_fat" / "data"
    data.mkdir(parents=True)
    (where / "zz_fat" / "__init__.py").write_text(FAT_PLUGIN, encoding="utf-8")
    for name, size in (("big.bin", 200 << 20), ("mid.bin", 60 << 20)):
        with open(data / name, "wb") as fh:
            fh.truncate(size)
    os.mkfifo(data / "pipe")
    (data / "to-pipe").symlink_to("pipe")
    (data / "self").symlink_to("self")
    (data / "up").symlink_to("..", target_is_directory=True)
    (data / "zero").symlink_to("/dev/zero")
    locked = data / "locked"
    locked.write_text("secret")
    locked.chmod(0)
    # 1,200 folders deep (os.makedirs and Path.rglob would recurse too deep)
    fd = os.open(data, os.O_RDONLY)
    try:
        for _ in range(DEEP):
            os.mkdir("d", dir_fd=fd)
            below = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = below
    finally:
        os.close(fd)
    _leaf(where).write_text("leaf")
    yield where
    locked.chmod(stat.S_IRUSR | stat.S_IWUSR)
    _leaf(where).unlink()
    for depth in range(DEEP, 0, -1):  # shutil.rmtree would recurse too deep
        (data / ("d/" * depth)).rmdir()


DEEP = 1200


def _leaf(fat: Path) -> Path:
    return fat / "zz_fat" / "data" / ("d/" * DEEP) / "leaf.txt"


def _fingerprint(fat: Path) -> tuple[str, int]:
    proc = subprocess.run(
        [sys.executable, *SAFE_PATH, "-c", FINGERPRINT],
        capture_output=True,
        text=True,
        timeout=GUARD,
        env={**os.environ, "PYTHONPATH": str(fat)},
    )
    assert proc.returncode == 0, proc.stderr
    digest, grown = proc.stdout.split()
    return digest, int(grown)


@posix_only
def test_fingerprinting_a_hostile_plugin_folder_is_bounded(fat: Path) -> None:
    """No FIFO is opened for reading (it would wait for a writer forever),
    no symlink loop is followed, the folder nested 1,200 deep is walked
    without recursion (before the fix: RecursionError, and the run ended),
    and files are hashed a MiB at a time (before the fix: the 60 MB file
    was read whole). The 200 MB file counts by size and time: a change to
    it, or to a small file, still changes the fingerprint."""
    digest, grown = _fingerprint(fat)
    assert digest.startswith("zz_fat:")
    assert grown < 32 << 20
    assert _fingerprint(fat)[0] == digest
    big = fat / "zz_fat" / "data" / "big.bin"
    os.truncate(big, (200 << 20) + 1)
    assert _fingerprint(fat)[0] != digest
    digest = _fingerprint(fat)[0]
    _leaf(fat).write_text("leaf, edited")
    assert _fingerprint(fat)[0] != digest


RUN_TWICE = """
import json, sys
from pathlib import Path
from provlint.config import load_config
from provlint.runner import locate, run_targets

root, cache = Path(sys.argv[1]), Path(sys.argv[2])
cfg = load_config(root).with_overrides(
    jobs=1, cache=True, cache_dir=cache, plugin_modules=("zz_fat",)
)
for _ in range(2):
    [report] = run_targets(locate([root]), cfg)
    print(json.dumps([report.exit_code, report.stats["documents"], report.stats["cached"],
                      report.stats.get("cache_problem"), len(report.findings)]))
"""


@posix_only
def test_a_run_with_a_hostile_plugin_folder_uses_the_cache(
    fat: Path, world: dict[str, Path], tmp_path: Path
) -> None:
    """The whole run, with the cache (which fingerprints the plugin): it
    completes, and the second run takes every document from the cache."""
    env = {**_env(world), "PYTHONPATH": str(fat)}
    proc = subprocess.run(
        [sys.executable, *SAFE_PATH, "-c", RUN_TWICE, str(world["root"]), str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=GUARD, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    documents = N + 3
    assert first == [1, documents, 0, None, first[4]]
    assert second == [1, documents, documents, None, first[4]]
