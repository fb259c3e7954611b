"""The answers' cache (cellboard/app/bounded.py): kept within its size, least recently used first
out, made again when old, made once for sessions asking together."""

from __future__ import annotations

import threading

import pytest

from cellboard.app.bounded import BoundedCache


def cache(limit: int = 10, max_age: float = 3600) -> tuple[BoundedCache[str], list[str]]:
    made: list[str] = []
    return BoundedCache(limit, len, max_age), made


def maker(made: list[str], value: str):
    def make() -> str:
        made.append(value)
        return value

    return make


def test_the_sizes_kept_stay_within_the_limit_the_least_recently_used_going_first():
    kept, made = cache(limit=10)
    kept.get("a", maker(made, "aaaa"))  # 4
    kept.get("b", maker(made, "bbbb"))  # 8
    assert kept.get("a", maker(made, "never")) == "aaaa"  # a used after b: b is now the oldest
    kept.get("c", maker(made, "ccc"))  # 11 > 10: b goes
    assert "b" not in kept and "a" in kept and "c" in kept
    assert kept.size == 7
    assert kept.get("b", maker(made, "bbbb")) == "bbbb"  # made again: 11, a (oldest) goes
    assert made == ["aaaa", "bbbb", "ccc", "bbbb"]
    assert "a" not in kept and kept.size == 7


def test_a_value_larger_than_the_limit_is_kept_alone():
    kept, made = cache(limit=5)
    kept.get("a", maker(made, "aa"))
    kept.get("big", maker(made, "x" * 12))
    assert "a" not in kept and "big" in kept and kept.size == 12
    assert kept.get("big", maker(made, "never")) == "x" * 12
    assert made == ["aa", "x" * 12]


def test_an_old_value_is_made_again():
    kept, made = cache(max_age=0)  # older than 0 s as soon as it is kept
    kept.get("a", maker(made, "one"))
    assert kept.get("a", maker(made, "two")) == "two"
    assert made == ["one", "two"] and kept.size == 3


def test_a_failed_making_keeps_nothing_and_the_next_ask_makes_it():
    kept, made = cache()

    def fails() -> str:
        raise RuntimeError("the file was swapped")

    with pytest.raises(RuntimeError):
        kept.get("a", fails)
    assert "a" not in kept and kept.size == 0
    assert kept.get("a", maker(made, "a")) == "a"


def test_sessions_asking_for_the_same_value_together_make_it_once():
    kept, made = cache()
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(10)
        made.append("slow")
        return "value"

    answers: list[str] = []
    first = threading.Thread(target=lambda: answers.append(kept.get("a", slow)))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: answers.append(kept.get("a", maker(made, "other"))))
    second.start()
    second.join(0.2)
    assert second.is_alive()  # waiting for the first making, not making its own
    release.set()
    first.join(10)
    second.join(10)
    assert answers == ["value", "value"] and made == ["slow"]


def test_clear_forgets_everything():
    kept, made = cache()
    kept.get("a", maker(made, "aaa"))
    kept.clear()
    assert "a" not in kept and kept.size == 0
    kept.get("a", maker(made, "aaa"))
    assert made == ["aaa", "aaa"]
