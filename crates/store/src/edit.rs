//! Editing one household at a time (the forms of the 农户档案 pages):
//! create, update, and a member's 自然减少. Each goes through the same
//! transaction as imports — validation, scope, ID conflicts, a version and
//! an audit entry — with the reason the user gave.

use fangpin_domain::household::{Household, Person};
use fangpin_domain::income::IncomeRecord;

use crate::households::HouseholdBundle;
use crate::import::ImportSummary;
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

/// Reasons a member leaves a household (自然减少).
pub const REMOVAL_REASONS: [&str; 6] = ["死亡", "迁出", "婚嫁迁出", "分户", "服刑", "其他"];

fn validated(
    household: Household,
    members: Vec<Person>,
    incomes: Vec<IncomeRecord>,
) -> Result<HouseholdBundle> {
    household
        .validate()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    for m in &members {
        m.validate()
            .map_err(|e| StoreError::Invalid(format!("成员 {}：{e}", m.name)))?;
    }
    household
        .validate_members(&members)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    for i in &incomes {
        if i.annual_persons == 0 {
            return Err(StoreError::Invalid(format!(
                "{}年度家庭人口数不能为0",
                i.year
            )));
        }
    }
    Ok(HouseholdBundle {
        household,
        members,
        incomes,
    })
}

fn need_reason(reason: &str) -> Result<&str> {
    let r = reason.trim();
    if r.is_empty() {
        Err(StoreError::Invalid("请填写变更原因".into()))
    } else {
        Ok(r)
    }
}

impl Store {
    /// Registers a new household; its 户编号 must not exist yet.
    pub async fn create_household(
        &self,
        access: &Access,
        household: Household,
        members: Vec<Person>,
        incomes: Vec<IncomeRecord>,
        reason: &str,
    ) -> Result<i64> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let reason = need_reason(reason)?;
        let no = household.household_no.clone();
        let bundle = validated(household, members, incomes)?;
        if self.area(&bundle.household.area).await?.is_none() {
            return Err(StoreError::Invalid(format!(
                "区划不存在：{}",
                bundle.household.area.as_string()
            )));
        }
        let summary: ImportSummary = self
            .upsert_households(access, reason, &[], std::slice::from_ref(&bundle), false)
            .await?;
        if summary.created.is_empty() {
            return Err(StoreError::Invalid(format!("户编号已存在：{no}")));
        }
        Ok(self.household_by_no(access, &no).await?.id)
    }

    /// Replaces household `id` with the given state (same 户编号); returns
    /// the names of the changed parts (empty when nothing changed).
    pub async fn update_household(
        &self,
        access: &Access,
        id: i64,
        household: Household,
        members: Vec<Person>,
        incomes: Vec<IncomeRecord>,
        reason: &str,
    ) -> Result<Vec<String>> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let reason = need_reason(reason)?;
        let current = self.household(access, id).await?;
        if household.household_no != current.household.household_no {
            return Err(StoreError::Invalid("户编号不能修改".into()));
        }
        let bundle = validated(household, members, incomes)?;
        let summary = self
            .upsert_households(access, reason, &[], std::slice::from_ref(&bundle), false)
            .await?;
        Ok(summary
            .changed
            .into_iter()
            .next()
            .map(|c| c.changes)
            .unwrap_or_default())
    }

    /// 自然减少: a member leaves the household for `reason` (死亡, 迁出 …).
    /// The 户主 cannot leave this way: change the 户主 first.
    pub async fn remove_member(
        &self,
        access: &Access,
        id: i64,
        person_no: &str,
        reason: &str,
        note: &str,
    ) -> Result<()> {
        if !REMOVAL_REASONS.contains(&reason) {
            return Err(StoreError::Invalid(format!(
                "减员原因无效：{reason}（可选：{}）",
                REMOVAL_REASONS.join("、")
            )));
        }
        let d = self.household(access, id).await?;
        let Some(member) = d.members.iter().find(|m| m.person_no == person_no) else {
            return Err(StoreError::NotFound(format!("成员不存在：{person_no}")));
        };
        if member.id_number == d.household.head_id {
            return Err(StoreError::Invalid(
                "不能直接减少户主：请先变更户主，再办理减员".into(),
            ));
        }
        let name = member.name.clone();
        let members: Vec<Person> = d
            .members
            .iter()
            .filter(|m| m.person_no != person_no)
            .cloned()
            .collect();
        let mut household = d.household.clone();
        household.current_size = members.len() as u16;
        let why = if note.trim().is_empty() {
            format!("自然减少：{name}（{reason}）")
        } else {
            format!("自然减少：{name}（{reason}）{}", note.trim())
        };
        self.update_household(access, id, household, members, d.incomes, &why)
            .await
            .map(|_| ())
    }
}
