//! Text parameters that name one of a fixed set of readings (整户无劳动能力的
//! 口径, 收入统计口径 …): the stored text is the reading's Chinese label.

use super::{PolicyError, PolicySet};
use crate::area::AreaCode;

/// A reading chosen by a text parameter.
pub trait TextChoice: Copy + Sized + 'static {
    /// Every reading.
    const ALL: &'static [Self];
    /// What the parameter text says for each, as one line for refusals.
    const EXPECTED: &'static str;

    /// The parameter text of the reading.
    fn label(self) -> &'static str;

    /// The reading named by a parameter text (surrounding spaces ignored).
    fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL.iter().copied().find(|c| c.label() == t)
    }

    /// The reading of `key` for `area` and `year`: a missing parameter, or a
    /// text that names none of the readings, is an error.
    fn resolve(
        policy: &PolicySet,
        key: &str,
        area: &AreaCode,
        year: i32,
    ) -> Result<Self, PolicyError> {
        let text = policy.text_param(key, area, year)?;
        Self::parse(text).ok_or_else(|| PolicyError::WrongType {
            key: key.to_string(),
            expected: Self::EXPECTED,
            found: "其他文本",
        })
    }
}
