//! Statistical area codes (统计用区划代码) and village groups (村民小组).
//!
//! A code has 12 digits: province 2, city 2, county 2, township 3, village 3.
//! A level is "present" when its segment is non-zero; the level of a code is its
//! lowest present segment.
//!
//! Structure rule: a non-zero segment may not sit under a zero segment, with one
//! exception that real data needs: prefecture-level cities without counties
//! (不设区的地级市 such as 东莞 4419, 中山 4420, 儋州 4604, 嘉峪关 6202) have
//! townships directly under the city, so the county segment may be `00` when the
//! city segment is non-zero. Such a township's parent is the city.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::id_number::is_province_code;

/// Administrative level of an [`AreaCode`], ordered from the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaLevel {
    /// 省 (province-level: province, autonomous region, municipality).
    Province,
    /// 市 (prefecture level).
    City,
    /// 县 (county level).
    County,
    /// 乡镇 (township level, including 街道).
    Township,
    /// 村 (village level, including 社区).
    Village,
}

impl AreaLevel {
    /// All levels from top to bottom.
    pub const ALL: [AreaLevel; 5] = [
        AreaLevel::Province,
        AreaLevel::City,
        AreaLevel::County,
        AreaLevel::Township,
        AreaLevel::Village,
    ];

    /// Chinese label: 省/市/县/乡镇/村.
    pub fn label(self) -> &'static str {
        match self {
            AreaLevel::Province => "省",
            AreaLevel::City => "市",
            AreaLevel::County => "县",
            AreaLevel::Township => "乡镇",
            AreaLevel::Village => "村",
        }
    }

    /// Number of significant leading digits of a code at this level (2/4/6/9/12).
    pub fn digits(self) -> usize {
        match self {
            AreaLevel::Province => 2,
            AreaLevel::City => 4,
            AreaLevel::County => 6,
            AreaLevel::Township => 9,
            AreaLevel::Village => 12,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for AreaLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a string is not a valid area code, or a derived code cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AreaCodeError {
    /// Nothing but whitespace was given.
    #[error("区划代码为空")]
    Empty,
    /// A non-digit character.
    #[error("区划代码含非法字符：“{code}”中的'{ch}'")]
    InvalidChar {
        /// The input (trimmed).
        code: String,
        /// The offending character.
        ch: char,
    },
    /// Length not in {2, 4, 6, 9, 12}.
    #[error("区划代码长度无效：“{code}”为{len}位，应为2、4、6、9或12位")]
    Length {
        /// The input (trimmed).
        code: String,
        /// Its length in digits.
        len: usize,
    },
    /// First two digits are not a province-level code.
    #[error("区划代码的省级代码无效：{code}（{province}不是有效的省级代码）")]
    Province {
        /// The input (trimmed).
        code: String,
        /// The first two digits.
        province: String,
    },
    /// A non-zero lower level under a zero higher level.
    #[error("区划代码层级不连续：{code}（{upper}级代码为0，但{lower}级代码不为0）")]
    Discontinuous {
        /// The 12-digit code.
        code: String,
        /// Label of the zero level.
        upper: &'static str,
        /// Label of the non-zero level below it.
        lower: &'static str,
    },
    /// `child`: the number is out of range for the next level, or there is no next level.
    #[error("无法生成{code}的下级区划代码：{reason}")]
    Child {
        /// The parent code.
        code: String,
        /// What is wrong.
        reason: String,
    },
    /// A village group was attached to a code that is not a village.
    #[error("村民小组必须隶属于村级区划，{code}是{level}级代码")]
    NotVillage {
        /// The code given.
        code: String,
        /// Its level label.
        level: &'static str,
    },
    /// Village group number outside 1..=99.
    #[error("村民小组编号应在1至99之间，实际为{no}")]
    GroupNo {
        /// The number given.
        no: u16,
    },
}

/// A validated 12-digit statistical area code (统计用区划代码).
///
/// Ordering is numeric, which groups every subtree together.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct AreaCode(u64);

/// Segment boundaries as (start, len) in the 12-digit string.
const SEGMENTS: [(usize, usize); 5] = [(0, 2), (2, 2), (4, 2), (6, 3), (9, 3)];

const fn pow10(n: usize) -> u64 {
    let mut v = 1u64;
    let mut i = 0;
    while i < n {
        v *= 10;
        i += 1;
    }
    v
}

impl AreaCode {
    /// Parse a 12-digit code or a 2/4/6/9-digit prefix (padded with zeros).
    ///
    /// Surrounding whitespace and full-width digits are accepted.
    pub fn parse(s: &str) -> Result<AreaCode, AreaCodeError> {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err(AreaCodeError::Empty);
        }
        let mut digits = String::with_capacity(12);
        for ch in trimmed.chars() {
            match ch {
                '0'..='9' => digits.push(ch),
                '\u{FF10}'..='\u{FF19}' => {
                    digits.push(char::from(b'0' + (ch as u32 - 0xFF10) as u8));
                }
                _ => {
                    return Err(AreaCodeError::InvalidChar {
                        code: trimmed.to_string(),
                        ch,
                    });
                }
            }
        }
        let len = digits.len();
        if ![2, 4, 6, 9, 12].contains(&len) {
            return Err(AreaCodeError::Length {
                code: trimmed.to_string(),
                len,
            });
        }
        let value = digits.parse::<u64>().expect("at most 12 ASCII digits") * pow10(12 - len);
        Self::from_u64(value).map_err(|e| match e {
            AreaCodeError::Province { province, .. } => AreaCodeError::Province {
                code: trimmed.to_string(),
                province,
            },
            other => other,
        })
    }

    /// Validate a numeric 12-digit code.
    pub fn from_u64(value: u64) -> Result<AreaCode, AreaCodeError> {
        if value >= pow10(12) {
            return Err(AreaCodeError::Length {
                code: value.to_string(),
                len: value.to_string().len(),
            });
        }
        let code = AreaCode(value);
        let province = code.segment(0);
        if province > 99 || !is_province_code(province as u8) {
            return Err(AreaCodeError::Province {
                code: code.as_string(),
                province: format!("{province:02}"),
            });
        }
        // Every non-zero segment needs non-zero segments above it, except that a
        // zero county segment is allowed under a non-zero city.
        let segs: [u64; 5] = std::array::from_fn(|i| code.segment(i));
        let skippable = |u: usize| u == 2 && segs[1] != 0;
        for (lower, &seg) in segs.iter().enumerate().skip(1) {
            if seg == 0 {
                continue;
            }
            if let Some(upper) = (1..lower).find(|&u| segs[u] == 0 && !skippable(u)) {
                return Err(AreaCodeError::Discontinuous {
                    code: code.as_string(),
                    upper: AreaLevel::ALL[upper].label(),
                    lower: AreaLevel::ALL[lower].label(),
                });
            }
        }
        Ok(code)
    }

    /// The numeric value (12 digits, zero-padded on the right).
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// Numeric value of segment `i` (0 = province … 4 = village).
    fn segment(self, i: usize) -> u64 {
        let (start, len) = SEGMENTS[i];
        (self.0 / pow10(12 - start - len)) % pow10(len)
    }

    /// Administrative level: the lowest non-zero segment.
    pub fn level(self) -> AreaLevel {
        (1..5)
            .rev()
            .find(|&i| self.segment(i) != 0)
            .map_or(AreaLevel::Province, |i| AreaLevel::ALL[i])
    }

    /// The full 12-digit string.
    pub fn as_string(self) -> String {
        format!("{:012}", self.0)
    }

    /// The significant digits (2/4/6/9/12 characters), for `LIKE 'prefix%'` queries.
    pub fn prefix(self) -> String {
        let mut s = self.as_string();
        s.truncate(self.level().digits());
        s
    }

    /// Keep only the first `digits` digits.
    fn truncated(self, digits: usize) -> AreaCode {
        let div = pow10(12 - digits);
        AreaCode(self.0 / div * div)
    }

    /// The immediate parent, or `None` for a province.
    ///
    /// A township under a city without counties has the city as its parent.
    pub fn parent(self) -> Option<AreaCode> {
        let level = self.level();
        if level == AreaLevel::Province {
            return None;
        }
        let mut up = AreaLevel::ALL[level.index() - 1];
        let mut parent = self.truncated(up.digits());
        if up == AreaLevel::County && parent.segment(2) == 0 {
            up = AreaLevel::City;
            parent = self.truncated(up.digits());
        }
        Some(parent)
    }

    /// All ancestors, nearest first, ending at the province.
    pub fn ancestors(self) -> Vec<AreaCode> {
        let mut out = Vec::with_capacity(4);
        let mut cur = self;
        while let Some(p) = cur.parent() {
            out.push(p);
            cur = p;
        }
        out
    }

    /// Whether `other` lies in the subtree rooted at `self` (a code contains itself).
    pub fn contains(&self, other: &AreaCode) -> bool {
        let div = pow10(12 - self.level().digits());
        other.0 / div == self.0 / div
    }

    /// The code of child number `no` on the next level down.
    ///
    /// `no` is 1..=99 for cities and counties, 1..=999 for townships and villages.
    /// For example `county.child(5)` is township `005`, `township.child(12)` is village `012`.
    pub fn child(&self, no: u32) -> Result<AreaCode, AreaCodeError> {
        let level = self.level();
        if level == AreaLevel::Village {
            return Err(AreaCodeError::Child {
                code: self.as_string(),
                reason: "村级代码没有下级".to_string(),
            });
        }
        let next = AreaLevel::ALL[level.index() + 1];
        let (start, len) = SEGMENTS[next.index()];
        let max = pow10(len) - 1;
        if no == 0 || u64::from(no) > max {
            return Err(AreaCodeError::Child {
                code: self.as_string(),
                reason: format!("{}级编号应在1至{}之间，实际为{}", next.label(), max, no),
            });
        }
        Ok(AreaCode(self.0 + u64::from(no) * pow10(12 - start - len)))
    }

    /// The ancestor (or self) at `level`, or `None` when `self` is above that level
    /// (or the level is skipped, as for a city without counties).
    pub fn at_level(self, level: AreaLevel) -> Option<AreaCode> {
        if level > self.level() {
            return None;
        }
        let code = self.truncated(level.digits());
        (code.level() == level).then_some(code)
    }

    /// The province-level ancestor (or self).
    pub fn province(self) -> AreaCode {
        self.truncated(2)
    }

    /// The prefecture-level ancestor (or self), if `self` is at city level or below.
    pub fn city(self) -> Option<AreaCode> {
        self.at_level(AreaLevel::City)
    }

    /// The county-level ancestor (or self), if `self` is at county level or below.
    pub fn county(self) -> Option<AreaCode> {
        self.at_level(AreaLevel::County)
    }

    /// The township-level ancestor (or self), if `self` is at township level or below.
    pub fn township(self) -> Option<AreaCode> {
        self.at_level(AreaLevel::Township)
    }
}

impl FromStr for AreaCode {
    type Err = AreaCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AreaCode::parse(s)
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012}", self.0)
    }
}

impl Serialize for AreaCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_string())
    }
}

impl<'de> Deserialize<'de> for AreaCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        AreaCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A village group (村民小组 / 自然组): a numbered, named subdivision of a village.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VillageGroup {
    /// The village it belongs to (village-level code).
    pub village: AreaCode,
    /// Group number, 1..=99.
    pub no: u16,
    /// Display name, e.g. `第三村民小组`.
    pub name: String,
}

impl VillageGroup {
    /// Build a group, checking that `village` is a village and `no` is 1..=99.
    /// Without a name, [`VillageGroup::default_name`] is used.
    pub fn new(
        village: AreaCode,
        no: u16,
        name: Option<String>,
    ) -> Result<VillageGroup, AreaCodeError> {
        if village.level() != AreaLevel::Village {
            return Err(AreaCodeError::NotVillage {
                code: village.as_string(),
                level: village.level().label(),
            });
        }
        if !(1..=99).contains(&no) {
            return Err(AreaCodeError::GroupNo { no });
        }
        let name = name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| Self::default_name(no));
        Ok(VillageGroup { village, no, name })
    }

    /// `第N村民小组` with N in Chinese numerals (1 → 一, 10 → 十, 11 → 十一, 23 → 二十三).
    pub fn default_name(no: u16) -> String {
        format!("第{}村民小组", chinese_numeral(no))
    }
}

/// Chinese numerals for 0..=9999 in the everyday style (十一, not 一十一).
fn chinese_numeral(n: u16) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    if n == 0 {
        return DIGITS[0].to_string();
    }
    if (10..20).contains(&n) {
        let ones = n % 10;
        return if ones == 0 {
            "十".to_string()
        } else {
            format!("十{}", DIGITS[ones as usize])
        };
    }
    let digits: Vec<usize> = n.to_string().bytes().map(|b| (b - b'0') as usize).collect();
    let mut out = String::new();
    let mut pending_zero = false;
    for (i, &d) in digits.iter().enumerate() {
        let unit = digits.len() - 1 - i;
        if d == 0 {
            pending_zero = true;
            continue;
        }
        if pending_zero && !out.is_empty() {
            out.push_str(DIGITS[0]);
        }
        pending_zero = false;
        out.push_str(DIGITS[d]);
        out.push_str(UNITS[unit]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(s: &str) -> AreaCode {
        AreaCode::parse(s).unwrap()
    }

    #[test]
    fn parses_prefixes_and_levels() {
        let fengdu = code("500230");
        assert_eq!(fengdu.as_u64(), 500_230_000_000);
        assert_eq!(fengdu.as_string(), "500230000000");
        assert_eq!(fengdu.level(), AreaLevel::County);
        assert_eq!(fengdu.prefix(), "500230");
        assert_eq!(code("50").level(), AreaLevel::Province);
        assert_eq!(code("5002").level(), AreaLevel::City);
        assert_eq!(code("500230101").level(), AreaLevel::Township);
        assert_eq!(code("500230101201").level(), AreaLevel::Village);
        assert_eq!(code("500230101201").prefix(), "500230101201");
        assert_eq!(code(" ５００２３０ ").as_u64(), 500_230_000_000);
        assert_eq!("532328".parse::<AreaCode>().unwrap().prefix(), "532328");
    }

    #[test]
    fn rejects_bad_codes() {
        let e = AreaCode::parse("500000001000").unwrap_err();
        assert!(matches!(e, AreaCodeError::Discontinuous { .. }));
        assert!(
            e.to_string()
                .starts_with("区划代码层级不连续：500000001000")
        );
        let e = AreaCode::parse("500230000001").unwrap_err();
        assert_eq!(
            e.to_string(),
            "区划代码层级不连续：500230000001（乡镇级代码为0，但村级代码不为0）"
        );
        let e = AreaCode::parse("990000").unwrap_err();
        assert_eq!(
            e.to_string(),
            "区划代码的省级代码无效：990000（99不是有效的省级代码）"
        );
        let e = AreaCode::parse("50023").unwrap_err();
        assert_eq!(
            e.to_string(),
            "区划代码长度无效：“50023”为5位，应为2、4、6、9或12位"
        );
        let e = AreaCode::parse("5002a0").unwrap_err();
        assert_eq!(e.to_string(), "区划代码含非法字符：“5002a0”中的'a'");
        assert_eq!(AreaCode::parse("").unwrap_err(), AreaCodeError::Empty);
        // 500030: county under a zero city.
        assert!(AreaCode::parse("500030").is_err());
    }

    #[test]
    fn city_without_counties() {
        let town = code("441900003000");
        assert_eq!(town.level(), AreaLevel::Township);
        assert_eq!(town.parent(), Some(code("4419")));
        assert_eq!(town.county(), None);
        assert_eq!(town.city(), Some(code("4419")));
        assert_eq!(town.prefix(), "441900003");
        let village = code("441900003001");
        assert_eq!(village.ancestors(), vec![town, code("4419"), code("44")]);
        assert!(code("4419").contains(&village));
    }

    #[test]
    fn hierarchy() {
        let village = code("500230101201");
        assert_eq!(
            village.ancestors(),
            vec![code("500230101"), code("500230"), code("5002"), code("50")]
        );
        assert_eq!(village.province(), code("50"));
        assert_eq!(village.county(), Some(code("500230")));
        assert_eq!(village.township(), Some(code("500230101")));
        assert_eq!(code("5002").county(), None);
        assert_eq!(code("50").parent(), None);
        assert!(code("500230").contains(&village));
        assert!(!village.contains(&code("500230")));
        assert!(!code("500231").contains(&village));
        assert!(village.contains(&village));
        assert_eq!(code("500230").child(5).unwrap(), code("500230005"));
        assert_eq!(code("500230005").child(12).unwrap(), code("500230005012"));
        assert_eq!(code("50").child(2).unwrap(), code("5002"));
        assert!(code("500230").child(1000).is_err());
        assert!(code("5002").child(100).is_err());
        assert!(code("500230").child(0).is_err());
        assert!(village.child(1).is_err());
        assert!(AreaLevel::Province < AreaLevel::Village);
        assert_eq!(AreaLevel::Township.label(), "乡镇");
    }

    #[test]
    fn serde_forms() {
        let c = code("500230");
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"500230000000\"");
        assert_eq!(serde_json::from_str::<AreaCode>("\"500230\"").unwrap(), c);
        assert!(serde_json::from_str::<AreaCode>("\"500000001000\"").is_err());
        assert_eq!(
            serde_json::to_string(&AreaLevel::Township).unwrap(),
            "\"township\""
        );
    }

    #[test]
    fn village_groups() {
        assert_eq!(VillageGroup::default_name(1), "第一村民小组");
        assert_eq!(VillageGroup::default_name(3), "第三村民小组");
        assert_eq!(VillageGroup::default_name(10), "第十村民小组");
        assert_eq!(VillageGroup::default_name(11), "第十一村民小组");
        assert_eq!(VillageGroup::default_name(20), "第二十村民小组");
        assert_eq!(VillageGroup::default_name(23), "第二十三村民小组");
        assert_eq!(VillageGroup::default_name(99), "第九十九村民小组");
        assert_eq!(chinese_numeral(105), "一百零五");
        let village = code("500230101201");
        let g = VillageGroup::new(village, 3, None).unwrap();
        assert_eq!(g.name, "第三村民小组");
        let g = VillageGroup::new(village, 4, Some("桐子湾组".into())).unwrap();
        assert_eq!(g.name, "桐子湾组");
        assert!(VillageGroup::new(village, 0, None).is_err());
        assert!(VillageGroup::new(village, 100, None).is_err());
        assert!(VillageGroup::new(code("500230101"), 1, None).is_err());
    }

    fn any_code() -> impl Strategy<Value = AreaCode> {
        (
            prop::sample::select(crate::id_number::PROVINCE_CODES.to_vec()),
            0u64..5,
            1u64..100,
            1u64..100,
            1u64..1000,
            1u64..1000,
            any::<bool>(),
        )
            .prop_map(|(p, depth, c, x, t, v, skip_county)| {
                let x = if skip_county && depth >= 3 { 0 } else { x };
                let segs = [u64::from(p), c, x, t, v];
                let mut value = 0u64;
                for (i, (start, len)) in SEGMENTS.iter().enumerate() {
                    let seg = if i as u64 <= depth { segs[i] } else { 0 };
                    value += seg * pow10(12 - start - len);
                }
                AreaCode::from_u64(value).unwrap()
            })
    }

    proptest! {
        #[test]
        fn parent_chain_terminates_at_province(c in any_code()) {
            let ancestors = c.ancestors();
            prop_assert!(ancestors.len() <= 4);
            let last = ancestors.last().copied().unwrap_or(c);
            prop_assert_eq!(last.level(), AreaLevel::Province);
            prop_assert_eq!(last, c.province());
            for pair in ancestors.windows(2) {
                prop_assert!(pair[0].level() > pair[1].level());
            }
        }

        #[test]
        fn ancestors_contain_node(c in any_code()) {
            for a in c.ancestors() {
                prop_assert!(a.contains(&c));
                prop_assert!(c.prefix().starts_with(&a.prefix()));
            }
            prop_assert!(c.contains(&c));
        }

        #[test]
        fn node_never_contains_parent(c in any_code()) {
            if let Some(p) = c.parent() {
                prop_assert!(!c.contains(&p));
            }
        }

        #[test]
        fn string_round_trip(c in any_code()) {
            prop_assert_eq!(AreaCode::parse(&c.as_string()).unwrap(), c);
            prop_assert_eq!(AreaCode::parse(&c.prefix()).unwrap(), c);
        }
    }
}

/// A named node of the area hierarchy, as stored and as generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaNode {
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    pub parent: Option<AreaCode>,
}

/// The name people and files use for an area whose official 统计用区划 name
/// carries the committee suffix: `荷花村村民委员会` and `荷花村委会` are
/// `荷花村`, `滨江社区居民委员会` and `滨江社区居委会` are `滨江社区`, a
/// township's `三合街道办事处` is `三合街道`. A name without such a suffix is
/// returned as it is, so `short_name(short_name(x)) == short_name(x)` and
/// two names denote the same unit exactly when their short names are equal.
pub fn short_name(name: &str) -> String {
    let name = name.trim();
    // (suffix, what the unit is called without it)
    const SUFFIXES: [(&str, &str); 6] = [
        ("村民委员会", "村"),
        ("村委会", "村"),
        ("居民委员会", "社区"),
        ("居委会", "社区"),
        ("办事处", ""),
        ("委员会", ""),
    ];
    for (suffix, kind) in SUFFIXES {
        if let Some(stem) = name.strip_suffix(suffix) {
            if stem.is_empty() {
                break;
            }
            let short = if kind.is_empty() || stem.ends_with(kind) {
                stem.to_owned()
            } else {
                format!("{stem}{kind}")
            };
            // Always shorter than `name`, so this ends.
            return short_name(&short);
        }
    }
    name.to_owned()
}

#[cfg(test)]
mod short_name_tests {
    use super::short_name;
    use proptest::prelude::*;

    #[test]
    fn committee_suffixes_give_the_everyday_name() {
        for (official, short) in [
            ("荷花村村民委员会", "荷花村"),
            ("荷花村委会", "荷花村"),
            ("荷花村村委会", "荷花村"),
            ("东风村民委员会", "东风村"),
            ("滨江社区居民委员会", "滨江社区"),
            ("多福巷社区居委会", "多福巷社区"),
            ("城关居委会", "城关社区"),
            ("三合街道办事处", "三合街道"),
            ("三合街道", "三合街道"),
            ("虎威镇", "虎威镇"),
            ("建国村", "建国村"),
            (" 建国村 ", "建国村"),
            ("村委会", "村委会"),
            ("小营股份经济合作社生活区", "小营股份经济合作社生活区"),
        ] {
            assert_eq!(short_name(official), short, "{official}");
        }
    }

    proptest! {
        #[test]
        fn idempotent(s in "[荷花东风村民委员会居社区街道办事处]{0,12}") {
            let once = short_name(&s);
            prop_assert_eq!(short_name(&once), once.clone());
        }
    }
}
