"""The plan workbook's sheets and columns: one definition used by the template writer,
the reader/validator and the reference in docs/planner.md (generated: schema_doc). Headers match in Chinese or English, any order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "int", "number", "percent", "date", "time", "datetime", "choice", "list", "dates", "moment"]

STAFF_TYPES = ("全职", "学生", "借调")
SEPARATOR = "·"  # joins post and shift in roster cells (售前·夜), so neither may contain it
# English names of the fixed choices: offered in the English template's drop-downs and read
# back (any case) as the canonical Chinese value, which is what the calculators use.
CHOICE_EN: dict[str, str] = {
    "全职": "Full-time", "学生": "Student", "借调": "Borrowed",
    "准备期": "Preparation", "蓄水期": "Build-up", "预热期": "Warm-up", "大促当天": "Sale day", "返场期": "After sale",
    "未开始": "Not started", "进行中": "In progress", "已完成": "Done", "延期": "Delayed",
    "天猫": "Tmall", "淘宝": "Taobao", "京东": "JD", "唯品会": "Vipshop", "抖音": "Douyin", "拼多多": "Pinduoduo",
    "其他": "Other", "大促": "Sale-day curve", "平日": "Normal curve",
    "预爆款": "Expected hit", "主推": "Featured", "常规款": "Regular",
    "想上班": "Want", "不想上班": "Avoid",
    "手填": "Typed", "客服测算": "Service model", "售前定编": "Pre-sales (fixed)", "催单定编": "Reminders (fixed)",
    "售后定编": "After-sales (fixed)", "仓库测算": "Warehouse model",
    "是": "Yes", "否": "No",
}
FROM_EN: dict[str, str] = {en.lower(): zh for zh, en in CHOICE_EN.items()} | {
    "fulltime": "全职", "hit": "预爆款", "sale_day": "大促", "normal": "平日", "normal_day": "平日", "done": "已完成",
    "typed": "手填", "want to work": "想上班", "work": "想上班", "wants": "想上班", "on": "想上班",
    "off": "不想上班", "day off": "不想上班", "not": "不想上班", "avoid": "不想上班",
    "想上": "想上班", "不想上": "不想上班", "想休": "不想上班", "想休息": "不想上班", "休": "不想上班", "erlang c": "客服测算", "service": "客服测算", "warehouse": "仓库测算",
    "pre-sales fixed": "售前定编", "reminders fixed": "催单定编", "after-sales fixed": "售后定编",
}
STAFF_TYPES_EN = {k: v for k, v in FROM_EN.items() if v in ("全职", "学生", "借调")}


# Choices whose canonical value is a code: what a planner sees in each language.
CODE_LABELS: dict[str, tuple[str, str]] = {
    "exact": ("精确", "Exact"),
    "largest_remainder": ("最大余数（合计100%）", "Largest remainder (adds to 100%)"),
    "zh": ("中文", "Chinese"),
    "en": ("English", "English"),
    "lieu": ("综合工时（补休）", "Time off in lieu"),
    "standard": ("标准工时", "Standard hours"),
}
FROM_LABEL = {_k.casefold(): code for code, pair in CODE_LABELS.items() for _k in pair} | {
    "最大余数": "largest_remainder", "largest remainder": "largest_remainder", "english": "en", "英文": "en",
    **dict.fromkeys(("综合工时", "综合工时制", "综合计算工时", "综合计算工时制", "综合", "补休", "排班制", "排班补休",
                     "comprehensive", "comprehensive hours", "lieu", "toil", "shift rota"), "lieu"),
    **dict.fromkeys(("标准", "标准工时制", "standard", "standard hours"), "standard"),
}


def choice_label(value: str, lang: str) -> str:
    """A fixed choice as a planner reads it: 精确 / Exact, 已完成 / Done; other text unchanged."""
    if value in CODE_LABELS:
        return CODE_LABELS[value][lang == "en"]
    return CHOICE_EN.get(value, value) if lang == "en" else value


def canonical_choice(value: str, choices: tuple[str, ...]) -> str | None:
    """The canonical choice (Chinese, or a code) for a value typed in Chinese or English, else None."""
    if value in choices:
        return value
    key = value.strip().casefold()
    for table in (FROM_EN, FROM_LABEL):
        hit = table.get(key)
        if hit in choices:
            return hit
    return None
YES, NO = "是", "否"
PHASES = ("准备期", "蓄水期", "预热期", "大促当天", "返场期")
STATUSES = ("未开始", "进行中", "已完成", "延期")
PLATFORMS = ("天猫", "淘宝", "京东", "唯品会", "抖音", "拼多多", "其他")
LANGUAGES = ("zh", "en")
PROFILES = ("大促", "平日")  # built-in chat curves; a 咨询曲线 sheet may add the shop's own
# Where a rostered post's requirement comes from (值班需求 / Duty requirements, column 来源):
# typed by the planner, the customer-service model (Erlang C from the chat forecast), one of the
# customer-service fixed head counts, or the warehouse model (heads from orders and productivity).
TYPED, SERVICE_MODEL, WAREHOUSE_MODEL = "手填", "客服测算", "仓库测算"
FIXED_SOURCES = ("售前定编", "催单定编", "售后定编")
REQUIREMENT_SOURCES = (TYPED, SERVICE_MODEL, *FIXED_SOURCES, WAREHOUSE_MODEL)
# The template's own customer-service post vocabulary (both languages): when a plan does not say
# which posts a model's requirement feeds, staff posts of these names take it. Never a department.
SERVICE_POSTS: dict[str, tuple[str, str, str]] = {  # key: (zh, en, default source)
    "presales": ("售前", "Pre-sales", SERVICE_MODEL),
    "reminders": ("催单", "Reminders", "催单定编"),
    "aftersales": ("售后", "After-sales", "售后定编"),
}
SHARE_METHODS = ("exact", "largest_remainder")
HOURS_SYSTEMS = ("lieu", "standard")  # 工时制度: a weekday off gives a worked rest day back (补休), or never
WANT, AVOID = "想上班", "不想上班"  # 员工意愿 / Requests: wants, or does not want, to work that shift
WISHES = (WANT, AVOID)
TIERS = ("预爆款", "主推", "常规款")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: Kind = "text"
    required: bool = False
    hint_zh: str = ""
    hint_en: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    width: float = 12
    aliases: tuple[str, ...] = ()
    smallest: float | None = None  # a value other than 0 must be at least this (1e-300 is a typo)
    # A name other cells refer to (department, post, shift …): whitespace runs become one space
    # and it may be at most this long (Excel refuses text over 255 characters inside a formula).
    max_len: int | None = None

    def names(self) -> set[str]:
        return {_norm(n) for n in (self.zh, self.en, self.key, *self.aliases)}

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def hint(self, lang: str) -> str:
        return self.hint_zh if lang == "zh" else self.hint_en


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    required: bool = True
    note_zh: str = ""
    note_en: str = ""
    aliases: tuple[str, ...] = field(default=())

    def names(self) -> set[str]:
        return {_norm(n) for n in (self.zh, self.en, self.key, *self.aliases)}

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _norm(name: str) -> str:
    return "".join(str(name).split()).lower().replace("（", "(").replace("）", ")")


def C(key: str, zh: str, en: str, kind: Kind = "text", **kw: object) -> Column:
    return Column(key, zh, en, kind, **kw)  # type: ignore[arg-type]


# The campaign sheet is a two-column list of settings (项目 / 值); these are its rows.
SETTINGS: tuple[Column, ...] = (
    C("name", "活动名称", "Campaign", required=True, max_len=100, hint_zh="例如 2026 双十一", hint_en="e.g. Double 11 2026"),
    C("platform", "平台", "Platform", "choice", choices=PLATFORMS),
    C("start", "开始日期", "Start date", "date", required=True, hint_zh="活动排班的第一天", hint_en="first day of the rostered campaign"),
    C("end", "结束日期", "End date", "date", required=True, hint_zh="活动排班的最后一天", hint_en="last day of the rostered campaign"),
    C("sale_day", "大促日", "Sale day", "date", required=True, hint_zh="大促当天，如 11-11", hint_en="the peak day, e.g. 11-11"),
    C("language", "语言", "Language", "choice", choices=LANGUAGES, hint_zh="zh 中文 / en English"),
    C("daily_orders", "日均配货单量", "Daily orders", "number", required=True, minimum=0, hint_zh="平时日均配货单量 X", hint_en="normal orders per day, X"),
    C("coefficient", "活动效果系数", "Campaign coefficient", "number", required=True, minimum=0.0001, hint_zh="大促当日单量 = X × 系数", hint_en="sale-day orders = X × coefficient"),
    C("stress_factor", "压力测试倍数", "Stress factor", "number", minimum=1, hint_zh="默认 2 倍预测单量", hint_en="default 2× forecast"),
    C("share_method", "占比算法", "Share method", "choice", choices=SHARE_METHODS, hint_zh="exact 精确 / largest_remainder 合计恰为100%", hint_en="exact / largest_remainder (adds to 100%)"),
    C("share_decimals", "占比小数位", "Share decimals", "int", minimum=0, maximum=4),
    C("vip_customers", "VIP客户数", "VIP customers", "int", minimum=0),
    C("callers", "外呼人数", "Callers", "int", minimum=0),
    C("call_days", "外呼天数", "Call days", "number", minimum=0, smallest=0.1),
    C("aht_seconds", "平均处理时长(秒)", "AHT (s)", "number", minimum=1, maximum=86400),
    C("target_sl", "服务水平目标", "Service level target", "percent", minimum=0.01, maximum=0.999),
    C("answer_seconds", "响应时限(秒)", "Answer within (s)", "number", minimum=1),
    C("interval_minutes", "时段长度(分钟)", "Interval (min)", "choice", choices=("15", "30", "60")),
    C("concurrency", "同时接待数", "Chats at once", "int", minimum=1, maximum=4),
    C("max_occupancy", "最大占用率", "Max occupancy", "percent", minimum=0.1, maximum=1),
    C("shrinkage", "损耗率", "Shrinkage", "percent", minimum=0, maximum=0.9),
    C("min_rest_hours", "最短休息(小时)", "Min rest (h)", "number", minimum=0, maximum=24),
    C("max_consecutive_days", "最多连续上班天数", "Max days in a row", "int", minimum=1, maximum=31, hint_zh="默认 6：每 7 天至少休 1 天", hint_en="default 6: a day off in every 7"),
    C("max_students_per_day", "学生班每日最多人数", "Max student shifts/day", "int", minimum=0, hint_zh="客服班次计划中 4 小时等兼职班每天最多几人；空 = 不限", hint_en="part-time shifts per day in the service shift plan; empty = no cap"),
    C("max_part_time_share", "兼职工时占比上限", "Max part-time share", "percent", minimum=0, maximum=1, hint_zh="兼职班工时占总工时的上限；空 = 不限", hint_en="cap on part-time hours as a share of all paid hours; empty = no cap"),
    C("hit_share", "预爆款比例", "Expected-hit share", "percent", minimum=0, maximum=1, hint_zh="按综合得分前 x% 的商品为预爆款", hint_en="top x% of SKUs by score are expected hits"),
    C("featured_share", "主推比例", "Featured share", "percent", minimum=0, maximum=1, hint_zh="预爆款之后的 y% 为主推", hint_en="the next y% are featured"),
    C("stock_multiple", "常规款备货倍数", "Stock-up multiple", "number", minimum=0, hint_zh="按当前月销量（30 天）的几倍备货，常见 3 倍", hint_en="stock this many times the current month's (30 days') sales, often 3"),
    C("hit_uplift", "预爆款备货倍数", "Hit uplift", "number", minimum=0, hint_zh="预爆款没有预测销量时按销量 × 该倍数", hint_en="hits without a forecast: sales × this"),
    C("sales_days", "销量统计天数", "Sales period (days)", "number", minimum=1, hint_zh="「销量」列覆盖的天数", hint_en="days the Sales column covers"),
    C("lead_time_days", "补货提前期(天)", "Lead time (days)", "number", minimum=0),
    C("as_of", "统计日期", "As of", "date", hint_zh="判断职责逾期、补货最晚下单日的日期；空 = 活动开始日期", hint_en="the date overdue duties and order-by dates are judged by; empty = the campaign's first day"),
    C("cost_ratio", "成本率", "Cost ratio", "percent", minimum=0, maximum=1, hint_zh="无进价的商品按售价 × 成本率计补货金额", hint_en="products without a unit cost are valued at price × this ratio"),
    C("roster_effort", "排班求解预算", "Roster solver budget", "number", minimum=0.1, maximum=30, hint_zh="每个部门的求解工作量（约等于秒）；结果可复现", hint_en="solver work per department (about seconds); results are reproducible"),
    C("warehouse_open", "仓库作业开始", "Warehouse opens", "time", hint_zh="仓库测算的值班需求从几点开始", hint_en="the warehouse model's requirement starts at"),
    C("warehouse_close", "仓库作业结束", "Warehouse closes", "time", hint_zh="24:00 写作 0:00 或 24:00", hint_en="write 24:00 as 0:00 or 24:00"),
    C("backlog_days", "发货高峰天数", "Backlog days", "int", minimum=0, maximum=31, hint_zh="大促日之后仍按高峰配置仓库的天数", hint_en="days after the sale day the warehouse stays at peak strength"),
    C("roster_stress", "排班压力测试", "Roster stress test", "choice", choices=(YES, NO), hint_zh="是 = 按压力测试倍数把仓库需求再排一次班（假设），在仓库部门工作簿的「人数核对」表报告各岗位缺口与还需几人；多一次求解；空 = 否", hint_en="Yes = roster the warehouse requirement again at the stress factor (a what-if) and report each post's gap and how many more people it needs on the department's Heads check sheet; one more solve; empty = No"),
    C("overtime_rate", "工作日加班倍数", "Overtime rate", "number", minimum=1, maximum=10, hint_zh="每天超 8 小时或每周超 40 小时的工时按时薪的几倍计；默认 1.5", hint_en="hours beyond 8 a day or 40 a week, as a multiple of the hourly cost; default 1.5"),
    C("rest_day_rate", "休息日加班倍数", "Rest-day rate", "number", minimum=1, maximum=10, hint_zh="休息日上班按时薪的几倍计；默认 2", hint_en="hours on a rest day; default 2"),
    C("holiday_rate", "法定节假日倍数", "Holiday rate", "number", minimum=1, maximum=10, hint_zh="法定节假日上班按时薪的几倍计；默认 3", hint_en="hours on a statutory holiday; default 3"),
    C("rest_days", "休息日", "Rest days", "dates", hint_zh="空 = 活动期内的周六、周日；调休上班的周末请不列入", hint_en="empty = Saturdays and Sundays in the campaign"),
    C("holidays", "法定节假日", "Holidays", "dates", hint_zh="如 10-01~10-03；空 = 无", hint_en="e.g. 10-01~10-03; empty = none"),
    C("hours_system", "工时制度", "Working hours system", "choice", choices=HOURS_SYSTEMS, aliases=("工时制", "Working hours"), hint_zh="综合工时（补休，默认）：休息日上班、同一周另有一个工作日休息的，按正常工时计；标准工时：休息日上班一律按休息日倍数", hint_en="time off in lieu (default): a rest day worked in a week with a weekday off is paid as a normal day; standard hours: every rest-day hour at the rest-day rate"),
    C("currency", "币种", "Currency", max_len=10, hint_zh="人工成本的币种，默认 元", hint_en="the labour cost's currency; default CNY"),
    C("version", "版本", "Version", max_len=20, hint_zh="打印页脚的版本号，如 V2 或 11-09 定稿；页脚另有计划内容的校验码", hint_en="the version printed in page footers, e.g. V2; footers also carry a checksum of the plan's content"),
    C("products_department", "商品表部门", "Products department", hint_zh="商品结构总表与补货表也写入该部门的工作簿；空 = 只写入总表", hint_en="the product sheets also go into this department's workbook; empty = plan output only"),
    C("night_reminder", "夜班提醒(分钟)", "Night shift reminder (min)", "int", minimum=0, maximum=1440, hint_zh="个人日历在夜班（20:00–6:00 之间开始的班）前几分钟提醒；空或 0 = 不提醒", hint_en="personal calendars remind this many minutes before a night shift (one starting 20:00–6:00); empty or 0 = no reminder"),
    C("attendance_departments", "考勤排班部门", "Attendance-rostered departments", "list", hint_zh="导出钉钉/企业微信排班导入表的部门（在考勤应用里按排班上班）；空 = 活动每天都有值班需求的部门", hint_en="departments whose attendance app schedules people by this roster (DingTalk/WeCom import files); empty = those with a requirement on every campaign day"),
)

SETTINGS_SHEET = Sheet(
    "campaign", "活动", "Campaign",
    (
        C("item", "项目", "Item", required=True, width=22),
        C("value", "值", "Value", width=22),
        C("note", "说明", "Note", width=44),
    ),
    note_zh="每行一个设置；带 * 的必填。", note_en="One setting per row; * marks required ones.",
)

SHEETS: tuple[Sheet, ...] = (
    SETTINGS_SHEET,
    Sheet("phases", "阶段", "Phases", (
        C("phase", "阶段", "Phase", required=True, max_len=40, width=14, hint_zh="准备期/蓄水期/预热期/大促当天/返场期"),
        C("start", "开始", "Start", "date", required=True),
        C("end", "结束", "End", "date", required=True),
        C("goal", "目标", "Goal", width=50),
    )),
    Sheet("windows", "大促时段", "Sale-day windows", (
        C("window", "时段", "Window", required=True, max_len=40, width=14),
        C("start", "开始", "Start", "time", required=True),
        C("end", "结束", "End", "time", required=True, hint_zh="24:00 写作 0:00 或 24:00", hint_en="write 24:00 as 0:00 or 24:00"),
        C("focus", "重点", "Focus", width=50),
        C("multiplier", "咨询倍数", "Chat multiplier", "number", minimum=0, maximum=1000, width=10, hint_zh="该时段每分钟咨询量是平时曲线的几倍（如抢购期 13）；空 = 1", hint_en="chats per minute in this window as a multiple of the usual curve (e.g. 13 for the flash sale); empty = 1"),
    ), note_zh="「大促」曲线按各时段的咨询倍数成形：移动抢购期，高峰随之移动", note_en="the sale-day curve is shaped by each window's chat multiplier: move the flash sale and the peak moves"),
    Sheet("departments", "部门", "Departments", (
        C("department", "部门", "Department", required=True, max_len=40, width=14),
        C("head", "负责人", "Head", width=12),
        C("note", "说明", "Note", width=40),
        C("all_hands", "全员在岗日期", "All-hands dates", "dates", width=18, aliases=("禁休日", "全员在岗", "No-leave days"),
          hint_zh="这些日期本部门每个能上班的人都排班（禁休），如 11-11", hint_en="on these dates everyone in the department who can work is rostered (no leave), e.g. 11-11"),
    )),
    Sheet("duties", "部门职责", "Duties", (
        C("department", "部门", "Department", "choice", required=True, max_len=40, width=12),
        C("no", "编号", "No.", "int", required=True, minimum=1, width=6),
        C("duty", "职责", "Duty", required=True, width=60),
        C("owner", "负责人", "Owner", width=10),
        C("deadline", "截止日期", "Deadline", "date", width=12),
        C("phase", "阶段", "Phase", "choice", choices=PHASES, width=10),
        C("status", "状态", "Status", "choice", choices=STATUSES, width=10),
    )),
    Sheet("staff", "人员", "Staff", (
        C("name", "姓名", "Name", required=True, max_len=40, width=10),
        C("department", "部门", "Department", "choice", required=True, max_len=40, width=12),
        C("posts", "岗位", "Posts", "list", required=True, max_len=30, width=18, hint_zh="多个用、或,分隔；岗位名称由本店自定", hint_en="separate with commas; the shop's own post names"),
        C("type", "类型", "Type", "choice", required=True, choices=STAFF_TYPES, width=8),
        C("max_hours_day", "每日最多小时", "Max h/day", "number", minimum=1, maximum=24, width=10),
        C("max_hours_total", "活动最多小时", "Max h total", "number", minimum=0, width=10),
        C("unavailable", "不可上班日期", "Unavailable", "dates", width=18, hint_zh="如 11-12、11-14~11-16", hint_en="e.g. 11-12, 11-14~11-16"),
        C("cost_per_hour", "时薪", "Cost/h", "number", minimum=0, width=8),
        C("lent", "借调日期", "Lent on", "dates", width=18, hint_zh="借调人员可上班的日期；空 = 整个活动期", hint_en="dates a borrowed person is lent; empty = whole campaign"),
        C("min_hours_total", "活动最少小时", "Min h total", "number", minimum=0, width=10, hint_zh="活动期至少排多少小时（如保底工时）", hint_en="at least this many hours over the campaign (e.g. guaranteed hours)"),
        C("max_days_in_a_row", "最多连续上班天数", "Max days in a row", "int", minimum=1, maximum=31, width=10, aliases=("最多连续上班",), hint_zh="此人的上限；空 = 活动表的设置", hint_en="this person's limit; empty = the campaign setting"),
        C("min_days_in_a_row", "最少连续上班天数", "Min days in a row", "int", minimum=1, maximum=31, width=10, aliases=("最少连续上班",), hint_zh="一段连续上班至少几天（活动首尾除外）", hint_en="a run of work days lasts at least this long (except at the campaign's ends)"),
        C("min_days_off", "最少连续休息天数", "Min days off in a row", "int", minimum=1, maximum=31, width=10, aliases=("最少连休",), hint_zh="一段休息至少连休几天（活动首尾除外）", hint_en="a run of days off lasts at least this long (except at the campaign's ends)"),
        C("max_weekends", "最多上班周末", "Max weekends", "int", minimum=0, maximum=53, width=10, hint_zh="周六或周日上班即算一个周末", hint_en="working Saturday or Sunday counts as a weekend"),
        C("max_shifts", "班次上限", "Max shifts", width=14, hint_zh="如 夜=2、早=6：该班次最多上几次", hint_en="e.g. N=2, E=6: at most this many of that shift"),
        C("employee_id", "工号", "Employee ID", max_len=40, width=10, aliases=("员工编号", "编号", "ID")),
        C("phone", "手机", "Mobile", max_len=40, width=14, aliases=("手机号", "电话", "联系电话", "Phone"), hint_zh="大陆手机号或固话；其他地区照写", hint_en="a mainland China mobile or landline; other numbers as written"),
        C("lead", "组长", "Team lead", max_len=40, width=10, aliases=("带班组长", "Lead"), hint_zh="此人的组长（姓名）", hint_en="this person's team lead (a name)"),
    ), required=False),
    Sheet("shifts", "班次", "Shifts", (
        C("code", "代码", "Code", required=True, max_len=12, width=8),
        C("name", "名称", "Name", width=10, max_len=40),
        C("start", "开始", "Start", "time", required=True),
        C("hours", "时长(小时)", "Hours", "number", required=True, minimum=1, maximum=16),
        C("types", "可上班类型", "Staff types", "list", width=16, hint_zh="空 = 全职、借调", hint_en="empty = full-time and borrowed"),
        C("departments", "适用部门", "Departments", "list", width=18, hint_zh="空 = 所有部门", hint_en="empty = every department"),
        C("not_followed_by", "次日不可接", "Not followed by", "list", width=14, aliases=("次日不接",), hint_zh="上完本班次后第二天不能上的班次，如夜班后不接早班", hint_en="shifts no one may work the day after this one, e.g. no early after a night"),
    ), required=False, note_zh="值班表与客服班次计划共用这些班次", note_en="the duty rosters and the customer-service shift plan use these shifts"),
    Sheet("requirements", "值班需求", "Duty requirements", (
        C("department", "部门", "Department", "choice", required=True, max_len=40, width=12),
        C("post", "岗位", "Post", required=True, max_len=30, width=12),
        C("source", "来源", "Source", "choice", choices=REQUIREMENT_SOURCES, width=12, hint_zh="手填 = 按人数；客服测算 = Erlang C；售前/催单/售后定编 = 客服需求表的定编；仓库测算 = 仓库岗位人数；空 = 手填", hint_en="Typed = the people column; Service model = Erlang C; Pre-sales/Reminders/After-sales (fixed) = the service sheet's fixed counts; Warehouse model = the warehouse post's heads; empty = Typed"),
        C("people", "人数", "People", "int", minimum=0, maximum=10_000, width=8, hint_zh="同时在岗人数（手填时必填）", hint_en="people on duty at once (required when typed)"),
        C("dates", "日期", "Dates", "dates", width=16, hint_zh="如 11-11 或 11-10~11-13；空 = 活动每天", hint_en="e.g. 11-11 or 11-10~11-13; empty = every campaign day"),
        C("start", "开始", "Start", "moment", width=14, hint_zh="时间（每天）如 20:00，或日期时间如 11-10 20:00（连续时段）；空 = 0:00", hint_en="a time (every day) such as 20:00, or a date-time such as 11-10 20:00 (one continuous span); empty = 0:00"),
        C("end", "结束", "End", "moment", width=14, hint_zh="早于开始则到次日；24:00 写作 0:00 或 24:00；空 = 24:00", hint_en="before the start = the next day; write 24:00 as 0:00 or 24:00; empty = 24:00"),
        C("note", "说明", "Note", width=30),
        C("shift", "班次", "Shift", max_len=12, width=8, hint_zh="填写则按班次计人数（该班次当天在岗人数），不看开始/结束", hint_en="when given, people are counted per shift (on that shift that day), not per hour"),
        C("under_weight", "缺人权重", "Under-cover weight", "number", minimum=0, maximum=1_000_000, width=10, hint_zh="按班次计时，每缺 1 人的代价；空 = 1", hint_en="per-shift rows: cost of each missing person; empty = 1"),
        C("over_weight", "超员权重", "Over-cover weight", "number", minimum=0, maximum=1_000_000, width=10, hint_zh="按班次计时，每多 1 人的代价；空 = 0", hint_en="per-shift rows: cost of each extra person; empty = 0"),
    ), required=False, note_zh="每行一段值班需求；同一部门同一岗位的多行相加", note_en="one requirement per row; rows of the same department and post add up"),
    Sheet("mustcover", "必保时段", "Must-cover windows", (
        C("department", "部门", "Department", "choice", required=True, max_len=40, width=12),
        C("post", "岗位", "Post", max_len=30, width=12, hint_zh="空 = 本部门所有岗位", hint_en="empty = every post of the department"),
        C("dates", "日期", "Dates", "dates", width=16, hint_zh="如 11-11；空 = 活动每天", hint_en="e.g. 11-11; empty = every campaign day"),
        C("start", "开始", "Start", "moment", width=14, hint_zh="如 0:00 或 11-10 20:00", hint_en="e.g. 0:00 or 11-10 20:00"),
        C("end", "结束", "End", "moment", width=14, hint_zh="早于开始则到次日；空 = 24:00", hint_en="before the start = the next day; empty = 24:00"),
        C("weight", "权重", "Weight", "number", minimum=1, maximum=1000, width=8, hint_zh="该时段缺人的代价是平时的几倍；空 = 10", hint_en="how many times a gap here weighs against one elsewhere; empty = 10"),
        C("note", "说明", "Note", width=30),
    ), required=False, note_zh="必须优先保障的时段（如 0点开卖、20点开卖）：排班先满足这些时段，满足不了时在检查结果中列为严重", note_en="windows to staff first (e.g. the 00:00 or 20:00 sale start); a gap left there is listed as critical"),
    Sheet("fixed", "固定排班", "Fixed shifts", (
        C("name", "姓名", "Name", required=True, max_len=40, width=10),
        C("date", "日期", "Date", "date", required=True),
        C("shift", "班次", "Shift", required=True, max_len=12, width=8),
        C("post", "岗位", "Post", required=True, max_len=30, width=10),
    ), required=False, note_zh="计划员已确定的排班：排班时原样保留", note_en="assignments the planner has decided: kept as they are"),
    Sheet("requests", "员工意愿", "Requests", (
        C("name", "姓名", "Name", required=True, max_len=40, width=10),
        C("dates", "日期", "Dates", "dates", required=True, width=16, hint_zh="如 11-11 或 11-10~11-13", hint_en="e.g. 11-11 or 11-10~11-13"),
        C("shift", "班次", "Shift", max_len=12, width=8, hint_zh="空 = 任何班次（想上班 / 想休息）", hint_en="empty = any shift (wants to work / a day off)"),
        C("wish", "意愿", "Wish", "choice", required=True, choices=WISHES, width=10),
        C("weight", "权重", "Weight", "number", minimum=0, maximum=1_000_000, width=8, hint_zh="未满足时的代价（与时薪同单位）；空 = 1", hint_en="what leaving it unmet costs (same unit as the hourly cost); empty = 1"),
        C("note", "说明", "Note", width=24),
    ), required=False, note_zh="想上或不想上某天某班：排班尽量满足，按权重取舍", note_en="wishes to work or not to work a shift on a day: granted where their weight is worth it"),
    Sheet("posts", "仓库岗位", "Warehouse posts", (
        C("group", "分组", "Group", required=True, max_len=40, width=12),
        C("post", "岗位", "Post", required=True, max_len=30, width=12),
        C("per_person", "人效(单/人/天)", "Orders/person/day", "number", minimum=0, smallest=0.01, width=14),
        C("fixed", "固定人数", "Fixed heads", "int", minimum=0, width=10),
        C("note", "说明", "Note", width=30),
    )),
    Sheet("service", "客服需求", "Service demand", (
        C("date", "日期", "Date", "date", required=True),
        C("chats", "咨询量", "Chats", "number", minimum=0, width=10, hint_zh="当天咨询总量；已在「分时咨询量」填写的日期可空", hint_en="chats that day; may be empty for days on the Chats per interval sheet"),
        C("open", "上线", "Open", "time", required=True),
        C("close", "下线", "Close", "time", required=True, hint_zh="晚于上线；0:00 或 24:00 = 到午夜，午夜后写在次日一行", hint_en="after Open; 0:00 or 24:00 = until midnight, hours after it on the next day's row"),
        C("profile", "曲线", "Profile", width=10, hint_zh="大促 / 平日，或「咨询曲线」表中的曲线名称；空 = 平日", hint_en="Sale-day curve / Normal curve, or a curve on the Chat curves sheet; empty = Normal curve"),
        *(C(key, f"{zh}(定编)", f"{en} (fixed)", "int", minimum=0, width=10) for key, (zh, en, _) in SERVICE_POSTS.items()),
    ), required=False),
    Sheet("volumes", "分时咨询量", "Chats per interval", (
        C("date", "日期", "Date", "date", required=True),
        C("time", "时间", "Time", "time", required=True, hint_zh="时段开始，如 0:00、1:00 …", hint_en="start of the slot, e.g. 0:00, 1:00 …"),
        C("chats", "咨询量", "Chats", "number", required=True, minimum=0, width=10),
    ), required=False, note_zh="按时段的咨询量（原样进入 Erlang C）；也可写成 日期 × 0:00…23:00 的宽表", note_en="chats per slot (used as typed by Erlang C); a Date × 0:00…23:00 grid works too"),
    Sheet("curves", "咨询曲线", "Chat curves", (
        C("curve", "曲线", "Curve", required=True, max_len=40, width=14),
        C("time", "时间", "Time", "time", required=True),
        C("weight", "权重", "Weight", "number", required=True, minimum=0, width=10, hint_zh="如去年同日该时段咨询量", hint_en="e.g. last year's chats in this slot"),
    ), required=False, note_zh="本店自己的日内曲线：按当天咨询总量缩放", note_en="the shop's own day shapes, scaled to each day's chat total"),
    Sheet("inventory", "库存", "Inventory", (
        C("category", "类目", "Category", required=True, max_len=60, width=14),
        C("quantity", "件数", "Units", "number", required=True, minimum=0, width=10),
        C("amount", "折后金额", "Discounted value", "number", required=True, minimum=0, width=14),
    )),
    Sheet("products", "商品", "Products", (
        C("sku", "SKU", "SKU", required=True, width=12),
        C("name", "商品名称", "Product", width=24),
        C("category", "类目", "Category", width=10),
        C("price", "价格", "Price", "number", minimum=0, width=8),
        C("stock", "库存", "Stock", "number", minimum=0, width=8),
        C("sales", "销量", "Sales", "number", minimum=0, width=8),
        C("favourites", "收藏", "Favourites", "number", minimum=0, width=8),
        C("carts", "加购", "Add-to-cart", "number", minimum=0, width=8),
        C("views", "浏览量", "Page views", "number", minimum=0, width=10),
        C("conversion", "转化率", "Conversion", "percent", minimum=0, maximum=1, width=8),
        C("tier", "层级", "Tier", "choice", choices=TIERS, width=8, hint_zh="填写则覆盖计算结果", hint_en="overrides the computed tier"),
        C("forecast", "预测销量", "Forecast", "number", minimum=0, width=10, aliases=("销量预测", "预测"), hint_zh="预爆款按预测备货", hint_en="hits are stocked to the forecast"),
        C("cost", "进价", "Unit cost", "number", minimum=0, width=8, aliases=("成本价", "成本", "采购价"), hint_zh="补货金额按进价计", hint_en="reorders are valued at cost"),
    ), required=False),
)

SHEET_BY_KEY = {s.key: s for s in SHEETS}
