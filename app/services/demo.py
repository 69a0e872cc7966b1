"""`demo` (SPEC §7): fill an empty database with realistic synthetic data for N households.

Villages, settlement points, responsible units and cadres; households and members with valid, unique ID
numbers (a small share of archives deliberately imperfect); 包保, monthly visits, every ledger and this
year's 年度计划. Deterministic for a seed and a `today`; written with Core bulk inserts in one transaction
(100,000 households in well under a minute). Derived household caches come from services.derived.derive().
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import gc
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from itertools import accumulate
from operator import itemgetter

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app import vocab
from app.db import Database
from app.models import (
    Activity, Cadre, EmploymentRecord, FundRecord, Household, HouseholdAssignment, HouseholdTag,
    HousingRecord, Inspection, Meeting, MeetingDecision, Member, PartyRecord, Plan, PlanItem, PlanProgress,
    PointAssignment, Problem, ProblemProgress, Project, SettlementPoint, SupportRecord, TownProfile, Unit,
    UnitAssignment, Village, Visit,
)
from app.rules import HouseholdFacts, MemberFacts, make_id
from app.services.derived import derive


class DemoError(Exception):
    """The demo data cannot be generated into this database; the message is for the clerk, in Chinese."""


@dataclass
class DemoSummary:
    """How many rows of each kind generate() made (reused villages/units/points are not counted)."""

    households: int = 0
    members: int = 0
    household_tags: int = 0
    villages: int = 0
    points: int = 0
    units: int = 0
    cadres: int = 0
    point_assignments: int = 0
    household_assignments: int = 0
    unit_assignments: int = 0
    visits: int = 0
    problems: int = 0
    problem_progress: int = 0
    employment_records: int = 0
    support_records: int = 0
    housing_records: int = 0
    fund_records: int = 0
    projects: int = 0
    activities: int = 0
    party_records: int = 0
    meetings: int = 0
    meeting_decisions: int = 0
    inspections: int = 0
    plans: int = 0
    plan_items: int = 0
    plan_progress: int = 0
    key_households: int = 0  # 在册 households that are 三特户 or 三无户
    key_households_uncovered: int = 0  # of those, left without a one-to-one cadre on purpose

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def rows(self) -> int:
        """Rows inserted in all tables."""
        skip = {"key_households", "key_households_uncovered"}
        return sum(v for k, v in self.as_dict().items() if k not in skip)


# ---------------------------------------------------------------------------------------------- words

DEFAULT_COUNTY = "某县"
DEFAULT_TOWN = "清江镇"
RESERVOIR = "清江"
OFFICE_UNIT = "镇党政办"  # added beside vocab.DEFAULT_UNITS: the unit of the town's leaders
STATION_UNIT = "镇水利移民站"

# (village, archive-number prefix). The first three hold the work plan's three 50户以上集中安置点.
VILLAGES: tuple[tuple[str, str], ...] = (
    ("清江村", "QJ"), ("翁昭村", "WZ"), ("新街村", "XJ"), ("石门村", "SM"), ("龙井村", "LJ"), ("桃园村", "TY"),
    ("坪寨村", "PZ"), ("高坡村", "GP"), ("大湾村", "DW"), ("河坝村", "HB"), ("松林村", "SL"), ("青山村", "QS"),
    ("白岩村", "BY"), ("红岩村", "HY"), ("中寨村", "ZZ"), ("水口村", "SK"), ("田坝村", "TB"), ("茶园村", "CY"),
    ("马场村", "MC"), ("凉水村", "LS"), ("金竹村", "JZ"), ("响水村", "XS"), ("沙坝村", "SB"), ("龙潭村", "LT"),
    ("黄泥村", "HN"), ("竹林村", "ZL"), ("瓦厂村", "WC"), ("新桥村", "XQ"), ("长坡村", "CP"), ("营盘村", "YP"),
    ("官寨村", "GZ"), ("鱼塘村", "YT"), ("平坝村", "PB"), ("岩门村", "YM"), ("枫香村", "FX"), ("大坪村", "DP"),
    ("合心村", "HX"), ("花桥村", "HQ"), ("兴隆村", "XL"), ("光明村", "GM"),
)
# (village, point name): the three 50户以上集中安置点 named in the work plan.
BIG_POINTS: tuple[tuple[str, str], ...] = (
    ("翁昭村", "山宝沟安置点"), ("清江村", "新寨安置点"), ("新街村", "新街安置点"),
)
PLACES: tuple[str, ...] = (
    "大坪", "坝上", "沙湾", "水井湾", "松树坡", "桥头", "老街", "上寨", "下寨", "岩脚", "龙洞", "河边", "坪上",
    "堰塘", "大田坝", "小河口", "杉树林", "茶山", "冷水沟", "鱼塘坝", "高寨", "中坝", "梨子坪", "竹林湾", "马鞍山",
    "大龙井", "青杠林", "枫香坪", "凉风垭", "磨子冲", "水碾", "瓦窑", "石板寨", "沙坝", "平寨", "金竹坪", "柿子湾",
    "新村", "杨家湾", "田心", "花园", "向阳", "狮子口", "老鹰岩", "观音山", "黄果树", "核桃湾", "油菜坪",
)
OLD_VILLAGES: tuple[str, ...] = (
    "河口村", "渡口村", "老寨村", "沙湾村", "鱼洞村", "大河村", "坝脚村", "下坝村", "猫洞村", "干溪村", "两河村",
    "滩头村", "河湾村", "江边村", "码头村", "乌江村",
)
GROUPS: tuple[str, ...] = ("一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组", "十组", "十一组", "十二组")

SURNAMES = (
    "王" * 9 + "李" * 7 + "张" * 7 + "刘" * 6 + "陈" * 6 + "杨" * 8 + "黄" * 3 + "赵" * 3 + "吴" * 6 + "周" * 3
    + "徐" * 2 + "孙" * 2 + "马" * 2 + "朱" * 2 + "胡" * 2 + "郭" * 2 + "何" * 2 + "高" * 2 + "林" * 2 + "罗" * 5
    + "郑" + "梁" + "谢" + "宋" + "唐" + "许" + "韩" + "冯" + "邓" + "曹" + "彭" + "曾" + "肖" + "田" * 3 + "董" + "袁"
    + "潘" * 2 + "蒋" + "蔡" + "余" + "杜" + "叶" + "程" + "苏" + "魏" + "吕" + "丁" + "任" + "沈" + "姚" + "卢"
    + "姜" + "崔" + "钟" + "谭" + "陆" + "汪" + "范" + "金" + "石" * 4 + "廖" + "贾" + "夏" + "韦" * 2 + "付" + "方"
    + "白" + "邹" + "孟" + "熊" + "秦" + "邱" + "江" + "尹" + "薛" + "段" + "雷" + "龙" * 4 + "史" + "陶" + "黎"
    + "贺" + "顾" + "毛" + "郝" + "龚" + "邵" + "万" + "钱" + "严" + "覃" + "武" + "戴" + "莫" + "孔" + "向" + "汤"
    + "欧" + "麻" + "姬" + "蒙" + "岑" + "滕" + "粟"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官")
# Given-name characters by the era a person was born in: (male, female).
GIVEN_OLD = ("德福贵发富明华国忠正光荣有才学文林成兴银金开树昌祥友生永万清朝", "秀英兰芬珍桂凤翠玉花梅香菊莲芝琼仙妹群春")
GIVEN_MID = ("建军勇志强平伟林刚波涛海斌华东明红江兵忠云飞亮洪权松龙杰", "丽红艳燕霞琴梅芳娟敏萍玲慧琼英秀莉静群娥容")
GIVEN_NEW = ("浩宇轩子俊杰鹏超博文睿晨阳磊鑫航泽豪然一天宏诚铭锦逸辰凯", "欣怡雨诗梓涵婷佳琪瑶雪悦晴思可馨梦妍颖嘉紫萱雅依")
RARE_CHARS = "喆堃淼犇燊珺玥昇翀骉昕婕彧赟"
# Uyghur names: own name · father's name (married in from Xinjiang, with a Xinjiang ID region).
MINORITY_GIVEN = {
    "女": ("阿依古丽", "古丽米拉", "热依拉", "迪丽娜尔", "帕提古丽", "努尔尼沙", "再努尔", "阿依努尔"),
    "男": ("艾力", "阿不都", "买买提", "努尔江", "艾买提", "吐尔洪", "艾山", "库尔班"),
}
MINORITY_FATHERS = ("买买提", "吐尔逊", "艾力", "阿不都拉", "热合曼", "哈力克", "司马义", "玉素甫", "阿布来提")
MINORITY_REGIONS = ("650102", "653101", "652101")
# Region codes (GB/T 2260) of the county and its neighbours; most people carry the county's own.
HOME_REGION = "522630"
NEAR_REGIONS = ("522631", "522627", "522601", "522623", "522634", "522636", "522732")

ETHNIC = (("汉族", 62), ("苗族", 16), ("布依族", 9), ("侗族", 6), ("土家族", 3), ("水族", 2), ("彝族", 1), ("仡佬族", 1))
PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158",
    "159", "173", "177", "178", "180", "181", "182", "183", "185", "187", "188", "189", "191", "198", "199",
)
HOUSING = (
    ("自有安置房", 905), ("租住", 25), ("借住亲友房", 20), ("廉租房", 12), ("公租房", 10), ("安置小区空余房", 10),
    (vocab.NO_HOUSE, 13),
)

HOUSEHOLD_NOTES = (
    "户主长期在外务工，联系电话为其本人", "子女在县城就读", "配偶常年在浙江务工", "家中老人由村医定期随访",
    "已签订家庭医生服务协议", "承包地已流转给茶叶合作社", "家中养殖生猪3头", "户主在安置点从事保洁工作",
    "原住房已拆除，宅基地已复垦", "子女在外地成家，逢年过节回家",
)

EDUCATION_ADULT = {
    "old": (("文盲或半文盲", 30), ("小学", 50), ("初中", 17), ("高中", 3)),
    "mid": (("文盲或半文盲", 6), ("小学", 38), ("初中", 44), ("高中", 8), ("中专", 3), ("大专", 1)),
    "late": (("小学", 18), ("初中", 54), ("高中", 12), ("中专", 9), ("大专", 5), ("本科", 2)),
    "new": (("初中", 34), ("高中", 20), ("中专", 20), ("大专", 16), ("本科", 10)),
}
EMPLOY_ABLE = (("省外务工", 30), ("县外省内务工", 18), ("县内务工", 24), ("公益性岗位", 3), ("自主创业", 5),
               ("在家务农", 20))
EMPLOY_WEAK = (("在家务农", 55), ("公益性岗位", 15), ("县内务工", 15), ("无", 15))
EMPLOY_OLD = (("在家务农", 70), ("公益性岗位", 8), ("无", 22))
INCOME = {  # yearly 元 a member earns by employment
    "省外务工": (38000, 66000), "县外省内务工": (30000, 52000), "县内务工": (24000, 42000),
    "公益性岗位": (7200, 12000), "自主创业": (30000, 90000), "在家务农": (4000, 11000),
}

VISIT_FINDINGS_GENERAL = (
    "家中生活正常，无新增困难", "宣传后续扶持政策，群众表示满意", "了解家庭收入情况，收入稳定",
    "了解就业情况，家中劳动力均已就业", "提醒注意用电用火安全", "宣讲防溺水、防电信诈骗知识",
    "了解子女就学情况，无辍学", "核实家庭人口变动情况，无变化", "提醒按时缴纳城乡居民医保",
    "了解安置点生活情况，群众反映较好", "宣传就业创业补贴政策", "入户核实一户一档信息，无变化",
)
VISIT_FINDINGS_KEY = (
    "低保金按时发放，生活有保障", "老人身体状况一般，已联系村医上门", "户主有外出务工意愿，已推荐就业岗位",
    "家中无劳动力，已协助申请公益性岗位", "了解就医情况，已告知医疗救助办理程序", "帮助联系临时救助事宜",
    "检查房屋安全情况，暂无隐患", "送去米、油等慰问物资",
)
VISIT_FINDINGS_PHONE = (
    "电话联系户主，了解外出务工情况，一切正常", "电话询问近况，无新增困难", "电话提醒按时领取补贴",
)
VISIT_FINDINGS_GROUP = (
    "参加安置点集中走访座谈，无新诉求", "参加院坝会，听取群众意见建议", "集中宣讲后续扶持政策",
)

# Problems by focus area: (description, measures, result). "{p}" is the settlement point's name.
PROBLEMS_HOUSEHOLD: dict[str, tuple[tuple[str, str, str], ...]] = {
    "产业扶持": (
        ("希望发展生猪养殖，缺少启动资金", "协调产业扶持资金，纳入合作社利益联结", "已纳入合作社利益联结，年底分红"),
        ("种植的精品水果销路不畅", "联系电商平台和农贸市场帮助销售", "已通过电商平台销售"),
        ("承包地离安置点较远，耕种不便", "引导土地流转给合作社", "已流转给茶叶合作社，获得流转费"),
    ),
    "创业就业": (
        ("家中两名劳动力在家待业，希望就近务工", "推荐县工业园区企业岗位", "一人已到园区鞋厂务工"),
        ("想开办米粉加工小作坊，缺技术", "安排参加食品加工技能培训", "已参加培训，小作坊正常经营"),
        ("返乡人员希望参加电工培训", "纳入本季度技能培训计划", "已参加电工培训并取得证书"),
        ("创业一次性补贴尚未到位", "协调县人社局核实发放", "补贴已发放到位"),
    ),
    "政策兜底": (
        ("家庭人均收入低，申请纳入低保", "按程序入户核查、评议、公示", "已纳入农村低保"),
        ("家中有大病患者，医疗费用负担重", "协助申请医疗救助和临时救助", "已发放医疗救助"),
        ("孤寡老人无人照料", "落实特困供养，联系镇敬老院", "已纳入特困供养，签订照料协议"),
        ("残疾人两项补贴未享受", "协助办理残疾证及补贴申请", "已享受残疾人两项补贴"),
    ),
    "住房保障": (
        ("房屋屋面漏水，雨天严重", "勘查后纳入漏水维修计划", "已完成屋面防水维修"),
        ("无房，借住亲友家", "协调安置小区空余房屋或公租房", "已安排公租房入住"),
        ("房屋后坡有滑坡隐患", "报请县自然资源局评估，落实过渡安置", "已落实过渡安置"),
        ("安置房墙体开裂", "督促施工方返修", "已返修完成"),
    ),
    "包保扶持": (
        ("包保干部调整后群众不清楚联系人", "重新张贴包保明白卡", "已张贴包保明白卡"),
        ("群众反映包保干部走访次数少", "督促包保干部按月走访", "包保干部已按月走访"),
    ),
    "宣传引导": (
        ("群众对后续扶持政策不了解", "入户讲解政策，发放明白卡", "已入户讲解"),
    ),
}
PROBLEMS_POINT: dict[str, tuple[tuple[str, str, str], ...]] = {
    "环境整治": (
        ("{p}污水管网堵塞，污水外溢", "组织疏通管网，纳入管网改造项目", "管网已疏通"),
        ("{p}垃圾积存，未及时清运", "增设垃圾收集点，落实保洁员", "已增设垃圾箱并落实日常清运"),
        ("{p}部分路灯损坏", "联系施工单位维修", "已更换损坏路灯"),
        ("{p}存在乱搭乱建现象", "村组联合入户劝导，限期拆除", "违建已拆除"),
        ("{p}停车难，车辆乱停乱放", "规划建设停车场", "停车场已建成投用"),
        ("{p}道路破损，雨天积水", "申报道路维修项目", "道路已修复"),
    ),
    "组织建设": (
        ("{p}无党员活动室", "协调用房建设党员活动室", "党员活动室已投入使用"),
        ("{p}流动党员管理不到位", "建立流动党员台账，定期联系", "已建立流动党员台账"),
    ),
    "宣传引导": (
        ("{p}部分群众对小区管理规定有意见", "召开院坝会听取意见", "已修订小区管理公约"),
    ),
}
UNRESOLVABLE = {
    "产业扶持": "涉及土地权属争议，需县级层面协调",
    "创业就业": "本人年龄偏大、身体原因暂无法外出务工，已纳入公益性岗位储备",
    "政策兜底": "经核查不符合低保政策条件，已做好解释工作，持续关注",
    "住房保障": "资金缺口较大，已列入下一年度计划",
    "环境整治": "需整体改造管网，资金已申报移民后期扶持项目，待批复",
    "包保扶持": "群众长期在外，暂无法取得联系",
    "组织建设": "暂无合适用房，待新建便民服务中心后解决",
    "宣传引导": "群众意见分歧较大，继续做好沟通",
}
PROGRESS_NOTES = (
    "已入户核实情况", "已上报{u}", "已召开院坝会沟通", "已落实责任人和完成时限", "已协调相关资金",
    "正在组织实施", "已完成方案制定", "督查室已跟踪督办",
)
AREA_UNIT = {
    "产业扶持": "镇农业中心", "创业就业": "镇人社中心", "政策兜底": "镇社事办", "住房保障": "镇村建中心",
    "环境整治": STATION_UNIT, "包保扶持": None, "组织建设": None, "宣传引导": None,  # None: the village
}

TRAININGS = (
    "电工技能培训", "焊工技能培训", "家政服务培训", "中式烹调师培训", "茶叶种植加工技术培训", "电子商务培训",
    "挖掘机操作培训", "育婴员培训", "养老护理员培训", "食用菌种植技术培训", "中式面点师培训",
)
EMPLOYERS = {
    "县内务工": ("县经济开发区鑫达鞋业有限公司", "县工业园区锦程制衣厂", "镇扶贫车间（假发加工）", "县城恒远物业公司",
              "县茶叶产业园"),
    "县外省内务工": ("贵阳市南明区建筑工地", "凯里市经济开发区电子厂", "遵义市汇川区物流公司", "都匀市餐饮服务公司"),
    "省外务工": ("广东东莞长安镇电子厂", "浙江宁波余姚塑料制品厂", "福建晋江鞋业公司", "江苏苏州工业园区电子厂",
              "浙江义乌小商品物流公司"),
    "公益性岗位": ("安置点保洁员", "护林员", "安置点保安", "河道巡查员"),
}
WORKSHOPS = ("米粉加工坊", "豆腐坊", "竹编作坊", "酸汤加工坊", "刺绣作坊", "糍粑加工坊", "腊肉加工坊", "蜡染作坊")

PROJECTS = {  # category: (name suffix, budget range in 万元)
    "道路": ("道路硬化工程", (20, 180)), "广场": ("文化广场建设", (30, 120)), "停车场": ("停车场建设", (15, 60)),
    "污水管网": ("污水管网改造工程", (25, 150)), "路灯": ("太阳能路灯安装", (5, 30)), "绿化": ("绿化提升工程", (5, 40)),
    "公共服务设施": ("便民服务站建设", (20, 80)),
}
PROJECT_FUNDING = (("移民后期扶持项目资金", 70), ("县级财政", 15), ("以工代赈资金", 10), ("镇级财政", 5))

ACTIVITIES = {
    "居民融合共建活动": (
        "“邻里一家亲”居民融合共建活动", "“我们的节日·春节”文艺汇演", "安置小区环境卫生大扫除", "民族团结进步文艺晚会",
        "端午节包粽子邻里活动", "重阳节敬老爱老活动", "安置点篮球友谊赛", "“共建美好家园”志愿服务活动",
    ),
    "评比激励": ("“最美家庭”评选", "“文明户”评比", "“卫生示范户”评比", "“最美庭院”评选"),
    "宣传": ("后续扶持政策宣讲", "就业创业政策进小区", "防溺水安全宣传", "移风易俗宣传", "反电信诈骗宣传"),
}

MEETING_DECISIONS = (
    "各村于{d}前完成一户一档资料核对，报镇水利移民站", "各包保干部本月内完成对包保户的走访，填写走访记录",
    "镇人社中心组织开展一期技能培训，动员搬迁群众参加", "镇村建中心对漏水房屋逐户摸排，制定维修方案",
    "镇社事办对三特户、三无户开展应保尽保排查", "镇水利移民站督促安置点基础设施项目加快施工进度",
    "各村开展一次居民融合共建活动", "镇督查室对问题台账办理情况开展督查", "镇农业中心落实产业利益联结覆盖",
)
INSPECTION_FINDINGS = (
    "一户一档资料不齐全，部分成员身份证复印件缺失", "包保干部走访记录填写不规范", "问题台账更新不及时",
    "个别问题超期未办结", "安置点环境卫生较差，垃圾清运不及时", "就业台账与实际不符", "居民融合共建活动未开展",
)

CADRE_POSTS_TOWN = (
    "镇党委副书记", "镇党委委员、副镇长", "镇党委委员、纪委书记", "镇党委委员、组织委员", "镇党委委员、宣传委员",
    "镇党委委员、武装部长", "镇人大副主席", "副镇长",
)
MAIN_LEADER_POSTS = ("镇党委书记", "镇党委副书记、镇长", "镇人大主席", "镇党委副书记（专职）", "镇党委副书记、常务副镇长")
LINK_POSTS = ("镇党委委员", "副镇长", "镇人大副主席", "镇党委委员、政法委员", "镇党委委员、统战委员")
VILLAGE_POSTS_EXTRA = ("村委委员", "网格员", "综治专干", "村民小组长", "驻村工作队员", "妇女主任", "村文书")
DEPT_HEAD_POST = {"镇水利移民站": "站长"}
DEPT_STAFF_POSTS = ("副主任", "干事", "科员", "工作人员")

PLAN_ITEMS = (  # (area, title, base target per 2,000 households or a key, unit, responsible unit, deadline month)
    ("产业扶持", "将搬迁群众纳入产业覆盖和利益联结", 600, "户", "镇农业中心", 12),
    ("产业扶持", "发展特色种养殖示范基地", 3, "个", "镇农业中心", 10),
    ("创业就业", "开展创业就业技能培训", 200, "人次", "镇人社中心", 11),
    ("创业就业", "新增转移就业", 150, "人", "镇人社中心", 12),
    ("创业就业", "培育“小作坊”", 10, "个", "镇人社中心", 12),
    ("政策兜底", "三特户、三无户应保尽保动态排查", "key", "户", "镇社事办", 6),
    ("政策兜底", "发放临时救助", 40, "户次", "镇社事办", 12),
    ("住房保障", "无房户住房安置", "nohouse", "户", "镇村建中心", 9),
    ("住房保障", "漏水房屋维修", "leaks", "户", "镇村建中心", 10),
    ("环境整治", "完善50户以上集中安置点道路、广场、停车场、污水管网、路灯等设施", "bigpoints", "个", STATION_UNIT, 12),
    ("环境整治", "安置小区环境卫生集中整治", 24, "次", STATION_UNIT, 12),
    ("包保扶持", "一对一包保干部每月走访", "visits", "户次", STATION_UNIT, 12),
    ("包保扶持", "开展居民融合共建活动", "points", "次", STATION_UNIT, 12),
    ("组织建设", "集中安置点党组织全覆盖", "bigpoints", "个", OFFICE_UNIT, 9),
    ("组织建设", "建立党员人才储备库", 30, "人", OFFICE_UNIT, 8),
    ("宣传引导", "开展后续扶持政策宣讲", 20, "场", STATION_UNIT, 12),
    ("宣传引导", "开展“最美家庭”“文明户”评比", 50, "户", OFFICE_UNIT, 12),
)

_CHUNK = 5000  # households per bulk insert


# ---------------------------------------------------------------------------------------------- helpers

class _Weighted:
    """A weighted choice over fixed values, with a precomputed cumulative table."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[object, float]]) -> None:
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """total split in proportion to weights (largest remainder; ties by position)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    base = [int(x) for x in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[: total - sum(base)]:
        base[i] += 1
    return base


def _nice(x: float) -> int:
    """x rounded to two significant digits, at least 1."""
    if x < 1:
        return 1
    mag = 10 ** max(0, int(math.log10(x)) - 1)
    return max(1, int(round(x / mag)) * mag)


def _month_start(today: dt.date, back: int) -> dt.date:
    """The first day of the month `back` months before today's."""
    m = today.year * 12 + today.month - 1 - back
    return dt.date(m // 12, m % 12 + 1, 1)


def _month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _yuan(x: float) -> Decimal:
    return Decimal(int(round(x))).quantize(Decimal("0.01"))


class _H:
    """What later steps need to know about one generated household."""

    __slots__ = ("id", "vi", "pi", "flags", "active", "head_mid", "head_name", "housing", "leaks", "geo",
                 "poor", "sick", "disabled", "students", "alone", "tags", "size")

    def __init__(self, **kw) -> None:
        for k, v in kw.items():
            setattr(self, k, v)


# ---------------------------------------------------------------------------------------------- the generator

def generate(
    db: Database,
    households: int,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with `households` synthetic households and everything around them (one transaction).

    Raises DemoError when the database already holds households or the count is not positive. `progress`
    is called with (households written, households requested) as the work goes on.
    """
    if not isinstance(households, int) or isinstance(households, bool) or households < 1:
        raise DemoError("户数必须是正整数")
    today = today or dt.date.today()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a million short-lived rows and no cycles: the collector would only cost time
    try:
        with db.write() as s:
            existing = s.scalar(select(func.count()).select_from(Household)) or 0
            if existing:
                raise DemoError(f"数据库中已有 {existing} 户档案，演示数据只能生成到空数据库中。请新建一个数据库后再生成。")
            return _Demo(s, households, seed, today, progress).run()
    finally:
        if gc_was_enabled:
            gc.enable()


class _Demo:
    def __init__(self, s: Session, n: int, seed: int, today: dt.date,
                 progress: Callable[[int, int], None] | None) -> None:
        self.s = s
        self.n = n
        self.rng = random.Random(seed)
        self.today = today
        # An ID's birth date may never be in the future (derive() checks IDs against the real date).
        self.birth_ordinal = min(today, dt.date.today()).toordinal()
        self.progress = progress
        self.stamp = dt.datetime.now().replace(microsecond=0)
        self.summary = DemoSummary()
        self.used_ids: set[str] = set()
        self.used_cadre_names: set[str] = set()
        self.next: dict[str, int] = {}
        self.w_ethnic = _Weighted(ETHNIC)
        self.w_housing = _Weighted(HOUSING)
        self.w_edu = {k: _Weighted(v) for k, v in EDUCATION_ADULT.items()}
        self.w_emp_able = _Weighted(EMPLOY_ABLE)
        self.w_emp_weak = _Weighted(EMPLOY_WEAK)
        self.w_emp_old = _Weighted(EMPLOY_OLD)
        self.w_funding = _Weighted(PROJECT_FUNDING)
        self.jan1 = {}
        r = self.rng.random
        # Fast draws for the hot loops (random.randint/choice cost several times more).
        self.ri: Callable[[int, int], int] = lambda lo, hi: lo + int(r() * (hi - lo + 1))
        self.ch: Callable[[Sequence], object] = lambda seq: seq[int(r() * len(seq))]

    # ------------------------------------------------------------------ plumbing

    def _id(self, model) -> int:
        """The next free primary key of model's table (ids are assigned here, not by the database)."""
        name = model.__tablename__
        if name not in self.next:
            self.next[name] = (self.s.scalar(select(func.max(model.id))) or 0) + 1
        value = self.next[name]
        self.next[name] = value + 1
        return value

    def _insert(self, model, rows: list[dict], counter: str | None = None) -> None:
        if not rows:
            return
        table = model.__table__
        if "created_at" in table.c:
            stamp = self.stamp
            for r in rows:
                r["created_at"] = stamp
                r["updated_at"] = stamp
        self.s.execute(insert(table), rows)
        counter = counter or table.name
        setattr(self.summary, counter, getattr(self.summary, counter) + len(rows))

    def _insert_many(self, model, rows: list[dict], counter: str) -> None:
        """Like _insert, for the big tables (households, their tags, members, visits).

        At 400,000 rows SQLAlchemy's per-row parameter handling costs as much again as SQLite itself, so the
        rows go to the driver's executemany as tuples. Each value still passes through its column's own bind
        processor (ScaledDecimal, Date, Boolean), so what is stored is exactly what Core would store.
        """
        if not rows:
            return
        table = model.__table__
        dialect = self.s.get_bind().dialect
        names = list(rows[0])
        getter = itemgetter(*names)
        procs = [(i, proc) for i, name in enumerate(names)
                 if (proc := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
        extra: list = []
        if "created_at" in table.c:
            stamp = table.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)(self.stamp)
            names += ["created_at", "updated_at"]
            extra = [stamp, stamp]
        params = []
        for r in rows:
            values = list(getter(r))
            for i, proc in procs:
                values[i] = proc(values[i])
            values += extra
            params.append(tuple(values))
        sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        self.s.connection().exec_driver_sql(sql, params)
        setattr(self.summary, counter, getattr(self.summary, counter) + len(rows))

    # The hot paths below draw with rng.random() arithmetic: randrange/choice cost several times more.

    def _phone(self) -> str:
        r = self.rng.random
        return PHONE_PREFIXES[int(r() * len(PHONE_PREFIXES))] + f"{int(r() * 100_000_000):08d}"

    def _birth(self, age: int) -> dt.date:
        """A birth date for someone `age` (nominal) years old today, never in the future."""
        year = self.today.year - age
        jan1 = self.jan1.get(year)
        if jan1 is None:
            jan1 = self.jan1[year] = dt.date(year, 1, 1).toordinal()
        days = 366 if calendar.isleap(year) else 365
        limit = self.birth_ordinal - jan1 + 1
        if limit < days:
            days = max(1, limit)
        return dt.date.fromordinal(jan1 + int(self.rng.random() * days))

    def _make_id(self, region: str, birth: dt.date, male: bool) -> str:
        r = self.rng.random
        used = self.used_ids
        while True:
            number = make_id(region, birth, int(r() * 500) * 2 + (1 if male else 0))
            if number not in used:
                used.add(number)
                return number

    def _surname(self) -> str:
        r = self.rng.random
        if r() < 0.003:
            return COMPOUND_SURNAMES[int(r() * len(COMPOUND_SURNAMES))]
        return SURNAMES[int(r() * len(SURNAMES))]

    def _given(self, male: bool, year: int) -> str:
        r = self.rng.random
        pool = GIVEN_OLD if year < 1965 else GIVEN_MID if year < 1990 else GIVEN_NEW
        chars = pool[0] if male else pool[1]
        n = len(chars)
        first = chars[int(r() * n)]
        if r() < 0.005:
            first = RARE_CHARS[int(r() * len(RARE_CHARS))]
        if r() < 0.25:
            return first
        second = chars[int(r() * n)]
        while second == first:
            second = chars[int(r() * n)]
        return first + second

    def _person_name(self) -> str:
        """A unique-in-the-town adult name for a cadre."""
        rng = self.rng
        while True:
            male = rng.random() < 0.7
            name = self._surname() + self._given(male, rng.randint(1962, 1992))
            if name not in self.used_cadre_names:
                self.used_cadre_names.add(name)
                return name

    # ------------------------------------------------------------------ the steps

    def run(self) -> DemoSummary:
        self._organisation()
        self._households()
        self._cadres()
        self._baobao()
        self._visits()
        self._inspections()
        self._problems()
        self._employment()
        self._support()
        self._housing()
        self._funds()
        self._projects()
        self._activities()
        self._party()
        self._plan()
        self._meetings()
        if self.progress:
            self.progress(self.n, self.n)
        return self.summary

    # ------------------------------------------------------------------ organisation

    def _organisation(self) -> None:
        s, rng, n = self.s, self.rng, self.n
        profile = s.get(TownProfile, 1) or s.scalars(select(TownProfile).order_by(TownProfile.id)).first()
        self.profile_id = profile.id if profile else None
        self.fill_profile = profile is None or not (profile.town_name or "").strip()
        self.town = (profile.town_name or "").strip() if profile and not self.fill_profile else DEFAULT_TOWN
        self.county = ((profile.county_name or "").strip() if profile else "") or DEFAULT_COUNTY

        # Villages: about one per 400 households, 4 to 40.
        nv = min(len(VILLAGES), max(4, round(n / 400)))
        existing = dict(s.execute(select(Village.name, Village.id)).all())
        self.villages: list[dict] = []
        rows = []
        for name, code in VILLAGES[:nv]:
            v = {"name": name, "code": code, "secretary": self._person_name(), "director": self._person_name()}
            v["secretary_phone"], v["director_phone"] = self._phone(), self._phone()
            v["old"] = rng.sample(OLD_VILLAGES, rng.randint(1, 3))
            if name in existing:
                v["id"] = existing[name]
            else:
                v["id"] = self._id(Village)
                rows.append({"id": v["id"], "name": name, "secretary": v["secretary"], "director": v["director"],
                             "phone": v["secretary_phone"]})
            self.villages.append(v)
        self._insert(Village, rows)

        # Units: the town's departments, its office, one per village.
        units = dict(s.execute(select(Unit.name, Unit.id)).all())
        self.units: dict[str, int] = {}
        rows = []
        for name in (*vocab.DEFAULT_UNITS, OFFICE_UNIT):
            if name in units:
                self.units[name] = units[name]
            else:
                self.units[name] = uid = self._id(Unit)
                rows.append({"id": uid, "name": name, "kind": "部门", "village_id": None, "active": True})
        for v in self.villages:
            if v["name"] in units:
                v["unit_id"] = units[v["name"]]
            else:
                v["unit_id"] = uid = self._id(Unit)
                rows.append({"id": uid, "name": v["name"], "kind": "村", "village_id": v["id"], "active": True})
        self._insert(Unit, rows)

        # Households per village, then settlement points per village.
        big_village = {name for name, _ in BIG_POINTS}
        weights = [1.5 if v["name"] in big_village else rng.uniform(0.6, 1.4) for v in self.villages]
        per_village = _apportion(n, weights)
        if n >= 200:  # enough for the work plan's three points to hold well over 50 households
            bigs = [i for i, v in enumerate(self.villages) if v["name"] in big_village]
            others = [i for i in range(len(self.villages)) if i not in bigs]
            for i in bigs:
                need = max(0, 66 - per_village[i])
                for j in sorted(others, key=lambda j: -per_village[j]):
                    give = min(need, per_village[j] - 5)
                    if give > 0:
                        per_village[j] -= give
                        per_village[i] += give
                        need -= give
        existing_points = {(vid, name): pid for pid, vid, name in
                           s.execute(select(SettlementPoint.id, SettlementPoint.village_id, SettlementPoint.name))}
        self.points: list[dict] = []
        rows = []
        for vi, (v, hv) in enumerate(zip(self.villages, per_village)):
            np_ = min(20, max(3, 2 + round(hv / 120)))
            big_name = next((p for vn, p in BIG_POINTS if vn == v["name"]), None)
            places = rng.sample(PLACES, np_)
            specs = []
            for k in range(np_):
                if k == 0 and big_name:
                    specs.append((big_name, "集中", 8.0, True))
                    continue
                place = places[k]
                if k == 0 or rng.random() < 0.45:
                    suffix = "安置小区" if rng.random() < 0.2 else "安置点"
                    specs.append((place + suffix, "集中", rng.uniform(2, 6), False))
                else:
                    specs.append((place + "分散安置点", "分散", rng.uniform(0.4, 1.5), False))
            counts = _apportion(hv, [w for _, _, w, _ in specs])
            if big_name and hv > np_:
                # The work plan's point holds well over 50 households.
                target = min(hv - (np_ - 1), max(counts[0], 56 + rng.randint(0, 12)))
                need = target - counts[0]
                for j in sorted(range(1, np_), key=lambda j: -counts[j]):
                    give = min(need, counts[j] - 1)
                    if give > 0:
                        counts[j] -= give
                        counts[0] += give
                        need -= give
            v["points"] = []
            for (name, kind, _, big), count in zip(specs, counts):
                key = (v["id"], name)
                p = {"name": name, "kind": kind, "vi": vi, "count": count, "named": big,
                     "group": rng.choice(GROUPS[:8]), "year": rng.randint(2008, 2020),
                     "address": f"{self.town}{v['name']}{name.replace('分散安置点', '')}"}
                if key in existing_points:
                    p["id"] = existing_points[key]
                else:
                    p["id"] = self._id(SettlementPoint)
                    rows.append({"id": p["id"], "name": name, "village_id": v["id"], "kind": kind,
                                 "address": p["address"]})
                p["pi"] = len(self.points)
                self.points.append(p)
                v["points"].append(p)
            v["vi"] = vi
        self._insert(SettlementPoint, rows, "points")

    # ------------------------------------------------------------------ households and members

    def _households(self) -> None:
        rng, n = self.rng, self.n
        self.hh: list[_H] = []
        self.workers: list[tuple[int, int, str]] = []  # (household, member, employment) of working age
        self.entrepreneurs: list[tuple[int, int]] = []
        self.party_members: list[tuple[int, int, int, int]] = []  # (household, member, age, point index)
        self.youth: list[tuple[int, int, int]] = []  # (household, member, point index): 18–35, 高中 or above
        self.serious: list[tuple[int, int]] = []  # members with 大病

        # The deliberately imperfect archives: a handful each, chosen up front.
        k_size = max(2, round(n * 0.003)) if n >= 50 else 0
        k_dead_head = max(1, round(n * 0.0015)) if n >= 50 else 0
        k_two_heads = max(1, round(n * 0.0007)) if n >= 100 else 0
        picks = rng.sample(range(n), min(n, k_size + k_dead_head + k_two_heads))
        self.bad_size = set(picks[:k_size])
        self.bad_dead_head = set(picks[k_size:k_size + k_dead_head])
        self.bad_two_heads = set(picks[k_size + k_dead_head:])

        hh_rows: list[dict] = []
        tag_rows: list[dict] = []
        member_rows: list[dict] = []
        index = 0
        for v in self.villages:
            seq = 0
            width = max(4, len(str(sum(p["count"] for p in v["points"]))))
            for p in v["points"]:
                for _ in range(p["count"]):
                    seq += 1
                    self._household(index, v, p, f"{v['code']}-{seq:0{width}d}", hh_rows, tag_rows, member_rows)
                    index += 1
                    if len(hh_rows) >= _CHUNK:
                        self._flush_households(hh_rows, tag_rows, member_rows, index)
        self._flush_households(hh_rows, tag_rows, member_rows, index)

    def _flush_households(self, hh_rows, tag_rows, member_rows, done: int) -> None:
        self._insert_many(Household, hh_rows, "households")
        self._insert_many(HouseholdTag, tag_rows, "household_tags")
        self._insert_many(Member, member_rows, "members")
        hh_rows.clear()
        tag_rows.clear()
        member_rows.clear()
        if self.progress and done < self.n:
            self.progress(done, self.n)

    def _family(self) -> list[list]:
        """[relation, sex, age, surname, status] of each person, head first; plausible ages and surnames."""
        rng = self.rng
        ri = self.ri
        r = rng.random()
        people: list[list] = []

        def couple(head_age: int) -> tuple[str, int]:
            """Head and spouse; returns (the children's surname, the mother's age)."""
            male_head = rng.random() < 0.85
            head_sn, spouse_sn = self._surname(), self._surname()
            gap = ri(0, 5)
            spouse_age = head_age - gap if male_head else head_age + gap
            people.append(["户主", "男" if male_head else "女", head_age, head_sn, "在册"])
            people.append(["配偶", "女" if male_head else "男", max(20, spouse_age), spouse_sn, "在册"])
            return (head_sn if male_head else spouse_sn), (max(20, spouse_age) if male_head else head_age)

        def kids(k: int, surname: str, mother_age: int) -> None:
            for _ in range(k):
                hi = min(40, mother_age)
                if hi < 20:
                    break
                age = mother_age - ri(20, hi)
                male = rng.random() < 0.52
                people.append(["之子" if male else "之女", "男" if male else "女", age, surname, "在册"])

        def parents(which: str, head_age: int) -> None:
            head = people[0]
            if which in ("父亲", "both"):
                sn = head[3] if head[1] == "男" else self._surname()
                people.append(["父亲", "男", min(96, head_age + ri(24, 32)), sn, "在册"])
            if which in ("母亲", "both"):
                people.append(["母亲", "女", min(98, head_age + ri(21, 29)), self._surname(), "在册"])

        if r < 0.06:  # elderly living alone
            people.append(["户主", "男" if rng.random() < 0.45 else "女", ri(66, 89), self._surname(), "在册"])
        elif r < 0.09:  # single adult
            people.append(["户主", "男" if rng.random() < 0.7 else "女", ri(40, 64), self._surname(), "在册"])
        elif r < 0.17:  # elderly couple
            couple(ri(62, 82))
        elif r < 0.21:  # single parent
            sex = "男" if rng.random() < 0.45 else "女"
            head_age = ri(36, 55)
            sn = self._surname()
            people.append(["户主", sex, head_age, sn, "在册"])
            kids(ri(1, 2), sn, head_age)
        elif r < 0.36:
            sn, mother = couple(ri(36, 58))
            kids(1, sn, mother)
        elif r < 0.63:
            sn, mother = couple(ri(38, 58))
            kids(2, sn, mother)
        elif r < 0.75:
            sn, mother = couple(ri(40, 60))
            kids(3, sn, mother)
        elif r < 0.85:
            head_age = ri(40, 56)
            sn, mother = couple(head_age)
            kids(2, sn, mother)
            parents("母亲" if rng.random() < 0.6 else "父亲", head_age)
        elif r < 0.90:
            head_age = ri(40, 52)
            sn, mother = couple(head_age)
            kids(ri(1, 2), sn, mother)
            parents("both", head_age)
        elif r < 0.97:  # three generations under an older head
            sn, mother = couple(ri(58, 75))
            if rng.random() < 0.88:
                son_age = max(24, mother - ri(21, 30))
                people.append(["之子", "男", son_age, sn, "在册"])
                wife_age = max(22, son_age - ri(-2, 4))
                people.append(["儿媳", "女", wife_age, self._surname(), "在册"])
                child_sn, child_mother = sn, wife_age
            else:
                daughter_age = max(24, mother - ri(21, 30))
                people.append(["之女", "女", daughter_age, sn, "在册"])
                husband_sn = self._surname()
                people.append(["女婿", "男", daughter_age + ri(0, 4), husband_sn, "在册"])
                child_sn, child_mother = husband_sn, daughter_age
            for _ in range(ri(1, 3)):
                hi = min(36, child_mother)
                age = max(0, child_mother - ri(20, max(20, hi)))
                male = rng.random() < 0.52
                people.append(["孙子" if male else "孙女", "男" if male else "女", age, child_sn, "在册"])
        else:  # with a brother or sister, or another relative
            head_age = ri(38, 60)
            sn, mother = couple(head_age)
            kids(ri(1, 2), sn, mother)
            male = rng.random() < 0.6
            rel = "兄弟姐妹" if rng.random() < 0.8 else "其他"
            sib_sn = people[0][3] if rel == "兄弟姐妹" else self._surname()
            people.append([rel, "男" if male else "女", max(18, head_age + ri(-10, 10)), sib_sn, "在册"])

        if len(people) < 7 and rng.random() < 0.06 and people[0][2] < 60:  # one more child
            mother = next((p[2] for p in people if p[0] in ("户主", "配偶") and p[1] == "女"), people[0][2])
            kids(1, people[0][3] if people[0][1] == "男" else (people[1][3] if len(people) > 1 else people[0][3]), mother)
        # People who left the register: a daughter married out, a parent who died.
        head_age = people[0][2]
        if head_age >= 45 and rng.random() < 0.03:
            people.append(["之女", "女", ri(20, min(35, head_age - 20)), people[0][3], "迁出"])
        if head_age >= 40 and rng.random() < 0.015 and not any(p[0] in ("父亲", "母亲") for p in people):
            male = rng.random() < 0.5
            sn = people[0][3] if male and people[0][1] == "男" else self._surname()
            people.append(["父亲" if male else "母亲", "男" if male else "女", min(99, head_age + ri(25, 32)),
                           sn, "死亡"])
        return people

    def _household(self, index: int, v: dict, p: dict, archive_no: str,
                   hh_rows: list, tag_rows: list, member_rows: list) -> None:
        rng, today = self.rng, self.today
        ri, ch = self.ri, self.ch
        hid = self._id(Household)
        family = self._family()
        moved_out = rng.random() < 0.004  # 整户迁出
        moved_date = today - dt.timedelta(days=ri(60, 900))
        # Deliberate imperfection: the head died recently and nobody has been made head yet.
        dead_head = (index in self.bad_dead_head and not moved_out
                     and sum(person[4] == "在册" for person in family) >= 2)
        if dead_head:
            family[0][4] = "死亡"
        region = HOME_REGION if rng.random() < 0.85 else ch(NEAR_REGIONS)
        ethnic = self.w_ethnic.pick(rng)
        w_edu, w_able, w_weak, w_old = self.w_edu, self.w_emp_able, self.w_emp_weak, self.w_emp_old

        members: list[dict] = []
        facts: list[MemberFacts] = []
        phones: list[str] = []
        names: set[str] = set()
        income = 0.0
        sick = disabled = students = False
        serious_here: list[int] = []
        for order, (rel, sex, age, surname, status) in enumerate(family):
            mid = self._id(Member)
            male = sex == "男"
            birth = self._birth(age)
            year = birth.year
            member_region = region
            member_ethnic = ethnic
            name = None
            if rel in ("配偶", "儿媳", "女婿"):
                if rng.random() < 0.3:
                    member_region = ch(NEAR_REGIONS)
                if rng.random() < 0.25:
                    member_ethnic = self.w_ethnic.pick(rng)
                if rng.random() < 0.003:
                    name = f"{ch(MINORITY_GIVEN[sex])}·{ch(MINORITY_FATHERS)}"
                    member_ethnic = "维吾尔族"
                    member_region = ch(MINORITY_REGIONS)
            while name is None or name in names:
                name = surname + self._given(male, year)
            names.add(name)

            # Health, labour, employment by age.
            if age < 16:
                health = "健康" if rng.random() < 0.97 else ch(("残疾", "大病", "长期慢性病"))
            else:
                x = rng.random()
                if age < 60:
                    health = "健康" if x < 0.92 else "长期慢性病" if x < 0.96 else "大病" if x < 0.975 else "残疾"
                elif age < 75:
                    health = "健康" if x < 0.65 else "长期慢性病" if x < 0.90 else "大病" if x < 0.94 else "残疾"
                else:
                    health = "健康" if x < 0.40 else "长期慢性病" if x < 0.85 else "大病" if x < 0.90 else "残疾"
            in_school = 6 <= age <= 15 or (16 <= age <= 18 and rng.random() < 0.75) or (
                19 <= age <= 22 and rng.random() < 0.4)
            if age < 16 or (age < 18 and in_school):
                labour = "无劳动力"
            elif health in ("残疾", "大病"):
                labour = "丧失劳动力" if rng.random() < 0.6 else "弱劳动力"
            elif age < 60:
                x = rng.random()
                if health == "长期慢性病":
                    labour = "弱劳动力" if x < 0.5 else "半劳动力"
                else:
                    labour = "普通劳动力" if x < 0.75 else "技能劳动力" if x < 0.93 else "弱劳动力" if x < 0.97 else "半劳动力"
            elif age < 70:
                x = rng.random()
                labour = "普通劳动力" if x < 0.2 else "弱劳动力" if x < 0.55 else "半劳动力" if x < 0.9 else "丧失劳动力"
            elif age < 80:
                x = rng.random()
                labour = "半劳动力" if x < 0.15 else "弱劳动力" if x < 0.4 else "丧失劳动力" if x < 0.8 else "无劳动力"
            else:
                labour = "丧失劳动力" if rng.random() < 0.6 else "无劳动力"
            if age < 6:
                employment = "无"
            elif in_school:
                employment = "在校生"
            elif labour in ("丧失劳动力", "无劳动力"):
                employment = "无"
            elif age >= 60:
                employment = w_old.pick(rng)
            elif labour in ("弱劳动力", "半劳动力"):
                employment = w_weak.pick(rng)
            else:
                employment = w_able.pick(rng)

            if age < 6:
                education = "学龄前"
            elif in_school:
                education = "小学" if age <= 11 else "初中" if age <= 14 else "高中" if age <= 18 else ch(
                    ("大专", "本科"))
            elif age <= 18:
                x = rng.random()
                education = "初中" if x < 0.75 else "小学" if x < 0.85 else "高中"
            elif age <= 22:
                x = rng.random()
                education = "初中" if x < 0.45 else "高中" if x < 0.7 else "中专" if x < 0.95 else "大专"
            else:
                era = "old" if year < 1960 else "mid" if year < 1975 else "late" if year < 1990 else "new"
                education = w_edu[era].pick(rng)
            party = age >= 18 and rng.random() < (0.08 if male else 0.03) * (1.5 if age >= 50 else 1.0)
            phone = ""
            if age >= 18 and rng.random() < (0.8 if age < 65 else 0.35):
                phone = self._phone()

            if status == "在册" and moved_out:
                status = "迁出"
            status_date = None
            member_notes = ""
            if moved_out:
                status_date, member_notes = moved_date, "随户迁出"
            elif status != "在册":
                # Married out as an adult, or died in the last few years.
                status_date = max(birth + dt.timedelta(days=18 * 366), today - dt.timedelta(days=ri(30, 1800)))
                member_notes = "婚嫁迁出" if status == "迁出" else ch(("因病去世", "病故", "因病去世，已注销户口"))

            id_number = self._make_id(member_region, birth, male)
            members.append({
                "id": mid, "household_id": hid, "sort_order": order, "name": name, "relation": rel, "sex": sex,
                "id_number": id_number, "birth_date": birth, "ethnic_group": member_ethnic, "education": education,
                "health": health, "labour": labour, "employment": employment, "party_member": party,
                "phone": phone, "status": status, "status_date": status_date, "notes": member_notes,
            })
            if status == "在册":
                if employment in INCOME:
                    lo, hi = INCOME[employment]
                    income += rng.uniform(lo, hi)
                if age >= 60:
                    income += rng.uniform(1500, 2600)  # 城乡居民养老金
                sick = sick or health in ("大病", "长期慢性病")
                disabled = disabled or health == "残疾"
                students = students or employment == "在校生"
                if health == "大病":
                    serious_here.append(mid)
                if 16 <= age < 60 and labour in vocab.LABOUR_ABLE and employment != "在校生":
                    self.workers.append((hid, mid, employment))
                    if employment == "自主创业":
                        self.entrepreneurs.append((hid, mid))
                if party:
                    self.party_members.append((hid, mid, age, p["pi"]))
                if 18 <= age <= 35 and education in ("高中", "中专", "大专", "本科"):
                    self.youth.append((hid, mid, p["pi"]))

        # Deliberate imperfections (SPEC §4.5 must have something to show).
        notes = ""
        if dead_head:
            members[0]["status_date"] = today - dt.timedelta(days=ri(20, 300))
            notes = "户主已去世，待确定新户主"
        elif index in self.bad_two_heads and len(members) >= 2 and members[1]["status"] == "在册":
            members[1]["relation"] = vocab.HEAD
        if rng.random() < 0.02:  # one member without an ID (often a newborn not yet registered)
            target = members[-1] if members[-1]["birth_date"].year >= today.year - 1 else ch(members)
            self.used_ids.discard(target["id_number"])
            target["id_number"] = ""
            if target["birth_date"].year >= today.year - 1:
                notes = notes or "新生儿尚未办理户口"

        active = [m for m in members if m["status"] == "在册"]
        size = len(active)
        for m in members:
            facts.append(MemberFacts(m["name"], m["relation"], m["sex"], m["id_number"], m["birth_date"],
                                     m["labour"], m["status"], m["id"]))
            phones.append(m["phone"])

        # Household fields.
        housing = self.w_housing.pick(rng)
        leaks = housing != vocab.NO_HOUSE and rng.random() < 0.05
        geo = rng.random() < (0.012 if p["kind"] == "分散" else 0.001)
        x = rng.random()
        if x < 0.01:
            land = None  # unknown
        elif x < 0.09:
            land = Decimal("0.00")
        else:
            land = Decimal(ch((ri(2, 45) * 10, ri(20, 450)))).scaleb(-2)
        if land:
            income += float(land) * rng.uniform(300, 900)
        per_capita = income / max(1, size)
        income_value = _yuan(income) if size else None

        alone = size == 1 and active[0]["birth_date"].year <= today.year - 65 if size else False
        old_couple = size == 2 and all(m["birth_date"].year <= today.year - 70 for m in active)
        tags: list[str] = []
        if size:
            if per_capita < 6500 and rng.random() < 0.75 or per_capita < 10000 and rng.random() < 0.04:
                tags.append(vocab.TAG_LOW_INCOME)
            if (sick or disabled) and per_capita < 12000 and rng.random() < 0.35 or rng.random() < 0.008:
                tags.append(vocab.TAG_HARDSHIP)
            if alone and rng.random() < 0.6 or old_couple and rng.random() < 0.25 or (
                    disabled and size <= 2 and rng.random() < 0.5):
                tags.append(vocab.TAG_ELDERLY)

        head = next((m for m in active if m["relation"] == vocab.HEAD), members[0])
        phone = head["phone"] or next((m["phone"] for m in active if m["phone"]), "")
        recorded = len(members) if moved_out else size
        if index in self.bad_size and not moved_out:
            recorded = size + 1 if size <= 1 or rng.random() < 0.6 else size - 1
        if moved_out:
            notes = f"{moved_date.year}年{moved_date.month}月全家迁往外县"
        elif not notes and rng.random() < 0.08:
            notes = ch(HOUSEHOLD_NOTES)
        if geo and not notes:
            notes = "原住房位于地质灾害隐患点，暂未搬迁"

        if p["kind"] == "集中":
            address = f"{p['address']}{ri(1, 12)}栋{ri(1, 3)}单元{ri(1, 6)}0{ri(1, 4)}室"
        else:
            address = f"{self.town}{v['name']}{p['group']}{ri(1, 150)}号"
        year = min(2020, max(2008, p["year"] + ri(-1, 1)))
        relocation = str(year) if rng.random() < 0.4 else f"{year}-{ri(1, 12):02d}"
        old_village = ch(v["old"])

        cache = derive(
            HouseholdFacts(members=facts, village=str(v["id"]), settlement_point=str(p["id"]),
                           housing_status=housing, land_mu=land, declared_tags=frozenset(tags),
                           household_size=recorded),
            archive_no=archive_no, phone=phone, member_phones=phones,
        )
        hh_rows.append({
            "id": hid, "archive_no": archive_no, "village_id": v["id"],
            "group_name": p["group"] if rng.random() < 0.9 else ch(GROUPS[:8]),
            "settlement_point_id": p["id"], "address": address,
            "original_residence": f"{RESERVOIR}库区淹没区{old_village}{ch(GROUPS[:9])}",
            "relocation_date": relocation, "settlement_type": "集中安置" if p["kind"] == "集中" else "分散安置",
            "housing_status": housing, "house_leaks": leaks, "geohazard_unmoved": geo, "land_mu": land,
            "annual_income": income_value, "phone": phone, "household_size": recorded, "notes": notes,
            "status": "整户迁出" if moved_out else vocab.HOUSEHOLD_ACTIVE,
            "key_flags": cache.key_flags, "archive_state": cache.archive_state, "head_name": cache.head_name,
            "member_count": cache.member_count, "search_text": cache.search_text,
        })
        for t in tags:
            tag_rows.append({"household_id": hid, "tag": t})
        member_rows.extend(members)
        if not moved_out:
            self.serious.extend((hid, m) for m in serious_here)
        self.hh.append(_H(
            id=hid, vi=v["vi"], pi=p["pi"], flags=cache.key_flags,
            active=not moved_out, head_mid=head["id"], head_name=cache.head_name or head["name"], housing=housing,
            leaks=leaks, geo=geo, poor=per_capita < 8000, sick=sick, disabled=disabled, students=students,
            alone=alone, tags=tags, size=size,
        ))

    # ------------------------------------------------------------------ cadres and 包保

    def _cadre(self, rank: str, post: str, unit: str | int | None, name: str | None = None,
               phone: str | None = None) -> dict:
        unit_id = self.units.get(unit) if isinstance(unit, str) else unit
        c = {"id": self._id(Cadre), "name": name or self._person_name(), "post": post, "unit_id": unit_id,
             "phone": phone or self._phone(), "rank": rank, "active": True, "sort_order": len(self.cadres)}
        self.cadres.append(c)
        return c

    def _cadres(self) -> None:
        rng = self.rng
        self.cadres: list[dict] = []
        nv = len(self.villages)
        key = [h for h in self.hh if h.active and h.flags & (vocab.SANTE_MASK | vocab.SANWU_MASK)]
        self.key = key
        rng.shuffle(key)
        uncovered = max(1, round(len(key) * 0.05)) if len(key) >= 10 else 0
        self.uncovered = {h.id for h in key[:uncovered]}
        covered = [h for h in key if h.id not in self.uncovered]
        key.sort(key=lambda h: h.id)
        covered.sort(key=lambda h: h.id)
        self.covered = covered
        self.summary.key_households = len(key)
        self.summary.key_households_uncovered = uncovered

        ranks = vocab.CADRE_RANKS
        n_main = 2 + nv // 10
        self.main = [self._cadre(ranks[0], MAIN_LEADER_POSTS[i % len(MAIN_LEADER_POSTS)], OFFICE_UNIT)
                     for i in range(n_main)]
        self.board = [self._cadre(ranks[1], post, OFFICE_UNIT) for post in CADRE_POSTS_TOWN]
        self.link = []
        for v in self.villages:
            post = f"{rng.choice(LINK_POSTS)}（联系{v['name']}）"
            self.link.append(self._cadre(ranks[2], post, OFFICE_UNIT))
        self.unit_heads: dict[str, dict] = {}
        self.dept: list[dict] = []
        global_share = 0.12 * len(covered)
        staff_total = max(len(vocab.DEFAULT_UNITS), math.ceil(global_share / 15) - len(self.board))
        per_unit = _apportion(staff_total, [1.0] * len(vocab.DEFAULT_UNITS))
        for name, extra in zip(vocab.DEFAULT_UNITS, per_unit):
            head = self._cadre(ranks[4], f"{name[1:]}{DEPT_HEAD_POST.get(name, '主任')}", name)
            self.unit_heads[name] = head
            self.dept.append(head)
            for _ in range(extra):
                self.dept.append(self._cadre(ranks[4], rng.choice(DEPT_STAFF_POSTS), name))
        self.unit_heads[OFFICE_UNIT] = self.board[0]

        by_village: dict[int, int] = {}
        for h in covered:
            by_village[h.vi] = by_village.get(h.vi, 0) + 1
        for vi, v in enumerate(self.villages):
            vc = [self._cadre(ranks[3], "党支部书记", v["unit_id"], v["secretary"], v["secretary_phone"]),
                  self._cadre(ranks[3], "村委会主任", v["unit_id"], v["director"], v["director_phone"]),
                  self._cadre(ranks[3], "村监委会主任", v["unit_id"])]
            want = max(4, math.ceil(by_village.get(vi, 0) * 0.88 / 15) - 1)
            while len(vc) < want:
                vc.append(self._cadre(ranks[3], rng.choice(VILLAGE_POSTS_EXTRA), v["unit_id"]))
            v["cadres"] = vc
            self.unit_heads[v["name"]] = vc[0]
        self._insert(Cadre, self.cadres, "cadres")

        # Unit heads and phones, and the town profile.
        for name, c in self.unit_heads.items():
            uid = self.units.get(name) or next(v["unit_id"] for v in self.villages if v["name"] == name)
            self.s.execute(update(Unit).where(Unit.id == uid, Unit.head == "").values(head=c["name"], phone=c["phone"]))
        if self.fill_profile:
            station_head = self.unit_heads[STATION_UNIT]
            contact = next((c for c in self.dept if c["unit_id"] == self.units[STATION_UNIT] and c is not station_head),
                           station_head)
            values = {
                "town_name": self.town, "county_name": self.county, "station_name": f"{self.town}水利移民站",
                "leader": f"{self.main[0]['name']}（{self.main[0]['post']}）",
                "deputy_leaders": "\n".join(f"{c['name']}（{c['post']}）" for c in [self.main[1], *self.board[:2]]),
                "group_members": "\n".join(
                    [f"{c['name']}（{c['post']}）" for c in self.board[2:5]]
                    + [f"{self.unit_heads[u]['name']}（{u}{DEPT_HEAD_POST.get(u, '主任')}）"
                       for u in vocab.DEFAULT_UNITS]
                    + ["各村党支部书记、村委会主任"]),
                "office_director": f"{station_head['name']}（{self.town}水利移民站站长）",
                "daily_contact": f"{contact['name']}（{self.town}水利移民站）",
                "contact_phone": contact["phone"],
            }
            if self.profile_id is None:
                self.s.execute(insert(TownProfile.__table__),
                               [{"id": 1, **values, "created_at": self.stamp, "updated_at": self.stamp}])
            else:
                self.s.execute(update(TownProfile).where(TownProfile.id == self.profile_id).values(**values))

    def _baobao(self) -> None:
        rng, today = self.rng, self.today
        sizes = [0] * len(self.points)
        for h in self.hh:
            if h.active:
                sizes[h.pi] += 1
        self.point_sizes = sizes

        # Point leaders (SPEC §4.3), with one or two deliberate gaps for the coverage screens.
        rows = []
        big = sorted((p for p in self.points if p["kind"] == "集中" and sizes[p["pi"]] >= vocab.POINT_LEADER_THRESHOLD),
                     key=lambda p: (sizes[p["pi"]], p["pi"]))
        gaps = set()
        if big:
            unnamed = [p["pi"] for p in big if not p["named"]]
            gaps = set((unnamed or [big[0]["pi"]])[: 2 if len(big) >= 12 else 1])
        big_ids = {p["pi"] for p in big}
        self.point_leader: dict[int, dict] = {}
        main_i = 0
        small_gap = len(self.points) >= 8
        for p in self.points:
            v = self.villages[p["vi"]]
            start = today - dt.timedelta(days=rng.randint(200, 1400))
            if p["pi"] in big_ids and p["pi"] not in gaps:
                leader = self.main[main_i % len(self.main)]
                main_i += 1
            elif p["pi"] in big_ids:
                leader = rng.choice(self.board)
            elif small_gap and p["kind"] == "分散" and sizes[p["pi"]] > 0:
                leader = v["cadres"][0]  # a 村干部 only: below the rank §4.3 asks for
                small_gap = False
            else:
                leader = self.link[p["vi"]] if rng.random() < 0.75 else rng.choice(self.board)
            if p["named"] and rng.random() < 0.7:  # a change of leader kept as history
                earlier = start - dt.timedelta(days=rng.randint(300, 700))
                rows.append({"id": self._id(PointAssignment), "settlement_point_id": p["id"],
                             "cadre_id": rng.choice(self.board)["id"], "role": "牵头", "start_date": earlier,
                             "end_date": start})
            rows.append({"id": self._id(PointAssignment), "settlement_point_id": p["id"], "cadre_id": leader["id"],
                         "role": "牵头", "start_date": start, "end_date": None})
            self.point_leader[p["pi"]] = leader
            if p["kind"] == "集中":
                rows.append({"id": self._id(PointAssignment), "settlement_point_id": p["id"],
                             "cadre_id": v["cadres"][0]["id"], "role": "成员", "start_date": start, "end_date": None})
        self._insert(PointAssignment, rows, "point_assignments")

        # One-to-one 包保 of key households: mostly by village cadres, some by departments and the town board.
        global_pool = self.board + self.dept
        g_i = 0
        v_i = [0] * len(self.villages)
        rows = []
        self.assign: dict[int, tuple[dict, dt.date, dict | None, dt.date | None]] = {}
        window_start = _month_start(today, 11)
        for h in self.covered:
            v = self.villages[h.vi]
            if rng.random() < 0.12:
                cadre = global_pool[g_i % len(global_pool)]
                g_i += 1
            else:
                pool = v["cadres"] + [self.link[h.vi]]
                cadre = pool[v_i[h.vi] % len(pool)]
                v_i[h.vi] += 1
            prev = prev_start = None
            if rng.random() < 0.03:  # reassigned within the last year
                start = window_start + dt.timedelta(days=rng.randint(20, max(21, (today - window_start).days - 20)))
                prev = rng.choice(v["cadres"])
                if prev is cadre:
                    prev = self.link[h.vi]
                prev_start = start - dt.timedelta(days=rng.randint(400, 1000))
                rows.append({"id": self._id(HouseholdAssignment), "household_id": h.id, "cadre_id": prev["id"],
                             "start_date": prev_start, "end_date": start})
            else:
                start = today - dt.timedelta(days=rng.randint(60, 1300))
            rows.append({"id": self._id(HouseholdAssignment), "household_id": h.id, "cadre_id": cadre["id"],
                         "start_date": start, "end_date": None})
            self.assign[h.id] = (cadre, start, prev, prev_start)
        self._insert(HouseholdAssignment, rows, "household_assignments")

        # 分类包保 by departments, for a reason.
        rows = []
        social, housing_unit, labour_unit, farm = (self.units["镇社事办"], self.units["镇村建中心"],
                                                   self.units["镇人社中心"], self.units["镇农业中心"])
        for h in self.key:
            reasons = []
            if h.sick:
                reasons.append(("因病", social))
            if h.disabled:
                reasons.append(("因残", social))
            if h.students and h.poor:
                reasons.append(("因学", social))
            if h.geo:
                reasons.append(("因灾", housing_unit))
            if not h.flags & vocab.TAG_BITS[vocab.TAG_NO_LABOUR] and h.poor:
                reasons.append((rng.choice(("缺技术", "缺资金")), labour_unit if rng.random() < 0.6 else farm))
            elif h.flags & vocab.TAG_BITS[vocab.TAG_NO_LABOUR]:
                reasons.append(("缺劳力", labour_unit))
            if not reasons or rng.random() > 0.35:
                continue
            reason, unit = rng.choice(reasons)
            start = today - dt.timedelta(days=rng.randint(30, 1000))
            end = None
            if rng.random() < 0.05:
                end = start + dt.timedelta(days=rng.randint(90, 300))
                end = min(end, today)
            rows.append({"id": self._id(UnitAssignment), "household_id": h.id, "unit_id": unit, "reason": reason,
                         "start_date": start, "end_date": end})
        self._insert(UnitAssignment, rows, "unit_assignments")

    # ------------------------------------------------------------------ visits

    def _visits(self) -> None:
        rng, today = self.rng, self.today
        ch = self.ch
        months = []
        for back in range(11, -1, -1):
            first = _month_start(today, back)
            last = min(_month_end(first), today)
            months.append((first, (last - first).days + 1, back == 0))
        n_prob = self._problem_total()
        expected = max(1.0, len(self.covered) * 7.5)  # 入户 visits over the year
        p_problem = min(0.2, 0.35 * n_prob / expected)
        self.visit_problems: list[tuple[int, dt.date, int, _H]] = []
        rows: list[dict] = []
        for h in self.covered:
            cadre, start, prev, prev_start = self.assign[h.id]
            laggard = rng.random() < 0.04
            key_words = VISIT_FINDINGS_KEY if h.tags or h.flags else VISIT_FINDINGS_GENERAL
            for first, span, current in months:
                p = 0.5 if laggard else 0.86 if current else 0.93
                if rng.random() >= p:
                    continue
                for _ in range(2 if rng.random() < 0.04 else 1):
                    d = first + dt.timedelta(days=int(rng.random() * span))
                    if d >= start:
                        who = cadre
                    elif prev is not None and d >= prev_start:
                        who = prev
                    else:
                        continue
                    x = rng.random()
                    way = "入户" if x < 0.72 else "电话" if x < 0.92 else "集中"
                    if way == "电话":
                        words = ch(VISIT_FINDINGS_PHONE)
                    elif way == "集中":
                        words = ch(VISIT_FINDINGS_GROUP)
                    else:
                        words = ch(key_words if rng.random() < 0.5 else VISIT_FINDINGS_GENERAL)
                    vid = self._id(Visit)
                    if way == "入户" and rng.random() < p_problem:
                        self.visit_problems.append((vid, d, who["id"], h))
                        words = None  # filled when the problem is made
                    rows.append({"id": vid, "date": d, "cadre_id": who["id"], "household_id": h.id, "way": way,
                                 "findings": words})
        self.visit_rows_pending = rows  # inserted after the problems fill in their findings

    # ------------------------------------------------------------------ inspections and problems

    def _problem_total(self) -> int:
        return max(round(self.n * 0.06), min(30, 6 + self.n // 10))

    def _inspections(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        self.inspection_list: list[tuple[dt.date, int | None]] = []
        n = max(6, len(self.villages) * 2)
        notice: dict[int, int] = {}
        abbrev = self.town[0]
        for d in sorted(today - dt.timedelta(days=rng.randint(5, 500)) for _ in range(n)):
            if rng.random() < 0.65:
                v = rng.choice(self.villages)
                unit_id, village_id, target = v["unit_id"], v["id"], v["name"]
            else:
                name = rng.choice([u for u in vocab.DEFAULT_UNITS if u != "镇督查室"])
                unit_id, village_id, target = self.units[name], None, name
            found = rng.sample(INSPECTION_FINDINGS, rng.randint(0, 3))
            issues = len(found) + (rng.randint(0, 3) if found else 0)
            issued = issues >= 3 or (issues > 0 and rng.random() < 0.3)
            no = ""
            if issued:
                notice[d.year] = notice.get(d.year, 0) + 1
                no = f"{abbrev}督通〔{d.year}〕{notice[d.year]}号"
            accountability = ""
            if issues >= 5:
                accountability = f"对{target}主要负责人进行约谈，责令限期整改"
            elif issued:
                accountability = "责令限期整改，整改情况报镇督查室"
            findings = ("；".join(found) + "。") if found else "资料齐全，工作推进有序，未发现问题。"
            rows.append({"id": self._id(Inspection), "date": d, "unit_id": unit_id, "village_id": village_id,
                         "findings": f"督查{target}：{findings}", "issues_found": issues, "notice_issued": issued,
                         "notice_no": no, "accountability": accountability})
            if found:
                self.inspection_list.append((d, village_id))
        self._insert(Inspection, rows, "inspections")

    def _problems(self) -> None:
        rng, today = self.rng, self.today
        total = self._problem_total()
        active = [h for h in self.hh if h.active]
        rows: list[dict] = []
        progress: list[dict] = []
        self.open_problems: list[int] = []

        def add(found: dt.date, source: str, area: str, template: tuple[str, str, str], h: _H | None,
                point: dict | None, visit_id: int | None = None, cadre_id: int | None = None) -> str:
            if h is not None:
                point = self.points[h.pi]
            v = self.villages[point["vi"]] if point else None
            desc, measures, result = template
            desc = desc.format(p=point["name"] if point else "")
            unit_name = AREA_UNIT[area]
            unit_id = self.units[unit_name] if unit_name else (v["unit_id"] if v else None)
            owner = self.unit_heads.get(unit_name) if unit_name else (v["cadres"][0] if v else None)
            if area == "包保扶持" and h is not None and h.id in self.assign:
                owner = self.assign[h.id][0]
            age = (today - found).days
            long_job = area in ("住房保障", "环境整治", "产业扶持", "组织建设")
            deadline = found + dt.timedelta(days=rng.choice((60, 90, 120, 180) if long_job else (15, 30, 30, 45, 60)))
            x = rng.random()
            if age > 365:
                status = "已解决" if x < 0.88 else "暂无法解决" if x < 0.96 else "办理中"
            elif age > 120:
                status = "已解决" if x < 0.8 else "暂无法解决" if x < 0.88 else "办理中" if x < 0.97 else "待办"
            elif age > 30:
                status = "已解决" if x < 0.45 else "暂无法解决" if x < 0.48 else "办理中" if x < 0.88 else "待办"
            else:
                status = "已解决" if x < 0.2 else "办理中" if x < 0.65 else "待办"
            pid = self._id(Problem)
            resolved = None
            if status == "已解决":
                resolved = min(today, found + dt.timedelta(days=rng.randint(3, max(4, min(120, age)))))
            rows.append({
                "id": pid, "found_date": found, "source": source, "focus_area": area, "description": desc,
                "household_id": h.id if h else None, "settlement_point_id": point["id"] if point else None,
                "village_id": v["id"] if v else None, "visit_id": visit_id, "unit_id": unit_id,
                "responsible_cadre_id": owner["id"] if owner else cadre_id,
                "responsible_person": owner["name"] if owner else "", "deadline": deadline,
                "measures": measures if status != "待办" or rng.random() < 0.5 else "",
                "status": status, "unresolvable_reason": UNRESOLVABLE[area] if status == "暂无法解决" else "",
                "resolved_date": resolved, "result": result if status == "已解决" else "",
            })
            if status in vocab.PROBLEM_OPEN:
                self.open_problems.append(pid)
            if status != "待办":
                end = resolved or today
                steps = rng.randint(1, 3)
                for k in range(steps):
                    d = found + dt.timedelta(days=max(1, (end - found).days) * (k + 1) // (steps + 1))
                    note = rng.choice(PROGRESS_NOTES).format(u=unit_name or (v["name"] if v else "镇水利移民站"))
                    progress.append({"id": self._id(ProblemProgress), "problem_id": pid, "date": d, "note": note})
            return desc

        def household_problem(h: _H) -> tuple[str, tuple[str, str, str]]:
            if h.housing == vocab.NO_HOUSE:
                return "住房保障", PROBLEMS_HOUSEHOLD["住房保障"][1]
            if h.leaks:
                return "住房保障", PROBLEMS_HOUSEHOLD["住房保障"][0]
            if h.geo:
                return "住房保障", PROBLEMS_HOUSEHOLD["住房保障"][2]
            if h.sick and rng.random() < 0.5:
                return "政策兜底", PROBLEMS_HOUSEHOLD["政策兜底"][1]
            if h.alone and rng.random() < 0.5:
                return "政策兜底", PROBLEMS_HOUSEHOLD["政策兜底"][2]
            area = rng.choice(("产业扶持", "创业就业", "创业就业", "政策兜底", "住房保障", "包保扶持", "宣传引导"))
            return area, rng.choice(PROBLEMS_HOUSEHOLD[area])

        # From visits (the visit's findings name the problem).
        pending = {vid: None for vid, *_ in self.visit_problems}
        for vid, d, cadre_id, h in self.visit_problems:
            area, template = household_problem(h)
            desc = add(d, "走访", area, template, h, None, vid, cadre_id)
            pending[vid] = f"走访发现：{desc}，已登记问题台账"
        for r in self.visit_rows_pending:
            if r["findings"] is None:
                r["findings"] = pending[r["id"]]
        for k in range(0, len(self.visit_rows_pending), 20000):
            self._insert_many(Visit, self.visit_rows_pending[k:k + 20000], "visits")
        self.visit_rows_pending = []

        remaining = max(0, total - len(rows))
        # 调查摸底 (the survey stage, two to three years ago), 群众反映 and 督查.
        survey_start = today - dt.timedelta(days=1000)
        for i in range(remaining):
            x = rng.random()
            if x < 0.4:
                source, found = "调查摸底", survey_start + dt.timedelta(days=rng.randint(0, 180))
            elif x < 0.8 or not self.inspection_list:
                # Complaints are mostly recent ones.
                source, found = "群众反映", today - dt.timedelta(days=int(540 * rng.random() ** 2))
            else:
                d, village_id = rng.choice(self.inspection_list)
                source, found = "督查", d
            if rng.random() < 0.3 or not active:
                area = rng.choice(("环境整治", "环境整治", "环境整治", "组织建设", "宣传引导"))
                candidates = [p for p in self.points if p["kind"] == "集中"] or self.points
                point = rng.choice(candidates)
                add(found, source, area, rng.choice(PROBLEMS_POINT[area]), None, point)
            else:
                h = rng.choice(active)
                area, template = household_problem(h)
                add(found, source, area, template, h, None)
        # Some open ones are past their deadline: make sure the overdue list has something to show.
        overdue = [r for r in rows if r["status"] in vocab.PROBLEM_OPEN and r["deadline"] < today]
        if not overdue:
            for r in [r for r in rows if r["status"] in vocab.PROBLEM_OPEN][:3]:
                r["deadline"] = today - dt.timedelta(days=rng.randint(3, 30))
                r["found_date"] = min(r["found_date"], r["deadline"] - dt.timedelta(days=15))
        rows.sort(key=lambda r: r["id"])
        self._insert(Problem, rows, "problems")
        progress.sort(key=lambda r: r["id"])
        self._insert(ProblemProgress, progress, "problem_progress")

    # ------------------------------------------------------------------ work ledgers

    def _employment(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        n_train = max(20, round(self.n * 0.08))
        n_place = max(10, round(self.n * 0.035))
        if self.workers:
            for _ in range(n_train):
                hid, mid, _emp = rng.choice(self.workers)
                rows.append(self._emp_row(hid, mid, "技能培训", rng.choice(TRAININGS), "", None,
                                          today - dt.timedelta(days=rng.randint(0, 720))))
            placeable = [w for w in self.workers if w[2] in EMPLOYERS] or self.workers
            for _ in range(n_place):
                hid, mid, emp = rng.choice(placeable)
                employer = rng.choice(EMPLOYERS.get(emp, EMPLOYERS["县内务工"]))
                rows.append(self._emp_row(hid, mid, "就业安置", employer, emp if emp in EMPLOYERS else "县内务工", None,
                                          today - dt.timedelta(days=rng.randint(0, 720))))
        founders = self.entrepreneurs or self.workers[:5]
        n_found = max(4, round(len(founders) * 0.4)) if founders else 0
        for hid, mid, *_ in rng.sample(founders, min(n_found, len(founders))):
            start = today - dt.timedelta(days=rng.randint(60, 900))
            shop = rng.choice(WORKSHOPS)
            rows.append(self._emp_row(hid, mid, "小作坊", shop, "自主创业", None, start))
            if rng.random() < 0.7:
                rows.append(self._emp_row(hid, mid, "创业一次性补贴", f"开办{shop}", "",
                                          Decimal(rng.choice((5000, 5000, 10000))).quantize(Decimal("0.01")),
                                          start + dt.timedelta(days=rng.randint(20, 90))))
            if rng.random() < 0.5:
                rows.append(self._emp_row(hid, mid, "场租补贴", f"{shop}经营场所租金补贴", "",
                                          _yuan(rng.choice((1200, 2400, 3600, 4800, 6000))),
                                          start + dt.timedelta(days=rng.randint(30, 200))))
            if rng.random() < 0.35:
                loan = rng.choice((5, 10, 15, 20, 30))
                rows.append(self._emp_row(hid, mid, "小额贷款担保贴息", f"创业担保贷款{loan}万元贴息", "",
                                          _yuan(loan * 10000 * rng.uniform(0.03, 0.045)),
                                          start + dt.timedelta(days=rng.randint(60, 360))))
        rows = [r for r in rows if r["date"] <= today]
        rows.sort(key=lambda r: (r["date"], r["household_id"]))
        for r in rows:
            r["id"] = self._id(EmploymentRecord)
        self.employment_rows = rows
        self._insert(EmploymentRecord, rows, "employment_records")

    def _emp_row(self, hid, mid, kind, detail, employment, amount, d) -> dict:
        return {"id": None, "date": d, "household_id": hid, "member_id": mid, "kind": kind, "detail": detail,
                "employment": employment, "amount": amount, "notes": ""}

    def _support(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        this_year = dt.date(today.year, 1, 1)
        last_year = dt.date(today.year - 1, 1, 1)
        months_now = today.month
        for h in self.hh:
            if not h.active:
                continue
            dibao = (vocab.TAG_LOW_INCOME in h.tags and rng.random() < 0.9) or (
                vocab.TAG_HARDSHIP in h.tags and rng.random() < 0.5)
            tekun = vocab.TAG_ELDERLY in h.tags and h.alone and rng.random() < 0.65
            if tekun:
                monthly = rng.randint(700, 950)
                kind = "特困供养"
            elif dibao:
                monthly = rng.randint(300, 650) * min(3, max(1, h.size))
                kind = "低保"
            else:
                kind = None
            if kind:
                rows.append({"household_id": h.id, "member_id": h.head_mid if kind == "特困供养" else None,
                             "kind": kind, "amount": _yuan(monthly * 12), "start_date": last_year,
                             "end_date": dt.date(today.year - 1, 12, 31), "notes": f"每月{monthly}元"})
                rows.append({"household_id": h.id, "member_id": h.head_mid if kind == "特困供养" else None,
                             "kind": kind, "amount": _yuan(monthly * months_now), "start_date": this_year,
                             "end_date": _month_end(_month_start(today, 0)), "notes": f"每月{monthly}元，按月发放"})
            if (h.tags or h.poor) and rng.random() < 0.06:
                d = today - dt.timedelta(days=rng.randint(0, 500))
                rows.append({"household_id": h.id, "member_id": None, "kind": "临时救助",
                             "amount": _yuan(rng.choice((500, 800, 1000, 1500, 2000, 3000))), "start_date": d,
                             "end_date": d, "notes": rng.choice(("因病临时救助", "因灾临时救助", "突发困难救助"))})
        for hid, mid in self.serious:
            if rng.random() < 0.5:
                d = today - dt.timedelta(days=rng.randint(0, 600))
                rows.append({"household_id": hid, "member_id": mid, "kind": "医疗救助",
                             "amount": _yuan(rng.randint(20, 300) * 100), "start_date": d, "end_date": d,
                             "notes": "住院医疗费用救助"})
        for r in rows:
            r["id"] = self._id(SupportRecord)
        self._insert(SupportRecord, rows, "support_records")

    def _housing(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        for h in self.hh:
            if not h.active:
                continue
            point = self.points[h.pi]
            if h.housing == vocab.NO_HOUSE:
                place = rng.choice(vocab.HOUSING_PLACEMENTS)
                rows.append(("无房户安置", place, rng.choice((
                    f"已登记，拟安排{place}，等待分配", f"已提交{place}申请，资料已报县住建局")), None, False, h,
                    today - dt.timedelta(days=rng.randint(10, 200))))
            elif h.housing in vocab.HOUSING_PLACEMENTS:
                rows.append(("无房户安置", h.housing, f"已安置入住{h.housing}", None, True, h,
                             today - dt.timedelta(days=rng.randint(200, 1400))))
            if h.leaks:
                rows.append(("漏水维修", "", rng.choice(("屋面漏水，已勘查，待施工", "卫生间渗漏，已列入维修计划",
                                                       "外墙渗水，施工队已进场")),
                             _yuan(rng.randint(15, 80) * 100), False, h, today - dt.timedelta(days=rng.randint(5, 150))))
            elif rng.random() < 0.02:
                rows.append(("漏水维修", "", rng.choice(("屋面防水维修已完成", "更换屋面瓦片，已完工")),
                             _yuan(rng.randint(15, 80) * 100), True, h, today - dt.timedelta(days=rng.randint(120, 900))))
            if h.geo:
                rows.append(("地灾过渡安置", "安置小区空余房",
                             f"受地质灾害威胁，已过渡安置至{point['name'] if point['kind'] == '集中' else '安置小区'}空余房屋，待搬迁",
                             _yuan(rng.choice((3000, 4000, 6000))), rng.random() < 0.6, h,
                             today - dt.timedelta(days=rng.randint(10, 300))))
        out = []
        for kind, placement, detail, amount, done, h, d in rows:
            out.append({"id": self._id(HousingRecord), "date": d, "household_id": h.id, "kind": kind,
                        "placement": placement, "detail": detail, "amount": amount, "completed": done})
        self._insert(HousingRecord, out, "housing_records")

    def _funds(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        for h in self.hh:
            if h.active and (h.tags or h.poor) and rng.random() < 0.05:
                rows.append({"date": today - dt.timedelta(days=rng.randint(0, 700)),
                             "source": rng.choice(("镇级财政", "县级财政", "移民后期扶持资金")), "kind": "临时困难补助",
                             "amount": _yuan(rng.choice((500, 1000, 1500, 2000, 3000, 5000))), "household_id": h.id,
                             "village_id": self.villages[h.vi]["id"], "recipient": h.head_name,
                             "notes": rng.choice(("突发疾病临时困难补助", "子女上学临时困难补助", "意外事故临时困难补助"))})
            elif h.active and h.tags and rng.random() < 0.05:
                rows.append({"date": dt.date(today.year if today.month >= 2 else today.year - 1, 1, rng.randint(10, 28)),
                             "source": "社会捐助", "kind": "其他", "amount": _yuan(rng.choice((200, 300, 500, 800))),
                             "household_id": h.id, "village_id": self.villages[h.vi]["id"], "recipient": h.head_name,
                             "notes": "春节慰问金"})
        for r in self.employment_rows:
            if r["kind"] == "创业一次性补贴":
                h = self.hh_by_id().get(r["household_id"])
                rows.append({"date": r["date"], "source": "县级财政", "kind": "创业就业补助", "amount": r["amount"],
                             "household_id": r["household_id"], "village_id": self.villages[h.vi]["id"],
                             "recipient": h.head_name, "notes": r["detail"]})
        self.fund_rows = rows  # project funds are added by _projects

    def hh_by_id(self) -> dict[int, _H]:
        if not hasattr(self, "_hh_by_id"):
            self._hh_by_id = {h.id: h for h in self.hh}
        return self._hh_by_id

    def _projects(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        categories = list(PROJECTS)
        for p in self.points:
            if p["named"]:
                chosen = rng.sample(categories[:6], rng.randint(5, 6)) + ["公共服务设施"]
            elif p["kind"] == "集中" and self.point_sizes[p["pi"]] >= 20:
                chosen = rng.sample(categories, rng.randint(1, 3)) if rng.random() < 0.6 else []
            elif p["kind"] == "分散" and rng.random() < 0.1:
                chosen = ["道路"]
            else:
                chosen = []
            v = self.villages[p["vi"]]
            for cat in chosen:
                suffix, (lo, hi) = PROJECTS[cat]
                budget = Decimal(rng.randint(lo * 10, hi * 10) * 1000).quantize(Decimal("0.01"))
                start = today - dt.timedelta(days=rng.randint(0, 1100))
                age = (today - start).days
                x = rng.random()
                if age > 400 and x < 0.8:
                    status, pct = "已验收", 100
                elif age > 200 and x < 0.6:
                    status, pct = "完工", 100
                elif age > 30:
                    status, pct = "在建", rng.randint(3, 19) * 5
                else:
                    status, pct = "谋划", 0
                spent = (budget * Decimal(pct) / 100 * Decimal(rng.uniform(0.85, 1.0))).quantize(Decimal("0.01"))
                if status == "已验收":
                    spent = (budget * Decimal(rng.uniform(0.93, 1.0))).quantize(Decimal("0.01"))
                funding = self.w_funding.pick(rng)
                pid = self._id(Project)
                rows.append({
                    "id": pid, "name": f"{p['name']}{suffix}", "category": cat, "settlement_point_id": p["id"],
                    "village_id": v["id"], "funding_source": funding, "budget": budget, "spent": spent,
                    "progress_pct": pct, "status": status, "start_date": start if status != "谋划" else None,
                    "acceptance_date": (start + dt.timedelta(days=rng.randint(120, 380))) if status == "已验收" else None,
                    "unit_id": self.units[STATION_UNIT if rng.random() < 0.6 else "镇村建中心"],
                    "notes": "" if status != "谋划" else "已完成项目申报，待批复",
                })
                if spent:
                    rows_date = start + dt.timedelta(days=rng.randint(10, 60))
                    self.fund_rows.append({
                        "date": min(today, rows_date),
                        "source": "移民后期扶持资金" if funding == "移民后期扶持项目资金" else
                        "县级财政" if funding in ("县级财政", "以工代赈资金") else "镇级财政",
                        "kind": "项目资金", "amount": spent, "household_id": None, "village_id": v["id"],
                        "recipient": v["name"], "notes": f"{p['name']}{suffix}"})
        if rows:
            self._insert(Project, rows, "projects")
        for r in sorted(self.fund_rows, key=lambda r: (r["date"], r["kind"])):
            r["id"] = self._id(FundRecord)
        self.fund_rows.sort(key=lambda r: r["id"])
        self._insert(FundRecord, self.fund_rows, "fund_records")

    def _activities(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        year_start = dt.date(today.year, 1, 1)
        days_this_year = (today - year_start).days + 1
        last_year = dt.date(today.year - 1, 1, 1)
        for p in self.points:
            size = self.point_sizes[p["pi"]]
            v = self.villages[p["vi"]]
            organiser = v["name"] if rng.random() < 0.6 else f"{v['name']}、{self.town}水利移民站"

            def add(kind: str, d: dt.date) -> None:
                title = rng.choice(ACTIVITIES[kind])
                people = max(5, int(size * rng.uniform(0.3, 1.2))) if size else rng.randint(5, 20)
                rows.append({"id": None, "date": d, "kind": kind, "title": title, "settlement_point_id": p["id"],
                             "organiser": organiser, "participants": people,
                             "summary": f"在{p['name']}开展{title}，{people}人参加。"})

            if p["named"] or rng.random() < 0.85:
                add("居民融合共建活动", year_start + dt.timedelta(days=rng.randrange(days_this_year)))
            if rng.random() < 0.9:
                add("居民融合共建活动", last_year + dt.timedelta(days=rng.randint(0, 364)))
            if p["kind"] == "集中" and rng.random() < 0.5:
                add("评比激励", last_year + dt.timedelta(days=rng.randint(300, 364)))
            if rng.random() < 0.4:
                add("宣传", today - dt.timedelta(days=rng.randint(0, 300)))
        rows.sort(key=lambda r: (r["date"], r["settlement_point_id"]))
        for r in rows:
            r["id"] = self._id(Activity)
        self._insert(Activity, rows, "activities")

    def _party(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        for p in self.points:
            if p["kind"] == "集中" and self.point_sizes[p["pi"]] >= 30:
                status = "已成立" if p["named"] or rng.random() < 0.6 else "筹建中"
                org = "党支部" if self.point_sizes[p["pi"]] >= 50 else "党小组"
                rows.append({"date": today - dt.timedelta(days=rng.randint(100, 1200)), "kind": "党组织",
                             "member_id": None, "settlement_point_id": p["id"],
                             "detail": f"{p['name']}{org}，设立党员活动室，开展“三会一课”", "status": status})
        for hid, mid, age, pi in rng.sample(self.party_members, min(len(self.party_members),
                                                                   max(5, round(len(self.party_members) * 0.3)))):
            joined = today.year - rng.randint(1, max(1, min(40, age - 18)))
            rows.append({"date": today - dt.timedelta(days=rng.randint(30, 700)), "kind": "党员", "member_id": mid,
                         "settlement_point_id": self.points[pi]["id"],
                         "detail": f"{joined}年入党，{rng.choice(('担任楼栋长', '参与安置点志愿服务', '流动党员，在外务工', '参与矛盾纠纷调解'))}",
                         "status": "正式党员" if rng.random() < 0.95 else "预备党员"})
        founders = [(hid, mid) for hid, mid in self.entrepreneurs]
        for hid, mid in rng.sample(founders, min(len(founders), max(3, round(len(founders) * 0.2)))):
            h = self.hh_by_id()[hid]
            rows.append({"date": today - dt.timedelta(days=rng.randint(30, 700)), "kind": "致富带头人", "member_id": mid,
                         "settlement_point_id": self.points[h.pi]["id"],
                         "detail": rng.choice(("带动5户群众发展养殖", "开办小作坊，吸纳本点群众就业", "领办种植合作社")),
                         "status": "已认定"})
            if rng.random() < 0.4:
                rows.append({"date": today - dt.timedelta(days=rng.randint(0, 300)), "kind": "双培", "member_id": mid,
                             "settlement_point_id": self.points[h.pi]["id"], "detail": "把致富带头人培养成党员",
                             "status": rng.choice(("已递交入党申请书", "入党积极分子", "发展对象", "已发展为预备党员"))})
        for hid, mid, pi in rng.sample(self.youth, min(len(self.youth), max(5, round(len(self.youth) * 0.05)))):
            rows.append({"date": today - dt.timedelta(days=rng.randint(0, 500)), "kind": "人才储备库", "member_id": mid,
                         "settlement_point_id": self.points[pi]["id"],
                         "detail": rng.choice(("返乡大学生", "技能人才（电工证）", "退役军人", "致富能手")),
                         "status": "已入库"})
            if rng.random() < 0.2:
                rows.append({"date": today - dt.timedelta(days=rng.randint(0, 300)), "kind": "双培", "member_id": mid,
                             "settlement_point_id": self.points[pi]["id"], "detail": "把党员培养成致富带头人",
                             "status": rng.choice(("培养中", "已结对帮带"))})
        rows.sort(key=lambda r: (r["date"], r["kind"]))
        for r in rows:
            r["id"] = self._id(PartyRecord)
        self._insert(PartyRecord, rows, "party_records")

    # ------------------------------------------------------------------ plan and meetings

    def _plan(self) -> None:
        rng, today = self.rng, self.today
        year = today.year
        scale = self.n / 2000
        counts = {
            "key": len(self.key), "nohouse": sum(1 for h in self.hh if h.active and h.housing == vocab.NO_HOUSE),
            "leaks": sum(1 for h in self.hh if h.active and h.leaks), "visits": len(self.covered) * 12,
            "points": len(self.points),
            "bigpoints": sum(1 for p in self.points if p["kind"] == "集中"
                             and self.point_sizes[p["pi"]] >= vocab.POINT_LEADER_THRESHOLD),
        }
        existing = self.s.scalar(select(Plan.id).where(Plan.year == year, Plan.kind == "年度计划"))
        if existing:
            plan_id = existing
        else:
            plan_id = self._id(Plan)
            self._insert(Plan, [{"id": plan_id, "year": year, "kind": "年度计划",
                                 "title": f"{self.town}{year}年搬迁群众后续扶持年度计划"}], "plans")
        items, progress = [], []
        self.plan_items: list[dict] = []
        for area, title, base, unit_word, unit_name, deadline_month in PLAN_ITEMS:
            if isinstance(base, str):
                target = max(1, counts[base])
            elif base <= 5:
                target = max(1, round(base * max(1.0, scale ** 0.5)))
            else:
                target = _nice(base * scale)
            owner = self.unit_heads[unit_name]
            item = {"id": self._id(PlanItem), "plan_id": plan_id, "focus_area": area, "title": title,
                    "target_value": Decimal(target), "target_unit": unit_word, "unit_id": self.units[unit_name],
                    "responsible_cadre_id": owner["id"], "responsible_person": owner["name"],
                    "deadline": _month_end(dt.date(year, deadline_month, 1)), "notes": ""}
            items.append(item)
            self.plan_items.append(item)
            pace = rng.uniform(0.6, 1.25)
            done = 0
            for m in range(1, today.month + 1):
                want = min(target, int(target * min(1.0, pace * m / deadline_month)))
                value = max(0, want - done)
                done += value
                progress.append({"id": self._id(PlanProgress), "item_id": item["id"], "month": f"{year}-{m:02d}",
                                 "value": Decimal(value),
                                 "note": f"本月完成{value}{unit_word}" if value else "本月无新增"})
        self._insert(PlanItem, items, "plan_items")
        self._insert(PlanProgress, progress, "plan_progress")

    def _meetings(self) -> None:
        rng, today = self.rng, self.today
        meetings, decisions = [], []
        chairs = self.main[:2]
        attendees = "、".join([c["name"] for c in self.board[:4]] + [self.unit_heads[u]["name"]
                                                                      for u in vocab.DEFAULT_UNITS])
        for back in range(11, -1, -1):
            first = _month_start(today, back)
            last = min(_month_end(first), today)
            d = first + dt.timedelta(days=rng.randrange(min(10, (last - first).days + 1)))
            chair = chairs[back % len(chairs)]
            mid = self._id(Meeting)
            meetings.append({
                "id": mid, "date": d, "title": f"搬迁群众后续扶持工作{first.month}月调度会", "chair": chair["name"],
                "attendees": f"{attendees}，各村党支部书记、村委会主任",
                "minutes": "听取各村、各部门后续扶持工作进展汇报，分析存在问题，安排部署下一阶段工作。",
            })
            for text in rng.sample(MEETING_DECISIONS, rng.randint(2, 4)):
                deadline = d + dt.timedelta(days=rng.choice((10, 15, 20, 30)))
                plan_item = problem = None
                unit = self.units[rng.choice(vocab.DEFAULT_UNITS)]
                if d.year == today.year and rng.random() < 0.4:
                    item = rng.choice(self.plan_items)
                    plan_item, unit = item["id"], item["unit_id"]
                elif self.open_problems and rng.random() < 0.25:
                    problem = rng.choice(self.open_problems)
                decisions.append({"id": self._id(MeetingDecision), "meeting_id": mid,
                                  "text": text.format(d=f"{deadline.month}月{deadline.day}日"), "unit_id": unit,
                                  "deadline": deadline, "plan_item_id": plan_item, "problem_id": problem})
        self._insert(Meeting, meetings, "meetings")
        self._insert(MeetingDecision, decisions, "meeting_decisions")
