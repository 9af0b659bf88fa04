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

/// When the national export writes a [`Synonym`] for its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Written {
    /// Accepted on import only.
    Never,
    /// The word the national system writes for the code.
    Always,
    /// The word written for a man (之父, 之孙子 …).
    Male,
    /// The word written for a woman (之母, 之孙女 …).
    Female,
}

/// Another word for a code: how the national 防返贫监测信息系统 export (or
/// everyday usage) writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Synonym {
    /// The word as written.
    pub word: &'static str,
    /// The code it means.
    pub code: &'static str,
    /// Whether (and for whom) the export writes it.
    pub written: Written,
}

/// The synonyms of one list, and where the mapping comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynonymList {
    /// Key of the code list.
    pub key: &'static str,
    /// Where the words come from and which mappings are approximations.
    pub source: &'static str,
    /// The words.
    pub words: &'static [Synonym],
}

macro_rules! synonym_lists {
    ($(
        $key:ident, $source:literal: [
            $($word:literal => $code:literal $($written:ident)?),* $(,)?
        ];
    )*) => {
        static SYNONYMS: &[SynonymList] = &[$(
            SynonymList {
                key: keys::$key,
                source: $source,
                words: &[$(Synonym {
                    word: $word,
                    code: $code,
                    written: synonym_lists!(@w $($written)?),
                }),*],
            },
        )*];
    };
    (@w) => { Written::Never };
    (@w $w:ident) => { Written::$w };
}

synonym_lists! {
    RELATION, "国家防返贫监测信息系统导出的写法（之子、之女……）。国家字典按性别和亲缘分得更细，本系统代码较粗：之女婿归20（子/婿），之儿媳归30（女/媳），之外孙子/之外孙女归40（孙子女/外孙子女），之岳父母、之公婆归50（父母），之外祖父母归60（祖父母/外祖父母）；导出时按代码和性别写回之子、之女、之孙子/之孙女、之父/之母、之祖父/之祖母": [
        "户主" => "01" Always,
        "本人" => "01",
        "本人或户主" => "01",
        "配偶" => "10" Always,
        "之妻" => "10",
        "之夫" => "10",
        "之子" => "20" Always,
        "之女婿" => "20",
        "子" => "20",
        "儿子" => "20",
        "女婿" => "20",
        "之女" => "30" Always,
        "之儿媳" => "30",
        "女" => "30",
        "女儿" => "30",
        "儿媳" => "30",
        "之孙子" => "40" Male,
        "之孙女" => "40" Female,
        "之外孙子" => "40",
        "之外孙女" => "40",
        "之孙媳妇" => "40",
        "之孙女婿" => "40",
        "之父" => "50" Male,
        "之母" => "50" Female,
        "之岳父" => "50",
        "之岳母" => "50",
        "之公公" => "50",
        "之婆婆" => "50",
        "之祖父" => "60" Male,
        "之祖母" => "60" Female,
        "之外祖父" => "60",
        "之外祖母" => "60",
        "之兄弟姐妹" => "70" Always,
        "之兄" => "70",
        "之弟" => "70",
        "之姐" => "70",
        "之妹" => "70",
        "兄弟姐妹" => "70",
        "其他" => "99" Always,
        "之其他" => "99",
    ];
    EDUCATION, "国家防返贫监测信息系统导出的写法。“本科及以上”归20（大学本科；研究生仍写研究生），“高中”归50（普通高中），“中职”归40，“大专”归30": [
        "本科及以上" => "20" Always,
        "本科" => "20",
        "大专" => "30" Always,
        "专科" => "30",
        "中职" => "40" Always,
        "中专" => "40",
        "高中" => "50" Always,
        "普高" => "50",
        "文盲或半文盲" => "80" Always,
        "文盲" => "80",
        "半文盲" => "80",
    ];
    HEALTH, "国家防返贫监测信息系统导出的写法。国家系统只写“残疾”，不分轻重，归3（一般残疾），导出时3写回“残疾”": [
        "健康" => "1" Always,
        "长期慢性病" => "2" Always,
        "一般（长病）" => "2",
        "长病" => "2",
        "残疾" => "3" Always,
        "患大病" => "5" Always,
        "大病" => "5",
    ];
    LABOR_SKILL, "国家防返贫监测信息系统导出的写法（与本系统标签相同），另收常见简写": [
        "弱劳动力" => "3",
        "半劳动力" => "3",
        "丧失劳动能力" => "4",
        "无劳动能力" => "5",
    ];
    STUDENT_STATUS, "国家防返贫监测信息系统导出的写法（policy.md §1.4，未证实）": [
        "学龄前儿童" => "1",
        "学前" => "1",
        "七年级至九年级" => "3",
        "初中" => "3",
        "高中/中职" => "4" Always,
        "高中" => "4",
        "中职" => "4",
        "高职/高专" => "5",
        "大专" => "5",
        "本科" => "6",
        "不在校" => "9",
    ];
    HOUSEHOLD_TYPE, "policy.md §1.1：一般农户也写作普通农户、非脱贫户": [
        "普通农户" => "0",
        "非脱贫户" => "0",
    ];
    MONITOR_CATEGORY, "policy.md §1.2 的简称": [
        "脱贫不稳定" => "0",
        "边缘易致贫" => "1",
        "边缘户" => "1",
        "突发严重困难" => "2",
    ];
    RISK_TYPE, "policy.md §3：国家名单的“因自然灾害”不分灾种，归0299（因自然灾害（其他））；2022年后新增类型的全称": [
        "因自然灾害" => "0299",
        "因灾" => "0299",
        "因产业失败" => "06",
        "因务工就业不稳定" => "07",
        "缺劳力" => "04",
        "家庭成员中有义务教育阶段适龄儿童少年失学辍学" => "11",
    ];
}

/// The synonyms of every list that has some.
pub fn synonym_lists() -> &'static [SynonymList] {
    SYNONYMS
}

/// Normalise a word for matching: no whitespace, half-width parentheses and slash.
fn normalise_word(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '／' => '/',
            other => other,
        })
        .collect()
}

impl CodeList {
    /// The synonyms of this list.
    pub fn synonyms(&self) -> &'static [Synonym] {
        SYNONYMS
            .iter()
            .find(|s| s.key == self.key)
            .map_or(&[], |s| s.words)
    }

    /// The code a word means: a label or a synonym (ignoring spaces and
    /// full-width parentheses).
    pub fn code_of_word(&self, word: &str) -> Option<&'static str> {
        if let Some(code) = self.code_of(word) {
            return Some(code);
        }
        // The national export writes the words exactly: no allocation for them.
        if let Some(s) = self.synonyms().iter().find(|s| s.word == word) {
            return Some(s.code);
        }
        let word = normalise_word(word);
        self.items
            .iter()
            .find(|i| normalise_word(i.label) == word)
            .map(|i| i.code)
            .or_else(|| {
                self.synonyms()
                    .iter()
                    .find(|s| normalise_word(s.word) == word)
                    .map(|s| s.code)
            })
    }

    /// The word the national export writes for `code` (for a person of the
    /// given sex, where the national word depends on it); the label when the
    /// national list has no word of its own for the code.
    pub fn national_word(&self, code: &str, female: Option<bool>) -> Option<&'static str> {
        let label = self.label_of(code)?;
        let fits = |w: Written| match w {
            Written::Always => true,
            Written::Male => female == Some(false),
            Written::Female => female == Some(true),
            Written::Never => false,
        };
        let word = self
            .synonyms()
            .iter()
            .filter(|s| s.code == code)
            .find(|s| fits(s.written))
            .or_else(|| {
                // Sex unknown: the first sex-specific word.
                self.synonyms()
                    .iter()
                    .find(|s| s.code == code && s.written != Written::Never)
            })
            .map_or(label, |s| s.word);
        Some(word)
    }

    /// The words to offer in a message: each code's national words, or its label.
    pub fn accepted_words(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for item in self.items {
            let written: Vec<&'static str> = self
                .synonyms()
                .iter()
                .filter(|s| s.code == item.code && s.written != Written::Never)
                .map(|s| s.word)
                .collect();
            if written.is_empty() {
                out.push(item.label);
            } else {
                out.extend(written);
            }
        }
        out
    }
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

    #[test]
    fn synonyms_name_existing_codes_once() {
        for syn in synonym_lists() {
            let list = find_list(syn.key).expect("list of synonyms exists");
            let mut words = HashSet::new();
            for s in syn.words {
                assert!(
                    list.contains(s.code),
                    "{}: {} → {}",
                    syn.key,
                    s.word,
                    s.code
                );
                assert!(words.insert(s.word), "{}: duplicate {}", syn.key, s.word);
                // A synonym never shadows another code's label.
                if let Some(c) = list.code_of(s.word) {
                    assert_eq!(c, s.code, "{}: {}", syn.key, s.word);
                }
            }
        }
    }

    #[test]
    fn national_words_map_to_codes() {
        let cases: &[(&str, &str, &str)] = &[
            (keys::RELATION, "户主", "01"),
            (keys::RELATION, "本人", "01"),
            (keys::RELATION, "配偶", "10"),
            (keys::RELATION, "之子", "20"),
            (keys::RELATION, "之女婿", "20"),
            (keys::RELATION, "之女", "30"),
            (keys::RELATION, "之儿媳", "30"),
            (keys::RELATION, "之孙子", "40"),
            (keys::RELATION, "之孙女", "40"),
            (keys::RELATION, "之外孙子", "40"),
            (keys::RELATION, "之外孙女", "40"),
            (keys::RELATION, "之父", "50"),
            (keys::RELATION, "之母", "50"),
            (keys::RELATION, "之岳父", "50"),
            (keys::RELATION, "之岳母", "50"),
            (keys::RELATION, "之公公", "50"),
            (keys::RELATION, "之婆婆", "50"),
            (keys::RELATION, "之祖父", "60"),
            (keys::RELATION, "之祖母", "60"),
            (keys::RELATION, "之外祖父", "60"),
            (keys::RELATION, "之外祖母", "60"),
            (keys::RELATION, "之兄弟姐妹", "70"),
            (keys::RELATION, "其他", "99"),
            (keys::RELATION, "子/婿", "20"),
            (keys::EDUCATION, "文盲或半文盲", "80"),
            (keys::EDUCATION, "小学", "70"),
            (keys::EDUCATION, "初中", "60"),
            (keys::EDUCATION, "高中", "50"),
            (keys::EDUCATION, "中职", "40"),
            (keys::EDUCATION, "大专", "30"),
            (keys::EDUCATION, "本科及以上", "20"),
            (keys::EDUCATION, "研究生", "10"),
            (keys::HEALTH, "健康", "1"),
            (keys::HEALTH, "长期慢性病", "2"),
            (keys::HEALTH, "患大病", "5"),
            (keys::HEALTH, "残疾", "3"),
            (keys::HEALTH, "一般（长病）", "2"),
            (keys::HEALTH, "一般(长病)", "2"),
            (keys::LABOR_SKILL, "普通劳动力", "1"),
            (keys::LABOR_SKILL, "技能劳动力", "2"),
            (keys::LABOR_SKILL, "弱劳动力或半劳动力", "3"),
            (keys::LABOR_SKILL, "丧失劳动力", "4"),
            (keys::LABOR_SKILL, "无劳动力", "5"),
            (keys::STUDENT_STATUS, "高中/中职", "4"),
            (keys::STUDENT_STATUS, "高中或中职", "4"),
            (keys::STUDENT_STATUS, "非在校生", "9"),
            (keys::HOUSEHOLD_TYPE, "普通农户", "0"),
            (keys::HOUSEHOLD_TYPE, "脱贫户", "1"),
            (keys::MONITOR_CATEGORY, "边缘易致贫户", "1"),
            (keys::MONITOR_CATEGORY, "突发严重困难户", "2"),
            (keys::RISK_TYPE, "因自然灾害", "0299"),
            (keys::RISK_TYPE, "因病", "01"),
            (keys::RISK_TYPE, "因务工就业不稳", "07"),
        ];
        for (key, word, code) in cases {
            let list = find_list(key).unwrap();
            assert_eq!(list.code_of_word(word), Some(*code), "{key}: {word}");
        }
        let relation = find_list(keys::RELATION).unwrap();
        assert_eq!(relation.code_of_word("之曾孙"), None);
    }

    #[test]
    fn export_writes_the_national_word() {
        let relation = find_list(keys::RELATION).unwrap();
        let cases = [
            ("01", Some(false), "户主"),
            ("20", Some(false), "之子"),
            ("30", Some(true), "之女"),
            ("40", Some(false), "之孙子"),
            ("40", Some(true), "之孙女"),
            ("50", Some(false), "之父"),
            ("50", Some(true), "之母"),
            ("60", Some(true), "之祖母"),
            ("70", Some(true), "之兄弟姐妹"),
            ("50", None, "之父"),
        ];
        for (code, female, word) in cases {
            assert_eq!(relation.national_word(code, female), Some(word), "{code}");
            // Read back, the word gives the code.
            assert_eq!(relation.code_of_word(word), Some(code));
        }
        let education = find_list(keys::EDUCATION).unwrap();
        assert_eq!(education.national_word("50", None), Some("高中"));
        assert_eq!(education.national_word("10", None), Some("研究生"));
        assert_eq!(education.national_word("xx", None), None);
        let health = find_list(keys::HEALTH).unwrap();
        assert_eq!(health.national_word("3", None), Some("残疾"));
        assert_eq!(health.national_word("4", None), Some("重度残疾"));
        assert_eq!(
            relation.accepted_words()[..3],
            ["户主", "配偶", "之子"],
            "the message offers the national words first"
        );
    }
}
