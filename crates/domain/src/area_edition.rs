//! An edition of the official area codes (统计用区划代码) laid over the area
//! tree as stored: what it adds, what it renames, what it no longer has, and
//! where two villages of one 乡镇 would carry the same name.
//!
//! Pure: the store reads the stored rows, asks [`plan`] and writes the plan.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::area::{AreaCode, AreaLevel, AreaNode, short_name};

/// A unit of an official edition, with its name as published
/// (`荷花村村民委员会`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialArea {
    pub code: AreaCode,
    pub level: AreaLevel,
    pub parent: Option<AreaCode>,
    pub official_name: String,
}

impl OfficialArea {
    /// The node as stored: the everyday [`short_name`] as its name.
    pub fn node(&self) -> AreaNode {
        AreaNode {
            code: self.code,
            name: short_name(&self.official_name),
            level: self.level,
            parent: self.parent,
        }
    }
}

/// An area row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredArea {
    pub code: AreaCode,
    pub name: String,
    pub official_name: Option<String>,
    pub parent: Option<AreaCode>,
    pub level: AreaLevel,
}

/// A unit whose everyday name changed between the stored tree and the edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Renamed {
    pub code: AreaCode,
    pub old_name: String,
    pub new_name: String,
    pub official_name: String,
}

/// A stored unit the edition does not have (kept: households may hang on it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Abolished {
    pub code: AreaCode,
    pub name: String,
}

/// Villages of one 乡镇 that carry the same name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SameName {
    pub township: AreaCode,
    pub township_name: String,
    pub name: String,
    pub codes: Vec<AreaCode>,
}

/// What loading an edition under a root does to the stored tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditionPlan {
    /// New units, parents before children.
    pub added: Vec<OfficialArea>,
    pub renamed: Vec<Renamed>,
    /// Units whose everyday name stays but whose official name is set or
    /// changes: `(code, official name)`.
    pub official_names: Vec<(AreaCode, String)>,
    pub abolished: Vec<Abolished>,
    pub same_names: Vec<SameName>,
}

impl EditionPlan {
    /// Whether the load writes anything.
    pub fn writes(&self) -> bool {
        !(self.added.is_empty() && self.renamed.is_empty() && self.official_names.is_empty())
    }

    /// `新增 N 个，更名 N 个，已撤销 N 个，同名 N 组`.
    pub fn summary(&self) -> String {
        format!(
            "新增 {} 个，更名 {} 个，已撤销 {} 个，同名 {} 组",
            self.added.len(),
            self.renamed.len(),
            self.abolished.len(),
            self.same_names.len()
        )
    }
}

/// Lays `edition` (the units under `root` and the ancestors of `root`, in
/// code order) over `stored` (the stored units under `root` and its
/// ancestors). A stored unit under `root` the edition lacks is listed as
/// abolished, never removed; the ancestors of `root` are only added when
/// missing, not checked for removal.
pub fn plan(root: AreaCode, edition: &[OfficialArea], stored: &[StoredArea]) -> EditionPlan {
    let by_code: HashMap<AreaCode, &StoredArea> = stored.iter().map(|s| (s.code, s)).collect();
    let mut out = EditionPlan::default();
    // The name each village-level unit under root ends up with.
    let mut final_name: HashMap<AreaCode, (String, Option<AreaCode>, AreaLevel)> = HashMap::new();
    for unit in edition {
        let short = short_name(&unit.official_name);
        match by_code.get(&unit.code) {
            None => out.added.push(unit.clone()),
            Some(s) if s.name != short => out.renamed.push(Renamed {
                code: unit.code,
                old_name: s.name.clone(),
                new_name: short.clone(),
                official_name: unit.official_name.clone(),
            }),
            Some(s) if s.official_name.as_deref() != Some(unit.official_name.as_str()) => {
                out.official_names
                    .push((unit.code, unit.official_name.clone()));
            }
            Some(_) => {}
        }
        final_name.insert(unit.code, (short, unit.parent, unit.level));
    }
    let in_edition: HashSet<AreaCode> = edition.iter().map(|u| u.code).collect();
    for s in stored {
        if root.contains(&s.code) && !in_edition.contains(&s.code) {
            out.abolished.push(Abolished {
                code: s.code,
                name: s.name.clone(),
            });
            final_name.insert(s.code, (s.name.clone(), s.parent, s.level));
        }
    }
    out.abolished.sort_by_key(|a| a.code);

    let mut villages: BTreeMap<(AreaCode, &str), Vec<AreaCode>> = BTreeMap::new();
    for (code, (name, parent, level)) in &final_name {
        if let (AreaLevel::Village, Some(parent)) = (level, parent)
            && root.contains(code)
        {
            villages
                .entry((*parent, name.as_str()))
                .or_default()
                .push(*code);
        }
    }
    for ((township, name), mut codes) in villages {
        if codes.len() > 1 {
            codes.sort();
            out.same_names.push(SameName {
                township,
                township_name: final_name
                    .get(&township)
                    .map_or_else(|| township.as_string(), |t| t.0.clone()),
                name: name.to_owned(),
                codes,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> AreaCode {
        AreaCode::parse(s).unwrap()
    }

    fn unit(c: &str, name: &str) -> OfficialArea {
        let code = code(c);
        OfficialArea {
            code,
            level: code.level(),
            parent: code.parent(),
            official_name: name.to_owned(),
        }
    }

    fn stored(u: &OfficialArea) -> StoredArea {
        StoredArea {
            code: u.code,
            name: short_name(&u.official_name),
            official_name: Some(u.official_name.clone()),
            parent: u.parent,
            level: u.level,
        }
    }

    #[test]
    fn adds_renames_lists_abolished_and_same_names() {
        let root = code("500230");
        let old = [
            unit("500230", "丰都县"),
            unit("500230101", "虎威镇"),
            unit("500230101201", "荷花村村民委员会"),
            unit("500230101202", "同心村村民委员会"),
            unit("500230101203", "新华村村民委员会"),
        ];
        let stored_rows: Vec<StoredArea> = old.iter().map(stored).collect();
        assert!(!plan(root, &old, &stored_rows).writes());
        assert_eq!(
            plan(root, &old, &stored_rows).summary(),
            "新增 0 个，更名 0 个，已撤销 0 个，同名 0 组"
        );

        let new = [
            unit("50", "重庆市"),
            unit("500230", "丰都县"),
            unit("500230101", "虎威镇"),
            unit("500230101201", "荷花村村民委员会"),
            unit("500230101202", "同心社区居民委员会"),
            unit("500230101204", "荷花村村委会"),
        ];
        let p = plan(root, &new, &stored_rows);
        assert_eq!(
            p.added.iter().map(|a| a.code).collect::<Vec<_>>(),
            vec![code("50"), code("500230101204")]
        );
        assert_eq!(
            p.renamed,
            vec![Renamed {
                code: code("500230101202"),
                old_name: "同心村".into(),
                new_name: "同心社区".into(),
                official_name: "同心社区居民委员会".into(),
            }]
        );
        assert_eq!(
            p.abolished,
            vec![Abolished {
                code: code("500230101203"),
                name: "新华村".into()
            }]
        );
        assert_eq!(
            p.same_names,
            vec![SameName {
                township: code("500230101"),
                township_name: "虎威镇".into(),
                name: "荷花村".into(),
                codes: vec![code("500230101201"), code("500230101204")],
            }]
        );
        assert_eq!(p.summary(), "新增 2 个，更名 1 个，已撤销 1 个，同名 1 组");
    }

    #[test]
    fn a_stored_unit_without_official_name_gets_it_without_a_rename() {
        let root = code("500230");
        let u = unit("500230101201", "荷花村村民委员会");
        let mut s = stored(&u);
        s.official_name = None;
        let p = plan(root, std::slice::from_ref(&u), &[s]);
        assert!(p.renamed.is_empty() && p.added.is_empty());
        assert_eq!(p.official_names, vec![(u.code, u.official_name.clone())]);
        assert!(p.writes());
    }

    #[test]
    fn units_outside_the_root_are_never_abolished() {
        let other = unit("500231", "垫江县");
        let p = plan(code("500230"), &[], &[stored(&other)]);
        assert!(p.abolished.is_empty());
    }
}
