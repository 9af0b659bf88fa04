//! Editing households (the forms of the 农户档案 pages): create, update,
//! and the member changes county staff do — 新增成员, 自然减少, 户主变更,
//! 分户 and 合户. Each goes through the same transaction as imports —
//! validation, scope, ID conflicts, a version and an audit entry for every
//! household touched — with the reason the user gave; a refused change
//! writes nothing.
//!
//! A household merged into another (合户) keeps its row as an empty shell
//! (no members, 当前家庭人口数 0) so that its versions stay readable; it is no
//! longer part of the current registry (lists, counts and exports leave it
//! out, and it cannot be changed).

use std::collections::{BTreeMap, BTreeSet};

use fangpin_domain::codes::{keys, well_known};
use fangpin_domain::household::{Household, Person, old_head_relation, relation_to_new_head};
use fangpin_domain::income::IncomeRecord;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde_json::json;

use crate::audit::{AuditEntry, record};
use crate::households::HouseholdBundle;
use crate::import::ImportSummary;
use crate::users::{Access, perm};
use crate::{Result, Store, StoreError};

/// Reasons a member leaves a household (自然减少).
pub const REMOVAL_REASONS: [&str; 6] = ["死亡", "迁出", "婚嫁迁出", "分户", "服刑", "其他"];

/// Reasons a member joins a household (新增成员).
pub const ADDITION_REASONS: [&str; 5] = ["新生儿", "婚嫁迁入", "收养", "回迁", "其他迁入"];

/// 分户: who leaves household A to form a new household B in the same
/// village and 村民小组.
#[derive(Clone, Debug, Default)]
pub struct SplitPlan {
    /// 人口编号 of the members who leave (not A's 户主).
    pub members: Vec<String>,
    /// 人口编号 of B's 户主, one of `members`.
    pub head: String,
    /// B's 户编号; empty for the next free number of the village.
    pub household_no: Option<String>,
    /// 与户主关系 towards B's 户主 where the derived code should be replaced
    /// (人口编号 → code).
    pub relations: BTreeMap<String, String>,
    pub reason: String,
}

/// 合户: every member of household B joins household A.
#[derive(Clone, Debug, Default)]
pub struct MergePlan {
    /// B, the household that joins and leaves the current registry.
    pub other: i64,
    /// 与户主关系 of B's 户主 towards A's 户主; `99 其他` when not given.
    pub head_relation: Option<String>,
    /// 与户主关系 towards A's 户主 where the derived code should be replaced
    /// (人口编号 → code).
    pub relations: BTreeMap<String, String>,
    pub reason: String,
}

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

/// A reason that must be one of `allowed`; `field` names it in the message.
fn listed_reason<'a>(field: &str, reason: &'a str, allowed: &[&str]) -> Result<&'a str> {
    let r = reason.trim();
    if allowed.contains(&r) {
        Ok(r)
    } else if r.is_empty() {
        Err(StoreError::Invalid(format!(
            "请选择{field}（可选：{}）",
            allowed.join("、")
        )))
    } else {
        Err(StoreError::Invalid(format!(
            "{field}无效：{r}（可选：{}）",
            allowed.join("、")
        )))
    }
}

/// `base` followed by the user's note, if any.
fn with_note(base: String, note: &str) -> String {
    match note.trim() {
        "" => base,
        n => format!("{base}{n}"),
    }
}

fn names(members: &[Person]) -> String {
    members
        .iter()
        .map(|m| m.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

fn head_of(b: &HouseholdBundle) -> Result<&Person> {
    b.members
        .iter()
        .find(|m| m.id_number == b.household.head_id)
        .ok_or_else(|| StoreError::Corrupt(format!("户编号 {} 没有户主", b.household.household_no)))
}

/// Makes `head` the 户主 of `household` (name and ID).
fn set_head(household: &mut Household, head: &Person) {
    household.head_name.clone_from(&head.name);
    household.head_id = head.id_number.clone();
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
        if current.members.is_empty() {
            return Err(merged_away(&current.household));
        }
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
        let reason = listed_reason("减员原因", reason, &REMOVAL_REASONS)?;
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
        let why = with_note(format!("自然减少：{name}（{reason}）"), note);
        self.update_household(access, id, household, members, d.incomes, &why)
            .await
            .map(|_| ())
    }
}

fn merged_away(h: &Household) -> StoreError {
    StoreError::Invalid(format!(
        "户编号 {} 已合户并入他户，不在当前档案中，不能再办理变更",
        h.household_no
    ))
}

/// What one member change did to one household, for its audit entry.
struct Touched<'a> {
    action: &'static str,
    bundle: &'a HouseholdBundle,
    after: serde_json::Value,
}

impl Store {
    /// A household's current state read inside `tx` for a change: outside
    /// the caller's area it does not exist; a household merged away is
    /// refused.
    async fn current_tx(
        &self,
        tx: &DatabaseTransaction,
        access: &Access,
        id: i64,
    ) -> Result<HouseholdBundle> {
        self.household_area(tx, &access.scope_unchecked(), id)
            .await?;
        let b = self
            .load_bundles(tx, vec![id])
            .await?
            .remove(&id)
            .ok_or_else(|| StoreError::NotFound(format!("农户不存在：{id}")))?;
        if b.members.is_empty() {
            return Err(merged_away(&b.household));
        }
        Ok(b)
    }

    /// Refuses a 与户主关系 code that is not in the stored list or is 户主.
    async fn check_relation(&self, code: &str, whose: &str) -> Result<()> {
        if code == well_known::RELATION_HEAD {
            return Err(StoreError::Invalid(format!(
                "与户主关系（{whose}）：一户只能有一名户主，户主请通过“户主变更”办理"
            )));
        }
        let known = self.code_items(keys::RELATION).await?;
        if known.iter().any(|(c, _)| c == code) {
            Ok(())
        } else {
            let list: Vec<String> = known.iter().map(|(c, l)| format!("{c} {l}")).collect();
            Err(StoreError::Invalid(format!(
                "与户主关系（{whose}）代码无效：{code}（可选：{}）",
                list.join("、")
            )))
        }
    }

    /// Replaces derived 与户主关系 codes with the ones the user chose; each
    /// must name one of `members` other than the 户主 `head_no`.
    async fn apply_relations(
        &self,
        members: &mut [Person],
        chosen: &BTreeMap<String, String>,
        head_no: &str,
    ) -> Result<()> {
        for (no, code) in chosen {
            let Some(m) = members.iter_mut().find(|m| &m.person_no == no) else {
                return Err(StoreError::Invalid(format!(
                    "与户主关系：人口编号 {no} 不在本次办理的成员中"
                )));
            };
            if no == head_no {
                return Err(StoreError::Invalid(format!(
                    "与户主关系：{} 是户主，关系固定为“01 户主”",
                    m.name
                )));
            }
            self.check_relation(code.trim(), &m.name).await?;
            code.trim().clone_into(&mut m.relation);
        }
        Ok(())
    }

    /// Whether a 户编号 or 人口编号 is taken (`table` is household or person).
    async fn number_taken(&self, tx: &DatabaseTransaction, table: &str, no: &str) -> Result<bool> {
        let column = if table == "person" {
            "person_no"
        } else {
            "household_no"
        };
        let mut q = Query::select();
        q.column("id")
            .from(table.to_owned())
            .and_where(Expr::col(column).eq(no));
        Ok(tx.query_one(&q).await?.is_some())
    }

    /// The next 人口编号 of a household: its 户编号 and a two-digit serial
    /// after the highest one in use.
    async fn next_person_no(
        &self,
        tx: &DatabaseTransaction,
        b: &HouseholdBundle,
    ) -> Result<String> {
        let no = &b.household.household_no;
        let mut serial = b
            .members
            .iter()
            .filter_map(|m| m.person_no.strip_prefix(no.as_str()))
            .filter_map(|rest| rest.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        loop {
            serial += 1;
            let candidate = format!("{no}{serial:02}");
            if !self.number_taken(tx, "person", &candidate).await? {
                return Ok(candidate);
            }
        }
    }

    /// The next free 户编号 after `like`'s in its village: the same prefix
    /// and width with the trailing serial counted up.
    async fn next_household_no(
        &self,
        tx: &DatabaseTransaction,
        like: &Household,
    ) -> Result<String> {
        let no = &like.household_no;
        let digits = no.chars().rev().take_while(char::is_ascii_digit).count();
        let digits = digits.min(18);
        if digits == 0 {
            return Err(StoreError::Invalid(format!(
                "新户编号：原户编号 {no} 不以数字结尾，无法自动编号，请填写新户编号"
            )));
        }
        let prefix = &no[..no.len() - digits];
        let mut q = Query::select();
        q.column("household_no")
            .from("household")
            .and_where(Expr::col("area_code").eq(like.area.as_string()))
            .and_where(Expr::col("household_no").like(format!("{prefix}%")));
        let mut max: u64 = 0;
        for r in tx.query_all(&q).await? {
            let other: String = r.try_get("", "household_no")?;
            if other.len() == no.len()
                && let Ok(n) = other[prefix.len()..].parse::<u64>()
            {
                max = Ord::max(max, n);
            }
        }
        loop {
            max += 1;
            let candidate = format!("{prefix}{max:0digits$}");
            if candidate.len() != no.len() {
                return Err(StoreError::Invalid(format!(
                    "新户编号：{prefix} 开头的户编号已用完，请填写新户编号"
                )));
            }
            if !self.number_taken(tx, "household", &candidate).await? {
                return Ok(candidate);
            }
        }
    }

    /// Records one audit entry per household of a member change (written
    /// with the version reason `why`) and commits: all of it or nothing.
    async fn commit_change(
        &self,
        tx: DatabaseTransaction,
        access: &Access,
        why: &str,
        touched: Vec<Touched<'_>>,
    ) -> Result<()> {
        let actor = access.actor();
        let nos: Vec<String> = touched
            .iter()
            .map(|t| t.bundle.household.household_no.clone())
            .collect();
        for t in touched {
            record(
                &tx,
                &actor,
                AuditEntry {
                    action: t.action,
                    entity: "household",
                    entity_key: Some(t.bundle.household.household_no.clone()),
                    area: Some(t.bundle.household.area),
                    after: Some(t.after),
                    note: Some(why.to_owned()),
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        self.quality_after_save(access, &nos).await;
        Ok(())
    }

    /// 新增成员: `person` joins household `id` for `reason` (新生儿, 婚嫁迁入
    /// …). An empty 人口编号 gets the household's next one. Returns the
    /// member's 人口编号.
    pub async fn add_member(
        &self,
        access: &Access,
        id: i64,
        mut person: Person,
        reason: &str,
        note: &str,
    ) -> Result<String> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let tx = self.begin_write().await?;
        let old = self.current_tx(&tx, access, id).await?;
        let reason = listed_reason("新增原因", reason, &ADDITION_REASONS)?;
        person.name = person.name.trim().to_owned();
        person
            .validate()
            .map_err(|e| StoreError::Invalid(format!("新增成员 {}：{e}", person.name)))?;
        self.check_relation(person.relation.trim(), &person.name)
            .await?;
        person.relation = person.relation.trim().to_owned();
        person.person_no = person.person_no.trim().to_owned();
        if person.person_no.is_empty() {
            person.person_no = self.next_person_no(&tx, &old).await?;
        } else if self.number_taken(&tx, "person", &person.person_no).await? {
            return Err(StoreError::Invalid(format!(
                "人口编号已存在：{}",
                person.person_no
            )));
        }
        let mut household = old.household.clone();
        let mut members = old.members.clone();
        members.push(person.clone());
        household.current_size = members.len() as u16;
        let new = validated(household, members, old.incomes.clone())?;
        let why = with_note(format!("新增成员：{}（{reason}）", person.name), note);
        let touched = vec![Touched {
            action: "member_add",
            bundle: &new,
            after: json!({"person_no": person.person_no, "name": person.name, "reason": reason}),
        }];
        let (tx, _) = self
            .upsert_or_refuse(tx, access, &why, &[], std::slice::from_ref(&new))
            .await?;
        self.commit_change(tx, access, &why, touched).await?;
        Ok(person.person_no)
    }

    /// 户主变更: member `new_head` (人口编号) becomes the 户主 of household
    /// `id`. Every other member's 与户主关系 is derived from their relation
    /// to the old 户主 (see [`relation_to_new_head`]); `relations` replaces
    /// derived codes (人口编号 → code). Returns the members' new codes.
    pub async fn change_head(
        &self,
        access: &Access,
        id: i64,
        new_head: &str,
        relations: &BTreeMap<String, String>,
        reason: &str,
    ) -> Result<Vec<(String, String)>> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let tx = self.begin_write().await?;
        let old = self.current_tx(&tx, access, id).await?;
        let reason = need_reason(reason)?;
        let old_head = head_of(&old)?.clone();
        let Some(head) = old
            .members
            .iter()
            .find(|m| m.person_no == new_head)
            .cloned()
        else {
            return Err(StoreError::Invalid(format!(
                "新户主：人口编号 {new_head} 不是本户现有成员"
            )));
        };
        if head.person_no == old_head.person_no {
            return Err(StoreError::Invalid(format!(
                "新户主：{} 已是本户户主",
                head.name
            )));
        }
        let mut members = old.members.clone();
        for m in &mut members {
            m.relation = if m.person_no == head.person_no {
                well_known::RELATION_HEAD
            } else if m.person_no == old_head.person_no {
                old_head_relation(&head.relation, old_head.sex)
            } else {
                relation_to_new_head(&m.relation, m.sex, &head.relation, head.sex)
            }
            .to_owned();
        }
        self.apply_relations(&mut members, relations, &head.person_no)
            .await?;
        let mut household = old.household.clone();
        set_head(&mut household, &head);
        let new = validated(household, members, old.incomes.clone())?;
        let why = format!("户主变更：{} → {}（{reason}）", old_head.name, head.name);
        let codes: Vec<(String, String)> = new
            .members
            .iter()
            .map(|m| (m.person_no.clone(), m.relation.clone()))
            .collect();
        let touched = vec![Touched {
            action: "head_change",
            bundle: &new,
            after: json!({
                "old_head": old_head.person_no,
                "new_head": head.person_no,
                "relations": codes.iter().cloned().collect::<BTreeMap<_, _>>(),
            }),
        }];
        let (tx, _) = self
            .upsert_or_refuse(tx, access, &why, &[], std::slice::from_ref(&new))
            .await?;
        self.commit_change(tx, access, &why, touched).await?;
        Ok(codes)
    }

    /// 分户: the members of `plan` leave household `id` (which keeps its
    /// 户主 and at least one member) and form a new household in the same
    /// village and 村民小组, with the household's classification copied and
    /// no income records yet. Returns the new household's id and 户编号.
    pub async fn split_household(
        &self,
        access: &Access,
        id: i64,
        plan: &SplitPlan,
    ) -> Result<(i64, String)> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let tx = self.begin_write().await?;
        let old = self.current_tx(&tx, access, id).await?;
        let reason = need_reason(&plan.reason)?;
        let old_head = head_of(&old)?;
        let chosen: BTreeSet<&str> = plan.members.iter().map(|s| s.trim()).collect();
        if chosen.is_empty() {
            return Err(StoreError::Invalid("分出成员：请至少选择一名成员".into()));
        }
        if let Some(no) = chosen
            .iter()
            .find(|no| !old.members.iter().any(|m| m.person_no == **no))
        {
            return Err(StoreError::Invalid(format!(
                "分出成员：人口编号 {no} 不是本户现有成员"
            )));
        }
        if chosen.contains(old_head.person_no.as_str()) {
            return Err(StoreError::Invalid(format!(
                "分出成员：不能包含原户主 {}，原户须保留户主和至少一名成员（如需户主分出，请先办理户主变更）",
                old_head.name
            )));
        }
        let (mut leaving, staying): (Vec<Person>, Vec<Person>) = old
            .members
            .iter()
            .cloned()
            .partition(|m| chosen.contains(m.person_no.as_str()));
        let Some(head) = leaving
            .iter()
            .find(|m| m.person_no == plan.head.trim())
            .cloned()
        else {
            return Err(StoreError::Invalid(format!(
                "新户户主：人口编号 {} 应是分出成员之一",
                plan.head.trim()
            )));
        };
        for m in &mut leaving {
            m.relation = if m.person_no == head.person_no {
                well_known::RELATION_HEAD
            } else {
                relation_to_new_head(&m.relation, m.sex, &head.relation, head.sex)
            }
            .to_owned();
        }
        self.apply_relations(&mut leaving, &plan.relations, &head.person_no)
            .await?;
        let new_no = match plan.household_no.as_deref().map(str::trim) {
            None | Some("") => self.next_household_no(&tx, &old.household).await?,
            Some(no) => {
                if self.number_taken(&tx, "household", no).await? {
                    return Err(StoreError::Invalid(format!("新户编号已存在：{no}")));
                }
                no.to_owned()
            }
        };

        let mut kept = old.household.clone();
        kept.current_size = staying.len() as u16;
        let a = validated(kept, staying, old.incomes.clone())?;
        let mut household = old.household.clone();
        household.household_no = new_no.clone();
        set_head(&mut household, &head);
        household.phone = head.phone.clone();
        household.bank_name = None;
        household.bank_account = None;
        household.current_size = leaving.len() as u16;
        let b = validated(household, leaving, vec![])?;

        let why = format!(
            "分户：{} 自户编号 {} 分出为新户 {new_no}（{reason}）",
            names(&b.members),
            old.household.household_no
        );
        let persons: Vec<&str> = b.members.iter().map(|m| m.person_no.as_str()).collect();
        let touched = vec![
            Touched {
                action: "household_split",
                bundle: &a,
                after: json!({"new_household_no": new_no, "persons": persons}),
            },
            Touched {
                action: "household_split",
                bundle: &b,
                after: json!({"from_household_no": old.household.household_no, "persons": persons}),
            },
        ];
        let (tx, _) = self
            .upsert_or_refuse(tx, access, &why, &[], &[a.clone(), b.clone()])
            .await?;
        // The new household's first version names who split it off and why.
        let mut q = Query::select();
        q.column("id")
            .from("household")
            .and_where(Expr::col("household_no").eq(new_no.as_str()));
        let row = tx
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("新户 {new_no} 写入失败")))?;
        let new_id: i64 = row.try_get("", "id")?;
        self.record_creation(&tx, new_id, &b, access, &why).await?;
        self.commit_change(tx, access, &why, touched).await?;
        Ok((new_id, new_no))
    }

    /// 合户: every member of household `plan.other` joins household `id`;
    /// the other household leaves the current registry (an empty shell
    /// keeps its history). Both must be in the caller's area. Returns the
    /// joined members' 与户主关系 codes.
    pub async fn merge_households(
        &self,
        access: &Access,
        id: i64,
        plan: &MergePlan,
    ) -> Result<Vec<(String, String)>> {
        access.require(perm::HOUSEHOLD_WRITE)?;
        let tx = self.begin_write().await?;
        let target = self.current_tx(&tx, access, id).await?;
        if plan.other == id {
            return Err(StoreError::Invalid("并入户：不能与本户自身合户".into()));
        }
        let other = self.current_tx(&tx, access, plan.other).await?;
        let reason = need_reason(&plan.reason)?;
        let head = head_of(&target)?;
        let other_head = head_of(&other)?;
        let head_relation = match plan.head_relation.as_deref().map(str::trim) {
            None | Some("") => well_known::RELATION_OTHER,
            Some(code) => {
                self.check_relation(code, &other_head.name).await?;
                code
            }
        };
        // The target's 户主 seen from the other household's 户主, then
        // each joining member towards the target's 户主.
        let head_seen_from_other = old_head_relation(head_relation, head.sex);
        let mut joining = other.members.clone();
        for m in &mut joining {
            m.relation = if m.person_no == other_head.person_no {
                head_relation
            } else {
                relation_to_new_head(&m.relation, m.sex, head_seen_from_other, head.sex)
            }
            .to_owned();
        }
        self.apply_relations(&mut joining, &plan.relations, &head.person_no)
            .await?;
        let codes: Vec<(String, String)> = joining
            .iter()
            .map(|m| (m.person_no.clone(), m.relation.clone()))
            .collect();
        let mut household = target.household.clone();
        let mut members = target.members.clone();
        members.extend(joining);
        household.current_size = members.len() as u16;
        let a = validated(household, members, target.incomes.clone())?;
        let mut shell = other.clone();
        shell.members.clear();
        shell.household.current_size = 0;

        let why = format!(
            "合户：户编号 {}（{}）并入户编号 {}（{reason}）",
            other.household.household_no,
            names(&other.members),
            target.household.household_no
        );
        let persons: Vec<&str> = other.members.iter().map(|m| m.person_no.as_str()).collect();
        let touched = vec![
            Touched {
                action: "household_merge",
                bundle: &a,
                after: json!({"merged_household_no": other.household.household_no, "persons": persons}),
            },
            Touched {
                action: "household_merge",
                bundle: &shell,
                after: json!({"merged_into": target.household.household_no, "persons": persons}),
            },
        ];
        let (tx, _) = self
            .upsert_or_refuse(tx, access, &why, &[], &[a.clone(), shell.clone()])
            .await?;
        self.commit_change(tx, access, &why, touched).await?;
        Ok(codes)
    }
}
