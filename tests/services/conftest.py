"""Fixtures of the service tests."""

from __future__ import annotations

import pytest

from app.services import duties


@pytest.fixture
def counts_agree(monkeypatch):
    """Every list of findings a test reads (duties.findings) is counted alike by duties.counts — what 首页's
    panel and the 月报 read without wording the findings: the same subjects per rule, the same closures,
    the same worst severity."""
    listed = duties.findings

    def findings(db, as_of, **kw):
        found = listed(db, as_of, **kw)
        counted = duties.counts(db, as_of, **kw)
        assert (counted.by_rule, counted.closed, counted.worst) == (found.by_rule, found.closed, found.worst)
        assert counted.items == [] and not counted.listed
        return found

    monkeypatch.setattr(duties, "findings", findings)
