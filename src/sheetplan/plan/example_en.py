"""The worked example in English (`sheetplan new --example --lang en`): the same plan, every name,
duty and note a planner reads translated, so an English-speaking team gets a plan of its own
words — departments, posts and shift codes included — not a Chinese plan with English headers.
"""

from __future__ import annotations

from typing import Any

from .schema import CHOICE_EN

NAMES: dict[str, str] = {
    # departments and their notes
    "运营部": "Operations", "商品部": "Merchandising", "美编部": "Design", "推广部": "Marketing",
    "客服部": "Customer service", "仓储物流部": "Warehouse",
    "活动报名、方案、会员营销": "sign-up, campaign plan, member marketing",
    "商品结构、定价、库存与补货": "product structure, pricing, stock and reorders",
    "详情页、首页与推广素材": "product pages, home page, ad creatives",
    "广告资源与流量入口": "ad inventory and traffic entrances",
    "售前、催单、售后与排班": "pre-sales, reminders, after-sales and rosters",
    "库存、打包发货与物流": "stock, packing, shipping and carriers",
    # posts (customer service: the template's English vocabulary)
    "售前": "Pre-sales", "催单": "Reminders", "售后": "After-sales", "值班": "On duty",
    "打单": "Order printing", "拣货": "Picking", "配错单处理": "Mis-pick fixes", "拉货": "Hauling",
    "补货员": "Replenishment", "异常单处理": "Exceptions", "质检": "QC", "打包": "Packing", "称重": "Weighing",
    "管理统计": "Admin", "订单处理": "Order processing", "配货": "Order picking", "补货": "Restocking",
    "校验": "Checking", "管理/统计": "Admin & stats",
    "含撕单、输单、夹单": "incl. tearing, keying and clipping orders", "拣货车配货，含扫描扣数": "cart picking incl. scanning",
    "含回放": "incl. put-back", "包裹交运由打包组完成": "packers hand parcels to the carrier", "协助打包": "helps packing",
    # shifts
    "早": "E", "中": "L", "夜": "N", "学": "S", "峰": "P",
    "早班": "Early", "中班": "Late", "夜班": "Night", "学生班": "Student", "大促峰值班": "Sale-night peak",
    # sale-day windows
    "抢购期": "Flash sale", "冲动消费期": "Impulse buying", "理性消费期": "Considered buying", "扫尾期": "Wrap-up",
    "秒杀与限量产品，实时战报": "seckill and limited items, live sales reports",
    "做好引导，减少不必要的退换货": "guide buyers, avoid needless returns",
    "品牌、产品与服务取胜；午间与下班后两个高峰": "win on brand, product and service; lunch and after-work peaks",
    "倒计时免单、拼单优惠、购物抽奖": "countdown free orders, group deals, prize draws",
    # phase goals
    "新品拍摄（8-30 前）与宝贝描述（9-30 前），测款定主推": "shoot new products (by 8-30), write listings (by 9-30), test and pick the featured items",
    "品牌蓄势、爆款打造、老客户唤醒（短信/旺旺）": "build the brand and the hits, wake up past buyers (SMS, Wangwang)",
    "收藏加购、红包优惠券、导购清单，11-1 准时上线": "favourites and carts, coupons, buying guides; live on 11-1",
    "抢购、引导、理性消费期以服务取胜、扫尾": "flash sale, guidance, win the considered buyers with service, wrap-up",
    "售后高峰，售前支援售后，保持销量": "after-sales peak: pre-sales help after-sales; keep sales up",
    # requirement notes
    "Erlang C：服务水平 80% / 30 秒": "Erlang C: 80% answered within 30 s",
    "种子 000：活动时 2 人，活动后 1 人": "seed 000: 2 during the sale, 1 after",
    "种子 000：活动时 2 人，活动后 7 人": "seed 000: 2 during the sale, 7 after",
    "午间打包高峰，学生工补位": "lunchtime packing peak, covered by students",
    "活动上线、会场位置更替、实时战报": "go-live, venue slot changes, live sales reports",
    "抢购期与扫尾期库存监控": "stock watch through the flash sale and the wrap-up",
    "跟踪库存与预售，及时补单": "track stock and pre-sales, reorder in time",
    "banner 轮换：发货、售罄、库存紧张、倒计时": "rotate banners: shipping, sold out, low stock, countdown",
    "零点开抢页面切换": "switch pages at midnight",
    "抢购期推广力度与出价": "ad pressure and bids through the flash sale",
    "实时调整推广计划": "adjust campaigns live",
    # inventory categories
    "合金车模": "Die-cast models", "遥控车": "RC cars", "拼装模型": "Model kits", "收藏限量款": "Limited editions",
    "儿童玩具车": "Kids' cars", "赛车模型": "Racing models", "配件": "Accessories", "周边礼品": "Gifts",
}

DUTIES: dict[str, str] = {
    "撒娇节/双十一活动报名及活动商品申报": "Sign up for the sale and submit the sale items",
    "制定活动方案": "Write the campaign plan",
    "完成专题页画版，策划好页面导入接口": "Lay out the campaign page and plan its entrances",
    "专题页制定日收藏数据指标": "Set daily favourite targets for the campaign page",
    "跟进专题访客量及收藏量，适时调整流量或页面（持续）": "Track page visitors and favourites; adjust traffic or the page (ongoing)",
    "优惠券派发入口与文案说明": "Coupon entrances and their wording",
    "选定主推款，对推广提出数据指标": "Pick the featured items and set targets for marketing",
    "跟进爆款销售情况，每天确定流量指标": "Track the hits and set daily traffic targets",
    "区分会员层级，针对每个会员区域制定动作方案": "Segment members and plan actions per segment",
    "催付、发货、签收短信预热前优化方案": "Improve the payment, shipping and delivery SMS before the warm-up",
    "制订会员营销方案、会员特权与奖励方案": "Member marketing plan, member perks and rewards",
    "活动短信通知文案撰写（预告、关怀、活动内容、紧迫感四轮）": "Write four rounds of SMS: teaser, care, offer, urgency",
    "商品标题优化，增加实时热搜关键词": "Improve product titles with trending keywords",
    "倒计时安排：自动回复与页面告知": "Countdown: auto-replies and page notices",
    "11-12 短信播报销售战况，感谢支持": "11-12: SMS the results and thank the buyers",
    "梳理商品结构，制作商品结构总表（预爆款、主推、常规款；定价、库存量）": "Product structure table: hits, featured, regular; prices and stock",
    "主推款文案优化": "Improve the featured items' copy",
    "活动款文案撰写和优化，以及产品定价": "Write the sale items' copy and set prices",
    "确定主推商品及价格，拟定商品申报表": "Fix the featured items and prices; draft the item submission",
    "规划后台活动安全库存": "Plan the sale's safety stock in the back office",
    "主推款及常规款关联销售方案": "Cross-selling between featured and regular items",
    "新款销售跟踪，制作补货表（销量、收藏、转化率、浏览量）": "Track new items; reorder table (sales, favourites, conversion, views)",
    "分销渠道商品规划及当天库存分配方案": "Distribution items and the sale day's stock allocation",
    "跟踪库存商品销售数据和预售情况，及时补单": "Track stock sales and pre-sales; reorder in time",
    "产品详情页设计、制作、分批次优化": "Design product pages and improve them in batches",
    "主推款详情页制作、优化上线": "Build and launch the featured items' pages",
    "预热期 EDM 与大促当天促销 EDM": "Warm-up and sale-day e-mails",
    "活动报名素材制作与优化": "Creatives for the sale sign-up",
    "首页（预热、大促当天多套方案、11-12）页面制作": "Home pages: warm-up, several sale-day versions, 11-12",
    "单品页与直通车推广款详情页制作": "Item pages for the search-ad items",
    "钻展、直通车素材制作": "Display and search ad creatives",
    "大促中 banner 轮换准备（发货、售罄、库存紧张、实时销售、倒计时）": "Banners to rotate on the day: shipping, sold out, low stock, live sales, countdown",
    "自助购物攻略页面制作": "Self-service shopping guide page",
    "无线端手机专修": "Mobile store pages",
    "制订活动期间广告资源方案": "Plan the ad inventory for the sale",
    "根据运营要求制定推广计划及费用需求": "Marketing plan and budget from the operations targets",
    "专题页启用店铺推广等各渠道流量入口": "Open traffic entrances to the campaign page",
    "启动店铺推广，增加首页、类目页、详情页流量入口": "Start store ads: home, category and item page entrances",
    "主推款关键字推广、定向推广": "Keyword and targeted ads for the featured items",
    "重点推广款关键字卡位，多计划持续推广": "Hold keyword positions for the key items across campaigns",
    "站外 SNS 推广测试及计划": "Off-site social media tests and plan",
    "无线端推广测试及计划": "Mobile ad tests and plan",
    "客服分组，选出小组长，排班计划；10–13 日 24 小时在线": "Form agent teams and leads, plan shifts; online 24 h on the 10th–13th",
    "客服培训：产品知识、软件、促销内容、话术": "Agent training: products, tools, offers, scripts",
    "临时客服到岗（从其他部门借调 9 人）及培训": "Temporary agents (9 borrowed from other departments) in place and trained",
    "设置客服子旺旺、快捷短语、自动回复并核查": "Set up agent accounts, quick phrases and auto-replies; check them",
    "成立活动咨询、售后处理小组": "Form the sale enquiry and after-sales teams",
    "客服应急预案：监控旺旺流量、强制分流、400 电话": "Contingency: watch chat load, force routing, hotline",
    "大促当天催付方案及催款话术（旺旺实时催付、短信催付）": "Sale-day payment reminders and scripts (chat and SMS)",
    "值班表排好（10-15 前）": "Duty roster done (by 10-15)",
    "VIP 老客户电话通知（4000 人，20 人 4 天）": "Call VIP buyers (4,000 people, 20 callers, 4 days)",
    "结合历史数据与销售预测规划仓库场地（扩容走廊）": "Plan the warehouse space from history and forecast (use the corridors)",
    "部门支援培训：收货上架、捡货、打包、称重": "Train helpers from other departments: receiving, picking, packing, weighing",
    "人员调配与培训": "Staff allocation and training",
    "打单系统稳定性与压力测试（预计单量 2 倍）": "Stress-test the order printing system (2× the forecast)",
    "货架布局：主力商品靠近操作台": "Shelf layout: main items next to the benches",
    "打印机性能测试，至少 1 台备用": "Test the printers; keep at least one spare",
    "确定物流公司运力、揽收频率与时效条款": "Agree carrier capacity, pick-up frequency and delivery terms",
    "清点大促货品，预留热销款就近打包区域": "Count the sale stock; pack the hits close by",
    "后勤保障：打印机、面单、纸张、水、食物": "Supplies: printers, labels, paper, water, food",
}

MODELS = {
    "保时捷911": "Porsche 911", "奔驰G级": "Mercedes G-Class", "兰博基尼": "Lamborghini", "法拉利F40": "Ferrari F40",
    "宝马M4": "BMW M4", "奥迪R8": "Audi R8", "福特野马": "Ford Mustang", "红旗H9": "Hongqi H9", "大众甲壳虫": "VW Beetle",
    "路虎卫士": "Land Rover Defender", "丰田AE86": "Toyota AE86", "日产GT-R": "Nissan GT-R", "雪佛兰科迈罗": "Chevrolet Camaro",
    "马自达MX-5": "Mazda MX-5", "本田NSX": "Honda NSX", "迈凯伦P1": "McLaren P1", "合金车模": "die-cast",
}

SETTINGS: dict[str, Any] = {"name": "Tmall Double 11 2026", "products_department": "Merchandising"}

NOTES = [
    ("Year", "The seeds are 2015 plans; the example uses 2026, when 11-11 is again a Wednesday."),
    ("Inventory", "Seed 000's inventory table lost its category names; these are picks for a model-car shop."),
    ("Warehouse Y", "The seeds give only the formula; productivity is picked to reproduce seed 001's suggested team."),
    ("Chats", "The seeds give no chat volumes; plausible picks. Online hours follow seed 000."),
    ("Fixed counts", "Seed 000: 10/2/2 during the sale, 5/1/7 after."),
    ("Borrowed agents", "Seed 001: 9 agents borrowed from other departments, lent 11-10 to 11-13."),
    ("Fixed shifts", "The two team leads take the flash-sale night themselves: typed, kept as they are."),
    ("Shifts", "Three eight-hour shifts plus a 4-hour student shift (warehouse) and a 4-hour sale-night peak shift."),
    ("Requirements", "Customer service and the warehouse are staffed from their models; the other departments keep "
                     "people on duty through the sale night (seed 002's duties); spans are picks."),
    ("Chat multipliers", "The sale-day curve is shaped by the windows' chat multipliers (flash sale 13×)."),
    ("Staff", "Names are made up; students are hired by the day, one lunchtime shift each."),
    ("Products", "Seed 001's shop sells model cars; the product data are made up; unit costs are about 45% of the price, some left empty to show the cost-ratio estimate."),
    ("As of", "The example plans on 10-20: overdue duties and order-by dates are judged by that day."),
]


def translate(value: Any) -> Any:
    """One cell of the example in English: names, duties, lists of names, the fixed choices."""
    if isinstance(value, tuple):
        return tuple(translate(v) for v in value)
    if not isinstance(value, str):
        return value
    if value in NAMES:
        return NAMES[value]
    if value in DUTIES:
        return DUTIES[value]
    if value in CHOICE_EN:
        return CHOICE_EN[value]
    if "=" in value:  # 班次上限: 夜=1 → N=1
        return ", ".join("=".join(map(str, map(translate, part.split("=", 1)))) for part in value.split("、"))
    if "、" in value:
        return ", ".join(str(translate(part)) for part in value.split("、"))
    if " " in value and any(part in MODELS for part in value.split(" ")):  # a product name
        return " ".join(MODELS.get(part, part) for part in value.split(" "))
    return value


def english(data: dict[str, Any]) -> dict[str, Any]:
    """The example's sheets (as `plan.template.write_plan` takes them) in English."""
    out: dict[str, Any] = {}
    for key, rows in data.items():
        if key == "campaign":
            out[key] = {k: translate(v) for k, v in rows.items()} | SETTINGS
        else:
            out[key] = [tuple(translate(v) for v in row) for row in rows]
    return out
