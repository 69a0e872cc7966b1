"""`demo` (SPEC §7): fill an empty database with realistic synthetic data for N households.

Villages, settlement points, responsible units and cadres; households and members with valid, unique ID
numbers (a small share of archives deliberately imperfect); 包保, monthly visits, every ledger and this
year's 年度计划. Deterministic for a seed and a `today`; written with Core bulk inserts in one transaction
(100,000 households in well under a minute). Derived household caches come from services.derived.derive().
"""

from app.demo.base import DemoError, DemoSummary
from app.demo.generate import generate
from app.demo.words import BIG_POINTS, DEFAULT_COUNTY, DEFAULT_TOWN, VILLAGES

__all__ = ["BIG_POINTS", "DEFAULT_COUNTY", "DEFAULT_TOWN", "VILLAGES", "DemoError", "DemoSummary", "generate"]
