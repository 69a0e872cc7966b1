"""import problems (SPEC §5, §7): villages' 问题台账 through the household import's reader and error contract."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import Workbook, load_workbook

from app.cli import main
from app.io import problems_import
from app.io.importer import run_import
from app.ledgers import PROBLEMS, engine
from app.services import duties
from tests.io.registers import pid

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)
HEADER = ["序号", "发现时间", "问题来源", "问题类别", "问题描述", "户主姓名", "户主身份证号", "村", "责任单位",
          "责任人", "整改时限", "整改措施", "办理情况", "紧急程度"]


def ledger(path: Path, rows: list[list], *, header=HEADER) -> Path:
    """A village's 问题台账 as sent: a title, a 填报单位 row, the header, rows, a 合计 row and a footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = "问题台账"
    ws.append(["清江村搬迁群众问题台账"])
    ws.append(["填报单位：清江村村民委员会"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    ws.append(["合计", None, None, None, f"{len(rows)}个"])
    ws.append(["填表人：李四", None, None, None, "审核人：王五"])
    wb.save(path)
    return path


def register(path: Path) -> Path:
    """A register of four households with the facts each duty rule reads."""
    wb = Workbook()
    ws = wb.active
    ws.append(["村", "户编号", "姓名", "与户主关系", "性别", "身份证号", "安置点", "承包地面积", "户类型", "住房情况",
               "房屋漏水", "健康状况", "劳动能力", "就业情况", "政治面貌"])
    rows = [
        # 1: 低收入户 with a 大病 member and a leaking house
        ["清江村", "A1", "钱一", "户主", "男", pid(1), "新寨安置点", 1.0, "低收入户", "自有安置房", "是", "健康",
         "普通劳动力", "县内务工", "中共党员"],
        ["清江村", "A1", "钱一妻", "配偶", "女", pid(2, male=False), None, None, None, None, None, "大病", "弱劳动力",
         "在家务农", "群众"],
        # 2: an ordinary household with a pupil
        ["清江村", "A2", "孙二", "户主", "男", pid(3), "新寨安置点", 2.0, None, "自有安置房", "否", "健康",
         "普通劳动力", "省外务工", "群众"],
        ["清江村", "A2", "孙小二", "之子", "男", pid(4), None, None, None, None, None, "健康", "无劳动力", "在校生",
         None],
        # 3: 无房 (a derived 无房户)
        ["清江村", "A3", "李三", "户主", "男", pid(5), "新寨安置点", 1.5, None, "无房", "否", "健康", "普通劳动力",
         "县内务工", None],
        # 4: no labour (a derived 无劳动力户)
        ["清江村", "A4", "周四", "户主", "男", pid(6, year=1940), "新寨安置点", 0.8, None, "自有安置房", "否",
         "残疾", "丧失劳动力", "无", None],
    ]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def problem_rows(*, household: bool = True) -> list[list]:
    found = (TODAY - 20 * DAY).isoformat()
    return [
        [1, found, "走访", "住房保障", "房屋漏水需维修", "钱一" if household else None, pid(1) if household else None,
         "清江村", "镇村建中心", "张工",
         (TODAY - 3 * DAY).isoformat(), "联系施工队", "未整改", "紧急"],
        [2, found, "群众反映", "环境整治", "垃圾清运不及时", None, None, "清江村", "镇水利移民站", None,
         (TODAY + 3 * DAY).isoformat(), "增加清运", "整改中", "一般"],
        [3, found, "调查摸底", "创业就业", "缺少就业信息", None, None, "清江村", None, None, None, None, None, None],
    ]


def test_every_rule_counts_what_the_registers_and_the_ledger_imply(db, place, tmp_path, capsys):
    """From a village register and its 问题台账, each rule's count is what the data says, and
    `check --duties --json` lists every finding with its rule, severity, subject, owner, since and message."""
    prepared, result = run_import(db, [register(tmp_path / "花名册.xlsx")])
    assert not result.errors and result.households_imported == 4
    imported = problems_import.run(db, [ledger(tmp_path / "问题台账.xlsx", problem_rows())])
    assert imported.errors == [] and imported.problems_imported == 3
    found = duties.findings(db, TODAY)
    expected = {
        "包保-安置点": 1,  # 新寨安置点 (4 households) has nobody
        "包保-一对一": 3,  # 钱一 (低收入), 李三 (无房), 周四 (无劳动力)
        "分类包保-因病": 1, "分类包保-因学": 1,
        "应保尽保": 2,  # 钱一, 周四
        "住房-漏水": 1, "住房-地灾": 0, "住房-无房": 1,
        "问题-逾期": 1, "问题-临期": 1, "问题-无责任人": 1, "问题-无理由": 0,
        "走访": 0, "计划-滞后": 0, "计划-无责任": 0, "档案-不完整": 0, "档案-不一致": 0,
        "融合共建": 1 if TODAY.month >= 10 or TODAY.month <= 3 else 0,
    }
    assert {k: found.by_rule[k] for k in expected} == expected
    overdue = found.of_rule("问题-逾期")[0]
    assert overdue.subject.startswith("【紧急】清江村：") and overdue.owner == "镇村建中心，张工"

    capsys.readouterr()
    assert main(["--db", str(db.path), "check", "--duties", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["by_rule"] == found.by_rule
    assert len(out["findings"]) == len(found.items)
    assert all(set(f) == {"rule", "severity", "subject", "owner", "since", "message"} for f in out["findings"])
    assert main(["--db", str(db.path), "check", "--duties"]) == 0
    text = capsys.readouterr().out
    assert "【问题-逾期】问题逾期未办结：1 项" in text and "钱一" in text


def test_an_error_refuses_the_whole_ledger_and_names_sheet_row_and_column(db, place, tmp_path, capsys):
    """An unknown 问题类别 is an error on its row and column; nothing is written unless --skip-invalid."""
    rows = problem_rows(household=False)
    rows[2][3] = "卫生"
    path = ledger(tmp_path / "台账.xlsx", rows)
    assert main(["--db", str(db.path), "import", "problems", str(path), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["problems_imported"] == 0 and out["problems_skipped"] == 3
    assert [(e["sheet"], e["row"], e["column"]) for e in out["errors"]] == [("问题台账", 6, "D")]
    assert "八个紧盯" in out["errors"][0]["message"]
    assert engine.query(db, PROBLEMS).ids == []
    assert main(["--db", str(db.path), "import", "problems", str(path), "--skip-invalid", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["problems_imported"], out["problems_skipped"]) == (2, 1)
    assert len(engine.query(db, PROBLEMS).ids) == 2


def test_importing_the_same_ledger_again_adds_nothing(db, place, tmp_path, capsys):
    """The same village, household, found date and description is the same problem."""
    path = ledger(tmp_path / "台账.xlsx", problem_rows()[1:])
    assert main(["--db", str(db.path), "import", "problems", str(path), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["problems_imported"] == 2
    assert engine.query(db, PROBLEMS).ids == []
    assert main(["--db", str(db.path), "import", "problems", str(path)]) == 0
    text = capsys.readouterr().out
    assert "新增 2 个" in text and "导入前已备份数据库" in text
    backups = list(Path(text.split("导入前已备份数据库：")[1].split()[0]).parent.glob("*导入前*"))
    assert len(backups) == 1
    assert main(["--db", str(db.path), "import", "problems", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["problems_imported"], out["problems_unchanged"]) == (0, 2)
    assert len(engine.query(db, PROBLEMS).ids) == 2


def test_an_id_not_held_and_a_closed_problem_without_a_date_are_errors_with_a_report(db, place, tmp_path, capsys):
    """A 户主身份证号 no household holds, and 已整改 with no 办结时间, are errors; the error workbook marks them."""
    rows = problem_rows()[1:]
    rows[0][6] = pid(77)
    rows[1][12] = "已整改"
    path = ledger(tmp_path / "台账.xlsx", rows)
    report = tmp_path / "错误报告.xlsx"
    assert main(["--db", str(db.path), "import", "problems", str(path), "--error-report", str(report)]) == 1
    text = capsys.readouterr().out
    assert "不属于已建档的任何一户" in text and "办结时间" in text
    ws = load_workbook(report)["问题台账"]
    notes = [ws.cell(row=r, column=ws.max_column).value or "" for r in range(4, 6)]
    assert ws.cell(row=3, column=ws.max_column).value == "错误说明"
    assert "错误：" in notes[0] and "错误：" in notes[1]


def test_an_unreadable_file_is_one_line_naming_it(db, tmp_path, capsys):
    """A file that is not a workbook: exit 2 and one line on stderr."""
    bad = tmp_path / "不是表格.xlsx"
    bad.write_text("hello")
    assert main(["--db", str(db.path), "import", "problems", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert "不是表格.xlsx" in err and "\n" not in err
