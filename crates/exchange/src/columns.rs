//! The national "全县全字段" layout as data: one [`Column`] per header, in the
//! canonical export order, each with the accessors that move a value between a
//! cell and the domain types.
//!
//! The importer walks this table (not the file's header order), so the column
//! order of a file does not matter and 致贫/返贫风险1..5 are filled slot by slot.

use chrono::NaiveDate;
use fangpin_domain::codes::keys;
use fangpin_domain::household::{Household, Hundredths, LivingConditions, Person, YearMonth};
use fangpin_domain::income::{IncomeBreakdown, IncomeRecord};
use fangpin_domain::{AreaCode, IdNumber, Money, Sex};

/// Which record a column belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Household column, repeated on every member row of the household.
    Household,
    /// Member column.
    Person,
    /// Income column (household-level, repeated like household columns).
    Income,
}

/// How a cell is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Free text.
    Text,
    /// A code of the named code list; cells hold the label or the code.
    Code(&'static str),
    /// 是/否 (also 1/0, Y/N, TRUE/FALSE).
    Bool,
    /// An amount in 元, at most two decimals.
    Money,
    /// A whole number.
    Int,
    /// A 村民小组 number, also written `6组`, `六组`, `第六组`.
    Group,
    /// A month, written YYYYMM.
    Month,
    /// A date.
    Date,
    /// An identity number (text cell, never a number).
    IdNumber,
    /// A quantity with two decimals (亩, ㎡, 公里).
    Hundredths,
    /// A 12-digit area code of a village.
    Area,
    /// 性别: 男/女 or 1/2.
    Sex,
}

/// Administrative names written next to the area code (省, 市, 县, 乡（镇）, 村).
///
/// They are informational: the 行政区划代码 is what places a household.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceNames {
    /// 省.
    pub province: Option<String>,
    /// 市.
    pub city: Option<String>,
    /// 县.
    pub county: Option<String>,
    /// 乡（镇）.
    pub township: Option<String>,
    /// 村.
    pub village: Option<String>,
}

/// A typed cell value. Code columns carry the code (not the label).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(Option<String>),
    Bool(Option<bool>),
    Money(Option<Money>),
    Int(Option<i64>),
    Month(Option<YearMonth>),
    Date(Option<NaiveDate>),
    Id(Option<IdNumber>),
    Hundredths(Option<Hundredths>),
    Area(Option<AreaCode>),
    Sex(Option<Sex>),
}

impl Value {
    fn text(self) -> Option<String> {
        match self {
            Value::Text(v) => v,
            _ => None,
        }
    }
    fn flag(self) -> Option<bool> {
        match self {
            Value::Bool(v) => v,
            _ => None,
        }
    }
    fn money(self) -> Money {
        match self {
            Value::Money(Some(v)) => v,
            _ => Money::ZERO,
        }
    }
    fn int(self) -> Option<i64> {
        match self {
            Value::Int(v) => v,
            _ => None,
        }
    }
    fn month(self) -> Option<YearMonth> {
        match self {
            Value::Month(v) => v,
            _ => None,
        }
    }
    fn hundredths(self) -> Option<Hundredths> {
        match self {
            Value::Hundredths(v) => v,
            _ => None,
        }
    }
}

/// What the export reads one row from.
pub(crate) struct Src<'a> {
    pub household: &'a Household,
    pub person: &'a Person,
    pub income: Option<&'a IncomeRecord>,
    pub derived: Option<&'a IncomeBreakdown>,
    pub places: Option<&'a PlaceNames>,
}

/// What the import fills from one row. Fields whose column is required start
/// with placeholders; a row with a missing or bad required cell always yields
/// an issue, so a placeholder never leaves the crate.
pub(crate) struct Draft {
    pub household: Household,
    pub person: Person,
    pub income: IncomeRecord,
    pub places: PlaceNames,
    pub sex_given: bool,
    pub birth_given: bool,
    /// 纯收入 as the file states it.
    pub file_net: Option<Money>,
    /// 人均纯收入 as the file states it.
    pub file_per_capita: Option<Money>,
}

type Getter = fn(&Src) -> Value;
type Setter = fn(&mut Draft, Value) -> Result<(), String>;

/// One column of the layout.
#[derive(Clone, Copy)]
pub struct Column {
    /// The Chinese header, as in the national export.
    pub header: &'static str,
    /// Other spellings accepted on import.
    pub aliases: &'static [&'static str],
    /// Household, person or income column.
    pub scope: Scope,
    /// The header must be present and the cell non-blank.
    pub required: bool,
    /// How the cell is read and written.
    pub kind: Kind,
    pub(crate) get: Getter,
    pub(crate) set: Setter,
}

impl std::fmt::Debug for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Column")
            .field("header", &self.header)
            .field("scope", &self.scope)
            .field("required", &self.required)
            .field("kind", &self.kind)
            .finish()
    }
}

/// Normalise a header for matching: drop all whitespace, map full-width
/// parentheses to half-width, and drop a trailing unit “(元)”.
pub fn normalise_header(s: &str) -> String {
    let mut out: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect();
    if let Some(stripped) = out.strip_suffix("(元)") {
        out.truncate(stripped.len());
    }
    out
}

fn to_u16(v: Option<i64>, what: &str) -> Result<Option<u16>, String> {
    match v {
        None => Ok(None),
        Some(n) => u16::try_from(n)
            .map(Some)
            .map_err(|_| format!("{what}超出范围：{n}")),
    }
}

fn to_u8_months(v: Option<i64>, what: &str) -> Result<u8, String> {
    match v {
        None => Ok(0),
        Some(n) if (0..=12).contains(&n) => Ok(n as u8),
        Some(n) => Err(format!("{what}应在0至12之间，实际为{n}")),
    }
}

fn to_year(v: Option<i64>, what: &str) -> Result<Option<i32>, String> {
    match v {
        None => Ok(None),
        Some(n) if (1900..=9999).contains(&n) => Ok(Some(n as i32)),
        Some(n) => Err(format!("{what}应为1900至9999之间的年份，实际为{n}")),
    }
}

fn m(v: Money) -> Value {
    Value::Money(Some(v))
}

macro_rules! col {
    ($header:expr, $aliases:expr, $scope:ident, $req:expr, $kind:expr, $get:expr, $set:expr) => {
        Column {
            header: $header,
            aliases: $aliases,
            scope: Scope::$scope,
            required: $req,
            kind: $kind,
            get: $get,
            set: $set,
        }
    };
}

/// An optional text or code field of the household or of a member (a blank
/// cell clears it).
macro_rules! opt {
    ($header:expr, $aliases:expr, $scope:ident, $kind:expr, $part:ident . $($field:ident).+) => {
        col!($header, $aliases, $scope, false, $kind,
            |s| Value::Text(s.$part.$($field).+.clone()),
            |d, v| { d.$part.$($field).+ = v.text(); Ok(()) })
    };
}

/// A required text or code field of the household or of a member (the row
/// check refuses a blank cell).
macro_rules! req {
    ($header:expr, $aliases:expr, $scope:ident, $kind:expr, $part:ident . $($field:ident).+) => {
        col!($header, $aliases, $scope, true, $kind,
            |s| Value::Text(Some(s.$part.$($field).+.clone())),
            |d, v| { d.$part.$($field).+ = v.text().unwrap_or_default(); Ok(()) })
    };
}

/// A household yes/no field (blank = 否).
macro_rules! h_bool {
    ($header:expr, $($field:ident).+) => {
        col!($header, &[], Household, false, Kind::Bool,
            |s| Value::Bool(Some(s.household.$($field).+)),
            |d, v| { d.household.$($field).+ = v.flag().unwrap_or(false); Ok(()) })
    };
}

/// A household yes/no field that may be unknown (blank).
macro_rules! h_opt_bool {
    ($header:expr, $($field:ident).+) => {
        col!($header, &[], Household, false, Kind::Bool,
            |s| Value::Bool(s.household.$($field).+),
            |d, v| { d.household.$($field).+ = v.flag(); Ok(()) })
    };
}

/// A living-condition quantity.
macro_rules! h_qty {
    ($header:expr, $aliases:expr, $field:ident) => {
        col!(
            $header,
            $aliases,
            Household,
            false,
            Kind::Hundredths,
            |s| Value::Hundredths(s.household.conditions.$field),
            |d, v| {
                d.household.conditions.$field = v.hundredths();
                Ok(())
            }
        )
    };
}

/// A place name.
macro_rules! place {
    ($header:expr, $aliases:expr, $field:ident) => {
        col!(
            $header,
            $aliases,
            Household,
            false,
            Kind::Text,
            |s| Value::Text(s.places.and_then(|p| p.$field.clone())),
            |d, v| {
                d.places.$field = v.text();
                Ok(())
            }
        )
    };
}

/// A risk slot 1..=5.
macro_rules! risk {
    ($header:expr, $aliases:expr, $slot:expr) => {
        col!(
            $header,
            $aliases,
            Household,
            false,
            Kind::Code(keys::RISK_TYPE),
            |s| Value::Text(s.household.risks.get($slot).cloned()),
            |d, v| {
                if let Some(code) = v.text() {
                    d.household.risks.push(code);
                }
                Ok(())
            }
        )
    };
}

/// An income amount.
macro_rules! money {
    ($header:expr, $aliases:expr, $field:ident) => {
        col!(
            $header,
            $aliases,
            Income,
            false,
            Kind::Money,
            |s| s.income.map_or(Value::Money(None), |i| m(i.$field)),
            |d, v| {
                d.income.$field = v.money();
                Ok(())
            }
        )
    };
}

/// A computed income figure: exported; on import the file's figure is kept
/// apart (`$slot`, when named) to be compared with fangpin's own.
macro_rules! derived {
    ($header:expr, $field:ident) => {
        derived!(@ $header, $field, |_, _| Ok(()))
    };
    ($header:expr, $field:ident, $slot:ident) => {
        derived!(@ $header, $field, |d, v| {
            if let Value::Money(given) = v {
                d.$slot = given;
            }
            Ok(())
        })
    };
    (@ $header:expr, $field:ident, $set:expr) => {
        col!(
            $header,
            &[],
            Income,
            false,
            Kind::Money,
            |s| s.derived.map_or(Value::Money(None), |b| m(b.$field)),
            $set
        )
    };
}

/// A person yes/no field (blank = 否).
macro_rules! p_bool {
    ($header:expr, $($field:ident).+) => {
        col!($header, &[], Person, false, Kind::Bool,
            |s| Value::Bool(Some(s.person.$($field).+)),
            |d, v| { d.person.$($field).+ = v.flag().unwrap_or(false); Ok(()) })
    };
}

/// The layout, in canonical export order.
/// [`opt!`] and [`req!`] for the household's fields.
macro_rules! h_opt {
    ($header:expr, $aliases:expr, $kind:expr, $($field:ident).+) => {
        opt!($header, $aliases, Household, $kind, household.$($field).+)
    };
}

macro_rules! h_req {
    ($header:expr, $aliases:expr, $kind:expr, $($field:ident).+) => {
        req!($header, $aliases, Household, $kind, household.$($field).+)
    };
}

/// [`opt!`] and [`req!`] for a member's fields.
macro_rules! p_opt {
    ($header:expr, $aliases:expr, $kind:expr, $($field:ident).+) => {
        opt!($header, $aliases, Person, $kind, person.$($field).+)
    };
}

macro_rules! p_req {
    ($header:expr, $aliases:expr, $kind:expr, $($field:ident).+) => {
        req!($header, $aliases, Person, $kind, person.$($field).+)
    };
}

pub static COLUMNS: &[Column] = &[
    // --- identity and location -------------------------------------------------
    place!("省", &["省份", "省（自治区、直辖市）"], province),
    place!("市", &["市（州）", "地市"], city),
    place!("县", &["县（市、区）", "区县"], county),
    place!("乡（镇）", &["乡镇", "乡"], township),
    place!("行政村", &["村", "村（社区）"], village),
    col!(
        "行政区划代码",
        &["村级区划代码", "区划代码", "村代码"],
        Household,
        true,
        Kind::Area,
        |s| Value::Area(Some(s.household.area)),
        |d, v| {
            if let Value::Area(Some(a)) = v {
                d.household.area = a;
            }
            Ok(())
        }
    ),
    col!(
        "村民小组",
        &["自然组", "组", "村民小组编号"],
        Household,
        false,
        Kind::Group,
        |s| Value::Int(s.household.group_no.map(i64::from)),
        |d, v| {
            d.household.group_no = to_u16(v.int(), "村民小组")?;
            Ok(())
        }
    ),
    h_req!("户编号", &["户编码"], Kind::Text, household_no),
    req!("户主姓名", &[], Household, Kind::Text, household.head_name),
    col!(
        "户主证件号码",
        &["户主身份证号码", "户主身份证号"],
        Household,
        true,
        Kind::IdNumber,
        |s| Value::Id(Some(s.household.head_id.clone())),
        |d, v| {
            if let Value::Id(Some(id)) = v {
                d.household.head_id = id;
            }
            Ok(())
        }
    ),
    h_opt!(
        "户联系电话",
        &["户主联系电话", "联系电话（户）"],
        Kind::Text,
        phone
    ),
    h_req!(
        "户类型",
        &["户属性"],
        Kind::Code(keys::HOUSEHOLD_TYPE),
        household_type
    ),
    h_opt!(
        "脱贫户享受政策",
        &["是否享受政策", "脱贫户是否享受政策"],
        Kind::Code(keys::POVERTY_POLICY),
        poverty_policy
    ),
    h_opt!(
        "监测对象类别",
        &["监测对象类型"],
        Kind::Code(keys::MONITOR_CATEGORY),
        monitor_category
    ),
    h_bool!("是否军烈属", is_military_family),
    col!(
        "当前家庭人口数",
        &["家庭人口数", "家庭人数"],
        Household,
        true,
        Kind::Int,
        |s| Value::Int(Some(i64::from(s.household.current_size))),
        |d, v| {
            d.household.current_size = to_u16(v.int(), "当前家庭人口数")?.unwrap_or(0);
            Ok(())
        }
    ),
    col!(
        "识别监测时间",
        &["识别时间", "纳入监测时间"],
        Household,
        false,
        Kind::Month,
        |s| Value::Month(s.household.identified_month),
        |d, v| {
            d.household.identified_month = v.month();
            Ok(())
        }
    ),
    col!(
        "消除监测时间",
        &["风险消除时间"],
        Household,
        false,
        Kind::Month,
        |s| Value::Month(s.household.eliminated_month),
        |d, v| {
            d.household.eliminated_month = v.month();
            Ok(())
        }
    ),
    h_opt_bool!("风险是否已消除", risk_eliminated),
    h_opt!(
        "风险消除方式",
        &[],
        Kind::Code(keys::ELIMINATION_METHOD),
        elimination_method
    ),
    risk!("致贫/返贫风险1", &["致贫返贫风险1", "风险类型1"], 0),
    risk!("致贫/返贫风险2", &["致贫返贫风险2", "风险类型2"], 1),
    risk!("致贫/返贫风险3", &["致贫返贫风险3", "风险类型3"], 2),
    risk!("致贫/返贫风险4", &["致贫返贫风险4", "风险类型4"], 3),
    risk!("致贫/返贫风险5", &["致贫返贫风险5", "风险类型5"], 4),
    h_opt!(
        "实施开发式帮扶措施情况",
        &[],
        Kind::Text,
        dev_measure_status
    ),
    h_bool!("整户无劳动能力兜底保障户", no_labor_safety_net),
    h_opt!("信息采集人", &[], Kind::Text, collector_name),
    h_opt!("信息采集人联系电话", &[], Kind::Text, collector_phone),
    opt!("开户银行", &[], Household, Kind::Text, household.bank_name),
    h_opt!("银行卡号", &["银行账号"], Kind::Text, bank_account),
    // --- production and living conditions --------------------------------------
    h_qty!("耕地面积（亩）", &["耕地面积"], cultivated_land),
    h_qty!("有效灌溉面积（亩）", &["有效灌溉面积"], irrigated_land),
    h_qty!("林地面积（亩）", &["林地面积"], forest_land),
    h_qty!("退耕还林面积（亩）", &["退耕还林面积"], returned_to_forest),
    h_qty!("林果面积（亩）", &["林果面积"], orchard_land),
    h_qty!("牧草地面积（亩）", &["牧草地面积"], grassland),
    h_qty!("水面面积（亩）", &["水面面积"], water_surface),
    h_opt!("入户路类型", &[], Kind::Text, conditions.road_type),
    h_qty!(
        "与村主干路距离（公里）",
        &["与村主干路距离"],
        distance_to_main_road
    ),
    h_bool!("是否加入农民专业合作组织", conditions.in_cooperative),
    h_bool!("是否有龙头企业带动", conditions.leading_enterprise),
    h_bool!("是否有创业致富带头人带动", conditions.entrepreneur_leader),
    h_opt!(
        "到户产业帮扶类型",
        &[],
        Kind::Text,
        conditions.industry_support_type
    ),
    h_bool!("是否通生活用电", conditions.household_electricity),
    h_bool!("是否通生产用电", conditions.production_electricity),
    h_bool!("是否通广播电视", conditions.radio_tv),
    h_opt!("主要燃料类型", &[], Kind::Text, conditions.main_fuel),
    h_bool!("是否有卫生厕所", conditions.sanitary_toilet),
    h_qty!(
        "住房面积（平方米）",
        &["住房面积", "住房面积（㎡）"],
        housing_area
    ),
    h_opt!(
        "住房安全等级",
        &["住房等级"],
        Kind::Code(keys::HOUSING_GRADE),
        conditions.housing_grade
    ),
    h_bool!("是否危房户", conditions.is_unsafe_house),
    h_opt_bool!("是否解决安全饮用水", conditions.safe_drinking_water),
    h_opt_bool!("义务教育保障", conditions.compulsory_education_secured),
    h_opt_bool!("住房安全保障", conditions.housing_secured),
    h_opt_bool!("饮水安全保障", conditions.drinking_water_secured),
    // --- income ----------------------------------------------------------------
    col!(
        "收入年度",
        &["收入年份"],
        Income,
        false,
        Kind::Int,
        |s| Value::Int(s.income.map(|i| i64::from(i.year))),
        |d, v| {
            d.income.year = to_year(v.int(), "收入年度")?.unwrap_or(0);
            Ok(())
        }
    ),
    col!(
        "年度家庭人口数",
        &["年度人口数"],
        Income,
        false,
        Kind::Int,
        |s| Value::Int(s.income.map(|i| i64::from(i.annual_persons))),
        |d, v| {
            d.income.annual_persons = to_u16(v.int(), "年度家庭人口数")?.unwrap_or(0);
            Ok(())
        }
    ),
    money!("工资性收入", &[], wage),
    money!("公益性岗位收入", &[], wage_public_welfare),
    money!("其他工资性收入", &[], wage_other),
    money!("生产经营性收入", &[], business),
    money!("财产性收入", &[], property),
    money!("资产收益扶贫分红收入", &[], property_dividend),
    money!(
        "其他财产性收入（旧指标）",
        &["其他财产性收入"],
        property_other
    ),
    money!("转移性收入", &[], transfer),
    money!("养老金或离退休金", &[], transfer_pension),
    money!("计划生育金", &[], transfer_family_planning),
    money!("生态补偿金", &[], transfer_eco),
    money!("最低生活保障金", &[], transfer_dibao),
    money!("特困人员救助供养金", &[], transfer_tekun),
    money!("其他转移性收入", &[], transfer_other),
    money!("产业奖励", &[], industry_award),
    money!("就业奖励", &[], employment_award),
    money!(
        "生产经营性支出（合计）",
        &["生产经营性支出"],
        production_cost
    ),
    money!("专项用于减少生产经营性支出的补贴", &[], cost_subsidy),
    money!("大额刚性支出", &[], rigid_expense),
    derived!("年收入（元）", gross),
    derived!("纯收入（元）", net, file_net),
    derived!("人均纯收入（元）", per_capita, file_per_capita),
    // --- members ---------------------------------------------------------------
    p_req!("人口编号", &["成员编号"], Kind::Text, person_no),
    req!("姓名", &["成员姓名"], Person, Kind::Text, person.name),
    col!(
        "性别",
        &[],
        Person,
        false,
        Kind::Sex,
        |s| Value::Sex(Some(s.person.sex)),
        |d, v| {
            if let Value::Sex(Some(sex)) = v {
                d.person.sex = sex;
                d.sex_given = true;
            }
            Ok(())
        }
    ),
    col!(
        "证件类型",
        &[],
        Person,
        false,
        Kind::Code(keys::ID_TYPE),
        |s| Value::Text(Some(s.person.id_type.clone())),
        |d, v| {
            if let Some(code) = v.text() {
                d.person.id_type = code;
            }
            Ok(())
        }
    ),
    col!(
        "证件号码",
        &["身份证号码", "身份证号", "成员证件号码"],
        Person,
        true,
        Kind::IdNumber,
        |s| Value::Id(Some(s.person.id_number.clone())),
        |d, v| {
            if let Value::Id(Some(id)) = v {
                d.person.id_number = id;
            }
            Ok(())
        }
    ),
    col!(
        "出生日期",
        &[],
        Person,
        false,
        Kind::Date,
        |s| Value::Date(Some(s.person.birth_date)),
        |d, v| {
            if let Value::Date(Some(date)) = v {
                d.person.birth_date = date;
                d.birth_given = true;
            }
            Ok(())
        }
    ),
    p_req!("民族", &[], Kind::Code(keys::ETHNICITY), ethnicity),
    p_req!("与户主关系", &[], Kind::Code(keys::RELATION), relation),
    p_opt!(
        "联系电话",
        &["家庭成员联系电话", "成员联系电话"],
        Kind::Text,
        phone
    ),
    p_opt!(
        "政治面貌",
        &[],
        Kind::Code(keys::POLITICAL_STATUS),
        political_status
    ),
    p_opt!("文化程度", &[], Kind::Code(keys::EDUCATION), education),
    p_opt!(
        "在校生状况",
        &[],
        Kind::Code(keys::STUDENT_STATUS),
        student_status
    ),
    p_opt!("义务教育阶段未上学原因", &[], Kind::Text, dropout_reason),
    p_opt!(
        "大专或本科毕业生未就业原因",
        &[],
        Kind::Text,
        graduate_unemployed_reason
    ),
    p_req!("健康状况", &[], Kind::Code(keys::HEALTH), health),
    p_req!("劳动技能", &[], Kind::Code(keys::LABOR_SKILL), labor_skill),
    col!(
        "务工时间（月）",
        &["务工时间"],
        Person,
        false,
        Kind::Int,
        |s| Value::Int(Some(i64::from(s.person.work_months))),
        |d, v| {
            d.person.work_months = to_u8_months(v.int(), "务工时间（月）")?;
            Ok(())
        }
    ),
    opt!("务工所在地", &[], Person, Kind::Text, person.work_place),
    p_opt!("务工企业名称", &[], Kind::Text, work_employer),
    p_bool!("是否国外务工", works_abroad),
    p_opt!("公益性岗位", &[], Kind::Text, public_welfare_post),
    col!(
        "公益性岗位（月数）",
        &["公益性岗位月数"],
        Person,
        false,
        Kind::Int,
        |s| Value::Int(Some(i64::from(s.person.public_welfare_months))),
        |d, v| {
            d.person.public_welfare_months = to_u8_months(v.int(), "公益性岗位（月数）")?;
            Ok(())
        }
    ),
    p_bool!("是否会讲普通话", speaks_mandarin),
    p_bool!("是否参加城乡居民基本医疗保险", insurance.resident_medical),
    p_bool!("是否参加城镇职工基本医疗保险", insurance.employee_medical),
    p_bool!("是否参加大病保险", insurance.critical_illness),
    p_bool!("是否参加商业补充医疗保险", insurance.commercial_medical),
    p_bool!("是否接受医疗救助", insurance.medical_assistance),
    p_bool!("是否接受其他健康扶贫", insurance.other_health_support),
    p_bool!("是否参加城乡居民基本养老保险", insurance.resident_pension),
    p_bool!("是否参加城镇职工基本养老保险", insurance.employee_pension),
    p_bool!(
        "是否享受人身意外保险补贴",
        insurance.accident_insurance_subsidy
    ),
    p_bool!("是否享受农村居民最低生活保障", insurance.dibao),
    p_bool!("是否特困供养人员", insurance.tekun),
    col!(
        "残疾证办证年度",
        &[],
        Person,
        false,
        Kind::Int,
        |s| Value::Int(s.person.disability_cert_year.map(i64::from)),
        |d, v| {
            d.person.disability_cert_year = to_year(v.int(), "残疾证办证年度")?;
            Ok(())
        }
    ),
    p_bool!("是否事实无人抚养儿童", unsupported_child),
    p_bool!(
        "风险消除后是否义务教育阶段适龄儿童少年失学辍学",
        dropout_after_elimination
    ),
];

/// The layout, in canonical export order.
pub fn columns() -> &'static [Column] {
    COLUMNS
}

/// Index in [`COLUMNS`] of the column with this canonical header.
pub(crate) fn index_of(header: &str) -> usize {
    COLUMNS
        .iter()
        .position(|c| c.header == header)
        .unwrap_or_else(|| panic!("no column {header}"))
}

/// A household with placeholder values in the required fields, to be filled from a row.
pub(crate) fn blank_draft() -> Draft {
    let placeholder_id = IdNumber::from_parts(
        "110101",
        NaiveDate::from_ymd_opt(1970, 1, 1).expect("date"),
        1,
    )
    .expect("valid placeholder id");
    let household = Household {
        household_no: String::new(),
        area: AreaCode::parse("110101001001").expect("valid placeholder area"),
        group_no: None,
        head_name: String::new(),
        head_id: placeholder_id.clone(),
        phone: None,
        household_type: String::new(),
        poverty_policy: None,
        monitor_category: None,
        is_military_family: false,
        current_size: 0,
        identified_month: None,
        eliminated_month: None,
        risk_eliminated: None,
        elimination_method: None,
        risks: Vec::new(),
        dev_measure_status: None,
        no_labor_safety_net: false,
        collector_name: None,
        collector_phone: None,
        bank_name: None,
        bank_account: None,
        conditions: LivingConditions::default(),
    };
    let person = Person::from_id("", "", placeholder_id, "", "");
    Draft {
        household,
        person,
        income: IncomeRecord::default(),
        places: PlaceNames::default(),
        sex_given: false,
        birth_given: false,
        file_net: None,
        file_per_capita: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn headers_and_aliases_are_unique_after_normalisation() {
        let mut seen = HashSet::new();
        for c in COLUMNS {
            for h in std::iter::once(&c.header).chain(c.aliases.iter()) {
                assert!(seen.insert(normalise_header(h)), "duplicate header {h}");
            }
        }
    }

    #[test]
    fn code_lists_exist() {
        for c in COLUMNS {
            if let Kind::Code(key) = c.kind {
                assert!(fangpin_domain::find_list(key).is_some(), "{key}");
            }
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalise_header(" 乡(镇) "), normalise_header("乡（镇）"));
        assert_eq!(normalise_header("工资性收入（元）"), "工资性收入");
        assert_eq!(normalise_header("务工时间 (月)"), "务工时间(月)");
    }
}
