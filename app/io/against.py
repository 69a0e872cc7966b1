"""Step 4b of the import: the checks against what the database holds (SPEC §5). Pure.

`check_against(validation, known, options)` matches each household to the archive by its head's ID, refuses
IDs held by another household, and applies the safety rules of imports:
- the same ID with another name is an error (almost always a mistyped ID) unless the clerk confirms the
  rename (`Options.allow_rename`, or the person's ID in `Options.renames_confirmed`);
- a village or settlement point not in the database is created only when the clerk confirms it
  (`Options.new_places`, or its key in `Options.places_confirmed`); until then it is an error, which names
  the known place when the name is close to one (rules.close_names: 清江 for 清江村).
What needs confirming is listed in `Validation.renames` and `Validation.places` for the wizard.
Safe to call again (for instance after the clerk confirmed something): it replaces its own issues.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import vocab
from app.io.validate import ERROR, WARNING, HouseholdIn, Issue, Known, Options, Validation, collect, id_issue
from app.rules import close_names, mask_id
from app.rules.members import ID_ELSEWHERE, id_issues

VILLAGE, POINT = "村", "安置点"


@dataclass(frozen=True, slots=True)
class NewPlace:
    """A village or settlement point the database does not hold yet, and what the clerk said about it."""

    kind: str  # VILLAGE or POINT
    village: str
    point: str  # "" for a village
    similar: tuple[str, ...]  # known names close to it (清江村 for 清江)
    confirmed: bool
    households: int

    @property
    def key(self) -> tuple[str, ...]:
        return (self.kind, self.village) if self.kind == VILLAGE else (self.kind, self.village, self.point)

    @property
    def label(self) -> str:
        return f"村“{self.village}”" if self.kind == VILLAGE else f"安置点“{self.point}”（{self.village}）"


@dataclass(frozen=True, slots=True)
class Rename:
    """A person held under one name whom the file gives another: renamed only when confirmed."""

    id_number: str
    old: str
    new: str
    archive_no: str
    file: str
    sheet: str
    row: int
    confirmed: bool

    @property
    def label(self) -> str:
        return f"将 {self.old} 改名为 {self.new}"


def check_against(validation: Validation, known: Known, options: Options | None = None) -> Validation:
    """Add the database checks to the validation (see the module docstring); returns it."""
    options = options or Options()
    for h in validation.households:
        h.db_issues = []
        h.match_id = None
    _match(validation.households, known)
    validation.renames = _renames(validation.households, known, options)
    validation.places = _places(validation.households, known, options)
    validation.new_villages = [p.village for p in validation.places if p.kind == VILLAGE and p.confirmed]
    validation.new_points = [(p.village, p.point) for p in validation.places if p.kind == POINT and p.confirmed]
    collect(validation)
    return validation


def _match(households: list[HouseholdIn], known: Known) -> None:
    """Match each household to the archive by its head's ID; IDs held by other households; archive numbers."""
    claimed: dict[int, HouseholdIn] = {}
    archive_claims: set[str] = set()
    for h in households:
        h.archive_no = h.file_archive_no
        head = h.head
        incoming = {m.data.id_number for m in h.members if m.data.id_number}
        if head is not None and head.data.id_number:
            person = known.people.get(head.data.id_number)
            if person is not None:
                db_heads = known.heads.get(person.household_id, set())
                if person.relation == vocab.HEAD or not db_heads or db_heads & incoming:
                    h.match_id = person.household_id
                else:
                    h.db_issues.append(id_issue(
                        h, head,
                        f"户主{head.data.name}的身份证号在数据库中属于档案编号 {person.archive_no} 的{person.name}"
                        f"（{person.relation or '成员'}），不是该户的户主。如果是分户，请先在软件中办理分户后再导入"))
        if h.match_id is not None:
            other = claimed.get(h.match_id)
            if other is not None:
                h.db_issues.append(id_issue(
                    h, head, f"该户与{other.sheet}第{other.first_row}行的户对应数据库中的同一户，请核对户主身份证号"))
                h.match_id = None
            else:
                claimed[h.match_id] = h
        for m in h.members:
            person = known.people.get(m.data.id_number) if m.data.id_number else None
            if person is not None and person.household_id != h.match_id and not (
                    m is head and any(i.row == m.row and "不是该户的户主" in i.message for i in h.db_issues)):
                holder = {m.data.id_number: f"数据库中档案编号 {person.archive_no} 的{person.name}"}
                h.db_issues.extend(id_issue(h, m, issue.message) for issue in id_issues(
                    [m.data], holder, names=[m.data.name or "该成员"]) if issue.code == ID_ELSEWHERE)
        if h.match_id is None:
            if h.archive_no:
                if h.archive_no in known.archive_nos or h.archive_no in archive_claims:
                    h.db_issues.append(Issue(WARNING, h.file, h.sheet, h.first_row, "", "档案编号",
                                            f"档案编号 {h.archive_no} 已被其他户使用，导入时将为该户自动生成新的档案编号",
                                            h.archive_no))
                    h.archive_no = ""
                else:
                    archive_claims.add(h.archive_no)
            if not h.village and not h.village_unknown:
                h.db_issues.append(_place_issue(h, VILLAGE, WARNING, "该户没有填写所在村，导入后档案将不完整，请补填"))
        if h.point and not h.village and not h.village_unknown:
            h.db_issues.append(_place_issue(h, POINT, WARNING,
                                            f"该户填写了安置点“{h.point}”，但没有村，安置点无法登记，请补填所在村", h.point))


def _renames(households: list[HouseholdIn], known: Known, options: Options) -> list[Rename]:
    """A person of the matched household whose name in the file differs from the one held."""
    found: list[Rename] = []
    for h in households:
        if h.match_id is None:
            continue
        for m in h.members:
            idn = m.data.id_number
            person = known.people.get(idn) if idn else None
            if person is None or person.household_id != h.match_id or not m.data.name or m.data.name == person.name:
                continue
            confirmed = options.allow_rename or idn in options.renames_confirmed
            found.append(Rename(idn, person.name, m.data.name, person.archive_no, h.file, h.sheet, m.row, confirmed))
            issue = id_issue(h, m, "")
            if confirmed:
                message = f"{person.name}将改名为{m.data.name}（已确认改名，改动记入档案历史）"
            else:
                message = (f"身份证号 {mask_id(idn)} 在数据库中登记的是“{person.name}”（档案编号 {person.archive_no}），"
                           f"本表填写的是“{m.data.name}”。同一身份证号换了姓名，多半是身份证号填错了，请核对；"
                           + options.rename_hint)
            h.db_issues.append(Issue(ERROR if not confirmed else WARNING, issue.file, issue.sheet, issue.row,
                                     issue.column, issue.header, message, mask_id(idn)))
    return found


def _place_issue(h: HouseholdIn, what: str, severity: str, message: str, value: str = "") -> Issue:
    row, column, header = h.places.get(what, (h.first_row, "", what))
    return Issue(severity, h.file, h.sheet, row, column, header, message, value)


def _places(households: list[HouseholdIn], known: Known, options: Options) -> list[NewPlace]:
    """Every village and point not held, each with one issue shared by all the households that name it:
    a warning when confirmed (it will be created), else an error naming any close known name."""
    points_of: dict[str, list[str]] = {}
    for village, point in sorted(known.points):
        points_of.setdefault(village, []).append(point)
    order: list[tuple[str, ...]] = []
    users: dict[tuple[str, ...], list[HouseholdIn]] = {}
    for h in households:
        if not h.village:
            continue
        if h.village not in known.villages:
            key: tuple[str, ...] = (VILLAGE, h.village)
        elif h.point and (h.village, h.point) not in known.points:
            key = (POINT, h.village, h.point)
        else:
            continue
        if key not in users:
            order.append(key)
            users[key] = []
        users[key].append(h)
    found: list[NewPlace] = []
    for key in order:
        kind, village = key[0], key[1]
        point = key[2] if kind == POINT else ""
        similar = tuple(close_names(village, known.villages) if kind == VILLAGE
                        else close_names(point, points_of.get(village, ())))
        place = NewPlace(kind, village, point, similar, _confirmed(key, options), len(users[key]))
        found.append(place)
        if kind == POINT and village not in known.villages and not _confirmed((VILLAGE, village), options):
            continue  # listed for confirmation with its village; the village's own error blocks these households
        issue = _new_place_issue(users[key][0], place, options)
        for h in users[key]:
            h.db_issues.append(issue)
        if kind == VILLAGE:
            # The points of a new village are new too, listed with it so that the clerk confirms them at once.
            for h in users[key]:
                if h.point:
                    pkey = (POINT, village, h.point)
                    if pkey not in users:
                        order.append(pkey)
                        users[pkey] = []
                    users[pkey].append(h)
    return found


def _confirmed(key: tuple[str, ...], options: Options) -> bool:
    return options.new_places or key in options.places_confirmed


def _new_place_issue(h: HouseholdIn, place: NewPlace, options: Options) -> Issue:
    what = place.kind
    named = h.places.get(what) is not None  # from the file's column, else the village chosen for the file
    label = place.label if named else f"所属村“{place.village}”"
    value = place.village if place.kind == VILLAGE else place.point
    count = f"（本次导入共 {place.households} 户）" if place.households > 1 else ""
    if place.confirmed:
        return _place_issue(h, what, WARNING, f"{label}在数据库中还没有，导入时将新建{count}", value)
    if place.similar:
        known = "、".join(f"“{s}”" for s in place.similar)
        message = (f"{label}在数据库中没有，与已有的{place.kind}{known}只差一点{count}：如果就是{known}，"
                   f"请把名称改为{known if len(place.similar) == 1 else '其中之一'}后重新导入；{options.place_hint}")
    else:
        message = f"{label}在数据库中还没有{count}，确认后才会新建：请核对名称；{options.place_hint}"
    if not named:
        return Issue(ERROR, h.file, "", None, "", "所属村", message, value)
    return _place_issue(h, what, ERROR, message, value)
