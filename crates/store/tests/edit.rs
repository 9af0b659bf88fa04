//! Editing households one at a time, on both engines.

use std::collections::BTreeMap;

use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::AreaCode;
use fangpin_domain::household::Person;
use fangpin_store::edit::{MergePlan, SplitPlan};
use fangpin_store::{Access, AuditFilter, HouseholdBundle, HouseholdFilter, Store, StoreError};

fangpin_store::dual_backend_tests!(
    create_update_and_remove_members_with_reasons,
    add_member_with_a_reason_and_refuse_a_duplicate_id,
    change_head_adjusts_relations_and_refuses_non_members,
    split_forms_a_new_household_and_refuses_taking_everyone,
    merge_joins_members_keeps_history_and_refuses_other_scopes,
    an_import_may_move_a_person_but_not_duplicate_one,
);

async fn create_update_and_remove_members_with_reasons(store: Store) {
    store.seed_reference().await.unwrap();
    let cfg = DemoConfig::fengdu(4, 30);
    let lay = layout(&cfg);
    let areas = lay.areas.clone();
    let bundles: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    let county = Access::system(AreaCode::parse("500230").unwrap());
    store
        .import_households(&county, "建档", &areas, &bundles[..20], false)
        .await
        .unwrap();

    // Create: a new household from the form.
    let b = bundles
        .iter()
        .skip(20)
        .find(|b| b.members.len() >= 3)
        .unwrap()
        .clone();
    let err = store
        .create_household(
            &county,
            b.household.clone(),
            b.members.clone(),
            b.incomes.clone(),
            " ",
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("变更原因"));
    let mut two_heads = b.members.clone();
    two_heads[1].relation = "01".into();
    let err = store
        .create_household(
            &county,
            b.household.clone(),
            two_heads,
            b.incomes.clone(),
            "新增",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let id = store
        .create_household(
            &county,
            b.household.clone(),
            b.members.clone(),
            b.incomes.clone(),
            "新识别农户建档",
        )
        .await
        .unwrap();
    let again = store
        .create_household(
            &county,
            b.household.clone(),
            b.members.clone(),
            b.incomes.clone(),
            "重复",
        )
        .await
        .unwrap_err();
    assert!(again.to_string().contains("户编号已存在"), "{again}");

    // A village operator elsewhere cannot touch it.
    let other_village = bundles[0].household.area;
    assert_ne!(other_village, b.household.area);
    let other = Access::system(other_village);
    assert!(matches!(
        store
            .update_household(
                &other,
                id,
                b.household.clone(),
                b.members.clone(),
                b.incomes.clone(),
                "x"
            )
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Update with a reason.
    let mut h = b.household.clone();
    h.is_military_family = !h.is_military_family;
    let changes = store
        .update_household(
            &county,
            id,
            h.clone(),
            b.members.clone(),
            b.incomes.clone(),
            "核实为军烈属",
        )
        .await
        .unwrap();
    assert_eq!(changes, vec!["is_military_family".to_owned()]);
    let mut renamed = h.clone();
    renamed.household_no = "X".into();
    assert!(
        store
            .update_household(
                &county,
                id,
                renamed,
                b.members.clone(),
                b.incomes.clone(),
                "改编号"
            )
            .await
            .is_err()
    );

    // 自然减少: not the head; a member leaves with a listed reason.
    let head_no = b.members[0].person_no.clone();
    let err = store
        .remove_member(&county, id, &head_no, "死亡", "")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("户主"), "{err}");
    let leaver = b.members.last().unwrap();
    assert!(
        store
            .remove_member(&county, id, &leaver.person_no, "去世", "")
            .await
            .is_err()
    );
    store
        .remove_member(&county, id, &leaver.person_no, "死亡", "2024年10月病故")
        .await
        .unwrap();
    let d = store.household(&county, id).await.unwrap();
    assert_eq!(d.members.len(), b.members.len() - 1);
    assert_eq!(d.household.current_size as usize, b.members.len() - 1);

    let history = store.household_history(&county, id).await.unwrap();
    assert_eq!(history.len(), 3, "created, corrected, member left");
    assert_eq!(history[1].reason, "核实为军烈属");
    assert!(
        history[2]
            .reason
            .starts_with(&format!("自然减少：{}（死亡）", leaver.name))
    );
    assert!(
        history[2]
            .changes
            .iter()
            .any(|c| c.path.ends_with("（减少）"))
    );
}

/// The demo county's first households, imported; returns them with their ids.
async fn registry(store: &Store, n: u32) -> (Access, Vec<(i64, HouseholdBundle)>) {
    store.seed_reference().await.unwrap();
    let cfg = DemoConfig::fengdu(7, n);
    let lay = layout(&cfg);
    let bundles: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    let county = Access::system(AreaCode::parse("500230").unwrap());
    store
        .import_households(&county, "建档", &lay.areas, &bundles, false)
        .await
        .unwrap();
    let mut out = Vec::new();
    for b in bundles {
        let id = store
            .household_by_no(&county, &b.household.household_no)
            .await
            .unwrap()
            .id;
        out.push((id, b));
    }
    (county, out)
}

/// Everything a refused change must leave as it was.
async fn snapshot(store: &Store, access: &Access, ids: &[i64]) -> (Vec<String>, u64, u64) {
    let mut states = Vec::new();
    for id in ids {
        let d = store.household(access, *id).await.unwrap();
        let versions = store.household_history(access, *id).await.unwrap().len();
        states.push(format!(
            "{}|{}",
            serde_json::to_string(&(d.household, d.members, d.incomes)).unwrap(),
            versions
        ));
    }
    // Reading the history is itself audited (read_household): count the
    // other entries.
    let (audit, _) = store
        .audit_search(&AuditFilter::default(), 0, 1)
        .await
        .unwrap();
    let reads = AuditFilter {
        action: Some("read_household".into()),
        ..Default::default()
    };
    let (read, _) = store.audit_search(&reads, 0, 1).await.unwrap();
    (states, audit - read, store.person_count().await.unwrap())
}

async fn audit_actions(store: &Store, action: &str) -> Vec<fangpin_store::AuditRecord> {
    let filter = AuditFilter {
        action: Some(action.into()),
        ..Default::default()
    };
    store.audit_search(&filter, 0, 50).await.unwrap().1
}

fn newborn(of: &HouseholdBundle, person_no: &str) -> Person {
    // A child born in 2024 in the household's county, with a valid check digit.
    let first17 = format!("{}20240315{:03}", &of.household.area.as_string()[..6], 517);
    let check = fangpin_domain::id_number::check_digit(first17.as_bytes()) as char;
    let id = fangpin_domain::IdNumber::parse(&format!("{first17}{check}")).unwrap();
    let mut p = Person::from_id(person_no, "新生儿甲", id, "40", "01");
    p.health = "1".into();
    p.labor_skill = "5".into();
    p
}

async fn add_member_with_a_reason_and_refuse_a_duplicate_id(store: Store) {
    let (county, hs) = registry(&store, 12).await;
    let (id, b) = &hs[0];
    let (other_id, other) = &hs[1];
    let before = snapshot(&store, &county, &[*id, *other_id]).await;

    // Refused: an ID number registered in another household, a bad reason,
    // a second 户主. Nothing changes.
    let mut dup = newborn(b, "");
    dup.id_number = other.members[0].id_number.clone();
    dup.sex = dup.id_number.sex();
    dup.birth_date = dup.id_number.birth_date();
    let err = store
        .add_member(&county, *id, dup, "其他迁入", "")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert!(
        err.to_string().contains(&other.household.household_no),
        "{err}"
    );
    let err = store
        .add_member(&county, *id, newborn(b, ""), "出生", "")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("新增原因"), "{err}");
    let mut head = newborn(b, "");
    head.relation = "01".into();
    let err = store
        .add_member(&county, *id, head, "新生儿", "")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("与户主关系"), "{err}");
    let err = store
        .add_member(
            &county,
            *id,
            newborn(b, &other.members[0].person_no),
            "新生儿",
            "",
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("人口编号已存在"), "{err}");
    assert_eq!(snapshot(&store, &county, &[*id, *other_id]).await, before);

    // Out of scope: not found.
    let elsewhere = hs
        .iter()
        .find(|(_, x)| x.household.area != b.household.area)
        .unwrap();
    let village = Access::system(elsewhere.1.household.area);
    assert!(matches!(
        store
            .add_member(&village, *id, newborn(b, ""), "新生儿", "")
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Success: the next 人口编号, size, a version and an audit entry.
    let no = store
        .add_member(&county, *id, newborn(b, ""), "新生儿", "2024年3月出生")
        .await
        .unwrap();
    assert!(no.starts_with(&b.household.household_no), "{no}");
    let d = store.household(&county, *id).await.unwrap();
    assert_eq!(d.members.len(), b.members.len() + 1);
    assert_eq!(d.household.current_size as usize, b.members.len() + 1);
    assert!(
        d.members
            .iter()
            .any(|m| m.person_no == no && m.relation == "40")
    );
    let history = store.household_history(&county, *id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[1].reason,
        "新增成员：新生儿甲（新生儿）2024年3月出生"
    );
    assert_eq!(history[1].actor, "system");
    assert!(
        history[1]
            .changes
            .iter()
            .any(|c| c.path.ends_with("（新增）"))
    );
    let audit = audit_actions(&store, "member_add").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(
        audit[0].entity_key.as_deref(),
        Some(b.household.household_no.as_str())
    );
}

async fn change_head_adjusts_relations_and_refuses_non_members(store: Store) {
    let (county, hs) = registry(&store, 60).await;
    // A household with the head's spouse and a son.
    let (id, b) = hs
        .iter()
        .find(|(_, b)| {
            b.members.iter().any(|m| m.relation == "10")
                && b.members
                    .iter()
                    .any(|m| m.relation == "20" && m.sex == fangpin_domain::Sex::Male)
        })
        .expect("a household with spouse and son");
    let old_head = b.members.iter().find(|m| m.relation == "01").unwrap();
    let spouse = b.members.iter().find(|m| m.relation == "10").unwrap();
    let son = b
        .members
        .iter()
        .find(|m| m.relation == "20" && m.sex == fangpin_domain::Sex::Male)
        .unwrap();
    let (other_id, other) = hs.iter().find(|(x, _)| x != id).unwrap();
    let before = snapshot(&store, &county, &[*id]).await;

    // Refused: a person of another household, the head himself, no reason,
    // a bad override. Nothing changes.
    let none = BTreeMap::new();
    let err = store
        .change_head(
            &county,
            *id,
            &other.members[0].person_no,
            &none,
            "原户主去世",
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("不是本户现有成员"), "{err}");
    let err = store
        .change_head(&county, *id, &old_head.person_no, &none, "x")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("已是本户户主"), "{err}");
    let err = store
        .change_head(&county, *id, &son.person_no, &none, "  ")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("变更原因"), "{err}");
    let bad: BTreeMap<String, String> = [(spouse.person_no.clone(), "77".into())].into();
    let err = store
        .change_head(&county, *id, &son.person_no, &bad, "原户主去世")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("代码无效"), "{err}");
    assert!(matches!(
        store
            .change_head(&county, *other_id + 100_000, &son.person_no, &none, "x")
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(snapshot(&store, &county, &[*id]).await, before);

    // Success: the son becomes 户主; his parents become 父母.
    let codes = store
        .change_head(
            &county,
            *id,
            &son.person_no,
            &none,
            "原户主年迈，由儿子任户主",
        )
        .await
        .unwrap();
    let code_of = |no: &str| codes.iter().find(|(p, _)| p == no).unwrap().1.clone();
    assert_eq!(code_of(&son.person_no), "01");
    assert_eq!(code_of(&old_head.person_no), "50");
    assert_eq!(code_of(&spouse.person_no), "50");
    let d = store.household(&county, *id).await.unwrap();
    assert_eq!(d.household.head_name, son.name);
    assert_eq!(d.household.head_id, son.id_number);
    assert_eq!(d.members.len(), b.members.len());
    assert_eq!(d.household.current_size as usize, b.members.len());
    assert_eq!(d.members.iter().filter(|m| m.relation == "01").count(), 1);
    let history = store.household_history(&county, *id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(
        history[1]
            .reason
            .starts_with(&format!("户主变更：{} → {}", old_head.name, son.name))
    );
    assert!(history[1].changes.iter().any(|c| c.path == "户.head_name"));
    assert_eq!(audit_actions(&store, "head_change").await.len(), 1);
}

async fn split_forms_a_new_household_and_refuses_taking_everyone(store: Store) {
    let (county, hs) = registry(&store, 60).await;
    let (id, b) = hs.iter().find(|(_, b)| b.members.len() >= 4).unwrap();
    let head = b.members.iter().find(|m| m.relation == "01").unwrap();
    let leaving: Vec<&Person> = b
        .members
        .iter()
        .filter(|m| m.relation != "01")
        .take(2)
        .collect();
    let households = store.household_count().await.unwrap();
    let before = snapshot(&store, &county, &[*id]).await;

    // Refused: every member (the head cannot leave), nobody, a head who
    // does not leave, a taken 户编号, no reason. Nothing changes.
    let every = SplitPlan {
        members: b.members.iter().map(|m| m.person_no.clone()).collect(),
        head: leaving[0].person_no.clone(),
        reason: "子女成家分户".into(),
        ..Default::default()
    };
    let err = store
        .split_household(&county, *id, &every)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("原户主"), "{err}");
    let plan = SplitPlan {
        members: leaving.iter().map(|m| m.person_no.clone()).collect(),
        head: leaving[0].person_no.clone(),
        reason: "子女成家分户".into(),
        ..Default::default()
    };
    for (broken, expect) in [
        (
            SplitPlan {
                members: vec![],
                ..plan.clone()
            },
            "分出成员",
        ),
        (
            SplitPlan {
                head: head.person_no.clone(),
                ..plan.clone()
            },
            "新户户主",
        ),
        (
            SplitPlan {
                household_no: Some(hs[1].1.household.household_no.clone()),
                ..plan.clone()
            },
            "新户编号已存在",
        ),
        (
            SplitPlan {
                reason: String::new(),
                ..plan.clone()
            },
            "变更原因",
        ),
    ] {
        let err = store
            .split_household(&county, *id, &broken)
            .await
            .unwrap_err();
        assert!(err.to_string().contains(expect), "{expect}: {err}");
    }
    assert_eq!(snapshot(&store, &county, &[*id]).await, before);
    assert_eq!(store.household_count().await.unwrap(), households);

    // Success.
    let (new_id, new_no) = store.split_household(&county, *id, &plan).await.unwrap();
    assert_ne!(new_no, b.household.household_no);
    assert_eq!(new_no.len(), b.household.household_no.len());
    let a = store.household(&county, *id).await.unwrap();
    assert_eq!(a.members.len(), b.members.len() - 2);
    assert_eq!(a.household.current_size as usize, b.members.len() - 2);
    assert_eq!(a.household.head_id, head.id_number);
    let n = store.household(&county, new_id).await.unwrap();
    assert_eq!(n.household.household_no, new_no);
    assert_eq!(n.household.area, b.household.area);
    assert_eq!(n.household.group_no, b.household.group_no);
    assert_eq!(n.household.head_id, leaving[0].id_number);
    assert_eq!(n.household.current_size, 2);
    let mut moved: Vec<&str> = n.members.iter().map(|m| m.person_no.as_str()).collect();
    moved.sort_unstable();
    let mut expected: Vec<&str> = leaving.iter().map(|m| m.person_no.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(moved, expected, "人口编号 stay with the person");
    assert_eq!(
        n.members
            .iter()
            .find(|m| m.relation == "01")
            .unwrap()
            .person_no,
        leaving[0].person_no
    );
    assert_eq!(store.household_count().await.unwrap(), households + 1);
    let ha = store.household_history(&county, *id).await.unwrap();
    let hb = store.household_history(&county, new_id).await.unwrap();
    assert_eq!(ha.len(), 2);
    assert!(ha[1].reason.starts_with("分户："), "{}", ha[1].reason);
    assert!(ha[1].reason.contains(&new_no));
    assert_eq!(hb.len(), 1);
    assert_eq!(hb[0].actor, "system");
    assert_eq!(hb[0].reason, ha[1].reason);
    let audit = audit_actions(&store, "household_split").await;
    let mut keys: Vec<String> = audit.iter().filter_map(|a| a.entity_key.clone()).collect();
    keys.sort();
    let mut want = vec![b.household.household_no.clone(), new_no.clone()];
    want.sort();
    assert_eq!(keys, want);
}

async fn merge_joins_members_keeps_history_and_refuses_other_scopes(store: Store) {
    let (county, hs) = registry(&store, 60).await;
    let ((id, a), (other_id, b)) = hs
        .iter()
        .enumerate()
        .find_map(|(i, x)| {
            hs[i + 1..]
                .iter()
                .find(|y| y.1.household.area.parent() == x.1.household.area.parent())
                .map(|y| (x, y))
        })
        .expect("two households in one township");
    let township = a.household.area.parent().unwrap();
    let (far_id, _) = hs
        .iter()
        .find(|(_, x)| !township.contains(&x.household.area))
        .unwrap();
    let scoped = Access::system(township);
    let before = snapshot(&store, &county, &[*id, *other_id, *far_id]).await;

    // Refused: a household outside the caller's village (not found), itself,
    // no reason, the 户主 code for the other head. Nothing changes.
    let plan = MergePlan {
        other: *far_id,
        reason: "老人随子女生活".into(),
        ..Default::default()
    };
    assert!(matches!(
        store.merge_households(&scoped, *id, &plan).await,
        Err(StoreError::NotFound(_))
    ));
    for (broken, expect) in [
        (
            MergePlan {
                other: *id,
                ..plan.clone()
            },
            "本户自身",
        ),
        (
            MergePlan {
                other: *other_id,
                reason: " ".into(),
                ..plan.clone()
            },
            "变更原因",
        ),
        (
            MergePlan {
                other: *other_id,
                head_relation: Some("01".into()),
                ..plan.clone()
            },
            "只能有一名户主",
        ),
    ] {
        let err = store
            .merge_households(&scoped, *id, &broken)
            .await
            .unwrap_err();
        assert!(err.to_string().contains(expect), "{expect}: {err}");
    }
    assert_eq!(
        snapshot(&store, &county, &[*id, *other_id, *far_id]).await,
        before
    );

    // Success: B's head is A's head's 父母.
    let codes = store
        .merge_households(
            &scoped,
            *id,
            &MergePlan {
                other: *other_id,
                head_relation: Some("50".into()),
                reason: "老人随子女生活".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(codes.len(), b.members.len());
    let b_head = b.members.iter().find(|m| m.relation == "01").unwrap();
    assert!(codes.contains(&(b_head.person_no.clone(), "50".into())));
    let d = store.household(&county, *id).await.unwrap();
    assert_eq!(d.members.len(), a.members.len() + b.members.len());
    assert_eq!(d.household.current_size as usize, d.members.len());
    assert_eq!(d.household.head_id, a.household.head_id);

    // B leaves the current registry; its history stays readable.
    let gone = store.household(&county, *other_id).await.unwrap();
    assert!(gone.members.is_empty());
    assert_eq!(gone.household.current_size, 0);
    let (_, list) = store
        .household_page(
            &county,
            &HouseholdFilter {
                q: Some(b.household.household_no.clone()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert!(list.is_empty(), "a merged household is not listed");
    let hb = store.household_history(&county, *other_id).await.unwrap();
    assert_eq!(hb.len(), 2);
    assert!(hb[1].reason.starts_with("合户："), "{}", hb[1].reason);
    let (_, first) = store
        .household_as_of(&county, *other_id, hb[0].valid_from)
        .await
        .unwrap();
    assert_eq!(first.members.len(), b.members.len());
    assert_eq!(
        store.household_history(&county, *id).await.unwrap().len(),
        2
    );
    assert_eq!(audit_actions(&store, "household_merge").await.len(), 2);
    // A merged household cannot be changed any more.
    let err = store
        .merge_households(
            &scoped,
            *id,
            &MergePlan {
                other: *other_id,
                reason: "再次".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("已合户"), "{err}");
    let err = store
        .update_household(
            &county,
            *other_id,
            b.household.clone(),
            b.members.clone(),
            vec![],
            "恢复",
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("已合户"), "{err}");
    let summary = store
        .area_summary(&county, &b.household.area.as_string())
        .await
        .unwrap();
    let (total, _) = store
        .household_page(
            &county,
            &HouseholdFilter {
                area: Some(b.household.area),
                ..Default::default()
            },
            0,
            1,
        )
        .await
        .unwrap();
    assert_eq!(
        summary.households as u64, total,
        "counts leave the shell out"
    );
}

async fn an_import_may_move_a_person_but_not_duplicate_one(store: Store) {
    let (county, hs) = registry(&store, 30).await;
    let (_, a) = hs.iter().find(|(_, b)| b.members.len() >= 2).unwrap();
    let (_, b) = hs
        .iter()
        .find(|(_, x)| x.household.household_no != a.household.household_no)
        .unwrap();
    let mover = a.members.iter().find(|m| m.relation != "01").unwrap();

    // Claimed by both households of one batch: refused.
    let mut b2 = b.clone();
    let mut joined = mover.clone();
    joined.relation = "99".into();
    b2.members.push(joined);
    b2.household.current_size += 1;
    let err = store
        .import_households(&county, "两户同一人", &[], &[a.clone(), b2.clone()], false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("证件号码"), "{err}");
    // Claimed by another household while still stored in A: refused.
    let err = store
        .import_households(&county, "未减员", &[], std::slice::from_ref(&b2), false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&a.household.household_no), "{err}");

    // Moved: leaves A and joins B in the same batch.
    let mut a2 = a.clone();
    a2.members.retain(|m| m.person_no != mover.person_no);
    a2.household.current_size -= 1;
    let summary = store
        .import_households(&county, "迁移", &[], &[a2, b2], false)
        .await
        .unwrap();
    assert_eq!(summary.changed.len(), 2);
    let d = store
        .household_by_no(&county, &b.household.household_no)
        .await
        .unwrap();
    assert!(d.members.iter().any(|m| m.id_number == mover.id_number));
}
