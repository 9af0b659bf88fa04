"""Compares the warnings of fangpin, DuckDB and pandas: (rule, who, amount).

    python compare.py DIR
"""
import csv
import sys
from decimal import Decimal


def load(path: str, fangpin: bool) -> set:
    with open(path, encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    if fangpin:
        # 规则编号, 规则名称, 处理方式, 对象, 户编号, 行政区划代码, 证件号码, 金额, …
        return {(r[0], r[6] or r[4], Decimal(r[7])) for r in rows}
    return {(r[0], r[1], Decimal(r[2])) for r in rows}


d = sys.argv[1]
ours = load(f"{d}/warnings-fangpin.csv", True)
for engine in ("duckdb", "pandas"):
    theirs = load(f"{d}/warnings-{engine}.csv", False)
    same = ours == theirs
    print(f"    fangpin vs {engine}: {len(ours)} / {len(theirs)} warnings, identical: {same}")
    if not same:
        print("      only fangpin:", sorted(ours - theirs)[:5])
        print(f"      only {engine}:", sorted(theirs - ours)[:5])
        sys.exit(1)
