"""The per-check time limit (provlint.guard.Budget): a run of short calls
sets the timer once, and the limit still holds for each call."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from provlint.guard import Budget, CheckTimeout

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread(),
    reason="the SIGALRM budget needs setitimer on the main thread",
)


def _spin(seconds: float) -> float:
    """Busy for ``seconds`` (interrupted by CheckTimeout); how long it ran."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        pass
    return time.monotonic() - start


def _timed(budget: Budget, limit: float, seconds: float) -> tuple[bool, float]:
    """One call of ``seconds`` under ``limit``: (stopped?, how long it ran)."""
    start = time.monotonic()
    try:
        with budget.limit(limit):
            _spin(seconds)
    except CheckTimeout:
        return True, time.monotonic() - start
    return False, time.monotonic() - start


def test_a_slow_call_after_short_ones_is_stopped_at_its_own_deadline() -> None:
    with Budget() as budget:
        for _ in range(50):
            assert _timed(budget, 0.4, 0) == (False, pytest.approx(0, abs=0.4))
        # The timer the first short call set fires during this call, which
        # still has time: it must run on to its own limit, then stop.
        _spin(0.2)
        stopped, ran = _timed(budget, 0.4, 5)
    assert stopped
    assert ran >= 0.4


def test_the_timer_firing_between_calls_stops_nothing() -> None:
    with Budget() as budget:
        assert not _timed(budget, 0.1, 0)[0]
        _spin(0.3)  # past the first call's deadline, outside any call
        assert not _timed(budget, 5, 0.05)[0]


def test_a_later_deadline_does_not_delay_an_earlier_one() -> None:
    with Budget() as budget:
        assert not _timed(budget, 30, 0)[0]  # sets the timer 30 s ahead
        stopped, ran = _timed(budget, 0.2, 5)
    assert stopped and ran < 5


def test_the_budget_gives_back_the_previous_handler() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with Budget() as budget:
        assert not _timed(budget, 0.1, 0)[0]
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_limit_for_zero() -> None:
    with Budget() as budget:
        assert _timed(budget, 0, 0.05) == (False, pytest.approx(0.05, abs=1))


def test_a_check_that_clears_the_timer_does_not_lift_the_limit() -> None:
    """A check may use the alarm itself (``signal.alarm(5)`` then
    ``signal.alarm(0)``): the calls after it are still timed."""
    with Budget() as budget:
        with budget.limit(0.3):
            old = signal.signal(signal.SIGALRM, lambda *a: None)
            signal.alarm(5)
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
        stopped, ran = _timed(budget, 0.5, 5)
    assert stopped and ran < 5


def test_a_budget_entered_inside_a_timed_call_keeps_its_limit() -> None:
    """A run inside a check (a library user's) enters its own budget: the
    enclosing call is still stopped at its deadline."""
    with Budget() as outer:
        start = time.monotonic()
        with pytest.raises(CheckTimeout):
            with outer.limit(0.4):
                with Budget() as inner:
                    assert not _timed(inner, 5, 0.05)[0]
                _spin(5)
        assert time.monotonic() - start < 5


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_worker_sets_its_own_timer() -> None:
    """A child does not inherit its parent's timer: a budget whose timer
    was pending in the parent must set it again in the child."""
    with Budget() as budget:
        assert not _timed(budget, 30, 0)[0]  # the parent's timer is pending
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                stopped, _ = _timed(budget, 0.2, 3)
            except BaseException:
                os._exit(3)
            os._exit(0 if stopped else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child's slow call was not stopped"


def test_a_thread_uses_the_watchdog() -> None:
    out: list[tuple[bool, float]] = []

    def run() -> None:
        budget = Budget()
        with budget:
            out.append(_timed(budget, 0.2, 5))

    t = threading.Thread(target=run)
    t.start()
    t.join(10)
    assert out and out[0][0]



# --------------------------------------------------------------------------
# The keyed engine's per-record helpers, made cheap: same answers as the
# straightforward versions.
# --------------------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from provlint import KeyedCheck  # noqa: E402
from provlint.index import _KEY, key_text  # noqa: E402
from provlint.keyed import checked_emit, emitted, stage_of  # noqa: E402

_ITEM = st.one_of(st.none(), st.booleans(), st.integers(), st.text())


@given(st.tuples(st.text(), _ITEM) | st.lists(_ITEM, min_size=1).map(tuple))
def test_key_text_is_the_json_encoding(key: tuple[object, ...]) -> None:
    assert key_text(key) == _KEY(key)


class _Staged(KeyedCheck):
    code = "ZZ900"
    name = "staged"
    stages = ("a", "b", "a", "c")


def test_stage_of_is_the_first_stage_of_that_name() -> None:
    check = _Staged()
    assert [stage_of(check, (s, 1)) for s in "abc"] == [0, 1, 3]
    for bad in (("d",), (["a"],), (), ["a"], "a"):
        with pytest.raises(ValueError):
            stage_of(check, bad)  # type: ignore[arg-type]


def test_checked_emit_adds_the_stage_to_emitted() -> None:
    check = _Staged()
    item = (("c", "x", 3), ("record", 1))
    stage, *rest = checked_emit(check, item)
    assert stage == 3 and tuple(rest) == emitted(check, item)
