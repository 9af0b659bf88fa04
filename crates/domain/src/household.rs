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
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::area::AreaCode;
use crate::codes::well_known;
use crate::id_number::{IdNumber, Sex};

// ---------------------------------------------------------------------------
// Hundredths
// ---------------------------------------------------------------------------

/// A non-money quantity with two decimals, stored as an integer number of
/// hundredths: `Hundredths(1250)` is 12.50 (亩, ㎡ or 公里 depending on the field).
///
/// Serde uses the integer number of hundredths.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Debug, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Hundredths(pub i64);

/// Why a string is not a valid two-decimal quantity.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("数值格式无效：“{input}”（应为非负数，最多两位小数）")]
pub struct HundredthsError {
    /// The input (trimmed).
    pub input: String,
}

impl Hundredths {
    /// From whole units (e.g. 3 亩 → `Hundredths(300)`).
    pub const fn from_units(units: i64) -> Hundredths {
        Hundredths(units * 100)
    }

    /// Parse a non-negative decimal with at most two decimals, e.g. `3`, `2.5`, `0.75`.
    pub fn parse(s: &str) -> Result<Hundredths, HundredthsError> {
        let input = s.trim();
        let err = || HundredthsError {
            input: input.to_string(),
        };
        let (int, frac) = input.split_once('.').unwrap_or((input, ""));
        let digits_ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || int.len() > 15 || !digits_ok(int) || !digits_ok(frac) {
            return Err(err());
        }
        if frac.len() > 2 || (input.contains('.') && frac.is_empty()) {
            return Err(err());
        }
        let whole: i64 = int.parse().map_err(|_| err())?;
        let part: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| err())? * 10,
            _ => frac.parse().map_err(|_| err())?,
        };
        Ok(Hundredths(whole * 100 + part))
    }
}

impl fmt::Display for Hundredths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl FromStr for Hundredths {
    type Err = HundredthsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hundredths::parse(s)
    }
}

// ---------------------------------------------------------------------------
// YearMonth
// ---------------------------------------------------------------------------

/// A calendar month, as used by 识别监测时间 / 消除监测时间 (YYYYMM).
///
/// Serde uses the `"YYYYMM"` string.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

/// Why a string is not a valid year-month.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum YearMonthError {
    /// Unrecognised format.
    #[error("年月格式无效：“{input}”（应为202403、2024-03或2024年3月）")]
    Format {
        /// The input (trimmed).
        input: String,
    },
    /// Month outside 1..=12.
    #[error("月份无效：{month}（应在1至12之间）")]
    Month {
        /// The month found.
        month: u32,
    },
    /// Year outside 1900..=9999.
    #[error("年份无效：{year}（应在1900至9999之间）")]
    Year {
        /// The year found.
        year: i32,
    },
}

impl YearMonth {
    /// A year-month; year 1900..=9999, month 1..=12.
    pub fn new(year: i32, month: u32) -> Result<YearMonth, YearMonthError> {
        if !(1900..=9999).contains(&year) {
            return Err(YearMonthError::Year { year });
        }
        if !(1..=12).contains(&month) {
            return Err(YearMonthError::Month { month });
        }
        Ok(YearMonth { year, month })
    }

    /// The month containing `date`.
    pub fn from_date(date: NaiveDate) -> YearMonth {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Parse `202403`, `2024-03`, `2024-3`, `2024/03`, `2024.03` or `2024年3月`.
    pub fn parse(s: &str) -> Result<YearMonth, YearMonthError> {
        let input = s.trim();
        let err = || YearMonthError::Format {
            input: input.to_string(),
        };
        let (y, m) = if input.len() == 6 && input.bytes().all(|b| b.is_ascii_digit()) {
            (&input[..4], &input[4..])
        } else if let Some(rest) = input.strip_suffix('月') {
            rest.split_once('年').ok_or_else(err)?
        } else {
            input.split_once(['-', '/', '.']).ok_or_else(err)?
        };
        let (y, m) = (y.trim(), m.trim());
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || !digits(y) || m.len() > 2 || !digits(m) {
            return Err(err());
        }
        YearMonth::new(y.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1..=12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// First day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated year-month")
    }

    /// Number of months from `self` to `other` (positive when `other` is later).
    /// `202401.months_until(202407) == 6`.
    pub fn months_until(self, other: YearMonth) -> i32 {
        (other.year - self.year) * 12 + other.month as i32 - self.month as i32
    }

    /// The month `n` months later (earlier when negative).
    ///
    /// # Panics
    /// Panics if the result leaves the year range 1900..=9999.
    pub fn plus_months(self, n: i32) -> YearMonth {
        let total = self.year * 12 + self.month as i32 - 1 + n;
        YearMonth::new(total.div_euclid(12), total.rem_euclid(12) as u32 + 1)
            .expect("year-month out of range")
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = YearMonthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        YearMonth::parse(s)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        YearMonth::parse(&s).map_err(serde::de::Error::custom)
    }
}

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

// ---------------------------------------------------------------------------
// Person
// ---------------------------------------------------------------------------

/// Insurance and social-assistance flags of a member (policy.md §1.4, 是否参加/享受…).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PersonInsurance {
    /// 是否参加城乡居民基本医疗保险.
    pub resident_medical: bool,
    /// 是否参加城镇职工基本医疗保险.
    pub employee_medical: bool,
    /// 是否参加大病保险.
    pub critical_illness: bool,
    /// 是否参加商业补充医疗保险.
    pub commercial_medical: bool,
    /// 是否接受医疗救助.
    pub medical_assistance: bool,
    /// 是否接受其他健康扶贫.
    pub other_health_support: bool,
    /// 是否参加城乡居民基本养老保险.
    pub resident_pension: bool,
    /// 是否参加城镇职工基本养老保险.
    pub employee_pension: bool,
    /// 是否享受人身意外保险补贴.
    pub accident_insurance_subsidy: bool,
    /// 是否享受农村居民最低生活保障 (低保).
    pub dibao: bool,
    /// 是否特困供养人员.
    pub tekun: bool,
}

impl PersonInsurance {
    /// Enrolled in any basic medical insurance (居民医保 or 职工医保).
    pub fn has_basic_medical(&self) -> bool {
        self.resident_medical || self.employee_medical
    }
}

/// A household member (家庭成员, policy.md §1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// 人口编号.
    pub person_no: String,
    /// 姓名.
    pub name: String,
    /// 性别.
    pub sex: Sex,
    /// 证件类型 (code of `id_type`).
    pub id_type: String,
    /// 证件号码.
    pub id_number: IdNumber,
    /// 出生日期.
    pub birth_date: NaiveDate,
    /// 民族 (code of `ethnicity`).
    pub ethnicity: String,
    /// 与户主关系 (code of `relation`).
    pub relation: String,
    /// 家庭成员联系电话.
    pub phone: Option<String>,
    /// 政治面貌 (code of `political_status`).
    pub political_status: Option<String>,
    /// 文化程度 (code of `education`).
    pub education: Option<String>,
    /// 在校生状况 (code of `student_status`).
    pub student_status: Option<String>,
    /// 义务教育阶段未上学原因.
    pub dropout_reason: Option<String>,
    /// 大专或本科毕业生未就业原因.
    pub graduate_unemployed_reason: Option<String>,
    /// 健康状况 (code of `health`).
    pub health: String,
    /// 劳动技能 (code of `labor_skill`).
    pub labor_skill: String,
    /// 务工时间（月）, 0..=12.
    pub work_months: u8,
    /// 务工所在地.
    pub work_place: Option<String>,
    /// 务工企业名称.
    pub work_employer: Option<String>,
    /// 是否国外务工.
    pub works_abroad: bool,
    /// 公益性岗位.
    pub public_welfare_post: Option<String>,
    /// 公益性岗位(月数), 0..=12.
    pub public_welfare_months: u8,
    /// 是否会讲普通话.
    pub speaks_mandarin: bool,
    /// Insurance and assistance flags.
    pub insurance: PersonInsurance,
    /// 残疾证办证年度.
    pub disability_cert_year: Option<i32>,
    /// 是否事实无人抚养儿童.
    pub unsupported_child: bool,
    /// 风险消除后是否义务教育阶段适龄儿童少年失学辍学.
    pub dropout_after_elimination: bool,
}

/// A member record is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PersonError {
    /// Recorded sex differs from the ID number.
    #[error("性别与证件号码不符：填写为{given}，证件号码显示为{from_id}")]
    SexMismatch {
        /// Recorded sex.
        given: Sex,
        /// Sex encoded in the ID number.
        from_id: Sex,
    },
    /// Recorded birth date differs from the ID number.
    #[error("出生日期与证件号码不符：填写为{given}，证件号码显示为{from_id}")]
    BirthDateMismatch {
        /// Recorded birth date.
        given: NaiveDate,
        /// Birth date encoded in the ID number.
        from_id: NaiveDate,
    },
    /// A month count above 12.
    #[error("{field}应在0至12之间，实际为{value}")]
    Months {
        /// Chinese field name.
        field: &'static str,
        /// The value given.
        value: u8,
    },
    /// A required field is blank.
    #[error("{field}不能为空")]
    Blank {
        /// Chinese field name.
        field: &'static str,
    },
}

impl Person {
    /// A member with only the identifying fields filled in; sex and birth date are
    /// taken from the ID number, 证件类型 is 居民身份证, flags are false and
    /// optional fields empty. Health and labour codes must be set by the caller
    /// (they start as empty strings).
    pub fn from_id(
        person_no: impl Into<String>,
        name: impl Into<String>,
        id_number: IdNumber,
        relation: impl Into<String>,
        ethnicity: impl Into<String>,
    ) -> Person {
        Person {
            person_no: person_no.into(),
            name: name.into(),
            sex: id_number.sex(),
            id_type: well_known::ID_TYPE_RESIDENT_CARD.to_string(),
            birth_date: id_number.birth_date(),
            id_number,
            ethnicity: ethnicity.into(),
            relation: relation.into(),
            phone: None,
            political_status: None,
            education: None,
            student_status: None,
            dropout_reason: None,
            graduate_unemployed_reason: None,
            health: String::new(),
            labor_skill: String::new(),
            work_months: 0,
            work_place: None,
            work_employer: None,
            works_abroad: false,
            public_welfare_post: None,
            public_welfare_months: 0,
            speaks_mandarin: false,
            insurance: PersonInsurance::default(),
            disability_cert_year: None,
            unsupported_child: false,
            dropout_after_elimination: false,
        }
    }

    /// Check internal consistency: name present, sex and birth date agree with the
    /// ID number, month counts within 0..=12.
    pub fn validate(&self) -> Result<(), PersonError> {
        if self.name.trim().is_empty() {
            return Err(PersonError::Blank { field: "姓名" });
        }
        let from_id = self.id_number.sex();
        if self.sex != from_id {
            return Err(PersonError::SexMismatch {
                given: self.sex,
                from_id,
            });
        }
        let from_id = self.id_number.birth_date();
        if self.birth_date != from_id {
            return Err(PersonError::BirthDateMismatch {
                given: self.birth_date,
                from_id,
            });
        }
        for (field, value) in [
            ("务工时间（月）", self.work_months),
            ("公益性岗位（月数）", self.public_welfare_months),
        ] {
            if value > 12 {
                return Err(PersonError::Months { field, value });
            }
        }
        Ok(())
    }

    /// [`Person::validate`] and return the person, for use in a parse pipeline.
    pub fn new_checked(self) -> Result<Person, PersonError> {
        self.validate()?;
        Ok(self)
    }

    /// Age in full years on `date` (0 if `date` is before the birth date).
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        date.years_since(self.birth_date).unwrap_or(0)
    }

    /// Whether the member has labour capacity (普通劳动力 or 技能劳动力).
    pub fn has_labor_capacity(&self) -> bool {
        self.labor_skill == well_known::LABOR_ORDINARY
            || self.labor_skill == well_known::LABOR_SKILLED
    }
}

// ---------------------------------------------------------------------------
// 户主变更: 与户主关系 towards a new 户主
// ---------------------------------------------------------------------------

/// 与户主关系 of the old 户主 towards a new one, from the new 户主's relation
/// to the old (`old_head_sex` is the old 户主's sex): a 配偶 stays 配偶, the
/// old 户主 is 父母 of a 子女, 子/女 of a 父母, and so on; `99 其他` when
/// the list has no code for it.
pub fn old_head_relation(new_head_relation: &str, old_head_sex: Sex) -> &'static str {
    use well_known::*;
    match new_head_relation {
        RELATION_SPOUSE => RELATION_SPOUSE,
        RELATION_SON | RELATION_DAUGHTER => RELATION_PARENT,
        RELATION_GRANDCHILD => RELATION_GRANDPARENT,
        RELATION_PARENT => child_code(old_head_sex),
        RELATION_GRANDPARENT => RELATION_GRANDCHILD,
        RELATION_SIBLING => RELATION_SIBLING,
        _ => RELATION_OTHER,
    }
}

/// 与户主关系 of a member towards a new 户主, from the member's relation
/// (and sex) and the new 户主's relation (and sex) towards the old 户主.
///
/// The two-digit codes name a kinship group that includes in-laws (子/婿,
/// 女/媳, and 父母 includes 公婆/岳父母), so some answers are certain (the
/// old 户主's 配偶 is the 父母 of their 子女) and some are not: a 女/媳 of
/// the old 户主 may be a son's sister or his wife. Those come out as
/// `99 其他`, for the user to set. The old 户主 is [`old_head_relation`].
pub fn relation_to_new_head(
    relation: &str,
    sex: Sex,
    new_head_relation: &str,
    new_head_sex: Sex,
) -> &'static str {
    use well_known::*;
    if relation == RELATION_HEAD {
        return RELATION_OTHER;
    }
    let couple = |same: &'static str| {
        if sex == new_head_sex {
            same
        } else {
            RELATION_OTHER
        }
    };
    match (new_head_relation, relation) {
        // The old 户主's 配偶 takes over: everyone keeps their relation.
        (RELATION_SPOUSE, RELATION_SPOUSE) => RELATION_OTHER,
        (RELATION_SPOUSE, r) => crate::codes::find_list(crate::codes::keys::RELATION)
            .and_then(|l| l.items.iter().find(|i| i.code == r))
            .map_or(RELATION_OTHER, |i| i.code),
        // A 子女 (or child-in-law) takes over.
        (RELATION_SON | RELATION_DAUGHTER, RELATION_SPOUSE) => RELATION_PARENT,
        (RELATION_SON | RELATION_DAUGHTER, RELATION_SON | RELATION_DAUGHTER) => {
            couple(RELATION_SIBLING)
        }
        (RELATION_SON | RELATION_DAUGHTER, RELATION_PARENT) => RELATION_GRANDPARENT,
        // A 孙子女 takes over.
        (RELATION_GRANDCHILD, RELATION_SPOUSE) => RELATION_GRANDPARENT,
        // A 父母 takes over.
        (RELATION_PARENT, RELATION_SPOUSE | RELATION_SIBLING) => child_code(sex),
        (RELATION_PARENT, RELATION_SON | RELATION_DAUGHTER) => RELATION_GRANDCHILD,
        (RELATION_PARENT, RELATION_PARENT) if sex != new_head_sex => RELATION_SPOUSE,
        (RELATION_PARENT, RELATION_GRANDPARENT) => RELATION_PARENT,
        // A 祖父母 takes over.
        (RELATION_GRANDPARENT, RELATION_SPOUSE | RELATION_SIBLING) => RELATION_GRANDCHILD,
        (RELATION_GRANDPARENT, RELATION_PARENT) => child_code(sex),
        (RELATION_GRANDPARENT, RELATION_GRANDPARENT) if sex != new_head_sex => RELATION_SPOUSE,
        // A 兄弟姐妹 takes over (兄弟姐妹 includes 嫂、弟媳、姐夫、妹夫).
        (RELATION_SIBLING, RELATION_SPOUSE) => RELATION_SIBLING,
        (RELATION_SIBLING, RELATION_PARENT) => RELATION_PARENT,
        (RELATION_SIBLING, RELATION_GRANDPARENT) => RELATION_GRANDPARENT,
        (RELATION_SIBLING, RELATION_SIBLING) => couple(RELATION_SIBLING),
        _ => RELATION_OTHER,
    }
}

fn child_code(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => well_known::RELATION_SON,
        Sex::Female => well_known::RELATION_DAUGHTER,
    }
}

#[cfg(test)]
mod relation_tests {
    use super::*;
    use well_known::*;

    const M: Sex = Sex::Male;
    const F: Sex = Sex::Female;

    #[test]
    fn a_son_takes_over_from_his_father() {
        // Father (old head) dies or steps down; the son (20) becomes head.
        assert_eq!(old_head_relation(RELATION_SON, M), RELATION_PARENT);
        let to_son = |r, s| relation_to_new_head(r, s, RELATION_SON, M);
        assert_eq!(to_son(RELATION_SPOUSE, F), RELATION_PARENT, "mother");
        assert_eq!(to_son(RELATION_SON, M), RELATION_SIBLING, "brother");
        assert_eq!(
            to_son(RELATION_DAUGHTER, F),
            RELATION_OTHER,
            "sister or wife"
        );
        assert_eq!(to_son(RELATION_PARENT, F), RELATION_GRANDPARENT);
        assert_eq!(to_son(RELATION_GRANDCHILD, M), RELATION_OTHER);
    }

    #[test]
    fn a_spouse_keeps_everyone_in_place() {
        assert_eq!(old_head_relation(RELATION_SPOUSE, M), RELATION_SPOUSE);
        for r in [
            RELATION_SON,
            RELATION_DAUGHTER,
            RELATION_GRANDCHILD,
            RELATION_PARENT,
            RELATION_SIBLING,
        ] {
            assert_eq!(relation_to_new_head(r, M, RELATION_SPOUSE, F), r);
        }
        assert_eq!(
            relation_to_new_head("x", M, RELATION_SPOUSE, F),
            RELATION_OTHER
        );
    }

    #[test]
    fn a_parent_takes_over() {
        assert_eq!(old_head_relation(RELATION_PARENT, F), RELATION_DAUGHTER);
        let to_mother = |r, s| relation_to_new_head(r, s, RELATION_PARENT, F);
        assert_eq!(to_mother(RELATION_SPOUSE, M), RELATION_SON, "son-in-law");
        assert_eq!(to_mother(RELATION_SON, M), RELATION_GRANDCHILD);
        assert_eq!(to_mother(RELATION_PARENT, M), RELATION_SPOUSE, "father");
        assert_eq!(to_mother(RELATION_PARENT, F), RELATION_OTHER);
        assert_eq!(to_mother(RELATION_SIBLING, F), RELATION_DAUGHTER);
        assert_eq!(to_mother(RELATION_GRANDPARENT, M), RELATION_PARENT);
    }

    #[test]
    fn the_old_head_and_unknowns() {
        assert_eq!(
            old_head_relation(RELATION_GRANDCHILD, M),
            RELATION_GRANDPARENT
        );
        assert_eq!(
            old_head_relation(RELATION_GRANDPARENT, M),
            RELATION_GRANDCHILD
        );
        assert_eq!(old_head_relation(RELATION_SIBLING, M), RELATION_SIBLING);
        assert_eq!(old_head_relation(RELATION_OTHER, M), RELATION_OTHER);
        assert_eq!(
            relation_to_new_head(RELATION_HEAD, M, RELATION_SON, M),
            RELATION_OTHER
        );
        assert_eq!(
            relation_to_new_head(RELATION_SON, M, RELATION_OTHER, M),
            RELATION_OTHER
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    fn id(first17: &str) -> IdNumber {
        let c = crate::id_number::check_digit(first17.as_bytes()) as char;
        IdNumber::parse(&format!("{first17}{c}")).unwrap()
    }

    fn person(no: &str, name: &str, id: IdNumber, relation: &str) -> Person {
        let mut p = Person::from_id(no, name, id, relation, "01");
        p.health = "1".into();
        p.labor_skill = well_known::LABOR_ORDINARY.into();
        p
    }

    fn household(head: &Person, size: u16) -> Household {
        Household {
            household_no: "5002301012010001".into(),
            area: AreaCode::parse("500230101201").unwrap(),
            group_no: Some(3),
            head_name: head.name.clone(),
            head_id: head.id_number.clone(),
            phone: None,
            household_type: well_known::HOUSEHOLD_LIFTED.into(),
            poverty_policy: Some("1".into()),
            monitor_category: Some(well_known::CATEGORY_UNSTABLE.into()),
            is_military_family: false,
            current_size: size,
            identified_month: Some(ym("202403")),
            eliminated_month: None,
            risk_eliminated: Some(false),
            elimination_method: None,
            risks: vec!["01".into(), "07".into()],
            dev_measure_status: Some("尚未实施".into()),
            no_labor_safety_net: false,
            collector_name: Some("王五".into()),
            collector_phone: None,
            bank_name: None,
            bank_account: None,
            conditions: LivingConditions {
                cultivated_land: Some(Hundredths::parse("3.5").unwrap()),
                ..Default::default()
            },
        }
    }

    #[test]
    fn year_month_forms() {
        let a = ym("202403");
        assert_eq!(ym("2024-03"), a);
        assert_eq!(ym("2024-3"), a);
        assert_eq!(ym("2024年3月"), a);
        assert_eq!(ym(" 2024/03 "), a);
        assert_eq!(a.to_string(), "202403");
        assert_eq!((a.year(), a.month()), (2024, 3));
        assert_eq!(a.months_until(ym("202509")), 18);
        assert_eq!(ym("202509").months_until(a), -18);
        assert_eq!(a.plus_months(10), ym("202501"));
        assert_eq!(a.plus_months(-3), ym("202312"));
        assert_eq!(a.first_day(), NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
        assert!(YearMonth::parse("202413").is_err());
        assert!(YearMonth::parse("2024").is_err());
        assert!(YearMonth::parse("24-03").is_err());
        assert_eq!(
            YearMonth::parse("abc").unwrap_err().to_string(),
            "年月格式无效：“abc”（应为202403、2024-03或2024年3月）"
        );
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"202403\"");
        assert_eq!(serde_json::from_str::<YearMonth>("\"2024-03\"").unwrap(), a);
    }

    #[test]
    fn hundredths() {
        assert_eq!(Hundredths::parse("3").unwrap(), Hundredths(300));
        assert_eq!(Hundredths::parse("2.5").unwrap(), Hundredths(250));
        assert_eq!(Hundredths::parse("0.75").unwrap().to_string(), "0.75");
        assert!(Hundredths::parse("-1").is_err());
        assert!(Hundredths::parse("1.234").is_err());
        assert!(Hundredths::parse("1.").is_err());
        assert_eq!(serde_json::to_string(&Hundredths(250)).unwrap(), "250");
    }

    #[test]
    fn person_checks() {
        let head_id = id("50023019700101001"); // odd 17th digit: male
        let p = person("01", "张三", head_id.clone(), "01");
        assert_eq!(p.sex, Sex::Male);
        assert!(p.clone().new_checked().is_ok());
        let mut wrong = p.clone();
        wrong.sex = Sex::Female;
        assert_eq!(
            wrong.validate().unwrap_err().to_string(),
            "性别与证件号码不符：填写为女，证件号码显示为男"
        );
        let mut wrong = p.clone();
        wrong.birth_date = NaiveDate::from_ymd_opt(1970, 1, 2).unwrap();
        assert!(
            wrong
                .validate()
                .unwrap_err()
                .to_string()
                .starts_with("出生日期与证件号码不符")
        );
        let mut wrong = p.clone();
        wrong.work_months = 13;
        assert!(matches!(wrong.validate(), Err(PersonError::Months { .. })));
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(p.age_on(d(2024, 1, 1)), 54);
        assert_eq!(p.age_on(d(2023, 12, 31)), 53);
        assert_eq!(p.age_on(d(1960, 1, 1)), 0);
        assert!(p.has_labor_capacity());
        let mut weak = p.clone();
        weak.labor_skill = well_known::LABOR_WEAK.into();
        assert!(!weak.has_labor_capacity());
    }

    #[test]
    fn member_checks() {
        let head = person("01", "张三", id("50023019700101001"), "01");
        let spouse = person("02", "李四", id("50023019720505002"), "10");
        let hh = household(&head, 2);
        assert!(hh.validate().is_ok());
        assert!(hh.validate_members(&[head.clone(), spouse.clone()]).is_ok());

        assert_eq!(
            hh.validate_members(std::slice::from_ref(&spouse)),
            Err(HouseholdError::NoHead)
        );
        let mut second_head = spouse.clone();
        second_head.relation = "01".into();
        assert_eq!(
            hh.validate_members(&[head.clone(), second_head])
                .unwrap_err()
                .to_string(),
            "家庭成员中有2名户主（张三、李四），应只有1名"
        );
        let mut other = hh.clone();
        other.head_id = spouse.id_number.clone();
        assert!(matches!(
            other.validate_members(&[head.clone(), spouse.clone()]),
            Err(HouseholdError::HeadIdMismatch { .. })
        ));
        let mut twin = spouse.clone();
        twin.name = "李五".into();
        let e = hh
            .validate_members(&[head.clone(), spouse.clone(), twin])
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "家庭成员证件号码重复：{}（李四、李五）",
                spouse.id_number.masked()
            )
        );
        assert_eq!(
            hh.validate_members(std::slice::from_ref(&head))
                .unwrap_err()
                .to_string(),
            "当前家庭人口数为2人，但家庭成员有1人"
        );
    }

    #[test]
    fn household_checks() {
        let head = person("01", "张三", id("50023019700101001"), "01");
        let hh = household(&head, 1);
        let mut bad = hh.clone();
        bad.risks = ["01", "03", "04", "05", "06", "07"]
            .map(String::from)
            .to_vec();
        assert!(matches!(
            bad.validate(),
            Err(HouseholdError::TooManyRisks { count: 6 })
        ));
        let mut bad = hh.clone();
        bad.risks = vec!["01".into(), "01".into()];
        assert!(matches!(
            bad.validate(),
            Err(HouseholdError::DuplicateRisk { .. })
        ));
        let mut bad = hh.clone();
        bad.area = AreaCode::parse("500230").unwrap();
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "户所在地区应为村级区划代码，500230000000是县级代码"
        );
        let mut bad = hh.clone();
        bad.eliminated_month = Some(ym("202401"));
        assert!(matches!(
            bad.validate(),
            Err(HouseholdError::EliminatedBeforeIdentified { .. })
        ));
        let mut bad = hh.clone();
        bad.household_type = well_known::HOUSEHOLD_ORDINARY.into();
        assert_eq!(bad.validate(), Err(HouseholdError::PovertyPolicyNotLifted));
        assert!(hh.is_lifted_out() && hh.is_monitored());
    }

    #[test]
    fn serde_round_trip() {
        let head = person("01", "张三", id("50023019700101001"), "01");
        let hh = household(&head, 1);
        let json = serde_json::to_string(&hh).unwrap();
        assert!(json.contains("\"area\":\"500230101201\""));
        assert!(json.contains("\"identified_month\":\"202403\""));
        let back: Household = serde_json::from_str(&json).unwrap();
        assert_eq!(back, hh);
        let json = serde_json::to_string(&head).unwrap();
        assert!(json.contains("\"sex\":\"男\""));
        assert!(json.contains("\"birth_date\":\"1970-01-01\""));
        let back: Person = serde_json::from_str(&json).unwrap();
        assert_eq!(back, head);
    }
}

/// A household with its members and annual income records: the unit that is
/// stored, imported, exported and versioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdBundle {
    pub household: Household,
    pub members: Vec<Person>,
    pub incomes: Vec<crate::income::IncomeRecord>,
}
