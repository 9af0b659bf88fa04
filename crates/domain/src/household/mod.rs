//! Households (户) and their members (家庭成员): the national field set of
//! policy.md §1.3–1.4 as plain data.
//!
//! Coded fields hold the code as a `String` (see [`crate::codes`]); the code lists
//! live in a table that can change without a release, so membership of a code in
//! its list is checked by the application against the table, not here.
//!
//! Areas (亩, ㎡) and distances (公里) are [`Hundredths`]: an integer number of
//! hundredths of the unit, serialized as that integer (like [`crate::Money`] in 分).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::area::AreaCode;
use crate::codes::well_known;
use crate::id_number::IdNumber;

// ---------------------------------------------------------------------------
// Household
// ---------------------------------------------------------------------------

/// Production and living conditions of a household (生产生活条件, policy.md §1.3).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivingConditions {
    /// 耕地面积（亩）.
    pub cultivated_land: Option<Hundredths>,
    /// 有效灌溉面积（亩）.
    pub irrigated_land: Option<Hundredths>,
    /// 林地面积（亩）.
    pub forest_land: Option<Hundredths>,
    /// 退耕还林面积（亩）.
    pub returned_to_forest: Option<Hundredths>,
    /// 林果面积（亩）.
    pub orchard_land: Option<Hundredths>,
    /// 牧草地面积（亩）.
    pub grassland: Option<Hundredths>,
    /// 水面面积（亩）.
    pub water_surface: Option<Hundredths>,
    /// 入户路类型 (e.g. 普通硬化路, 砂石路, 泥土路).
    pub road_type: Option<String>,
    /// 与村主干路距离（公里）.
    pub distance_to_main_road: Option<Hundredths>,
    /// 是否加入农民专业合作组织.
    pub in_cooperative: bool,
    /// 是否有龙头企业带动.
    pub leading_enterprise: bool,
    /// 是否有创业致富带头人带动.
    pub entrepreneur_leader: bool,
    /// 到户产业帮扶类型.
    pub industry_support_type: Option<String>,
    /// 是否通生活用电.
    pub household_electricity: bool,
    /// 是否通生产用电.
    pub production_electricity: bool,
    /// 是否通广播电视.
    pub radio_tv: bool,
    /// 主要燃料类型.
    pub main_fuel: Option<String>,
    /// 是否有卫生厕所.
    pub sanitary_toilet: bool,
    /// 住房面积（㎡）.
    pub housing_area: Option<Hundredths>,
    /// 住房安全等级 (code of `housing_grade`: A–D; C and D are unsafe).
    pub housing_grade: Option<String>,
    /// 是否危房户.
    pub is_unsafe_house: bool,
    /// 是否解决安全饮用水.
    pub safe_drinking_water: Option<bool>,
    /// 义务教育保障.
    pub compulsory_education_secured: Option<bool>,
    /// 住房安全保障.
    pub housing_secured: Option<bool>,
    /// 饮水安全保障.
    pub drinking_water_secured: Option<bool>,
}

/// A household (户信息, policy.md §1.3).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    /// 户编号.
    pub household_no: String,
    /// The village the household belongs to (village-level code).
    pub area: AreaCode,
    /// 村民小组 number within the village.
    pub group_no: Option<u16>,
    /// 户主姓名.
    pub head_name: String,
    /// 户主证件号码.
    pub head_id: IdNumber,
    /// 户联系电话.
    pub phone: Option<String>,
    /// 户类型 (code of `household_type`).
    pub household_type: String,
    /// 脱贫户是否享受政策 (code of `poverty_policy`; only for 脱贫户).
    pub poverty_policy: Option<String>,
    /// 监测对象类别 (code of `monitor_category`); `None` if not a monitoring object.
    pub monitor_category: Option<String>,
    /// 是否军烈属.
    pub is_military_family: bool,
    /// 当前家庭人口数.
    pub current_size: u16,
    /// 识别监测时间.
    pub identified_month: Option<YearMonth>,
    /// 消除监测时间.
    pub eliminated_month: Option<YearMonth>,
    /// 风险是否已消除.
    pub risk_eliminated: Option<bool>,
    /// 风险消除方式 (code of `elimination_method`).
    pub elimination_method: Option<String>,
    /// 致贫/返贫风险1..5 (codes of `risk_type`, at most 5, in order).
    pub risks: Vec<String>,
    /// 实施开发式帮扶措施情况.
    pub dev_measure_status: Option<String>,
    /// 整户无劳动能力兜底保障户.
    pub no_labor_safety_net: bool,
    /// 信息采集人.
    pub collector_name: Option<String>,
    /// 信息采集人联系电话.
    pub collector_phone: Option<String>,
    /// 开户银行.
    pub bank_name: Option<String>,
    /// 银行卡号.
    pub bank_account: Option<String>,
    /// 生产生活条件.
    pub conditions: LivingConditions,
}

/// Maximum number of risk slots (致贫/返贫风险1..5).
pub const MAX_RISKS: usize = 5;

/// A household record or its member list is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HouseholdError {
    /// No member has relation 01.
    #[error("家庭成员中没有户主（与户主关系为“01 户主”）")]
    NoHead,
    /// More than one member has relation 01.
    #[error("家庭成员中有{count}名户主（{names}），应只有1名")]
    MultipleHeads {
        /// Number of heads.
        count: usize,
        /// Their names, separated by 、.
        names: String,
    },
    /// The head member's ID differs from the household's head_id.
    #[error("户主证件号码（{household}）与家庭成员中户主{name}的证件号码（{member}）不一致")]
    HeadIdMismatch {
        /// Masked head_id of the household.
        household: String,
        /// Name of the head member.
        name: String,
        /// Masked ID of the head member.
        member: String,
    },
    /// Two members share an ID number.
    #[error("家庭成员证件号码重复：{id}（{names}）")]
    DuplicateId {
        /// Masked ID number.
        id: String,
        /// Names of the members, separated by 、.
        names: String,
    },
    /// current_size differs from the number of members.
    #[error("当前家庭人口数为{declared}人，但家庭成员有{actual}人")]
    SizeMismatch {
        /// current_size.
        declared: u16,
        /// Number of members given.
        actual: usize,
    },
    /// More than five risks.
    #[error("致贫/返贫风险最多填写{MAX_RISKS}项，实际为{count}项")]
    TooManyRisks {
        /// Number given.
        count: usize,
    },
    /// The same risk listed twice.
    #[error("致贫/返贫风险重复：{code}")]
    DuplicateRisk {
        /// The repeated code.
        code: String,
    },
    /// The household's area is not a village.
    #[error("户所在地区应为村级区划代码，{code}是{level}级代码")]
    AreaNotVillage {
        /// The area code.
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
    /// Elimination month before identification month.
    #[error("消除监测时间（{eliminated}）早于识别监测时间（{identified}）")]
    EliminatedBeforeIdentified {
        /// 识别监测时间.
        identified: YearMonth,
        /// 消除监测时间.
        eliminated: YearMonth,
    },
    /// A required text field is blank.
    #[error("{field}不能为空")]
    Blank {
        /// Chinese field name.
        field: &'static str,
    },
    /// poverty_policy given for a household that is not 脱贫户.
    #[error("只有脱贫户才能填写“是否享受政策”")]
    PovertyPolicyNotLifted,
}

impl Household {
    /// Whether the household type is 脱贫户.
    pub fn is_lifted_out(&self) -> bool {
        self.household_type == well_known::HOUSEHOLD_LIFTED
    }

    /// Whether the household is a monitoring object (has a 监测对象类别).
    pub fn is_monitored(&self) -> bool {
        self.monitor_category.is_some()
    }

    /// Structural checks on the household record alone: village-level area,
    /// group number, required names, at most 5 distinct risks, month order,
    /// and the 脱贫户-only policy flag. Code-list membership is not checked here.
    pub fn validate(&self) -> Result<(), HouseholdError> {
        if self.household_no.trim().is_empty() {
            return Err(HouseholdError::Blank { field: "户编号" });
        }
        if self.head_name.trim().is_empty() {
            return Err(HouseholdError::Blank {
                field: "户主姓名"
            });
        }
        if self.household_type.trim().is_empty() {
            return Err(HouseholdError::Blank { field: "户类型" });
        }
        let level = self.area.level();
        if level != crate::area::AreaLevel::Village {
            return Err(HouseholdError::AreaNotVillage {
                code: self.area.as_string(),
                level: level.label(),
            });
        }
        if let Some(no) = self.group_no
            && !(1..=99).contains(&no)
        {
            return Err(HouseholdError::GroupNo { no });
        }
        if self.risks.len() > MAX_RISKS {
            return Err(HouseholdError::TooManyRisks {
                count: self.risks.len(),
            });
        }
        for (i, r) in self.risks.iter().enumerate() {
            if self.risks[..i].contains(r) {
                return Err(HouseholdError::DuplicateRisk { code: r.clone() });
            }
        }
        if let (Some(identified), Some(eliminated)) = (self.identified_month, self.eliminated_month)
            && eliminated < identified
        {
            return Err(HouseholdError::EliminatedBeforeIdentified {
                identified,
                eliminated,
            });
        }
        if self.poverty_policy.is_some() && !self.is_lifted_out() {
            return Err(HouseholdError::PovertyPolicyNotLifted);
        }
        Ok(())
    }

    /// Check the member list against the household: exactly one 户主 (relation 01)
    /// whose ID equals `head_id`, no duplicate ID numbers, and
    /// `current_size == members.len()`.
    pub fn validate_members(&self, members: &[Person]) -> Result<(), HouseholdError> {
        let heads: Vec<&Person> = members
            .iter()
            .filter(|p| p.relation == well_known::RELATION_HEAD)
            .collect();
        match heads.as_slice() {
            [] => return Err(HouseholdError::NoHead),
            [head] => {
                if head.id_number != self.head_id {
                    return Err(HouseholdError::HeadIdMismatch {
                        household: self.head_id.masked(),
                        name: head.name.clone(),
                        member: head.id_number.masked(),
                    });
                }
            }
            many => {
                return Err(HouseholdError::MultipleHeads {
                    count: many.len(),
                    names: join_names(many.iter().copied()),
                });
            }
        }
        let mut by_id: HashMap<&IdNumber, Vec<&Person>> = HashMap::new();
        for p in members {
            by_id.entry(&p.id_number).or_default().push(p);
        }
        // Report the first duplicate in member order, for a stable message.
        for p in members {
            let same = &by_id[&p.id_number];
            if same.len() > 1 {
                return Err(HouseholdError::DuplicateId {
                    id: p.id_number.masked(),
                    names: join_names(same.iter().copied()),
                });
            }
        }
        if usize::from(self.current_size) != members.len() {
            return Err(HouseholdError::SizeMismatch {
                declared: self.current_size,
                actual: members.len(),
            });
        }
        Ok(())
    }
}

fn join_names<'a>(people: impl Iterator<Item = &'a Person>) -> String {
    people
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// A household with its members and annual income records: the unit that is
/// stored, imported, exported and versioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdBundle {
    pub household: Household,
    pub members: Vec<Person>,
    pub incomes: Vec<crate::income::IncomeRecord>,
}

pub mod labour;
mod person;
mod relations;
#[cfg(test)]
mod tests;
mod values;

pub use person::*;
pub use relations::*;
pub use values::*;
