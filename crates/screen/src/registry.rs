//! The registry extract: who is registered, in which household and area,
//! of which population, with the household's net income.

use std::collections::HashMap;
use std::io::Read;

use fangpin_domain::Money;
use fangpin_domain::codes::well_known;
use fangpin_domain::screening::{Population, header_key};

use crate::ScreenError;
use crate::ids::{IdKey, id_key};
use crate::text::{Fields, for_each_line};

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Header names accepted per column: (what, required, names).
const COLUMNS: [(&str, bool, &[&str]); 6] = [
    (
        "身份证号",
        true,
        &["身份证号", "身份证号码", "证件号码", "公民身份号码"],
    ),
    ("户编号", true, &["户编号", "户号"]),
    ("行政区划代码", true, &["行政区划代码", "区划代码"]),
    ("户类型", true, &["户类型"]),
    ("监测对象类别", false, &["监测对象类别"]),
    (
        "家庭纯收入",
        false,
        &["家庭纯收入", "家庭年纯收入", "纯收入"],
    ),
];

/// A household of the extract, its texts in the registry's arena.
#[derive(Debug, Clone, Copy)]
struct Household {
    at: u32,
    no_len: u16,
    area_len: u16,
    net_income: Money,
    population: Population,
}

/// The registry extract, indexed.
#[derive(Debug, Default)]
pub struct Registry {
    index: Map<IdKey, u32>,
    /// Per person: (ID key, household, population).
    persons: Vec<(IdKey, u32, Population)>,
    households: Vec<Household>,
    /// 户编号 and 区划代码 of every household, one after the other.
    arena: String,
}

/// A registered person, as a match gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    /// Position in the extract.
    pub index: u32,
    /// Their household's position.
    pub household: u32,
    /// Their population.
    pub population: Population,
}

impl Registry {
    /// Reads an extract (CSV, UTF-8 or GBK). A row whose ID number is not
    /// valid, or that repeats an ID, refuses the extract with its row.
    pub fn read<R: Read>(reader: R) -> Result<Registry, ScreenError> {
        Registry::read_sized(reader, 0)
    }

    /// [`Registry::read`] of an extract of about `bytes` bytes: the index is
    /// sized for it up front instead of growing (and rehashing) as it fills.
    pub fn read_sized<R: Read>(reader: R, bytes: u64) -> Result<Registry, ScreenError> {
        // A person's row is about 65 bytes.
        let persons = usize::try_from(bytes / 60).unwrap_or(0);
        let mut reg = Registry {
            index: Map::with_capacity_and_hasher(persons, foldhash::fast::RandomState::default()),
            persons: Vec::with_capacity(persons),
            ..Registry::default()
        };
        let mut cols = [usize::MAX; 6];
        let mut fields = Fields::default();
        let mut by_no: Map<Box<str>, u32> = Map::default();
        for_each_line(reader, |row, line| {
            fields.load(line);
            if row == 1 {
                let headers: Vec<String> = fields.all().iter().map(|h| header_key(h)).collect();
                for (k, (what, required, names)) in COLUMNS.iter().enumerate() {
                    match headers.iter().position(|h| names.contains(&h.as_str())) {
                        Some(i) => cols[k] = i,
                        None if *required => return Err(ScreenError::RegistryColumn(what)),
                        None => {}
                    }
                }
                return Ok(());
            }
            let bad = |reason: String| ScreenError::RegistryRow { row, reason };
            let key = id_key(fields.get(cols[0]))
                .ok_or_else(|| bad(format!("身份证号“{}”无效", fields.text(cols[0]))))?;
            let no = fields.text(cols[1]);
            if no.is_empty() {
                return Err(bad("户编号为空".into()));
            }
            // A household's members usually follow one another: the last
            // household is checked before the map.
            let last = reg.households.len().checked_sub(1).and_then(|h| {
                let h = u32::try_from(h).ok()?;
                (reg.household(h).0 == no).then_some(h)
            });
            let household = match last.or_else(|| by_no.get(no).copied()) {
                Some(h) => h,
                None => {
                    let area = fields.text(cols[2]);
                    let income = match cols[5] {
                        usize::MAX => Money::ZERO,
                        c => match fields.text(c) {
                            "" => Money::ZERO,
                            t => Money::parse(t)
                                .map_err(|_| bad(format!("家庭纯收入“{t}”不是金额")))?,
                        },
                    };
                    let h = u32::try_from(reg.households.len())
                        .map_err(|_| bad("户数超过上限".into()))?;
                    reg.households.push(Household {
                        at: u32::try_from(reg.arena.len())
                            .map_err(|_| bad("户数超过上限".into()))?,
                        no_len: u16::try_from(no.len()).map_err(|_| bad("户编号过长".into()))?,
                        area_len: u16::try_from(area.len())
                            .map_err(|_| bad("行政区划代码过长".into()))?,
                        net_income: income,
                        population: Population::Ordinary,
                    });
                    reg.arena.push_str(no);
                    reg.arena.push_str(area);
                    by_no.insert(no.into(), h);
                    h
                }
            };
            let kind = fields.text(cols[3]);
            let category = match cols[4] {
                usize::MAX => "",
                c => fields.text(c),
            };
            let population = if !category.is_empty() && category != "无" && category != "否" {
                Population::Monitored
            } else if kind == "脱贫户" || kind == well_known::HOUSEHOLD_LIFTED {
                Population::Lifted
            } else {
                Population::Ordinary
            };
            let index = u32::try_from(reg.persons.len()).map_err(|_| bad("人数超过上限".into()))?;
            if reg.index.insert(key, index).is_some() {
                return Err(bad(format!("身份证号“{}”重复", fields.text(cols[0]))));
            }
            reg.persons.push((key, household, population));
            // The household's population is its members' (监测 over 脱贫).
            let hh = &mut reg.households[household as usize];
            if population == Population::Monitored
                || (population == Population::Lifted && hh.population == Population::Ordinary)
            {
                hh.population = population;
            }
            Ok(())
        })?;
        Ok(reg)
    }

    /// Number of persons.
    pub fn len(&self) -> usize {
        self.persons.len()
    }

    /// Whether the extract holds nobody.
    pub fn is_empty(&self) -> bool {
        self.persons.is_empty()
    }

    /// The registered person with this ID.
    pub fn find(&self, key: IdKey) -> Option<Person> {
        let &index = self.index.get(&key)?;
        Some(self.person_at(index))
    }

    /// The person at a position of the extract.
    pub fn person_at(&self, index: u32) -> Person {
        let (_, household, population) = self.persons[index as usize];
        Person {
            index,
            household,
            population,
        }
    }

    /// The ID key of the person at a position.
    pub fn key_at(&self, index: u32) -> IdKey {
        self.persons[index as usize].0
    }

    /// A household's population: 监测户 when any member is, else 脱贫户
    /// when any member is, else 一般农户.
    pub fn household_population(&self, h: u32) -> Population {
        self.households[h as usize].population
    }

    /// (户编号, 行政区划代码, 家庭纯收入) of a household.
    pub fn household(&self, h: u32) -> (&str, &str, Money) {
        let x = self.households[h as usize];
        let at = x.at as usize;
        let mid = at + usize::from(x.no_len);
        (
            &self.arena[at..mid],
            &self.arena[mid..mid + usize::from(x.area_len)],
            x.net_income,
        )
    }
}
