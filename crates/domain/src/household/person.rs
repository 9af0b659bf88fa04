//! Members (家庭成员) and their insurance.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::codes::well_known;
use crate::id_number::{IdNumber, Sex};

/// Insurance and social-assistance flags of a member (policy.md §1.4, 是否参加/享受…).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// YYYY-MM-DD; only the year where the ID number is masked.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
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
