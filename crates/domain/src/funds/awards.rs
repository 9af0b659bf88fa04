//! 到户产业奖补: the per-household cap and withdrawn awards.

use chrono::NaiveDate;

use crate::money::Money;

use super::*;

/// Checks an award against the household's cap for the year, given what the
/// household was already granted that year.
pub fn check_award(
    year: i32,
    cap: Money,
    granted: Money,
    amount: Money,
    project: &str,
) -> Result<(), FundsError> {
    non_blank("奖补项目", project)?;
    positive("奖补金额", amount)?;
    let remaining = (cap - granted).max(Money::ZERO);
    if amount > remaining {
        return Err(FundsError::AwardCap {
            year,
            cap,
            granted,
            remaining,
            amount,
        });
    }
    Ok(())
}

/// Refuses a change of an award already withdrawn.
pub fn check_not_withdrawn(withdrawn_on: Option<NaiveDate>) -> Result<(), FundsError> {
    match withdrawn_on {
        Some(on) => Err(FundsError::AwardWithdrawn { on }),
        None => Ok(()),
    }
}
