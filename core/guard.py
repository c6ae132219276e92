"""Calling a check safely: a time limit, contained failures, bounded output.

Every call into a check (``check_document``, ``emit``, ``judge``,
``check_corpus``) goes through :func:`call_check`:

- it runs under a **time limit** (``check-timeout``): past it the check is
  stopped with :class:`CheckTimeout`. On the main thread of a POSIX
  process the limit is a ``SIGALRM`` timer (the handler is installed once
  per run by :class:`Budget`); on any other thread (a dask worker's) a
  watchdog thread raises the exception in the check's thread, between two
  Python instructions, as the signal would;
- an exception, a timeout or an item that is not a finding becomes an
  ``internal-error`` finding naming the check and its plugin, and the run
  goes on;
- at most :data:`provlint.limits.FINDINGS_PER_FILE` findings per file are
  kept (:class:`provlint.limits.FindingCap`), consumed as produced;
- a message longer than :data:`provlint.limits.MESSAGE_CHARS` characters
  is cut in the middle (:func:`provlint.limits.cut_message`).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

from .limits import MESSAGE_CHARS, FindingCap, cut_message
from .model import Finding, Severity

if TYPE_CHECKING:
    from .errors import ErrorCollector
    from .registry import CheckSpec


class CheckTimeout(Exception):
    """A check ran past its time budget."""


class _Watchdog:
    """One thread that raises :class:`CheckTimeout` in threads whose check
    ran past its deadline (``PyThreadState_SetAsyncExc``): the time limit
    where ``SIGALRM`` cannot be used."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.heap: list[tuple[float, int]] = []
        self.armed: dict[int, list[Any]] = {}  # token -> [thread id, fired]
        self.tokens = itertools.count()
        self.thread: threading.Thread | None = None

    def arm(self, seconds: float) -> int:
        token = next(self.tokens)
        with self.cond:
            self.armed[token] = [threading.get_ident(), False]
            heapq.heappush(self.heap, (time.monotonic() + seconds, token))
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._run, name="provlint-check-timeout", daemon=True
                )
                self.thread.start()
            self.cond.notify()
        return token

    def disarm(self, token: int) -> None:
        with self.cond:
            tid, fired = self.armed.pop(token, (0, False))
            if fired:
                # Fired as the check returned: take the exception back before
                # it surfaces outside the check.
                _async_raise(tid, None)

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.heap:
                    self.cond.wait()
                deadline, token = self.heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self.cond.wait(wait)
                    continue
                heapq.heappop(self.heap)
                entry = self.armed.get(token)
                if entry is not None and not entry[1]:
                    entry[1] = True
                    _async_raise(entry[0], CheckTimeout)


def _async_raise(thread_id: int, exc: type[BaseException] | None) -> None:
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None
    )


_WATCHDOG = _Watchdog()


class SlowNotice:
    """Says on a terminal which check is running when one takes long.

    Off until :meth:`enable` (the CLI turns it on when stderr is a
    terminal). Then every call into a check is noted, and a thread writes
    one line for a call that has run past ``after`` seconds, and another
    every ``every`` seconds while it goes on. A forked worker process
    starts its own thread on its first call."""

    def __init__(self) -> None:
        self.stream: Any = None
        self.after = 3.0
        self.every = 10.0
        self.lock = threading.Lock()
        self.calls: dict[int, list[Any]] = {}  # token -> [label, place, start, next notice]
        self.tokens = itertools.count()
        self.pid = 0
        self.thread: threading.Thread | None = None

    def enable(self, stream: Any, after: float = 3.0, every: float = 10.0) -> None:
        self.stream, self.after, self.every = stream, after, every

    def disable(self) -> None:
        self.stream = None

    @contextlib.contextmanager
    def running(self, label: str, place: str) -> Iterator[None]:
        """Note a call of the check ``label`` on ``place`` (a path, or ""
        for the corpus) while the block runs."""
        if self.stream is None:
            yield
            return
        import os

        if self.pid != os.getpid() or self.thread is None or not self.thread.is_alive():
            if self.pid != os.getpid():  # a forked worker: the parent's calls are not its own
                self.pid = os.getpid()
                self.lock = threading.Lock()
                self.calls = {}
            self.thread = threading.Thread(
                target=self._watch, args=(self.pid,), name="provlint-slow-check", daemon=True
            )
            self.thread.start()
        token = next(self.tokens)
        now = time.monotonic()
        with self.lock:
            self.calls[token] = [label, place, now, now + self.after]
        try:
            yield
        finally:
            with self.lock:
                self.calls.pop(token, None)

    def _watch(self, pid: int) -> None:
        from .output import escape_path, one_line

        while self.stream is not None and self.pid == pid:
            time.sleep(min(0.25, self.after / 4) or 0.25)
            now = time.monotonic()
            lines = []
            with self.lock:
                for call in self.calls.values():
                    label, place, start, due = call
                    if now >= due:
                        call[3] = now + self.every
                        lines.append(
                            f"provlint: {one_line(label)} still running on "
                            f"{escape_path(place) if place else 'the corpus'} "
                            f"({now - start:.0f} s)"
                        )
            stream = self.stream
            if lines and stream is not None:
                try:
                    # Clear the line first: a progress bar may be on it.
                    stream.write("".join(f"\r\x1b[K{line}\n" for line in lines))
                    stream.flush()
                except (OSError, ValueError):  # pragma: no cover - the terminal went away
                    return


SLOW = SlowNotice()


_DEADLINE = [0.0]
"""When the call timed by ``SIGALRM`` in this process must stop
(``time.monotonic``); 0 when no call is timed. One for the process, as the
signal is: a budget entered inside another times its calls the same way."""


def _expire(signum: int, frame: Any) -> None:
    deadline = _DEADLINE[0]
    if not deadline:
        return  # fired between calls
    left = deadline - time.monotonic()
    if left > 0:  # set by an earlier call; this one has time left
        signal.setitimer(signal.ITIMER_REAL, left)
        return
    _DEADLINE[0] = 0.0
    raise CheckTimeout


class _Timed(NamedTuple):
    """The token of a call timed by ``SIGALRM``: the deadline it replaced
    (the enclosing call's, or 0), put back when the call ends."""

    previous: float


class Budget:
    """Per-check time limits for the calls made in this thread. On the main
    thread of a POSIX system: ``SIGALRM``, the handler installed once (use
    the budget as a context manager around a phase). Elsewhere: the
    watchdog thread.

    Most calls into a check take far less than their limit, so the timer is
    not set and cleared around each one: a call records its deadline, and
    the timer is set only when the kernel has none pending (none was set,
    it fired, a check cleared it, or this is a forked child) or the pending
    one would fire too late. When it fires during a call that still has
    time, it is set again for the rest; between calls, nothing happens. A
    run of short calls costs one ``getitimer`` per call and one timer
    signal per ``seconds``, not two ``setitimer`` calls per call."""

    def __init__(self) -> None:
        self.signal = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        self.previous: Any = None
        self.installed = False

    def __enter__(self) -> Budget:
        if self.signal and not self.installed:
            self.previous = signal.signal(signal.SIGALRM, _expire)
            self.installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self.installed:
            if not _DEADLINE[0]:  # no enclosing call is timed
                signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            self.installed = False

    def start(self, seconds: float) -> int | _Timed | None:
        """Start timing one call: :class:`CheckTimeout` is raised in this
        thread once it has run ``seconds`` (no limit for 0). Returns the
        token to give :meth:`stop`, on the same thread, when the call ends;
        calls may nest (the inner one's end restores the outer's deadline)."""
        if seconds <= 0:
            return None
        if self.installed and threading.current_thread() is threading.main_thread():
            previous = _DEADLINE[0]
            now = time.monotonic()
            deadline, left = now + seconds, seconds
            if previous and previous < deadline:  # an enclosing call must stop first
                deadline, left = previous, max(previous - now, 1e-6)
            _DEADLINE[0] = deadline
            pending = signal.getitimer(signal.ITIMER_REAL)[0]
            if not pending or pending > left:
                signal.setitimer(signal.ITIMER_REAL, left)
            return _Timed(previous)
        return _WATCHDOG.arm(seconds)

    def stop(self, token: int | _Timed | None) -> None:
        """Stop timing the call of ``token`` (from :meth:`start`)."""
        if token is None:
            return
        if isinstance(token, _Timed):
            _DEADLINE[0] = token.previous
            if token.previous and not signal.getitimer(signal.ITIMER_REAL)[0]:
                signal.setitimer(
                    signal.ITIMER_REAL, max(token.previous - time.monotonic(), 1e-6)
                )
        else:
            _WATCHDOG.disarm(token)

    @contextlib.contextmanager
    def limit(self, seconds: float) -> Iterator[None]:
        """Raise :class:`CheckTimeout` in the block after ``seconds`` (no
        limit for 0)."""
        token = self.start(seconds)
        try:
            yield
        finally:
            self.stop(token)


def call_check(
    spec: CheckSpec,
    where: str,
    produce: Callable[[], Iterable[Any] | None],
    *,
    budget: Budget,
    seconds: float,
    errors: ErrorCollector,
    severity: Severity | None = None,
    accept: tuple[type, ...] = (),
) -> list[Any]:
    """Run ``produce`` (one call into the check of ``spec``, on ``where``: a
    path, or "" for the corpus) under ``seconds`` of time limit and return
    what it yielded: findings (at most :data:`FINDINGS_PER_FILE` per file,
    then one that counts the rest, with ``severity`` overriding the check's
    own) and items of the ``accept`` types (records a keyed check emits).
    A failure becomes an internal error in ``errors`` and [] is returned."""
    cap = FindingCap()
    other: list[Any] = []
    wrong: str | None = None
    unusable = False  # not an iterable of findings
    try:
        token = budget.start(seconds)
        try:
            with SLOW.running(check_label(spec), where) if SLOW.stream is not None else _QUIET:
                produced = produce()
                if produced is None or isinstance(produced, (Finding, str, bytes)):
                    unusable = True
                else:
                    wrong = _collect(produced, cap, other, accept, spec.name, severity)
        finally:
            budget.stop(token)
    except CheckTimeout:
        errors.report(
            f"{check_label(spec)} ran longer than {seconds:g} s on {where or 'the corpus'} "
            "and was stopped (check-timeout)",
            path=where,
            plugin=spec.plugin.identity,
            check=spec.name,
        )
        return []
    except Exception as exc:
        errors.report(
            f"{check_label(spec)} raised {type(exc).__name__} on {where or 'the corpus'}: {exc}",
            path=where,
            tb=traceback.format_exc(),
            plugin=spec.plugin.identity,
            check=spec.name,
        )
        return []
    if unusable:
        what = "None" if produced is None else f"a {type(produced).__name__}"
        errors.report(
            f"{check_label(spec)} returned {what} on {where or 'the corpus'}, not an iterable "
            "of findings (yield each finding, or return a list; an empty one when there is "
            "none)",
            path=where,
            plugin=spec.plugin.identity,
            check=spec.name,
        )
        return []
    if wrong is not None:  # what came before the bad item is kept
        errors.report(
            f"{check_label(spec)} returned {wrong} instead of a Finding on "
            f"{where or 'the corpus'}",
            path=where,
            plugin=spec.plugin.identity,
            check=spec.name,
        )
    return [*cap.findings(), *other]


_QUIET = contextlib.nullcontext()  # no slow-check notice to keep


def check_label(spec: CheckSpec) -> str:
    """How messages name a check: ``check 'name' (plugin label)``."""
    return f"check {spec.name!r} (plugin {spec.plugin.label})"


def _collect(
    produced: Iterable[Any],
    cap: FindingCap,
    other: list[Any],
    accept: tuple[type, ...],
    name: str,
    severity: Severity | None,
) -> str | None:
    """Sort what one call produced into ``cap`` (findings) and ``other``
    (items of the ``accept`` types); return the type name of the first
    item that is neither (the rest is dropped), or None."""
    for item in produced:
        if isinstance(item, Finding):
            if severity is not None and item.check == name:
                item = replace(item, severity=severity)
            if len(item.message) > MESSAGE_CHARS:
                item = replace(item, message=cut_message(item.message))
            cap.add(item)
        elif accept and isinstance(item, accept):
            other.append(item)
        else:
            return type(item).__name__
    return None
