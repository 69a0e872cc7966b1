"""督办提醒 (SPEC §4.7): every duty of the work plan that the records can check, as declared checks run by
one mechanism. 首页, `check --duties` and the 月报's 存在问题 all read `compute_findings(session, as_of)`.

Importing a rule module registers its checks; the registry is then put in the SPEC's order (run.RULE_ORDER),
the order findings are listed in.
"""

from app.services.duties import baobao_checks as _baobao  # noqa: F401  (registers 包保 rules)
from app.services.duties import cross_town as _cross_town  # noqa: F401
from app.services.duties import plan_checks as _plans  # noqa: F401
from app.services.duties import problem_checks as _problems  # noqa: F401
from app.services.duties import subsidy_checks as _subsidy  # noqa: F401
from app.services.duties import support_checks as _support  # noqa: F401
from app.services.duties import visit_checks as _visits  # noqa: F401
from app.services.duties.base import (
    CHECKS,
    PROBLEM,
    REMINDER,
    SEVERITIES,
    Check,
    Finding,
    Findings,
    check_by_code,
    compute_findings,
    count_findings,
    register,
)
from app.services.duties.closures import Closure, close, closures
from app.services.duties.run import RULE_ORDER, counts, findings, put_in_order, title_of

put_in_order()

__all__ = [
    "CHECKS", "PROBLEM", "REMINDER", "RULE_ORDER", "SEVERITIES", "Check", "Closure", "Finding", "Findings",
    "check_by_code", "close", "closures", "compute_findings", "count_findings", "counts", "findings", "register",
    "title_of",
]
