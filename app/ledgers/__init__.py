"""The ledgers (SPEC §3, STYLE example 6): each declared once in `declarations`, all served by `engine`.

`spec` holds what a declaration is made of; `values` reads and shows field values; `engine` does the
queries, validation, saving and the Excel export. No Qt anywhere in this package.
"""

from app.ledgers.declarations import LEDGERS, PROBLEMS, VISITS, ledger_by_name
from app.ledgers.spec import Field, Kind, Ledger, LedgerError, LedgerQuery, LedgerRefused, Preset, Virtual

__all__ = [
    "LEDGERS", "PROBLEMS", "VISITS", "Field", "Kind", "Ledger", "LedgerError", "LedgerQuery", "LedgerRefused",
    "Preset", "Virtual", "ledger_by_name",
]
