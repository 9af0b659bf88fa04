//! Per-capita net income (人均纯收入), policy.md §1.5.
//!
//! ```text
//! 年收入   = 工资性收入 + 生产经营性收入 + 财产性收入 + 转移性收入 (+ 产业奖励 + 就业奖励 if counted)
//! 纯收入   = 年收入 − 生产经营性支出（合计）
//! 比对收入 = 纯收入 − 大额刚性支出 (only where the province deducts it)
//! 人均纯收入 = 比对收入 ÷ 年度家庭人口数, rounded half away from zero to the 分
//! ```
//!
//! Sub-items (公益性岗位收入, 养老金…) are part of their parent total and are only
//! checked against it; they are never added again. 专项用于减少生产经营性支出的补贴
//! is recorded and shown but does not change the result: it is already part of the
//! income side as reported, and the spec's formula does not subtract it.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::Money;

mod window;
pub use window::{DatedIncome, IncomeWindow, WindowError};

/// One household's income for one year (policy.md §1.3 income columns). All amounts in 分.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeRecord {
    /// Income year.
    pub year: i32,
    /// 年度家庭人口数 (the divisor; not the current headcount).
    pub annual_persons: u16,
    /// 工资性收入.
    pub wage: Money,
    /// of which 公益性岗位收入.
    pub wage_public_welfare: Money,
    /// of which 其他工资性收入.
    pub wage_other: Money,
    /// 生产经营性收入 (gross).
    pub business: Money,
    /// 财产性收入.
    pub property: Money,
    /// of which 资产收益扶贫分红收入.
    pub property_dividend: Money,
    /// of which 其他财产性收入.
    pub property_other: Money,
    /// 转移性收入.
    pub transfer: Money,
    /// of which 养老金或离退休金.
    pub transfer_pension: Money,
    /// of which 计划生育金.
    pub transfer_family_planning: Money,
    /// of which 生态补偿金.
    pub transfer_eco: Money,
    /// of which 最低生活保障金.
    pub transfer_dibao: Money,
    /// of which 特困人员救助供养金.
    pub transfer_tekun: Money,
    /// of which 其他转移性收入.
    pub transfer_other: Money,
    /// 产业奖励.
    pub industry_award: Money,
    /// 就业奖励.
    pub employment_award: Money,
    /// 生产经营性支出（合计）.
    pub production_cost: Money,
    /// 专项用于减少生产经营性支出的补贴 (informational).
    pub cost_subsidy: Money,
    /// 大额刚性支出 (out-of-pocket medical, schooling, …).
    pub rigid_expense: Money,
}

/// Province-specific switches of the income formula (see [`crate::policy`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IncomeRules {
    /// Add 产业奖励 and 就业奖励 to 年收入.
    pub count_awards: bool,
    /// Subtract 大额刚性支出 before dividing.
    pub deduct_rigid_expense: bool,
}

/// One line of the breakdown shown to users.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncomeLine {
    /// Chinese label.
    pub label: &'static str,
    /// The amount (always as recorded, non-negative).
    pub amount: Money,
    /// +1 added, −1 subtracted, 0 shown for information only.
    pub sign: i8,
}

/// The result of [`compute`]. Invariant: `Σ amount × sign` over `lines` equals `net_for_test`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncomeBreakdown {
    /// 年收入.
    pub gross: Money,
    /// 纯收入 = gross − production_cost.
    pub net: Money,
    /// The rigid expense actually deducted (zero unless the rule is on).
    pub rigid_deducted: Money,
    /// Net income used for the threshold test.
    pub net_for_test: Money,
    /// 年度家庭人口数.
    pub persons: u16,
    /// 人均纯收入.
    pub per_capita: Money,
    /// Lines for display.
    pub lines: Vec<IncomeLine>,
}

/// Why an income record cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IncomeError {
    /// annual_persons is zero.
    #[error("年度家庭人口数不能为0")]
    ZeroPersons,
    /// A component is negative.
    #[error("{item}不能为负数：{amount}元")]
    Negative {
        /// Chinese item name.
        item: &'static str,
        /// The amount.
        amount: Money,
    },
    /// Sub-items add up to more than their parent.
    #[error("{parent}分项之和（{sum}元）超过{parent}（{total}元）")]
    SubItemsExceed {
        /// Chinese name of the parent item.
        parent: &'static str,
        /// Sum of the sub-items.
        sum: Money,
        /// The parent amount.
        total: Money,
    },
    /// A total does not fit in the amount range.
    #[error("收入合计超出金额范围")]
    Overflow,
}

/// Whether per-capita income is below the monitoring line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncomeStanding {
    /// Strictly below the line.
    Below,
    /// Equal to or above the line.
    AtOrAbove,
}

/// Whether per-capita income is below the monitoring line (监测范围): strictly
/// below; equal to the line is not below. The one place this rule is decided:
/// the monitoring rules ([`crate::monitor::assess`]), the data-quality rules
/// and [`compare`] all ask here.
pub fn below_line(per_capita: Money, line: Money) -> bool {
    per_capita < line
}

/// Compare per-capita income with a line; equal to the line is not below.
pub fn compare(per_capita: Money, line: Money) -> IncomeStanding {
    if below_line(per_capita, line) {
        IncomeStanding::Below
    } else {
        IncomeStanding::AtOrAbove
    }
}

fn checked_sum(items: &[Money]) -> Result<Money, IncomeError> {
    items
        .iter()
        .try_fold(Money::ZERO, |acc, &m| acc.checked_add(m))
        .ok_or(IncomeError::Overflow)
}

/// Compute the income breakdown of one record under `rules`.
pub fn compute(rec: &IncomeRecord, rules: &IncomeRules) -> Result<IncomeBreakdown, IncomeError> {
    if rec.annual_persons == 0 {
        return Err(IncomeError::ZeroPersons);
    }
    let named: [(&'static str, Money); 19] = [
        ("工资性收入", rec.wage),
        ("公益性岗位收入", rec.wage_public_welfare),
        ("其他工资性收入", rec.wage_other),
        ("生产经营性收入", rec.business),
        ("财产性收入", rec.property),
        ("资产收益扶贫分红收入", rec.property_dividend),
        ("其他财产性收入", rec.property_other),
        ("转移性收入", rec.transfer),
        ("养老金或离退休金", rec.transfer_pension),
        ("计划生育金", rec.transfer_family_planning),
        ("生态补偿金", rec.transfer_eco),
        ("最低生活保障金", rec.transfer_dibao),
        ("特困人员救助供养金", rec.transfer_tekun),
        ("其他转移性收入", rec.transfer_other),
        ("产业奖励", rec.industry_award),
        ("就业奖励", rec.employment_award),
        ("生产经营性支出", rec.production_cost),
        ("专项用于减少生产经营性支出的补贴", rec.cost_subsidy),
        ("大额刚性支出", rec.rigid_expense),
    ];
    if let Some(&(item, amount)) = named.iter().find(|(_, m)| m.is_negative()) {
        return Err(IncomeError::Negative { item, amount });
    }

    let groups: [(&'static str, Money, Vec<Money>); 3] = [
        (
            "工资性收入",
            rec.wage,
            vec![rec.wage_public_welfare, rec.wage_other],
        ),
        (
            "财产性收入",
            rec.property,
            vec![rec.property_dividend, rec.property_other],
        ),
        (
            "转移性收入",
            rec.transfer,
            vec![
                rec.transfer_pension,
                rec.transfer_family_planning,
                rec.transfer_eco,
                rec.transfer_dibao,
                rec.transfer_tekun,
                rec.transfer_other,
            ],
        ),
    ];
    for (parent, total, subs) in &groups {
        let sum = checked_sum(subs)?;
        if sum > *total {
            return Err(IncomeError::SubItemsExceed {
                parent,
                sum,
                total: *total,
            });
        }
    }

    let award_sign = i8::from(rules.count_awards);
    let rigid_sign = if rules.deduct_rigid_expense { -1 } else { 0 };
    let mut lines = vec![
        IncomeLine {
            label: "工资性收入",
            amount: rec.wage,
            sign: 1,
        },
        IncomeLine {
            label: "生产经营性收入",
            amount: rec.business,
            sign: 1,
        },
        IncomeLine {
            label: "财产性收入",
            amount: rec.property,
            sign: 1,
        },
        IncomeLine {
            label: "转移性收入",
            amount: rec.transfer,
            sign: 1,
        },
        IncomeLine {
            label: if rules.count_awards {
                "产业奖励"
            } else {
                "产业奖励（不计入）"
            },
            amount: rec.industry_award,
            sign: award_sign,
        },
        IncomeLine {
            label: if rules.count_awards {
                "就业奖励"
            } else {
                "就业奖励（不计入）"
            },
            amount: rec.employment_award,
            sign: award_sign,
        },
        IncomeLine {
            label: "生产经营性支出",
            amount: rec.production_cost,
            sign: -1,
        },
        IncomeLine {
            label: "专项用于减少生产经营性支出的补贴（不计入）",
            amount: rec.cost_subsidy,
            sign: 0,
        },
    ];
    lines.push(IncomeLine {
        label: if rules.deduct_rigid_expense {
            "大额刚性支出"
        } else {
            "大额刚性支出（不扣减）"
        },
        amount: rec.rigid_expense,
        sign: rigid_sign,
    });

    let mut gross_items = vec![rec.wage, rec.business, rec.property, rec.transfer];
    if rules.count_awards {
        gross_items.extend([rec.industry_award, rec.employment_award]);
    }
    let gross = checked_sum(&gross_items)?;
    let net = gross
        .checked_sub(rec.production_cost)
        .ok_or(IncomeError::Overflow)?;
    let rigid_deducted = if rules.deduct_rigid_expense {
        rec.rigid_expense
    } else {
        Money::ZERO
    };
    let net_for_test = net
        .checked_sub(rigid_deducted)
        .ok_or(IncomeError::Overflow)?;
    let per_capita = net_for_test.div_round(u32::from(rec.annual_persons));

    Ok(IncomeBreakdown {
        gross,
        net,
        rigid_deducted,
        net_for_test,
        persons: rec.annual_persons,
        per_capita,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn yuan(y: i64) -> Money {
        Money::from_yuan(y)
    }

    const STANDARD: IncomeRules = IncomeRules {
        count_awards: true,
        deduct_rigid_expense: false,
    };

    fn line_total(b: &IncomeBreakdown) -> Money {
        b.lines
            .iter()
            .map(|l| match l.sign {
                1 => l.amount,
                -1 => -l.amount,
                _ => Money::ZERO,
            })
            .sum()
    }

    #[test]
    fn worked_example() {
        let rec = IncomeRecord {
            year: 2024,
            annual_persons: 4,
            wage: yuan(30_000),
            wage_public_welfare: yuan(6_000),
            wage_other: yuan(24_000),
            business: yuan(12_000),
            property: yuan(500),
            property_dividend: yuan(500),
            transfer: yuan(4_800),
            transfer_pension: yuan(2_400),
            transfer_dibao: yuan(2_400),
            industry_award: yuan(1_000),
            employment_award: yuan(500),
            production_cost: yuan(5_000),
            cost_subsidy: yuan(300),
            rigid_expense: yuan(8_000),
            ..Default::default()
        };
        let b = compute(&rec, &STANDARD).unwrap();
        assert_eq!(b.gross, yuan(48_800));
        assert_eq!(b.net, yuan(43_800));
        assert_eq!(b.rigid_deducted, Money::ZERO);
        assert_eq!(b.net_for_test, yuan(43_800));
        assert_eq!(b.per_capita, yuan(10_950));
        assert_eq!(line_total(&b), b.net_for_test);

        let no_awards = IncomeRules {
            count_awards: false,
            deduct_rigid_expense: false,
        };
        let b = compute(&rec, &no_awards).unwrap();
        assert_eq!(b.gross, yuan(47_300));
        assert_eq!(b.per_capita, yuan(10_575));
        assert_eq!(line_total(&b), b.net_for_test);
    }

    #[test]
    fn guizhou_rigid_expense_example() {
        // policy.md §1.5: family income 80,400 元, 50,000 元 out-of-pocket medical.
        // Household of 5, compared with the 2024 national line of 7,200 元.
        let rec = IncomeRecord {
            year: 2024,
            annual_persons: 5,
            wage: yuan(60_000),
            business: yuan(15_400),
            transfer: yuan(5_000),
            rigid_expense: yuan(50_000),
            ..Default::default()
        };
        let line = yuan(7_200);
        let plain = compute(&rec, &STANDARD).unwrap();
        assert_eq!(plain.net, yuan(80_400));
        assert_eq!(plain.per_capita, yuan(16_080));
        assert_eq!(compare(plain.per_capita, line), IncomeStanding::AtOrAbove);

        let deduct = IncomeRules {
            count_awards: true,
            deduct_rigid_expense: true,
        };
        let b = compute(&rec, &deduct).unwrap();
        assert_eq!(b.rigid_deducted, yuan(50_000));
        assert_eq!(b.net_for_test, yuan(30_400));
        assert_eq!(b.per_capita, Money::from_fen(608_000));
        assert_eq!(compare(b.per_capita, line), IncomeStanding::Below);
        assert_eq!(line_total(&b), b.net_for_test);
    }

    #[test]
    fn rounding_example() {
        // 10,000.00 元 over 3 people = 3,333.333… → 3,333.33 元.
        let rec = IncomeRecord {
            annual_persons: 3,
            wage: yuan(10_000),
            ..Default::default()
        };
        let b = compute(&rec, &STANDARD).unwrap();
        assert_eq!(b.per_capita, Money::from_fen(333_333));
        // 20,000.01 元 over 2 = 10,000.005 → 10,000.01 (half away from zero).
        let rec = IncomeRecord {
            annual_persons: 2,
            wage: Money::from_fen(2_000_001),
            ..Default::default()
        };
        assert_eq!(
            compute(&rec, &STANDARD).unwrap().per_capita,
            Money::from_fen(1_000_001)
        );
        // A loss: −0.05 元 over 2 = −0.025 → −0.03.
        let rec = IncomeRecord {
            annual_persons: 2,
            production_cost: Money::from_fen(5),
            ..Default::default()
        };
        assert_eq!(
            compute(&rec, &STANDARD).unwrap().per_capita,
            Money::from_fen(-3)
        );
    }

    #[test]
    fn compare_at_line_is_not_below() {
        assert_eq!(compare(yuan(8_300), yuan(8_300)), IncomeStanding::AtOrAbove);
        assert_eq!(
            compare(Money::from_fen(829_999), yuan(8_300)),
            IncomeStanding::Below
        );
    }

    #[test]
    fn errors() {
        let rec = IncomeRecord::default();
        assert_eq!(
            compute(&rec, &STANDARD).unwrap_err().to_string(),
            "年度家庭人口数不能为0"
        );
        let rec = IncomeRecord {
            annual_persons: 2,
            wage: yuan(1_000),
            wage_public_welfare: yuan(800),
            wage_other: yuan(300),
            ..Default::default()
        };
        assert_eq!(
            compute(&rec, &STANDARD).unwrap_err().to_string(),
            "工资性收入分项之和（1100.00元）超过工资性收入（1000.00元）"
        );
        let rec = IncomeRecord {
            annual_persons: 2,
            transfer: yuan(100),
            transfer_dibao: yuan(200),
            ..Default::default()
        };
        assert!(matches!(
            compute(&rec, &STANDARD),
            Err(IncomeError::SubItemsExceed {
                parent: "转移性收入",
                ..
            })
        ));
        let rec = IncomeRecord {
            annual_persons: 2,
            business: yuan(-5),
            ..Default::default()
        };
        assert_eq!(
            compute(&rec, &STANDARD).unwrap_err().to_string(),
            "生产经营性收入不能为负数：-5.00元"
        );
        let rec = IncomeRecord {
            annual_persons: 1,
            wage: Money::from_fen(i64::MAX),
            business: Money::from_fen(1),
            ..Default::default()
        };
        assert_eq!(compute(&rec, &STANDARD), Err(IncomeError::Overflow));
    }

    proptest! {
        #[test]
        fn per_capita_times_persons_close_to_net(
            wage in 0i64..10_000_000_000,
            business in 0i64..10_000_000_000,
            transfer in 0i64..1_000_000_000,
            cost in 0i64..10_000_000_000,
            rigid in 0i64..10_000_000_000,
            persons in 1u16..30,
            count_awards in any::<bool>(),
            deduct in any::<bool>(),
        ) {
            let rec = IncomeRecord {
                annual_persons: persons,
                wage: Money::from_fen(wage),
                business: Money::from_fen(business),
                transfer: Money::from_fen(transfer),
                industry_award: Money::from_fen(100),
                production_cost: Money::from_fen(cost),
                rigid_expense: Money::from_fen(rigid),
                ..Default::default()
            };
            let rules = IncomeRules { count_awards, deduct_rigid_expense: deduct };
            let b = compute(&rec, &rules).unwrap();
            let diff = (b.per_capita.fen() * i64::from(persons) - b.net_for_test.fen()).abs();
            prop_assert!(2 * diff <= i64::from(persons));
            prop_assert_eq!(line_total(&b), b.net_for_test);
            prop_assert_eq!(b.net, b.gross - rec.production_cost);
        }
    }
}
