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

/// Declares the seed lists once: each list's key (in [`keys`]), the codes other
/// modules name (in [`well_known`], `code label => NAME`) and the list itself.
macro_rules! code_lists {
    ($(
        $key:ident = $key_str:literal, $name:literal, $source:literal: [
            $($code:literal $label:literal $(=> $known:ident)?),* $(,)?
        ];
    )*) => {
        /// Keys of the seed lists, for callers that want to avoid string typos.
        pub mod keys {
            $(
                #[doc = concat!($name, ".")]
                pub const $key: &str = $key_str;
            )*
        }

        /// Frequently used codes, matching the seed lists.
        pub mod well_known {
            $($($(
                #[doc = concat!($name, ": ", $label, ".")]
                pub const $known: &str = $code;
            )?)*)*
        }

        static LISTS: &[CodeList] = &[$(
            CodeList {
                key: keys::$key,
                name: $name,
                source: $source,
                items: &[$(item($code, $label)),*],
            },
        )*];
    };
}

code_lists! {
    HOUSEHOLD_TYPE = "household_type", "户类型",
        "policy.md §1.1；编码取自地方系统（普通农户=0，脱贫户=1）": [
        "0" "一般农户" => HOUSEHOLD_ORDINARY,
        "1" "脱贫户" => HOUSEHOLD_LIFTED,
    ];
    POVERTY_POLICY = "poverty_policy", "脱贫户享受政策情况",
        "policy.md §1.1 导出字段的脱贫户子标识；编码1、2为本系统自定": [
        "1" "享受政策",
        "2" "不享受政策",
    ];
    MONITOR_CATEGORY = "monitor_category", "监测对象类别",
        "policy.md §1.2；编码取自地方系统": [
        "0" "脱贫不稳定户" => CATEGORY_UNSTABLE,
        "1" "边缘易致贫户" => CATEGORY_MARGINAL,
        "2" "突发严重困难户" => CATEGORY_SUDDEN,
    ];
    RELATION = "relation", "与户主关系",
        "policy.md §1.4（GB/T 4761 风格，取自地方系统，待与国家字典核对）": [
        "01" "户主" => RELATION_HEAD,
        "10" "配偶" => RELATION_SPOUSE,
        "20" "子/婿" => RELATION_SON,
        "30" "女/媳" => RELATION_DAUGHTER,
        "40" "孙子女/外孙子女" => RELATION_GRANDCHILD,
        "50" "父母" => RELATION_PARENT,
        "60" "祖父母/外祖父母" => RELATION_GRANDPARENT,
        "70" "兄弟姐妹" => RELATION_SIBLING,
        "99" "其他" => RELATION_OTHER,
    ];
    EDUCATION = "education", "文化程度",
        "policy.md §1.4（GB/T 4658 风格）；“文盲或半文盲”国家系统有、编码未证实，本系统定为80": [
        "10" "研究生",
        "20" "大学本科",
        "30" "大学专科",
        "40" "中等职业教育",
        "50" "普通高中",
        "60" "初中",
        "70" "小学",
        "80" "文盲或半文盲",
        "90" "其他",
    ];
    HEALTH = "health", "健康状况",
        "policy.md §1.4；“患大病”国家系统有、编码未证实，本系统定为5": [
        "1" "健康",
        "2" "长期慢性病",
        "3" "一般残疾",
        "4" "重度残疾",
        "5" "患大病",
        "9" "其他",
    ];
    LABOR_SKILL = "labor_skill", "劳动技能",
        "policy.md §1.4；标签已证实（弱劳动力或半劳动力未证实），编码1–5为本系统自定；有劳动能力=普通劳动力+技能劳动力": [
        "1" "普通劳动力" => LABOR_ORDINARY,
        "2" "技能劳动力" => LABOR_SKILLED,
        "3" "弱劳动力或半劳动力" => LABOR_WEAK,
        "4" "丧失劳动力" => LABOR_LOST,
        "5" "无劳动力" => LABOR_NONE,
    ];
    STUDENT_STATUS = "student_status", "在校生状况",
        "policy.md §1.4（未证实）；编码为本系统自定": [
        "1" "学前教育",
        "2" "小学",
        "3" "七至九年级",
        "4" "高中或中职",
        "5" "高职高专",
        "6" "本科及以上",
        "9" "非在校生",
    ];
    RISK_TYPE = "risk_type", "致贫返贫风险",
        "policy.md §3；01–99取自地方系统，10–12（2022年后新增类型）编码为本系统自定": [
        "01" "因病",
        "0201" "因自然灾害（洪涝灾害）",
        "0202" "因自然灾害（地质灾害）",
        "0203" "因自然灾害（旱灾）",
        "0204" "因自然灾害（生物灾害）",
        "0205" "因自然灾害（气象灾害）",
        "0206" "因自然灾害（地震灾害）",
        "0299" "因自然灾害（其他）",
        "03" "因残",
        "04" "缺劳动力",
        "05" "因意外事故",
        "06" "因产业项目失败",
        "07" "因务工就业不稳",
        "09" "因学",
        "10" "住房出现安全问题",
        "11" "义务教育阶段适龄儿童少年失学辍学",
        "12" "饮水安全问题",
        "99" "其他",
    ];
    ELIMINATION_METHOD = "elimination_method", "风险消除方式",
        "policy.md §1.2；编码为本系统自定": [
        "1" "帮扶消除" => ELIMINATED_BY_ASSISTANCE,
        "2" "自然消除" => ELIMINATED_NATURALLY,
    ];
    HOUSING_GRADE = "housing_grade", "住房安全等级",
        "policy.md §1.6；C、D级为危房": [
        "A" "A级",
        "B" "B级",
        "C" "C级（局部危房）",
        "D" "D级（整栋危房）",
    ];
    ETHNICITY = "ethnicity", "民族",
        "GB 3304（节选常见民族，其余可在字典表中补充）": [
        "01" "汉族",
        "02" "蒙古族",
        "03" "回族",
        "04" "藏族",
        "05" "维吾尔族",
        "06" "苗族",
        "07" "彝族",
        "08" "壮族",
        "09" "布依族",
        "10" "朝鲜族",
        "11" "满族",
        "12" "侗族",
        "13" "瑶族",
        "14" "白族",
        "15" "土家族",
        "97" "其他",
        "98" "外国血统中国籍人士",
    ];
    POLITICAL_STATUS = "political_status", "政治面貌",
        "GB/T 4762（节选）": [
        "01" "中共党员",
        "02" "中共预备党员",
        "03" "共青团员",
        "13" "群众",
    ];
    ID_TYPE = "id_type", "证件类型",
        "policy.md §1.4；编码为本系统自定": [
        "1" "居民身份证" => ID_TYPE_RESIDENT_CARD,
        "2" "残疾人证",
        "3" "其他",
    ];
}

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
