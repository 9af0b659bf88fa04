"""Generates a registry extract and a 医保 feed for the screening benchmark.

    python gen.py PERSONS ROWS OUT_DIR

registry.csv: one row a person (身份证号, 户编号, 行政区划代码, 户类型,
监测对象类别, 家庭纯收入), valid GB 11643 numbers, about 3 persons a household,
30 % 脱贫户, 5 % 监测对象. feed.csv: claims (身份证号, 姓名, 结算日期, 就诊类型,
医疗总费用, 个人自付) of 2024: 98 % of registered persons, 2 % of persons the
registry does not hold, 0.1 % with a broken check digit; 1 % of IDs written
with a lower-case x or surrounding spaces.
"""
import sys

import numpy as np
import pandas as pd

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK = np.array(list("10X98765432"))


def ids(area: str, index: np.ndarray) -> np.ndarray:
    """Unique valid ID numbers: birth day and sequence from the index."""
    born = np.datetime64("1940-01-01") + (index // 1000).astype("timedelta64[D]")
    ymd = pd.to_datetime(born).strftime("%Y%m%d").to_numpy().astype(str)
    seq = np.char.zfill((index % 1000).astype(str), 3)
    first17 = np.char.add(np.char.add(area, ymd), seq)
    digits = np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17) - 48
    return np.char.add(first17, CHECK[(digits.astype(np.int64) @ WEIGHTS) % 11])


def main() -> None:
    persons, rows, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = np.random.default_rng(20241207)
    index = np.arange(persons, dtype=np.int64)
    reg_ids = ids("500230", index)
    household = index // 3
    n_households = int(household[-1]) + 1
    lifted = rng.random(n_households) < 0.30
    monitored = rng.random(n_households) < 0.05
    income = rng.integers(500_000, 8_000_000, n_households)
    villages = np.array([f"500230{t:03d}{v:03d}" for t in range(101, 126) for v in range(201, 221)])
    village = villages[rng.integers(0, len(villages), n_households)]
    pd.DataFrame(
        {
            "身份证号": reg_ids,
            "户编号": np.char.add("H", np.char.zfill(household.astype(str), 9)),
            "行政区划代码": village[household],
            "户类型": np.where(lifted, "脱贫户", "一般农户")[household],
            "监测对象类别": np.where(monitored, "边缘易致贫户", "")[household],
            "家庭纯收入": np.char.add(np.char.add((income // 100).astype(str), "."),
                                  np.char.zfill((income % 100).astype(str), 2))[household],
        }
    ).to_csv(f"{out}/registry.csv", index=False)

    who = rng.integers(0, persons, rows)
    outsider = rng.random(rows) < 0.02
    feed_ids = np.where(outsider, ids("500231", who), reg_ids[who])
    broken = rng.random(rows) < 0.001
    feed_ids = np.where(broken, np.char.add(np.char.ljust(feed_ids, 17).astype("U17"), "Y"), feed_ids)
    spaced = rng.random(rows) < 0.01
    feed_ids = np.where(spaced, np.char.add(np.char.add(" ", np.char.lower(feed_ids)), " "), feed_ids)
    day = np.datetime64("2024-01-01") + rng.integers(0, 366, rows).astype("timedelta64[D]")
    kind = np.array(["住院", "门诊", "门特"])[rng.choice(3, rows, p=[0.3, 0.6, 0.1])]
    total = np.where(kind == "住院", rng.integers(100_000, 6_000_000, rows), rng.integers(2_000, 200_000, rows))
    self_paid = (total * rng.uniform(0.05, 0.6, rows)).astype(np.int64)
    money = lambda fen: np.char.add(np.char.add((fen // 100).astype(str), "."), np.char.zfill((fen % 100).astype(str), 2))
    pd.DataFrame(
        {
            "身份证号": feed_ids,
            "姓名": "某某",
            "结算日期": pd.to_datetime(day).strftime("%Y-%m-%d"),
            "就诊类型": kind,
            "医疗总费用": money(total),
            "个人自付": money(self_paid),
        }
    ).to_csv(f"{out}/feed.csv", index=False)


if __name__ == "__main__":
    main()
