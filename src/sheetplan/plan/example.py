"""The worked example: a Double-11 plan assembled from the three seed documents.

Where a seed is garbled or silent the values are plausible picks; `NOTES` lists each one and
the example workbook carries them on its 说明 sheet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

D = dt.date
T = dt.time
Y = 2026  # 2026-11-11 is a Wednesday, as the seed's "双十一是在星期三" assumes

SETTINGS: dict[str, object] = {
    "name": "2026 天猫双十一大促计划",
    "platform": "天猫",
    "start": D(Y, 11, 10),
    "end": D(Y, 11, 17),
    "sale_day": D(Y, 11, 11),
    "language": "zh",
    "daily_orders": 500,
    "coefficient": 6,
    "stress_factor": 2,
    "share_method": "exact",
    "share_decimals": 1,
    "vip_customers": 4000,
    "callers": 20,
    "call_days": 4,
    "aht_seconds": 240,
    "target_sl": 0.8,
    "answer_seconds": 30,
    "interval_minutes": "60",
    "concurrency": 2,
    "max_occupancy": 0.85,
    "shrinkage": 0.15,
    "min_rest_hours": 11,
    "hit_share": 0.05,
    "featured_share": 0.15,
    "stock_multiple": 3,
    "hit_uplift": 5,
    "sales_days": 30,
    "lead_time_days": 7,
    "roster_effort": 2,
    "warehouse_open": T(8, 0),
    "warehouse_close": T(0, 0),
    "backlog_days": 2,
    "products_department": "商品部",
    "as_of": D(Y, 10, 20),
    "cost_ratio": 0.6,
    "hours_system": "lieu",
}

PHASES = [
    ("准备期", D(Y, 8, 1), D(Y, 9, 30), "新品拍摄（8-30 前）与宝贝描述（9-30 前），测款定主推"),
    ("蓄水期", D(Y, 10, 1), D(Y, 10, 31), "品牌蓄势、爆款打造、老客户唤醒（短信/旺旺）"),
    ("预热期", D(Y, 11, 1), D(Y, 11, 10), "收藏加购、红包优惠券、导购清单，11-1 准时上线"),
    ("大促当天", D(Y, 11, 11), D(Y, 11, 11), "抢购、引导、理性消费期以服务取胜、扫尾"),
    ("返场期", D(Y, 11, 12), D(Y, 11, 17), "售后高峰，售前支援售后，保持销量"),
]

WINDOWS = [  # the chat multipliers shape the sale-day curve (calc/profiles.py)
    ("抢购期", T(0, 0), T(0, 10), "秒杀与限量产品，实时战报", 13),
    ("冲动消费期", T(0, 10), T(2, 0), "做好引导，减少不必要的退换货", 3),
    ("理性消费期", T(2, 0), T(22, 0), "品牌、产品与服务取胜；午间与下班后两个高峰", None),
    ("扫尾期", T(22, 0), T(0, 0), "倒计时免单、拼单优惠、购物抽奖", 1.2),
]

DEPARTMENTS = [
    ("运营部", "王磊", "活动报名、方案、会员营销"),
    ("商品部", "陈静", "商品结构、定价、库存与补货"),
    ("美编部", "刘洋", "详情页、首页与推广素材"),
    ("推广部", "赵敏", "广告资源与流量入口"),
    ("客服部", "孙丽", "售前、催单、售后与排班"),
    ("仓储物流部", "周强", "库存、打包发货与物流"),
]

_OPS = [
    "撒娇节/双十一活动报名及活动商品申报", "制定活动方案", "完成专题页画版，策划好页面导入接口",
    "专题页制定日收藏数据指标", "跟进专题访客量及收藏量，适时调整流量或页面（持续）",
    "优惠券派发入口与文案说明", "选定主推款，对推广提出数据指标", "跟进爆款销售情况，每天确定流量指标",
    "区分会员层级，针对每个会员区域制定动作方案", "催付、发货、签收短信预热前优化方案",
    "制订会员营销方案、会员特权与奖励方案", "活动短信通知文案撰写（预告、关怀、活动内容、紧迫感四轮）",
    "商品标题优化，增加实时热搜关键词", "倒计时安排：自动回复与页面告知", "11-12 短信播报销售战况，感谢支持",
]
_GOODS = [
    "梳理商品结构，制作商品结构总表（预爆款、主推、常规款；定价、库存量）", "主推款文案优化",
    "活动款文案撰写和优化，以及产品定价", "确定主推商品及价格，拟定商品申报表", "规划后台活动安全库存",
    "主推款及常规款关联销售方案", "新款销售跟踪，制作补货表（销量、收藏、转化率、浏览量）",
    "分销渠道商品规划及当天库存分配方案", "跟踪库存商品销售数据和预售情况，及时补单",
]
_DESIGN = [
    "产品详情页设计、制作、分批次优化", "主推款详情页制作、优化上线", "预热期 EDM 与大促当天促销 EDM",
    "活动报名素材制作与优化", "首页（预热、大促当天多套方案、11-12）页面制作", "单品页与直通车推广款详情页制作",
    "钻展、直通车素材制作", "大促中 banner 轮换准备（发货、售罄、库存紧张、实时销售、倒计时）",
    "自助购物攻略页面制作", "无线端手机专修",
]
_PROMO = [
    "制订活动期间广告资源方案", "根据运营要求制定推广计划及费用需求", "专题页启用店铺推广等各渠道流量入口",
    "启动店铺推广，增加首页、类目页、详情页流量入口", "主推款关键字推广、定向推广",
    "重点推广款关键字卡位，多计划持续推广", "站外 SNS 推广测试及计划", "无线端推广测试及计划",
]
_SERVICE = [
    "客服分组，选出小组长，排班计划；10–13 日 24 小时在线", "客服培训：产品知识、软件、促销内容、话术",
    "临时客服到岗（从其他部门借调 9 人）及培训", "设置客服子旺旺、快捷短语、自动回复并核查",
    "成立活动咨询、售后处理小组", "客服应急预案：监控旺旺流量、强制分流、400 电话",
    "大促当天催付方案及催款话术（旺旺实时催付、短信催付）", "值班表排好（10-15 前）", "VIP 老客户电话通知（4000 人，20 人 4 天）",
]
_WAREHOUSE = [
    "结合历史数据与销售预测规划仓库场地（扩容走廊）", "部门支援培训：收货上架、捡货、打包、称重",
    "人员调配与培训", "打单系统稳定性与压力测试（预计单量 2 倍）", "货架布局：主力商品靠近操作台",
    "打印机性能测试，至少 1 台备用", "确定物流公司运力、揽收频率与时效条款", "清点大促货品，预留热销款就近打包区域",
    "后勤保障：打印机、面单、纸张、水、食物",
]


def _duties() -> list[tuple]:
    plan = [
        ("运营部", _OPS, ["王磊", "李娜"], [D(Y, 9, 30), D(Y, 10, 15), D(Y, 10, 31), D(Y, 11, 1), D(Y, 11, 10)]),
        ("商品部", _GOODS, ["陈静", "黄伟"], [D(Y, 9, 30), D(Y, 10, 20), D(Y, 10, 31), D(Y, 11, 5)]),
        ("美编部", _DESIGN, ["刘洋", "吴倩"], [D(Y, 9, 30), D(Y, 10, 25), D(Y, 11, 1), D(Y, 11, 9)]),
        ("推广部", _PROMO, ["赵敏", "郑凯"], [D(Y, 10, 10), D(Y, 10, 31), D(Y, 11, 8)]),
        ("客服部", _SERVICE, ["孙丽", "马超"], [D(Y, 10, 15), D(Y, 10, 25), D(Y, 11, 5), D(Y, 11, 9)]),
        ("仓储物流部", _WAREHOUSE, ["周强", "何军"], [D(Y, 10, 20), D(Y, 10, 31), D(Y, 11, 5), D(Y, 11, 9)]),
    ]
    rows = []
    for dept, duties, owners, deadlines in plan:
        for i, duty in enumerate(duties):
            deadline = deadlines[min(i * len(deadlines) // len(duties), len(deadlines) - 1)]
            phase = "准备期" if deadline <= D(Y, 9, 30) else "蓄水期" if deadline <= D(Y, 10, 31) else "预热期"
            if "11-12" in duty:
                deadline, phase = D(Y, 11, 12), "返场期"
            status = "已完成" if deadline <= D(Y, 9, 30) else "进行中" if deadline <= D(Y, 10, 31) else "未开始"
            rows.append((dept, i + 1, duty, owners[i % len(owners)], deadline, phase, status))
    return rows


DUTIES = _duties()

# Seed 000's staffing table groups; Y values are plausible picks that reproduce seed 001's
# suggested groups (打单 2, 捡货 3, QC 2, 打包 6, 称重 2) at 500 × 6 = 3000 orders.
POSTS = [
    ("订单处理", "打单", 1500, None, "含撕单、输单、夹单"),
    ("配货", "拣货", 1000, None, "拣货车配货，含扫描扣数"),
    ("配货", "配错单处理", None, 1, ""),
    ("配货", "拉货", 3000, None, ""),
    ("补货", "补货员", 3000, None, "含回放"),
    ("补货", "异常单处理", None, 1, ""),
    ("校验", "质检", 1500, None, "QC"),
    ("校验", "打包", 500, None, "包裹交运由打包组完成"),
    ("校验", "称重", 1500, None, "协助打包"),
    ("售后", "售后", None, 2, ""),
    ("管理/统计", "管理统计", None, 1, ""),
]

# Seed 000: 11-10 and 11-11 online 24 h, 11-12..17 15 h a day; 10/2/2 during, 5/1/7 after.
# Chat volumes are plausible picks for a shop of this size (the seeds give none).
SERVICE = [
    (D(Y, 11, 10), 1200, T(0, 0), T(0, 0), "平日", 10, 2, 2),
    (D(Y, 11, 11), 2500, T(0, 0), T(0, 0), "大促", 10, 2, 2),
    (D(Y, 11, 12), 1500, T(9, 0), T(0, 0), "平日", 5, 1, 7),
    (D(Y, 11, 13), 1200, T(9, 0), T(0, 0), "平日", 5, 1, 7),
    (D(Y, 11, 14), 1000, T(9, 0), T(0, 0), "平日", 5, 1, 7),
    (D(Y, 11, 15), 900, T(9, 0), T(0, 0), "平日", 5, 1, 7),
    (D(Y, 11, 16), 800, T(9, 0), T(0, 0), "平日", 5, 1, 7),
    (D(Y, 11, 17), 600, T(9, 0), T(0, 0), "平日", 5, 1, 7),
]

# Seed 000's inventory table; its category names are lost in the seed, these are picks.
INVENTORY = [
    ("合金车模", 6000, 1_800_000), ("遥控车", 3000, 1_200_000), ("拼装模型", 2000, 1_000_000),
    ("收藏限量款", 2000, 1_000_000), ("儿童玩具车", 8000, 2_400_000), ("赛车模型", 6000, 1_500_000),
    ("配件", 4000, 600_000), ("周边礼品", 4000, 500_000),
]

SHIFTS = [
    ("早", "早班", T(8, 0), 8, ("全职", "借调"), ""),
    ("中", "中班", T(16, 0), 8, ("全职", "借调"), ""),
    ("夜", "夜班", T(0, 0), 8, ("全职",), ""),
    ("学", "学生班", T(10, 0), 4, ("学生",), "仓储物流部"),
    ("峰", "大促峰值班", T(22, 0), 4, ("全职", "借调"), ""),
]

# Who must be on duty when (值班需求). Customer service and the warehouse take their models'
# requirements; the other departments keep people on duty through the sale night, as the seeds'
# duty lists ask (seed 002: 运营 会场位置更替与营销实时反馈, 美编 banner 轮换, 推广 抢购期活动力度,
# 商品 跟踪库存及时补单). Typed spans are picks; the seeds give the duties, not the hours.
REQUIREMENTS = [
    ("客服部", "售前", "客服测算", None, "", None, None, "Erlang C：服务水平 80% / 30 秒"),
    ("客服部", "催单", "催单定编", None, "", None, None, "种子 000：活动时 2 人，活动后 1 人"),
    ("客服部", "售后", "售后定编", None, "", None, None, "种子 000：活动时 2 人，活动后 7 人"),
    *[("仓储物流部", post, "仓库测算", None, "", None, None, "") for post in
      ("打单", "拣货", "配错单处理", "拉货", "补货员", "异常单处理", "质检", "打包", "称重", "售后", "管理统计")],
    ("仓储物流部", "打包", "手填", 2, "11-11~11-13", T(10, 0), T(14, 0), "午间打包高峰，学生工补位"),
    ("运营部", "值班", "手填", 1, "", dt.datetime(Y, 11, 10, 20, 0), dt.datetime(Y, 11, 12, 2, 0), "活动上线、会场位置更替、实时战报"),
    ("商品部", "值班", "手填", 1, "11-10~11-11", T(22, 0), T(2, 0), "抢购期与扫尾期库存监控"),
    ("商品部", "值班", "手填", 1, "11-11", T(8, 0), T(22, 0), "跟踪库存与预售，及时补单"),
    ("美编部", "值班", "手填", 2, "11-11", T(8, 0), T(0, 0), "banner 轮换：发货、售罄、库存紧张、倒计时"),
    ("美编部", "值班", "手填", 1, "11-10", T(22, 0), T(2, 0), "零点开抢页面切换"),
    ("推广部", "值班", "手填", 1, "", dt.datetime(Y, 11, 10, 20, 0), dt.datetime(Y, 11, 11, 4, 0), "抢购期推广力度与出价"),
    ("推广部", "值班", "手填", 1, "11-11", T(8, 0), T(0, 0), "实时调整推广计划"),
]
# 必保时段: none in the example. Weighting 11-11 00:00 here pulls agents off 11-10 and 11-11 noon
# and lowers the sale day's chat-weighted service level (the hour stays below its Erlang load):
# the roster sheet's advice (run 中班 on as overtime) is the better fix. The sheet stays, empty.
MUST_COVER: list[tuple] = []

_SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
          "霞", "平", "刚", "桂英", "欣", "婷", "浩", "宇", "晨", "悦", "琳", "博"]


def _names(n: int, offset: int) -> list[str]:
    return [_SURNAMES[(offset + i) % len(_SURNAMES)] + _GIVEN[(offset * 7 + i * 11) % len(_GIVEN)] for i in range(n)]


def _staff() -> list[tuple]:
    rows: list[tuple] = []
    cs = _names(34, 0)
    for i, name in enumerate(cs):
        posts = ("售前", "催单") if i % 3 == 0 else ("售前", "售后") if i % 3 == 1 else ("售后", "催单", "售前")
        unavailable = (D(Y, 11, 15),) if i in (4, 17) else (D(Y, 11, 12),) if i == 25 else ()
        rows.append((name, "客服部", "、".join(posts), "全职", 10, 72, "、".join(f"{d:%m-%d}" for d in unavailable), 25, ""))
    for name in _names(9, 34):  # seed 001: borrow 9 agents from other departments
        rows.append((name, "客服部", "售前", "借调", 8, 40, "", 30, "11-10~11-13"))
    wh_posts = ["打单、配错单处理、异常单处理", "拣货、拉货", "拣货、配错单处理", "质检、售后", "打包、称重", "打包、补货员",
                "补货员、异常单处理、拉货", "打包、拣货", "打单、管理统计", "质检、称重、售后", "管理统计、异常单处理", "打包、售后"]
    for i, name in enumerate(_names(36, 44)):
        unavailable = (D(Y, 11, 13),) if i == 5 else ()
        rows.append((name, "仓储物流部", wh_posts[i % len(wh_posts)], "全职", 10, 72,
                     "、".join(f"{d:%m-%d}" for d in unavailable), 22, ""))
    for name in _names(6, 80):  # seed 000: A组（白班）3学生 …; hired by the day, one lunch shift each
        rows.append((name, "仓储物流部", "打包、拣货", "学生", 4, 4, "", 18, ""))
    for dept, n, offset in (("运营部", 4, 88), ("商品部", 3, 92), ("美编部", 4, 95), ("推广部", 3, 99)):
        for name in _names(n, offset):  # the duty lists' people on duty through the sale night;
            # nobody takes more than one night shift (班次上限)
            rows.append((name, dept, "值班", "全职", 10, 40, "", 30, "", None, None, None, None, None, "夜=1"))
    return rows


def _contacts(rows: list[tuple]) -> list[tuple]:
    """工号, a made-up mobile number (139 0000 xxxx: not a real subscriber range) and the team lead:
    the first of every ten people in a department leads the nine after."""
    out, seen = [], Counter()
    for k, row in enumerate(rows):
        dept = row[1]
        i = seen[dept]
        seen[dept] += 1
        lead = next(r[0] for r in rows if r[1] == dept and seen_index(rows, r) == i - i % 10) if i % 10 else ""
        padded = tuple(row) + (None,) * (15 - len(row))
        out.append((*padded, f"SP{k + 1:04d}", f"139-0000-{k + 1:04d}", lead))
    return out


def seen_index(rows: list[tuple], row: tuple) -> int:
    """The row's place among its department's rows."""
    return [r for r in rows if r[1] == row[1]].index(row)


STAFF = _contacts(_staff())

# The team leads take the flash-sale night themselves: typed by the planner, kept by the roster.
FIXED = [
    (STAFF[0][0], D(Y, 11, 11), "夜", "售前"),
    (STAFF[1][0], D(Y, 11, 11), "夜", "售后"),
]

# 员工意愿: wishes the roster weighs against cover and cost (weights in the hourly cost's unit).
REQUESTS = [
    (STAFF[2][0], "11-11", "夜", "不想上班", 100),
    (STAFF[5][0], "11-15~11-16", None, "不想上班", 40),
    (STAFF[7][0], "11-11", "峰", "想上班", 20),
]

_MODELS = ["保时捷911", "奔驰G级", "兰博基尼", "法拉利F40", "宝马M4", "奥迪R8", "福特野马", "红旗H9", "大众甲壳虫", "路虎卫士",
           "丰田AE86", "日产GT-R", "雪佛兰科迈罗", "马自达MX-5", "本田NSX", "迈凯伦P1"]
_SCALES = ["1:18", "1:24", "1:32", "1:64"]
_CATS = ["合金车模", "遥控车", "拼装模型", "收藏限量款", "儿童玩具车", "赛车模型"]


def _products() -> list[tuple]:
    rows = []
    for i in range(48):
        model, scale = _MODELS[i % len(_MODELS)], _SCALES[i // len(_MODELS) % len(_SCALES)]
        cat = _CATS[(i * 5) % len(_CATS)]
        price = [399, 259, 159, 89][_SCALES.index(scale)] + (i % 5) * 20
        sales = max(3, int(900 / (1 + i * 0.6)))
        views = sales * (30 + i % 7 * 5)
        tier = "预爆款" if i == 3 else ""
        rows.append((f"CM{1001 + i}", f"{model} {scale} 合金车模", cat, price, 60 + (i * 37) % 400, sales,
                     int(sales * (2.5 + i % 4)), int(sales * 1.8), views, round(sales / views, 4), tier,
                     sales * 6 if i < 3 else None, round(price * 0.45) if i % 3 else None))
    return rows


PRODUCTS = _products()

NOTES = [
    ("年份", "种子文件为 2015 年方案；示例取 2026 年，11-11 同为星期三（与“下班后两个高峰”一致）。"),
    ("库存类目", "种子 000 的库存表缺类目名称，这里按车模店铺常见类目补全；件数与折后金额照抄种子。"),
    ("仓库人效 Y", "种子只给公式；人效按 X=500、系数 6 复现种子 001 的建议分组（打单2 捡货3 QC2 打包6 称重2）。"),
    ("客服咨询量", "种子未给咨询量；按店铺规模取合理值。上线时间照种子 000：10–11 日 24 小时，12–17 日 15 小时。"),
    ("客服定编", "种子 000：活动时售前10 催单2 售后2；活动后售前5 催单1 售后7。"),
    ("借调客服", "种子 001：从其他部门借调客服 9 人；值班表须于 10-15 前排好。借调期按种子 002 的“10–13 日 24 小时在线”取 11-10 至 11-13。"),
    ("固定排班", "两名客服组长在大促当夜（11-11 夜班）亲自值班：计划员填写的固定排班，排班时原样保留。"),
    ("峰值班", "种子未给班次；按三班倒（早 8:00、中 16:00、夜 0:00）加学生 4 小时班（仅仓储物流部）和 22:00 起 4 小时的大促峰值班。"),
    ("值班需求", "客服与仓库按测算排班；运营、商品、美编、推广按种子 002 的职责在大促当夜留人值班，时段为示例取值。仓库午间打包高峰加 2 人，由学生工补位。"),
    ("咨询倍数", "大促曲线按「大促时段」的咨询倍数成形：抢购期 13 倍、冲动消费期 3 倍、扫尾期 1.2 倍（取值为示例；改动抢购期时间，高峰随之移动）。"),
    ("人员名单", "姓名为虚构；学生工按种子 000 的“A组（白班）3学生”补入仓库，按天招募，每人一个午间班（活动最多 4 小时）。"),
    ("商品", "种子 001 的店铺经营车模，商品数据为虚构示例；进价约为售价的 45%，部分留空以示按成本率估算。"),
    ("统计日期", "示例按 10-20 做计划：逾期职责与补货最晚下单日都以此日计算。"),
]
