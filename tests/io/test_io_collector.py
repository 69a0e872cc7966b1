"""The cycle collector around a bulk import (app.io.cells.collector_paused)."""

from __future__ import annotations

import gc
import weakref

import pytest

from app.io.cells import collector_paused


class _Record:
    """A container the collector tracks, like the households and rows an import makes."""


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_what_an_import_made_is_not_walked_by_the_next_young_collection(collector_on):
    with collector_paused():
        assert not gc.isenabled()
        made = [_Record() for _ in range(1000)]
    assert gc.isenabled()
    tracked = {id(o) for o in gc.get_objects(generation=0)}
    assert not any(id(o) in tracked for o in made)  # moved to the oldest generation, not the youngest
    assert any(o is made[0] for o in gc.get_objects(generation=2))


def test_a_cycle_made_during_an_import_is_still_collected(collector_on):
    with collector_paused():
        a, b = _Record(), _Record()
        a.other, b.other = b, a
        alive = weakref.ref(a)
        del a, b
    assert alive() is not None  # only the collector frees a cycle
    gc.collect()
    assert alive() is None


def test_a_collector_the_caller_had_off_stays_off():
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
