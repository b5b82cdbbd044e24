"""web.cache: a value kept in this process for its name's CACHE_SECONDS, then computed again."""

import pytest

from web import cache


@pytest.fixture
def clock(monkeypatch, settings):
    settings.CACHE_SECONDS = {**settings.CACHE_SECONDS, "test": 5.0}
    now = [1000.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: now[0])
    cache.cache_clear("test")
    yield now
    cache.cache_clear("test")


def counter() -> tuple[list[int], object]:
    computed: list[int] = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    return computed, compute


def test_it_keeps_a_value_for_its_names_seconds(clock):
    computed, compute = counter()
    assert cache.cached("test", "k", compute) == 1
    clock[0] += 4.9
    assert cache.cached("test", "k", compute) == 1
    clock[0] += 0.1
    assert cache.cached("test", "k", compute) == 2
    assert len(computed) == 2


def test_it_keeps_each_key_apart(clock):
    assert cache.cached("test", 1, lambda: "one") == "one"
    assert cache.cached("test", 2, lambda: "two") == "two"
    assert cache.cached("test", 1, lambda: "other") == "one"


def test_it_forgets_a_names_values_when_cleared(clock):
    computed, compute = counter()
    cache.cached("test", "k", compute)
    cache.cache_clear("test")
    assert cache.cached("test", "k", compute) == 2


def test_it_computes_every_time_with_no_seconds(clock, settings):
    settings.CACHE_SECONDS = {**settings.CACHE_SECONDS, "test": 0.0}
    computed, compute = counter()
    cache.cached("test", "k", compute)
    cache.cached("test", "k", compute)
    assert len(computed) == 2


def test_it_keeps_a_bounded_number_of_values(clock):
    for key in range(cache.MAX_ENTRIES * 3):
        cache.cached("test", key, lambda key=key: key)
    assert len(cache._kept["test"]) <= cache.MAX_ENTRIES


def test_it_refuses_a_name_without_seconds(clock):
    with pytest.raises(KeyError):
        cache.cached("no-such-cache", "k", lambda: 1)
