"""Benchmark: 商品结构总表 + 补货表 for large shops (``sheetplan.render.products``).

What it measures, for each size (default 20,000 and 200,000 SKUs of synthetic, seeded data):

- ours: computing the plan (tiers, ABC, stock plan, summaries) and writing both sheets plus
  the chart with every format, conditional format and summary formula, through ``Book`` in
  constant-memory mode;
- bare: writing exactly the same cells (same values, same rows and columns, both sheets) with
  bare xlsxwriter in constant-memory mode, with ``write_number``/``write_string`` and no
  formats — the floor for this library; the plan is computed before its clock starts;
- bare+fmt: the same, with the same per-column cell formats (stock xlsxwriter Worksheet), to
  show what formatting costs in xlsxwriter itself.

Each run is a fresh child process, so the peak memory (ru_maxrss) is that run's own. Printed:
CPU seconds of the timed part (process time: on a shared machine wall-clock ratios swing by
±30 % with other people's load, CPU time far less), the ratio ours / bare (goal ≤ 1.3),
bare+fmt / bare, the wall-clock ratio for reference, and peak memory. Then the 商品 input sheet of the
largest size is read with our calamine reader (``read_products``: header matching, typed
columns, validation) and with openpyxl in read-only mode (values only, no validation).

Run: ``python bench/bench_products.py`` (``--sizes 20000 200000``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

CATEGORIES = ("女装", "男装", "童装", "鞋靴", "箱包", "配饰", "家居", "美妆", "数码", "食品", "运动", "母婴")


def synthetic(n: int, seed: int = 20241111) -> pd.DataFrame:
    """A shop's product list: long-tailed sales, metrics correlated with sales, a few typed tiers."""
    rng = np.random.default_rng(seed)
    sales = np.floor(rng.pareto(1.2, n) * 20)
    views = np.floor(sales * rng.uniform(20, 80, n) + rng.integers(0, 500, n))
    tiers = np.where(rng.random(n) < 0.002, "主推", "")
    return pd.DataFrame({
        "sku": [f"SP{i:07d}" for i in range(n)],
        "name": [f"{CATEGORIES[i % 12]}款式{i}" for i in range(n)],
        "category": [CATEGORIES[i] for i in rng.integers(0, len(CATEGORIES), n)],
        "price": np.round(rng.uniform(9.9, 899, n), 2),
        "stock": rng.integers(0, 2000, n).astype(float),
        "sales": sales,
        "favourites": np.floor(sales * rng.uniform(0.1, 1.5, n)),
        "carts": np.floor(sales * rng.uniform(0.2, 2.0, n)),
        "views": views,
        "conversion": np.where(views > 0, np.minimum(1.0, sales / np.maximum(views, 1)), np.nan),
        "tier": tiers.astype(object),
    })


def write_input(df: pd.DataFrame, path: Path) -> None:
    """The 商品 sheet a planner would hand in (for the reading benchmark)."""
    import xlsxwriter

    heads = ["SKU", "商品名称", "类目", "价格", "库存", "销量", "收藏", "加购", "浏览量", "转化率", "层级"]
    keys = ["sku", "name", "category", "price", "stock", "sales", "favourites", "carts", "views",
            "conversion",
            "tier"]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("商品")
    for c, h in enumerate(heads):
        ws.write_string(0, c, h)
    cols = [df[k].tolist() for k in keys]
    for i in range(len(df)):
        for c, vals in enumerate(cols):
            v = vals[i]
            if isinstance(v, str):
                if v:
                    ws.write_string(i + 1, c, v)
            elif v == v:
                ws.write_number(i + 1, c, v)
    wb.close()


def child(mode: str, n: int, out: Path) -> None:
    """One timed run; prints wall and CPU seconds."""
    from sheetplan.calc.products import plan_products
    from sheetplan.render.book import Book
    from sheetplan.render.products import REORDER_COLUMNS, STRUCTURE_COLUMNS, _columns, write_product_sheets

    df = synthetic(n)
    if mode == "ours":
        t0, c0 = time.perf_counter(), time.process_time()
        res = plan_products(df)
        with Book(out, title="bench", constant_memory=True) as book:
            write_product_sheets(book, df, res, "zh")
        print(time.perf_counter() - t0, time.process_time() - c0)
        return
    import xlsxwriter

    fmt_props = {"int": "#,##0", "money": "#,##0", "price": "#,##0.00", "percent": "0.0%", "pr_1dp": "#,##0.0",
                 "pr_score": "0.000", None: None}
    res = plan_products(df)
    cols = _columns(df, res, "zh")
    reorder = [*REORDER_COLUMNS[:-1], ("", "order_within_days", "n", None, 0)]
    sheets = [(STRUCTURE_COLUMNS, None, 12), (tuple(reorder), res.reorder.tolist(), 7)]
    t0, c0 = time.perf_counter(), time.process_time()
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    for spec, order, header in sheets:
        ws = wb.add_worksheet()
        plan = [([cols[key][i] for i in order] if order is not None else cols[key], kind == "n",
                 wb.add_format({"font_name": "Noto Sans CJK SC", "font_size": 10,
                                **({"num_format": fmt_props[num]} if num else {})})
                 if mode == "bare+fmt" else None)
                for _, key, kind, num, _ in spec]
        for c in range(len(plan)):
            ws.write_string(header, c, "h")
        for i in range(len(plan[0][0])):
            row = header + 1 + i
            for c, (vals, is_num, fmt) in enumerate(plan):
                v = vals[i]
                if is_num:
                    if v == v:
                        ws.write_number(row, c, v, fmt)
                elif v:
                    ws.write_string(row, c, v, fmt)
    wb.close()
    print(time.perf_counter() - t0, time.process_time() - c0)


def run_child(mode: str, n: int, out: Path) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, peak MB) of one child process."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", mode, str(n), str(out)],
                            stdout=subprocess.PIPE, text=True)
    stdout = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{mode} {n} failed")
    wall, cpu = map(float, stdout.strip().splitlines()[-1].split())
    return cpu, wall, usage.ru_maxrss / 1024


def bench_read(n: int, tmp: Path) -> None:
    from openpyxl import load_workbook

    from sheetplan.plan.products_reader import read_products

    path = tmp / f"input_{n}.xlsx"
    write_input(synthetic(n), path)
    t0 = time.perf_counter()
    df, problems = read_products(path)
    t_cal = time.perf_counter() - t0
    t0 = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    rows = list(wb["商品"].iter_rows(values_only=True))
    wb.close()
    t_opx = time.perf_counter() - t0
    assert len(df) == n and not problems, problems[:3]
    print(f"read {n:,} SKUs: calamine reader (validated DataFrame) {t_cal:.2f} s · "
          f"openpyxl read-only (raw values only) {t_opx:.2f} s · calamine {t_opx / t_cal:.1f}× faster "
          f"({len(rows) - 1:,} rows)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    ap.add_argument("--repeat", type=int, default=2, help="runs per mode, interleaved; the best counts")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), Path(args.child[2]))
        return
    with tempfile.TemporaryDirectory(prefix="bench_products_") as d:
        tmp = Path(d)
        print(f"{'SKUs':>8} {'ours s':>7} {'bare s':>7} {'ratio':>6} {'bare+fmt':>9} {'wall ratio':>10} "
              f"{'ours MB':>8} {'bare MB':>8} {'file MB':>8}")
        for n in args.sizes:
            runs: dict[str, list[tuple[float, float, float]]] = {"bare": [], "ours": [], "bare+fmt": []}
            for _ in range(args.repeat):
                for mode in runs:
                    runs[mode].append(run_child(mode, n, tmp / f"{mode}_{n}.xlsx"))
            t_bare, w_bare, m_bare = min(runs["bare"])
            t_ours, w_ours, m_ours = min(runs["ours"])
            t_fmt = min(runs["bare+fmt"])[0]
            w_bare, w_ours = min(r[1] for r in runs["bare"]), min(r[1] for r in runs["ours"])
            size = (tmp / f"ours_{n}.xlsx").stat().st_size / 2**20
            print(f"{n:>8,} {t_ours:7.2f} {t_bare:7.2f} {t_ours / t_bare:5.2f}× {t_fmt / t_bare:8.2f}× "
                  f"{w_ours / w_bare:9.2f}× {m_ours:8.0f} {m_bare:8.0f} {size:8.1f}", flush=True)
        print(f"(best of {args.repeat} runs each; s = CPU seconds of the timed part; MB = peak RSS of the run)")
        bench_read(max(args.sizes), tmp)


if __name__ == "__main__":
    main()
