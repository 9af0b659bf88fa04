//! Code lists (字典) as data.
//!
//! These are the seed values from policy.md §1.1–1.4 and §3. The store copies them
//! into a table and the application reads the table, so a list can be corrected or
//! extended without a release. Domain types therefore hold codes as `String`s rather
//! than Rust enums. Where a code was not found in a source, the list's `source`
//! says which codes were chosen here.

/// One entry of a code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeItem {
    /// The stored code.
    pub code: &'static str,
    /// The Chinese label shown to users.
    pub label: &'static str,
}

/// A named code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeList {
    /// Machine key, e.g. `relation`.
    pub key: &'static str,
    /// Chinese name, e.g. `与户主关系`.
    pub name: &'static str,
    /// Where the codes come from and how sure we are.
    pub source: &'static str,
    /// Entries in display order.
    pub items: &'static [CodeItem],
}

impl CodeList {
    /// The label for `code`, if the code is in the list.
    pub fn label_of(&self, code: &str) -> Option<&'static str> {
        self.items.iter().find(|i| i.code == code).map(|i| i.label)
    }

    /// The code for `label`, if the label is in the list.
    pub fn code_of(&self, label: &str) -> Option<&'static str> {
        self.items.iter().find(|i| i.label == label).map(|i| i.code)
    }

    /// Whether `code` is in the list.
    pub fn contains(&self, code: &str) -> bool {
        self.label_of(code).is_some()
    }
}

const fn item(code: &'static str, label: &'static str) -> CodeItem {
    CodeItem { code, label }
}

/// Keys of the seed lists, for callers that want to avoid string typos.
pub mod keys {
    /// 户类型.
    pub const HOUSEHOLD_TYPE: &str = "household_type";
    /// 脱贫户是否享受政策.
    pub const POVERTY_POLICY: &str = "poverty_policy";
    /// 监测对象类别.
    pub const MONITOR_CATEGORY: &str = "monitor_category";
    /// 与户主关系.
    pub const RELATION: &str = "relation";
    /// 文化程度.
    pub const EDUCATION: &str = "education";
    /// 健康状况.
    pub const HEALTH: &str = "health";
    /// 劳动技能.
    pub const LABOR_SKILL: &str = "labor_skill";
    /// 在校生状况.
    pub const STUDENT_STATUS: &str = "student_status";
    /// 致贫返贫风险.
    pub const RISK_TYPE: &str = "risk_type";
    /// 风险消除方式.
    pub const ELIMINATION_METHOD: &str = "elimination_method";
    /// 住房安全等级.
    pub const HOUSING_GRADE: &str = "housing_grade";
    /// 民族.
    pub const ETHNICITY: &str = "ethnicity";
    /// 政治面貌.
    pub const POLITICAL_STATUS: &str = "political_status";
    /// 证件类型.
    pub const ID_TYPE: &str = "id_type";
}

/// Frequently used codes, matching the seed lists.
pub mod well_known {
    /// 户类型: 一般农户.
    pub const HOUSEHOLD_ORDINARY: &str = "0";
    /// 户类型: 脱贫户.
    pub const HOUSEHOLD_LIFTED: &str = "1";
    /// 监测对象类别: 脱贫不稳定户.
    pub const CATEGORY_UNSTABLE: &str = "0";
    /// 监测对象类别: 边缘易致贫户.
    pub const CATEGORY_MARGINAL: &str = "1";
    /// 监测对象类别: 突发严重困难户.
    pub const CATEGORY_SUDDEN: &str = "2";
    /// 与户主关系: 户主.
    pub const RELATION_HEAD: &str = "01";
    /// 与户主关系: 配偶.
    pub const RELATION_SPOUSE: &str = "10";
    /// 与户主关系: 子/婿.
    pub const RELATION_SON: &str = "20";
    /// 与户主关系: 女/媳.
    pub const RELATION_DAUGHTER: &str = "30";
    /// 与户主关系: 孙子女/外孙子女.
    pub const RELATION_GRANDCHILD: &str = "40";
    /// 与户主关系: 父母.
    pub const RELATION_PARENT: &str = "50";
    /// 与户主关系: 祖父母/外祖父母.
    pub const RELATION_GRANDPARENT: &str = "60";
    /// 与户主关系: 兄弟姐妹.
    pub const RELATION_SIBLING: &str = "70";
    /// 与户主关系: 其他.
    pub const RELATION_OTHER: &str = "99";
    /// 劳动技能: 普通劳动力.
    pub const LABOR_ORDINARY: &str = "1";
    /// 劳动技能: 技能劳动力.
    pub const LABOR_SKILLED: &str = "2";
    /// 劳动技能: 弱劳动力或半劳动力.
    pub const LABOR_WEAK: &str = "3";
    /// 劳动技能: 丧失劳动力.
    pub const LABOR_LOST: &str = "4";
    /// 劳动技能: 无劳动力.
    pub const LABOR_NONE: &str = "5";
    /// 证件类型: 居民身份证.
    pub const ID_TYPE_RESIDENT_CARD: &str = "1";
    /// 风险消除方式: 帮扶消除.
    pub const ELIMINATED_BY_ASSISTANCE: &str = "1";
    /// 风险消除方式: 自然消除.
    pub const ELIMINATED_NATURALLY: &str = "2";
}

static LISTS: &[CodeList] = &[
    CodeList {
        key: keys::HOUSEHOLD_TYPE,
        name: "户类型",
        source: "policy.md §1.1；编码取自地方系统（普通农户=0，脱贫户=1）",
        items: &[item("0", "一般农户"), item("1", "脱贫户")],
    },
    CodeList {
        key: keys::POVERTY_POLICY,
        name: "脱贫户享受政策情况",
        source: "policy.md §1.1 导出字段的脱贫户子标识；编码1、2为本系统自定",
        items: &[item("1", "享受政策"), item("2", "不享受政策")],
    },
    CodeList {
        key: keys::MONITOR_CATEGORY,
        name: "监测对象类别",
        source: "policy.md §1.2；编码取自地方系统",
        items: &[
            item("0", "脱贫不稳定户"),
            item("1", "边缘易致贫户"),
            item("2", "突发严重困难户"),
        ],
    },
    CodeList {
        key: keys::RELATION,
        name: "与户主关系",
        source: "policy.md §1.4（GB/T 4761 风格，取自地方系统，待与国家字典核对）",
        items: &[
            item("01", "户主"),
            item("10", "配偶"),
            item("20", "子/婿"),
            item("30", "女/媳"),
            item("40", "孙子女/外孙子女"),
            item("50", "父母"),
            item("60", "祖父母/外祖父母"),
            item("70", "兄弟姐妹"),
            item("99", "其他"),
        ],
    },
    CodeList {
        key: keys::EDUCATION,
        name: "文化程度",
        source: "policy.md §1.4（GB/T 4658 风格）；“文盲或半文盲”国家系统有、编码未证实，本系统定为80",
        items: &[
            item("10", "研究生"),
            item("20", "大学本科"),
            item("30", "大学专科"),
            item("40", "中等职业教育"),
            item("50", "普通高中"),
            item("60", "初中"),
            item("70", "小学"),
            item("80", "文盲或半文盲"),
            item("90", "其他"),
        ],
    },
    CodeList {
        key: keys::HEALTH,
        name: "健康状况",
        source: "policy.md §1.4；“患大病”国家系统有、编码未证实，本系统定为5",
        items: &[
            item("1", "健康"),
            item("2", "长期慢性病"),
            item("3", "一般残疾"),
            item("4", "重度残疾"),
            item("5", "患大病"),
            item("9", "其他"),
        ],
    },
    CodeList {
        key: keys::LABOR_SKILL,
        name: "劳动技能",
        source: "policy.md §1.4；标签已证实（弱劳动力或半劳动力未证实），编码1–5为本系统自定；有劳动能力=普通劳动力+技能劳动力",
        items: &[
            item("1", "普通劳动力"),
            item("2", "技能劳动力"),
            item("3", "弱劳动力或半劳动力"),
            item("4", "丧失劳动力"),
            item("5", "无劳动力"),
        ],
    },
    CodeList {
        key: keys::STUDENT_STATUS,
        name: "在校生状况",
        source: "policy.md §1.4（未证实）；编码为本系统自定",
        items: &[
            item("1", "学前教育"),
            item("2", "小学"),
            item("3", "七至九年级"),
            item("4", "高中或中职"),
            item("5", "高职高专"),
            item("6", "本科及以上"),
            item("9", "非在校生"),
        ],
    },
    CodeList {
        key: keys::RISK_TYPE,
        name: "致贫返贫风险",
        source: "policy.md §3；01–99取自地方系统，10–12（2022年后新增类型）编码为本系统自定",
        items: &[
            item("01", "因病"),
            item("0201", "因自然灾害（洪涝灾害）"),
            item("0202", "因自然灾害（地质灾害）"),
            item("0203", "因自然灾害（旱灾）"),
            item("0204", "因自然灾害（生物灾害）"),
            item("0205", "因自然灾害（气象灾害）"),
            item("0206", "因自然灾害（地震灾害）"),
            item("0299", "因自然灾害（其他）"),
            item("03", "因残"),
            item("04", "缺劳动力"),
            item("05", "因意外事故"),
            item("06", "因产业项目失败"),
            item("07", "因务工就业不稳"),
            item("09", "因学"),
            item("10", "住房出现安全问题"),
            item("11", "义务教育阶段适龄儿童少年失学辍学"),
            item("12", "饮水安全问题"),
            item("99", "其他"),
        ],
    },
    CodeList {
        key: keys::ELIMINATION_METHOD,
        name: "风险消除方式",
        source: "policy.md §1.2；编码为本系统自定",
        items: &[item("1", "帮扶消除"), item("2", "自然消除")],
    },
    CodeList {
        key: keys::HOUSING_GRADE,
        name: "住房安全等级",
        source: "policy.md §1.6；C、D级为危房",
        items: &[
            item("A", "A级"),
            item("B", "B级"),
            item("C", "C级（局部危房）"),
            item("D", "D级（整栋危房）"),
        ],
    },
    CodeList {
        key: keys::ETHNICITY,
        name: "民族",
        source: "GB 3304（节选常见民族，其余可在字典表中补充）",
        items: &[
            item("01", "汉族"),
            item("02", "蒙古族"),
            item("03", "回族"),
            item("04", "藏族"),
            item("05", "维吾尔族"),
            item("06", "苗族"),
            item("07", "彝族"),
            item("08", "壮族"),
            item("09", "布依族"),
            item("10", "朝鲜族"),
            item("11", "满族"),
            item("12", "侗族"),
            item("13", "瑶族"),
            item("14", "白族"),
            item("15", "土家族"),
            item("97", "其他"),
            item("98", "外国血统中国籍人士"),
        ],
    },
    CodeList {
        key: keys::POLITICAL_STATUS,
        name: "政治面貌",
        source: "GB/T 4762（节选）",
        items: &[
            item("01", "中共党员"),
            item("02", "中共预备党员"),
            item("03", "共青团员"),
            item("13", "群众"),
        ],
    },
    CodeList {
        key: keys::ID_TYPE,
        name: "证件类型",
        source: "policy.md §1.4；编码为本系统自定",
        items: &[
            item("1", "居民身份证"),
            item("2", "残疾人证"),
            item("3", "其他"),
        ],
    },
];

/// All seed code lists.
pub fn seed_code_lists() -> &'static [CodeList] {
    LISTS
}

/// The seed list with the given key.
pub fn find_list(key: &str) -> Option<&'static CodeList> {
    LISTS.iter().find(|l| l.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn lists_are_well_formed() {
        let mut keys = HashSet::new();
        for list in seed_code_lists() {
            assert!(keys.insert(list.key), "duplicate list key {}", list.key);
            assert!(!list.items.is_empty(), "{} is empty", list.key);
            assert!(!list.name.is_empty() && !list.source.is_empty());
            let mut codes = HashSet::new();
            let mut labels = HashSet::new();
            for i in list.items {
                assert!(
                    codes.insert(i.code),
                    "{}: duplicate code {}",
                    list.key,
                    i.code
                );
                assert!(
                    labels.insert(i.label),
                    "{}: duplicate label {}",
                    list.key,
                    i.label
                );
            }
        }
        assert_eq!(keys.len(), 14);
    }

    #[test]
    fn lookups() {
        let relation = find_list(keys::RELATION).unwrap();
        assert_eq!(relation.label_of("01"), Some("户主"));
        assert_eq!(relation.code_of("配偶"), Some("10"));
        assert_eq!(relation.label_of("02"), None);
        let risk = find_list(keys::RISK_TYPE).unwrap();
        assert_eq!(risk.label_of("07"), Some("因务工就业不稳"));
        assert_eq!(risk.code_of("饮水安全问题"), Some("12"));
        assert!(find_list("nope").is_none());
        let labor = find_list(keys::LABOR_SKILL).unwrap();
        assert_eq!(
            labor.label_of(well_known::LABOR_SKILLED),
            Some("技能劳动力")
        );
        assert!(find_list(keys::ETHNICITY).unwrap().items.len() >= 17);
    }
}
