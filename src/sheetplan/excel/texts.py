"""What the add-in's VBA says, in Chinese and English: Insert Function help and message boxes.

The English function help is the ``doc=`` text of :mod:`sheetplan.excel.udfs` (what xlwings itself
registers); the Chinese is here, one entry per function and argument, checked against the
functions by a test. The build turns both into VBA (text with anything but ASCII as
``SheetPlanW("<UTF-16 hex>")``, so the source is the same under code page 936 and 1252) and
Excel shows the one matching its UI language (:data:`ZH_UI_LANGUAGE_IDS`).
"""

from __future__ import annotations

from sheetplan.i18n import Bilingual

#: msoLanguageID values of Chinese Office UIs: zh-CN, zh-TW, zh-HK, zh-SG, zh-MO.
ZH_UI_LANGUAGE_IDS = frozenset({2052, 1028, 3076, 4100, 5124})

#: Function → (description, {argument: help}) for Insert Function in a Chinese Excel.
UDF_HELP_ZH: dict[str, tuple[str, dict[str, str]]] = {
    "SP_ABC": ("按累计占比给每个值分 A/B/C 类，形状与输入相同。", {
        "values": "要分类的值（如每个商品的折后金额）；空格跳过",
        "a_share": "A 类占总值的比例（默认 0.7）",
        "b_share": "B 类占总值的比例（默认 0.2）",
    }),
    "SP_AGENTS": ("每个时段需要的客服人数（Erlang C），使 target_sl 的咨询在 answer_seconds 秒内接起。", {
        "arrivals": "每个时段进线的咨询量（单元格、行、列或区域）",
        "aht_seconds": "平均处理时长（秒），> 0",
        "target_sl": "服务水平目标（小数），如 0.8 即 80%",
        "answer_seconds": "接起时限（秒），如 20",
        "interval_minutes": "时段长度（分钟，默认 60）",
        "concurrency": "同时接待的会话数，作为处理时长的除数（默认 1；2 个会话约 1.7）",
        "max_occupancy": "占用率上限，如 0.85（默认 1 = 不设上限）",
        "shrinkage": "带薪但不在线的时间占比，如 0.3（默认 0）",
    }),
    "SP_HEADCOUNT": ("一个岗位的仓库人数：⌈订单量 × 活动效果系数 ÷ 人效⌉（配货人数）。", {
        "orders": "日订单量 X，≥ 0 的数",
        "coefficient": "活动效果系数，> 0，如 1.5",
        "per_person": "该岗位一人一天处理的订单数（人效 Y），> 0",
    }),
    "SP_OUTREACH": ("每人每天要打的电话数，向上取整（4000 位 VIP、20 人、4 天 → 50）。", {
        "customers": "要联系的客户数（如 4000 位 VIP 买家）",
        "callers": "打电话的人数（如 20），> 0",
        "days": "可用天数（如 4），> 0",
    }),
    "SP_ROSTER": ("具名排班：谁在何时上哪个岗位，求解器与规则同生成排班；最后几行给出缺口人时和需求覆盖率。", {
        "staff": "人员表（含表头）：姓名、岗位，可选 类型 与各项上限",
        "shifts": "班次表（含表头）：代码、开始、时长(小时)、可上班类型",
        "requirement": "需求表（含表头）：岗位、人数、日期、开始、结束",
        "min_rest_hours": "两班之间最少休息小时数（默认 11）",
        "max_days_in_a_row": "最多连续上班天数（默认 6）",
        "interval_minutes": "时段长度：15、30 或 60 分钟（默认 60）",
        "lang": "表头语言：\"zh\"（默认，中文）或 \"en\"",
    }),
    "SP_SELLOUT_HOURS": ("每个 SKU 还能卖多少小时（不足 24 小时需预警）；不动销则留空。", {
        "stock": "库存件数，一个单元格或一列 SKU；空 = 0",
        "daily_sales": "按当前节奏的日销量，形状同库存",
        "pace_factor": "大促当天节奏是当前的几倍（默认 1）",
    }),
    "SP_SERVICE_LEVEL": ("给定客服人数时 answer_seconds 秒内接起的咨询占比（Erlang C）。", {
        "agents": "在线客服人数：一个数，或每个咨询量单元格一个",
        "arrivals": "每个时段进线的咨询量（单元格、行、列或区域）",
        "aht_seconds": "平均处理时长（秒），> 0",
        "answer_seconds": "接起时限（秒），如 20",
        "interval_minutes": "时段长度（分钟，默认 60）",
        "concurrency": "同时接待的会话数，作为处理时长的除数（默认 1）",
    }),
    "SP_SHARE": ("每个值占合计的比例，形状与输入相同（占比）。", {
        "values": "要算占比的件数或金额（一行、一列或区域；空格跳过）",
        "decimals": "最大余数法的百分比小数位（默认 1 → 17.1%）",
        "method": "\"exact\"（默认，精确）或 \"largest_remainder\"（最大余数：合计为 100%）",
    }),
    "SP_SHARE_TABLE": ("占比表，含表头和合计行：件数、金额、各自占比、件单价、ABC。", {
        "labels": "类目名称，一行或一列",
        "quantities": "每个类目的件数，长度同类目",
        "amounts": "每个类目的折后金额，长度同类目",
        "decimals": "最大余数法的百分比小数位（默认 1）",
        "method": "\"exact\"（默认，精确）或 \"largest_remainder\"（最大余数）",
        "lang": "表头语言：\"zh\"（默认，中文）或 \"en\"",
    }),
    "SP_SHIFT_PLAN": ("覆盖需求的最省班次安排：开始（距第一个时段的小时数）、时长、人数。", {
        "requirement": "每个时段需要的人数，按时间顺序（一行或一列）",
        "shift_hours": "班次时长（小时），或允许的多个时长（如 8 和 4）",
        "interval_minutes": "时段长度（分钟，默认 60）",
        "lang": "表头语言：\"zh\"（默认，中文）或 \"en\"",
    }),
    "SP_STOCKUP": ("每个 SKU 要备货/补货的件数：目标 + 安全库存 − 库存，≥ 0，按整箱。", {
        "stock": "库存件数，一个单元格或一列 SKU；空 = 0",
        "sales": "每个 SKU 的当前销量，形状同库存；空 = 0",
        "tier": "每个 SKU 的分层 预爆款/主推/常规款，或一个值用于全部（默认 常规款）",
        "forecast": "预爆款的预测销量（空：销量 × 爆发倍数）",
        "multiple": "非爆款的目标 = 销量 × 倍数（默认 3）",
        "uplift": "无预测的爆款：目标 = 销量 × 爆发倍数（默认 5）",
        "safety": "每个 SKU 的安全库存，或一个值用于全部（默认 0）",
        "pack_size": "按整箱订货，每箱件数（默认 1）",
    }),
    "SP_TIER": ("按各指标加权百分位给每个 SKU 分层（预爆款/主推/常规款）。", {
        "sales": "每个 SKU 的销量，一行或一列；没有任何指标的行留空",
        "favourites": "每个 SKU 的收藏数，与销量平行；可选",
        "carts": "每个 SKU 的加购数，与销量平行；可选",
        "views": "每个 SKU 的浏览量，与销量平行；可选",
        "conversion": "每个 SKU 的转化率（小数或百分比），与销量平行；可选",
        "overrides": "计划员填写的分层（预爆款/主推/常规款）优先；空格按计算",
        "hit_share": "预爆款的 SKU 占比（默认 0.05 = 前 5%）",
        "featured_share": "预爆款之后主推的 SKU 占比（默认 0.15）",
    }),
}

#: Message boxes of the add-in's VBA ({…} are filled in VBA, in this order of keys).
VBA_TEXTS: Bilingual = {
    "title": ("SheetPlan 大促计划", "SheetPlan"),
    "open_plan_first": ("请先打开一个计划工作簿。", "Open a plan workbook first."),
    "about_version": ("版本", "Version"),
    "about_addin": ("加载项", "Add-in"),
    "about_python": ("Python", "Python"),
    "about_python_default": ("未设置 Interpreter_Win，使用 PATH 上的 pythonw",
                             "no Interpreter_Win set: pythonw on the PATH"),
    "about_python_missing": ("（找不到此文件！请运行 sheetplan addin doctor）",
                             " (file not found! run sheetplan addin doctor)"),
    "about_excel": ("Excel", "Excel"),
    "about_spill": ("动态数组：表格结果原生溢出", "dynamic arrays: tables spill natively"),
    "about_legacy": ("无动态数组：表格结果按旧式数组公式填充",
                     "no dynamic arrays: tables fill as legacy array formulas"),
    "failed": ("SheetPlan 出错了", "SheetPlan stopped with an error"),
    "err_dll": ("找不到 xlwings 的 DLL（应在加载项所用 Python 的文件夹或其上一级）：请运行 sheetplan addin doctor",
                "xlwings' DLL is not beside the add-in's Python (its folder or the one above): "
                "run sheetplan addin doctor"),
    "err_blocked": ("Windows 不允许 Excel 启动 Python（多为 Defender 规则「阻止所有 Office 应用程序创建子进程」）："
                    "请运行 sheetplan addin doctor 并联系 IT",
                    "Windows stopped Excel from starting Python (mostly the Defender rule 'Block all Office "
                    "applications from creating child processes'): run sheetplan addin doctor and ask IT"),
    "err_no_python": ("Excel 无法启动 Python：请运行 sheetplan addin doctor",
                      "Excel could not start Python: run sheetplan addin doctor"),
    "failed_hint": ("如果问题持续，请运行 sheetplan addin doctor。",
                    "If this keeps happening, run sheetplan addin doctor."),
}
