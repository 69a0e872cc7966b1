"""Mapped classes only, one module per area; importing this package registers every table on Base."""

from app.models.baobao import HouseholdAssignment, PointAssignment, UnitAssignment
from app.models.duties import FindingClosure
from app.models.households import Attachment, ChangeLog, Household, HouseholdTag, Member
from app.models.ledgers import (
    Activity,
    EmploymentRecord,
    FundRecord,
    HousingRecord,
    Inspection,
    Meeting,
    MeetingDecision,
    PartyRecord,
    Problem,
    ProblemProgress,
    Project,
    SupportRecord,
    Visit,
)
from app.models.org import Cadre, Setting, SettlementPoint, Town, TownProfile, TownRange, Unit, Village
from app.models.plans import Plan, PlanItem, PlanProgress
from app.models.reports import ReportFiling, ReportSection
from app.models.subsidy import SubsidyEntry, SubsidyFacts, SubsidyHalf

__all__ = [
    "Activity", "Attachment", "Cadre", "ChangeLog", "EmploymentRecord", "FindingClosure", "FundRecord", "Household",
    "HouseholdAssignment", "HouseholdTag", "HousingRecord", "Inspection", "Meeting", "MeetingDecision",
    "Member", "PartyRecord", "Plan", "PlanItem", "PlanProgress", "PointAssignment", "Problem",
    "ProblemProgress", "Project", "ReportFiling", "ReportSection", "Setting", "SettlementPoint", "SubsidyEntry",
    "SubsidyFacts", "SubsidyHalf", "SupportRecord", "Town", "TownProfile", "TownRange", "Unit",
    "UnitAssignment", "Village", "Visit",
]
