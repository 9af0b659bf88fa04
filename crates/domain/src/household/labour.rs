//! 整户无劳动能力 (policy.md §5.1, §7.1, §9): one definition, a per-area
//! parameter ([`keys::NO_LABOUR_RULE`]), read by the elimination criteria and
//! by the data-quality rules 5_11_033, 2_11_006 and `L_safety_net_missing`.
//!
//! The national checks (5_11_033 “全家无劳动力”, 2_11_006 “成员均无劳动力或丧失
//! 劳动力”) read it as: every member is 丧失劳动力 or 无劳动力. That is the
//! default. An area may choose the stricter reading “no member is 普通 or 技能
//! 劳动力” (弱劳动力或半劳动力 then counts as no labour capacity too).

use crate::area::AreaCode;
use crate::codes::well_known;
use crate::household::Person;
use crate::policy::{PolicyError, PolicySet, TextChoice, keys};

/// Which members make a household one without labour capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoLabourRule {
    /// Every member is 丧失劳动力 or 无劳动力 (the national checks' reading).
    #[default]
    AllLostOrNone,
    /// No member is 普通劳动力 or 技能劳动力.
    NoneAble,
}

impl TextChoice for NoLabourRule {
    const ALL: &'static [Self] = &[NoLabourRule::AllLostOrNone, NoLabourRule::NoneAble];
    const EXPECTED: &'static str = "“每名成员均丧失劳动力或无劳动力”或“无普通或技能劳动力”";

    fn label(self) -> &'static str {
        match self {
            NoLabourRule::AllLostOrNone => "每名成员均丧失劳动力或无劳动力",
            NoLabourRule::NoneAble => "无普通或技能劳动力",
        }
    }
}

impl NoLabourRule {
    /// The reading of `area` in `year` (parameter [`keys::NO_LABOUR_RULE`]).
    pub fn of(policy: &PolicySet, area: &AreaCode, year: i32) -> Result<NoLabourRule, PolicyError> {
        NoLabourRule::resolve(policy, keys::NO_LABOUR_RULE, area, year)
    }

    /// Whether this member counts as without labour capacity.
    pub fn member_without(self, m: &Person) -> bool {
        match self {
            NoLabourRule::AllLostOrNone => {
                m.labor_skill == well_known::LABOR_LOST || m.labor_skill == well_known::LABOR_NONE
            }
            NoLabourRule::NoneAble => !m.has_labor_capacity(),
        }
    }

    /// Whether the household is 整户无劳动能力: it has members and every one
    /// of them is without labour capacity under this reading.
    pub fn whole_household(self, members: &[Person]) -> bool {
        !members.is_empty() && members.iter().all(|m| self.member_without(m))
    }
}
