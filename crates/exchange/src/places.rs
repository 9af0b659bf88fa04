//! Placing a household by names when the file has no 行政区划代码: the
//! 乡（镇） and 行政村 (and 县, when given) are looked up in the area tree the
//! import runs against. Official names and everyday names are the same unit
//! when their short names agree (`荷花村村民委员会` ≡ `荷花村`). A village that
//! is not in the tree is an error — an import never creates one — and two
//! villages of one township with the same short name are reported, not guessed.

use std::collections::HashMap;

use fangpin_domain::{AreaCode, AreaLevel, short_name};

use crate::columns::PlaceNames;

/// The stored area tree, indexed by short name.
#[derive(Debug, Clone, Default)]
pub struct AreaTree {
    names: HashMap<AreaCode, String>,
    counties: HashMap<String, Vec<AreaCode>>,
    townships: HashMap<String, Vec<AreaCode>>,
    villages: HashMap<(AreaCode, String), Vec<AreaCode>>,
}

/// Why a row's place names do not name one village.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlaceProblem {
    /// Canonical header of the column at fault.
    pub column: &'static str,
    /// The name as written.
    pub value: String,
    /// What is wrong, in Chinese.
    pub reason: String,
}

impl AreaTree {
    /// Index `(code, name)` pairs of county, township and village nodes
    /// (other levels are ignored).
    pub fn new(areas: impl IntoIterator<Item = (AreaCode, String)>) -> AreaTree {
        let mut tree = AreaTree::default();
        for (code, name) in areas {
            let short = short_name(&name);
            match code.level() {
                AreaLevel::County => tree.counties.entry(short).or_default().push(code),
                AreaLevel::Township => tree.townships.entry(short).or_default().push(code),
                AreaLevel::Village => {
                    if let Some(t) = code.parent() {
                        tree.villages.entry((t, short)).or_default().push(code);
                    }
                }
                _ => continue,
            }
            tree.names.insert(code, name);
        }
        for list in tree
            .counties
            .values_mut()
            .chain(tree.townships.values_mut())
            .chain(tree.villages.values_mut())
        {
            list.sort();
        }
        tree
    }

    /// Whether the tree holds no village.
    pub fn is_empty(&self) -> bool {
        self.villages.is_empty()
    }

    fn name(&self, code: AreaCode) -> String {
        self.names
            .get(&code)
            .cloned()
            .unwrap_or_else(|| code.as_string())
    }

    fn listed(&self, codes: &[AreaCode]) -> String {
        codes
            .iter()
            .map(|c| format!("{}（{}）", self.name(*c), c.as_string()))
            .collect::<Vec<_>>()
            .join("、")
    }

    /// The village that the row's 县 (optional), 乡（镇） and 行政村 name.
    pub(crate) fn resolve(&self, places: &PlaceNames) -> Result<AreaCode, PlaceProblem> {
        let problem = |column: &'static str, value: &str, reason: String| PlaceProblem {
            column,
            value: value.to_owned(),
            reason,
        };
        let county = match places.county.as_deref() {
            None => None,
            Some(name) => match self.counties.get(&short_name(name)).map(Vec::as_slice) {
                Some([one]) => Some(*one),
                _ => {
                    return Err(problem("县", name, format!("县“{name}”不在系统的区划中")));
                }
            },
        };
        let Some(township_name) = places.township.as_deref() else {
            return Err(problem(
                "乡（镇）",
                "",
                "乡（镇）不能为空（文件没有行政区划代码列，按乡（镇）和行政村确定所在村）".into(),
            ));
        };
        let townships: Vec<AreaCode> = self
            .townships
            .get(&short_name(township_name))
            .into_iter()
            .flatten()
            .copied()
            .filter(|t| county.is_none_or(|c| c.contains(t)))
            .collect();
        let township = match townships.as_slice() {
            [one] => *one,
            [] => {
                let within = places
                    .county
                    .as_deref()
                    .map(|c| format!("{c}的"))
                    .unwrap_or_default();
                return Err(problem(
                    "乡（镇）",
                    township_name,
                    format!("乡（镇）“{township_name}”不在系统{within}区划中"),
                ));
            }
            many => {
                return Err(problem(
                    "乡（镇）",
                    township_name,
                    format!(
                        "有{}个名为“{township_name}”的乡（镇）：{}，无法确定是哪一个；请填写县或行政区划代码",
                        many.len(),
                        self.listed(many)
                    ),
                ));
            }
        };
        let Some(village_name) = places.village.as_deref() else {
            return Err(problem(
                "行政村",
                "",
                "行政村不能为空（文件没有行政区划代码列，按乡（镇）和行政村确定所在村）".into(),
            ));
        };
        let township_label = self.name(township);
        match self
            .villages
            .get(&(township, short_name(village_name)))
            .map(Vec::as_slice)
        {
            Some([one]) => Ok(*one),
            Some(many) if many.len() > 1 => Err(problem(
                "行政村",
                village_name,
                format!(
                    "{township_label}有{}个名为“{village_name}”的行政村：{}，无法确定是哪一个；请改填行政区划代码",
                    many.len(),
                    self.listed(many)
                ),
            )),
            _ => Err(problem(
                "行政村",
                village_name,
                format!(
                    "行政村“{village_name}”不在{township_label}的区划中；导入不会新建村，请先核对村名或在系统中维护区划"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> AreaCode {
        AreaCode::parse(s).unwrap()
    }

    fn tree() -> AreaTree {
        AreaTree::new([
            (code("500230"), "丰都县".to_string()),
            (code("500230100"), "三合街道".to_string()),
            (code("500230100201"), "荷花村村民委员会".to_string()),
            (code("500230100202"), "双龙村民委员会".to_string()),
            (code("500230101"), "虎威镇".to_string()),
            (code("500230101201"), "新建村".to_string()),
            (code("500230101202"), "新建村村民委员会".to_string()),
            (code("500230101203"), "荷花村".to_string()),
        ])
    }

    fn places(county: Option<&str>, township: &str, village: &str) -> PlaceNames {
        PlaceNames {
            county: county.map(str::to_string),
            township: Some(township.to_string()),
            village: Some(village.to_string()),
            ..PlaceNames::default()
        }
    }

    #[test]
    fn official_and_everyday_names_find_the_village() {
        let t = tree();
        for (county, township, village, want) in [
            (None, "三合街道", "荷花村", "500230100201"),
            (None, "三合街道办事处", "荷花村村民委员会", "500230100201"),
            (Some("丰都县"), "三合街道", "双龙村", "500230100202"),
            (None, "虎威镇", "荷花村", "500230101203"),
        ] {
            assert_eq!(
                t.resolve(&places(county, township, village)),
                Ok(code(want)),
                "{township}{village}"
            );
        }
    }

    #[test]
    fn unknown_and_ambiguous_names_are_problems() {
        let t = tree();
        let p = t.resolve(&places(None, "三合街道", "白鹤村")).unwrap_err();
        assert_eq!((p.column, p.value.as_str()), ("行政村", "白鹤村"));
        assert!(p.reason.contains("不在三合街道的区划中"), "{}", p.reason);
        let p = t.resolve(&places(None, "虎威镇", "新建村")).unwrap_err();
        assert_eq!(p.column, "行政村");
        assert!(
            p.reason.starts_with("虎威镇有2个名为“新建村”的行政村"),
            "{}",
            p.reason
        );
        assert!(p.reason.contains("500230101201") && p.reason.contains("500230101202"));
        let p = t.resolve(&places(None, "龙河镇", "荷花村")).unwrap_err();
        assert_eq!(p.column, "乡（镇）");
        let p = t
            .resolve(&places(Some("石柱县"), "三合街道", "荷花村"))
            .unwrap_err();
        assert_eq!(p.column, "县");
    }
}
