"""The fixed vocabularies of the domain (SPEC §2–§4): every choice a clerk picks from, in one place.

Values are the Simplified Chinese words stored in the database and shown to the clerk; code compares
against these constants, never against string literals scattered through the program.
"""

from __future__ import annotations

# §4.1 八个紧盯, in the order of the work plan.
FOCUS_AREAS: tuple[str, ...] = (
    "产业扶持", "创业就业", "政策兜底", "住房保障", "环境整治", "包保扶持", "组织建设", "宣传引导",
)

SEXES: tuple[str, ...] = ("男", "女")

# Relations, normalised to the first form of each SPEC §5 synonym line.
RELATIONS: tuple[str, ...] = (
    "户主", "配偶", "之子", "之女", "父亲", "母亲", "孙子", "孙女", "儿媳", "女婿", "兄弟姐妹", "其他",
)
HEAD = "户主"

HEALTH: tuple[str, ...] = ("健康", "长期慢性病", "大病", "残疾")

LABOUR: tuple[str, ...] = ("普通劳动力", "技能劳动力", "弱劳动力", "半劳动力", "丧失劳动力", "无劳动力")
# Labour capacities that count as "having labour" for 无劳动力户 (SPEC §4.2).
LABOUR_ABLE: frozenset[str] = frozenset({"普通劳动力", "技能劳动力", "弱劳动力", "半劳动力"})

EMPLOYMENT: tuple[str, ...] = (
    "县内务工", "县外省内务工", "省外务工", "公益性岗位", "自主创业", "在家务农", "在校生", "无",
)

MEMBER_STATUS: tuple[str, ...] = ("在册", "迁出", "死亡")
MEMBER_ACTIVE = "在册"

HOUSEHOLD_STATUS: tuple[str, ...] = ("在册", "整户迁出", "注销")
HOUSEHOLD_ACTIVE = "在册"

SETTLEMENT_TYPES: tuple[str, ...] = ("集中安置", "分散安置")
POINT_KINDS: tuple[str, ...] = ("集中", "分散")

HOUSING_STATUS: tuple[str, ...] = (
    "自有安置房", "租住", "借住亲友房", "廉租房", "公租房", "安置小区空余房", "无房",
)
NO_HOUSE = "无房"

# §4.2 key groups. The first three are declared only (civil-affairs determination); the last three are
# declared or derived.
TAG_LOW_INCOME = "低收入户"
TAG_HARDSHIP = "困难户"
TAG_ELDERLY = "孤寡老残户"
TAG_NO_HOUSE = "无房户"
TAG_NO_LAND = "无地户"
TAG_NO_LABOUR = "无劳动力户"
SANTE_TAGS: tuple[str, ...] = (TAG_LOW_INCOME, TAG_HARDSHIP, TAG_ELDERLY)
SANWU_TAGS: tuple[str, ...] = (TAG_NO_HOUSE, TAG_NO_LAND, TAG_NO_LABOUR)
KEY_TAGS: tuple[str, ...] = SANTE_TAGS + SANWU_TAGS
GROUP_SANTE = "三特户"
GROUP_SANWU = "三无户"

# Bit of each tag in Household.key_flags (a cached derivation kept for fast filtering).
TAG_BITS: dict[str, int] = {tag: 1 << i for i, tag in enumerate(KEY_TAGS)}
SANTE_MASK = sum(TAG_BITS[t] for t in SANTE_TAGS)
SANWU_MASK = sum(TAG_BITS[t] for t in SANWU_TAGS)

# Household.archive_state, the cached result of the §4.5 check.
ARCHIVE_COMPLETE = 0
ARCHIVE_INCOMPLETE = 1
ARCHIVE_INCONSISTENT = 2
ARCHIVE_STATE_LABELS: dict[int, str] = {0: "完整", 1: "不完整", 2: "不一致"}

CADRE_RANKS: tuple[str, ...] = ("镇级主要领导", "镇班子成员", "联系村党政班子成员", "村干部", "部门干部")
# Higher rank first; a point under 50 households needs 联系村党政班子成员 "or higher" (SPEC §4.3).
RANK_ORDER: dict[str, int] = {rank: i for i, rank in enumerate(CADRE_RANKS)}

DEFAULT_UNITS: tuple[str, ...] = (
    "镇农业中心", "镇人社中心", "镇社事办", "镇村建中心", "镇水利移民站", "镇督查室",
)
UNIT_KINDS: tuple[str, ...] = ("部门", "村")

PROBLEM_SOURCES: tuple[str, ...] = ("调查摸底", "走访", "群众反映", "督查")
PROBLEM_STATUS: tuple[str, ...] = ("待办", "办理中", "已解决", "暂无法解决")
PROBLEM_OPEN: frozenset[str] = frozenset({"待办", "办理中"})
# 先急后缓: 紧急 problems are listed first.
PRIORITY_URGENT = "紧急"
PRIORITIES: tuple[str, ...] = (PRIORITY_URGENT, "一般")
PRIORITY_DEFAULT = "一般"

VISIT_WAYS: tuple[str, ...] = ("入户", "电话", "集中")

UNIT_BAOBAO_REASONS: tuple[str, ...] = ("因病", "因学", "因残", "因灾", "缺劳力", "缺技术", "缺资金", "其他")

EMPLOYMENT_KINDS: tuple[str, ...] = (
    "技能培训", "就业安置", "小作坊", "创业一次性补贴", "场租补贴", "小额贷款担保贴息",
)
SUPPORT_KINDS: tuple[str, ...] = ("低保", "特困供养", "临时救助", "医疗救助")
HOUSING_KINDS: tuple[str, ...] = ("无房户安置", "漏水维修", "地灾过渡安置")
HOUSING_PLACEMENTS: tuple[str, ...] = ("廉租房", "公租房", "安置小区空余房")
FUND_KINDS: tuple[str, ...] = ("临时困难补助", "创业就业补助", "项目资金", "其他")
FUND_SOURCES: tuple[str, ...] = ("移民后期扶持资金", "县级财政", "镇级财政", "社会捐助", "其他")
PROJECT_CATEGORIES: tuple[str, ...] = ("道路", "广场", "停车场", "污水管网", "路灯", "绿化", "公共服务设施", "其他")
PROJECT_STATUS: tuple[str, ...] = ("谋划", "在建", "完工", "已验收")
ACTIVITY_KINDS: tuple[str, ...] = ("居民融合共建活动", "评比激励", "宣传")
PARTY_KINDS: tuple[str, ...] = ("党员", "致富带头人", "人才储备库", "双培", "党组织")
PLAN_KINDS: tuple[str, ...] = ("年度计划", "发展规划")

POINT_LEADER_THRESHOLD = 50  # households at which a 集中安置点 needs a 镇级主要领导 (SPEC §4.3)

# The county summary (县级汇总): key groups shown per town, findings counted per town (SPEC §4.7 rule codes, from
# what a county database knows), and how towns are ranked.
RULE_CROSS_TOWN = "跨镇重复"
COUNTY_KEY_COLUMNS = ("三特户", "三无户", "低收入户", "困难户")
COUNTY_RULES = ("包保-一对一", "问题-逾期", "档案-不完整", "档案-不一致", RULE_CROSS_TOWN)
COUNTY_RANKING = "排名依据：包保覆盖率（高者在前），其次走访完成率（高者在前），再次逾期问题数（少者在前）"

# Who receives the copy exported for the county (导出给县局) unless 基础信息 names another bureau.
DEFAULT_COUNTY_BUREAU = "县农业农村局"

# §11 后扶人口 and 直补.
SUBSIDY_CURRENT = "现状人口"  # relocated on or before 2006-06-30; supported from 2006-07-01
SUBSIDY_ORIGINAL = "原迁人口"  # relocated later; supported from the relocation date
SUBSIDY_CATEGORIES: tuple[str, ...] = (SUBSIDY_CURRENT, SUBSIDY_ORIGINAL)
SUBSIDY_ON = "在册"
SUBSIDY_REDUCED = "核减"
SUBSIDY_STATES: tuple[str, ...] = (SUBSIDY_ON, SUBSIDY_REDUCED)
REDUCE_REASONS: tuple[str, ...] = ("死亡", "迁出", "转为非农业户口", "其他")
