"""The screening job of the benchmark, written for DuckDB and for pandas.

    python jobs.py duckdb|pandas DIR AS_OF

Reads DIR/registry.csv and DIR/feed.csv, writes DIR/warnings-<engine>.csv
with (规则编号, who, 金额): the rules YB01, YB02 and YB07 of fangpin's seed
table (crates/domain/data/warning_rules.csv) over the year to AS_OF:
- normalise the feed's ID (trim, upper case); rows whose check digit is
  wrong are left out (fangpin lists them for review);
- join with the registry by ID; a valid ID the registry lacks is 未建档;
- YB01: 住院 个人自付 summed per person ≥ 5,000 for 脱贫户 and 监测户;
- YB02: the same ≥ 20,000 for 一般农户 and 未建档;
- YB07: all 个人自付 summed per household > 40 % of 家庭纯收入 (registered).
"""
import sys

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def run_duckdb(d: str, as_of: str) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    weighted = " + ".join(f"CAST(substr(id, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(WEIGHTS))
    con.execute(f"""
        CREATE TABLE reg AS
        SELECT 身份证号 AS id, 户编号 AS hh, CAST(家庭纯收入 AS DECIMAL(18, 2)) AS income,
               CASE WHEN coalesce(监测对象类别, '') <> '' THEN '监测户'
                    WHEN 户类型 = '脱贫户' THEN '脱贫户' ELSE '一般农户' END AS pop
        FROM read_csv('{d}/registry.csv', header = true, all_varchar = true)""")
    con.execute(f"""
        CREATE TABLE feed AS
        SELECT id, d, kind, sp FROM (
            SELECT upper(trim(身份证号)) AS id, CAST(结算日期 AS DATE) AS d, 就诊类型 AS kind,
                   CAST(个人自付 AS DECIMAL(18, 2)) AS sp
            FROM read_csv('{d}/feed.csv', header = true, all_varchar = true))
        WHERE length(id) = 18 AND regexp_full_match(id, '[0-9]{{17}}[0-9X]')
          AND substr('10X98765432', (({weighted}) % 11) + 1, 1) = substr(id, 18, 1)
          AND d BETWEEN DATE '{as_of[:4]}-01-01' AND DATE '{as_of}'""")
    con.execute(f"""
        COPY (
            WITH j AS (
                SELECT f.id, f.kind, f.sp, r.hh, r.income, coalesce(r.pop, '未建档') AS pop
                FROM feed f LEFT JOIN reg r ON r.id = f.id),
            person AS (
                SELECT id, pop, sum(sp) AS s FROM j WHERE kind = '住院' GROUP BY id, pop),
            house AS (
                SELECT hh, any_value(income) AS income, sum(sp) AS s FROM j
                WHERE hh IS NOT NULL GROUP BY hh)
            SELECT 'YB01' AS rule, id AS who, s AS amount FROM person
              WHERE pop IN ('脱贫户', '监测户') AND s >= 5000
            UNION ALL
            SELECT 'YB02', id, s FROM person WHERE pop IN ('一般农户', '未建档') AND s >= 20000
            UNION ALL
            SELECT 'YB07', hh, s FROM house WHERE s > 0 AND s * 100 > income * 40
        ) TO '{d}/warnings-duckdb.csv' (HEADER, DELIMITER ',')""")


def run_pandas(d: str, as_of: str) -> None:
    import numpy as np
    import pandas as pd

    reg = pd.read_csv(f"{d}/registry.csv", dtype=str, keep_default_na=False)
    reg["pop"] = np.where(reg["监测对象类别"] != "", "监测户",
                          np.where(reg["户类型"] == "脱贫户", "脱贫户", "一般农户"))
    reg["income"] = (reg["家庭纯收入"].astype(float) * 100).round().astype(np.int64)
    feed = pd.read_csv(f"{d}/feed.csv", dtype=str, keep_default_na=False)
    ids = feed["身份证号"].str.strip().str.upper()
    ok = ids.str.fullmatch(r"[0-9]{17}[0-9X]")
    ids, feed = ids[ok], feed[ok]
    digits = np.frombuffer(ids.str[:17].to_numpy().astype("S17").tobytes(), dtype=np.uint8)
    digits = digits.reshape(-1, 17).astype(np.int64) - 48
    check = np.array(list("10X98765432"))[(digits @ np.array(WEIGHTS)) % 11]
    valid = check == ids.str[17].to_numpy()
    feed = feed[valid].assign(id=ids[valid].to_numpy())
    feed["d"] = pd.to_datetime(feed["结算日期"])
    feed = feed[(feed["d"] >= f"{as_of[:4]}-01-01") & (feed["d"] <= as_of)]
    feed["sp"] = (feed["个人自付"].astype(float) * 100).round().astype(np.int64)
    j = feed.merge(reg[["身份证号", "户编号", "income", "pop"]], how="left",
                   left_on="id", right_on="身份证号")
    j["pop"] = j["pop"].fillna("未建档")
    stays = j[j["就诊类型"] == "住院"].groupby(["id", "pop"], as_index=False)["sp"].sum()
    out = []
    yb01 = stays[stays["pop"].isin(["脱贫户", "监测户"]) & (stays["sp"] >= 500_000)]
    out.append(pd.DataFrame({"rule": "YB01", "who": yb01["id"], "amount": yb01["sp"]}))
    yb02 = stays[stays["pop"].isin(["一般农户", "未建档"]) & (stays["sp"] >= 2_000_000)]
    out.append(pd.DataFrame({"rule": "YB02", "who": yb02["id"], "amount": yb02["sp"]}))
    house = j[j["户编号"].notna()].groupby("户编号", as_index=False).agg(sp=("sp", "sum"), income=("income", "first"))
    yb07 = house[(house["sp"] > 0) & (house["sp"] * 100 > house["income"] * 40)]
    out.append(pd.DataFrame({"rule": "YB07", "who": yb07["户编号"], "amount": yb07["sp"]}))
    res = pd.concat(out)
    res["amount"] = (res["amount"] // 100).astype(str) + "." + (res["amount"] % 100).astype(str).str.zfill(2)
    res.to_csv(f"{d}/warnings-pandas.csv", index=False)


if __name__ == "__main__":
    engine, d, as_of = sys.argv[1], sys.argv[2], sys.argv[3]
    {"duckdb": run_duckdb, "pandas": run_pandas}[engine](d, as_of)
