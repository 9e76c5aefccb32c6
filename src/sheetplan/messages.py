"""Every message a user reads about their input, in Chinese and English (one place)."""

from __future__ import annotations

from .i18n import pick

MESSAGES: dict[str, tuple[str, str]] = {
    "not_workbook": ("{file} 不是 Excel 工作簿（.xlsx/.xlsm）：{why}", "{file} is not an Excel workbook (.xlsx/.xlsm): {why}"),
    "not_found": ("找不到文件 {file}", "no such file: {file}"),
    "is_folder": ("{file} 是文件夹，不是计划工作簿（批量生成请用 sheetplan batch）", "{file} is a folder, not a plan workbook (use sheetplan batch for folders)"),
    "old_xls": ("{file} 是旧版 .xls 格式，请在 Excel 中另存为 .xlsx", "{file} is an old .xls file; save it as .xlsx in Excel"),
    "csv": ("{file} 是文本/CSV 文件，不是计划工作簿；请用 `sheetplan new` 生成模板", "{file} is a text/CSV file, not a plan workbook; start from `sheetplan new`"),
    "encrypted": ("{file} 设有打开密码，请先取消密码", "{file} is password-protected; remove the password first"),
    "locked": ("{file} 无法读取（可能正在 Excel 中打开）：{why}", "{file} cannot be read (open in Excel?): {why}"),
    "too_big": ("{file} 解压后过大（{size} MB），疑似压缩炸弹", "{file} expands to {size} MB; refusing a possible zip bomb"),
    "missing_sheet": ("缺少工作表「{sheet}」", "missing sheet '{sheet}'"),
    "missing_column": ("缺少列「{column}」（在第 {row} 行表头中）", "missing column '{column}' (header row {row})"),
    "no_header": ("找不到表头行（前 10 行中应有「{columns}」）", "no header row found (expected '{columns}' in the first 10 rows)"),
    "required": ("「{column}」不能为空", "'{column}' must not be empty"),
    "not_number": ("「{column}」应为数字，实为「{value}」", "'{column}' must be a number, not '{value}'"),
    "not_int": ("「{column}」应为整数，实为「{value}」", "'{column}' must be a whole number, not '{value}'"),
    "too_small": ("「{column}」不能小于 {min}（实为 {value}）", "'{column}' must be at least {min} (is {value})"),
    "too_large": ("「{column}」不能大于 {max}（实为 {value}）", "'{column}' must be at most {max} (is {value})"),
    "not_date": ("「{column}」应为日期，实为「{value}」", "'{column}' must be a date, not '{value}'"),
    "not_time": ("「{column}」应为时间（如 08:00），实为「{value}」", "'{column}' must be a time such as 08:00, not '{value}'"),
    "bad_choice": ("「{column}」应为 {choices} 之一，实为「{value}」", "'{column}' must be one of {choices}, not '{value}'"),
    "formula_no_value": ("「{column}」是公式但没有计算结果，请在 Excel 中打开并保存", "'{column}' is a formula without a computed value; open and save it in Excel"),
    "error_value": ("「{column}」是错误值 {value}", "'{column}' holds the error {value}"),
    "merged": ("合并单元格 {range} 覆盖了输入区，请取消合并", "merged cells {range} cover input cells; unmerge them"),
    "unknown_setting": ("未知设置「{value}」（已忽略）", "unknown setting '{value}' (ignored)"),
    "missing_setting": ("缺少设置「{column}」", "missing setting '{column}'"),
    "unknown_department": ("部门「{value}」不在「部门」表中", "department '{value}' is not on the Departments sheet"),
    "outside_campaign": ("日期 {value} 不在活动期 {start}–{end} 内", "date {value} is outside the campaign {start}–{end}"),
    "end_before_start": ("结束 {end} 早于开始 {start}", "end {end} is before start {start}"),
    "sale_day_outside": ("大促日 {value} 不在活动期 {start}–{end} 内", "sale day {value} is outside the campaign {start}–{end}"),
    "duplicate": ("「{value}」重复（第一次出现在 {first}）", "'{value}' is repeated (first at {first})"),
    "phase_overlap": ("阶段「{a}」与「{b}」时间重叠", "phases '{a}' and '{b}' overlap"),
    "phase_gap": ("阶段「{a}」与「{b}」之间有空档 {start}–{end}", "gap {start}–{end} between phases '{a}' and '{b}'"),
    "window_overlap": ("时段「{a}」与「{b}」重叠", "windows '{a}' and '{b}' overlap"),
    "window_gap": ("时段「{a}」与「{b}」之间有空档 {start}–{end}", "gap {start}–{end} between windows '{a}' and '{b}'"),
    "unknown_post": ("岗位「{value}」不在该部门的岗位中（{posts}）", "post '{value}' is not a post of this department ({posts})"),
    "unknown_shift_type": ("类型「{value}」应为 全职/学生/借调", "type '{value}' must be 全职/学生/借调 (full-time/student/borrowed)"),
    "unknown_person": ("「{value}」不在「人员」表中", "'{value}' is not on the Staff sheet"),
    "unknown_shift": ("班次「{value}」不在「班次」表中（{codes}）", "shift '{value}' is not on the Shifts sheet ({codes})"),
    "no_rows": ("工作表没有数据行", "the sheet has no data rows"),
    "no_productivity": ("岗位需填写人效或固定人数", "a post needs orders per person or a fixed head count"),
}


def msg(key: str, lang: str = "zh", **kw: object) -> str:
    return pick(MESSAGES, key, lang, **kw)
