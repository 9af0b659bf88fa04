//! Store behaviour on both engines: every test below runs twice, as
//! `sqlite::<name>` and `postgres::<name>`, each on its own fresh database.

use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::policy::{Confidence, ParamDef, ParamValue, keys};
use fangpin_domain::{AreaCode, Money};
use fangpin_store::areas::NodeLevel;
use fangpin_store::{
    Access, Actor, AreaTreeNode, AuditFilter, HouseholdBundle, HouseholdFilter, MasterKey, Store,
    StoreError,
};
use sea_orm::ConnectionTrait;

fangpin_store::dual_backend_tests!(
    migrations_are_recorded_and_rerunnable,
    reference_seeding_is_idempotent_and_keeps_edits,
    monitoring_line_resolves_from_stored_parameters,
    demo_households_round_trip,
    area_tree_counts_add_up,
    area_summary_breaks_down_categories,
    failed_batch_leaves_nothing_behind,
    households_page_by_area,
    unknown_area_is_refused_by_foreign_key,
    id_numbers_are_encrypted_at_rest,
    audit_log_is_append_only,
    writes_leave_audit_entries,
    a_local_line_below_the_national_one_warns,
);

fn actor() -> Actor {
    Actor::system("测试")
}

fn county() -> AreaCode {
    AreaCode::parse("500230").unwrap()
}

fn sys() -> Access {
    Access::system(county())
}

async fn seeded(store: &Store) {
    store.seed_reference().await.expect("seed reference data");
}

/// Stores the layout and the first `n` households of a small demo county.
async fn load_demo(store: &Store, n: u32) -> (DemoConfig, Vec<HouseholdBundle>) {
    seeded(store).await;
    let cfg = DemoConfig::fengdu(11, n);
    let lay = layout(&cfg);
    let areas = lay.areas.clone();
    store.insert_areas(&actor(), &areas).await.unwrap();
    store
        .insert_village_groups(&actor(), &lay.groups)
        .await
        .unwrap();
    let bundles: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    store
        .insert_households(&sys(), "测试", &bundles)
        .await
        .unwrap();
    (cfg, bundles)
}

async fn migrations_are_recorded_and_rerunnable(store: Store) {
    use sea_orm_migration::MigratorTrait;
    let applied = store.applied_migrations().await.unwrap();
    let known: Vec<String> = fangpin_store::migration::Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    assert_eq!(applied, known, "every migration is applied, in order");
    assert_eq!(applied[0], "m20261123_000001_foundation");
    assert!(applied.windows(2).all(|w| w[0] < w[1]), "versions increase");
    store
        .migrate()
        .await
        .expect("a second run applies nothing and succeeds");
    assert_eq!(store.applied_migrations().await.unwrap(), known);
}

async fn reference_seeding_is_idempotent_and_keeps_edits(store: Store) {
    seeded(&store).await;
    let relations = store.code_items("relation").await.unwrap();
    assert!(
        relations
            .iter()
            .any(|(c, l)| c == "01" && l.contains("户主"))
    );
    let categories = store.code_items("monitor_category").await.unwrap();
    assert_eq!(categories.len(), 3);
    // The national system's words are stored beside the lists.
    let synonyms = store.code_synonyms("relation").await.unwrap();
    for (word, code) in [("之女婿", "20"), ("之外孙女", "40"), ("之婆婆", "50")] {
        assert!(
            synonyms.iter().any(|(w, c)| w == word && c == code),
            "{word} → {code}: {synonyms:?}"
        );
    }
    let education = store.code_synonyms("education").await.unwrap();
    assert!(education.contains(&("高中".to_string(), "50".to_string())));

    // An administrator corrects 丰都 2024; a later seeding must not undo it.
    let fengdu = AreaCode::parse("500230").unwrap();
    let edited = ParamDef {
        key: keys::MONITORING_LINE.to_owned(),
        scope: Some(fengdu),
        year: 2024,
        value: ParamValue::Money(Money::from_yuan(8_400)),
        confidence: Confidence::Confirmed,
        note: "县文件核实后更正".to_owned(),
    };
    store.insert_param(&actor(), &edited, true).await.unwrap();
    seeded(&store).await;
    let policy = store.policy_set().await.unwrap();
    let (line, def) = policy.monitoring_line(&fengdu, 2024).unwrap();
    assert_eq!(line, Money::from_yuan(8_400));
    assert_eq!(def.note, "县文件核实后更正");
    assert_eq!(store.code_items("relation").await.unwrap(), relations);
    assert_eq!(
        store.code_synonyms("relation").await.unwrap(),
        synonyms,
        "seeding again adds no word twice"
    );
}

async fn monitoring_line_resolves_from_stored_parameters(store: Store) {
    seeded(&store).await;
    let policy = store.policy_set().await.unwrap();
    let village = AreaCode::parse("500230101201").unwrap();
    let (line, def) = policy.monitoring_line(&village, 2024).unwrap();
    assert_eq!(
        line,
        Money::from_yuan(8_300),
        "丰都县 2024 comes from the county"
    );
    assert_eq!(def.scope, Some(AreaCode::parse("500230").unwrap()));
    let other = AreaCode::parse("500101001001").unwrap();
    assert_eq!(
        policy.monitoring_line(&other, 2024).unwrap().0,
        Money::from_yuan(7_200),
        "another 重庆 county falls back to the national value"
    );
    let err = policy.monitoring_line(&village, 2019).unwrap_err();
    assert!(err.to_string().contains("2019"), "{err}");
    let defs = store.params_for_key(keys::MONITORING_LINE).await.unwrap();
    assert!(defs.iter().any(|d| d.confidence == Confidence::Unconfirmed));
}

async fn demo_households_round_trip(store: Store) {
    let (_, bundles) = load_demo(&store, 120).await;
    assert_eq!(store.household_count().await.unwrap(), 120);
    let persons: usize = bundles.iter().map(|b| b.members.len()).sum();
    assert_eq!(store.person_count().await.unwrap(), persons as u64);
    for b in bundles.iter().step_by(17) {
        let back = store
            .household_by_no(&sys(), &b.household.household_no)
            .await
            .unwrap();
        assert_eq!(back.household, b.household);
        assert_eq!(back.members, b.members);
        assert_eq!(back.incomes, b.incomes);
    }
    // A second load continues the id sequence instead of colliding.
    let more = {
        let cfg = DemoConfig::fengdu(12, 3);
        let lay = layout(&cfg);
        fangpin_demo::households(&cfg, &lay)
            .map(|g| {
                let mut h = g.household;
                h.household_no = format!("X{}", h.household_no);
                let members = g
                    .members
                    .into_iter()
                    .map(|mut p| {
                        p.person_no = format!("X{}", p.person_no);
                        p
                    })
                    .collect();
                HouseholdBundle {
                    household: h,
                    members,
                    incomes: vec![g.income],
                }
            })
            .collect::<Vec<_>>()
    };
    store
        .insert_households(&sys(), "测试", &more)
        .await
        .unwrap();
    assert_eq!(store.household_count().await.unwrap(), 123);
}

fn check_sums(node: &AreaTreeNode) {
    if node.children.is_empty() {
        return;
    }
    let hh: i64 = node.children.iter().map(|c| c.households).sum();
    let persons: i64 = node.children.iter().map(|c| c.persons).sum();
    let monitored: i64 = node.children.iter().map(|c| c.monitored_households).sum();
    assert_eq!(
        hh, node.households,
        "households of {} ({})",
        node.name, node.code
    );
    assert_eq!(persons, node.persons, "persons of {}", node.name);
    assert_eq!(
        monitored, node.monitored_households,
        "monitored of {}",
        node.name
    );
    node.children.iter().for_each(check_sums);
}

async fn area_tree_counts_add_up(store: Store) {
    let (cfg, bundles) = load_demo(&store, 400).await;
    let tree = store.area_tree(&sys()).await.unwrap().expect("a tree");
    assert_eq!(tree.code, cfg.county.as_string());
    assert_eq!(tree.level, NodeLevel::County);
    assert_eq!(tree.households, 400);
    assert_eq!(tree.persons as u64, store.person_count().await.unwrap());
    let poverty = bundles
        .iter()
        .filter(|b| b.household.household_type == "1")
        .count();
    assert_eq!(tree.poverty_households, poverty as i64);
    check_sums(&tree);
    let township = &tree.children[0];
    assert_eq!(township.level, NodeLevel::Township);
    let village = &township.children[0];
    assert_eq!(village.level, NodeLevel::Village);
    assert!(
        village
            .children
            .iter()
            .all(|g| g.level == NodeLevel::Group && g.code.starts_with(&village.code))
    );
}

async fn area_summary_breaks_down_categories(store: Store) {
    let (cfg, bundles) = load_demo(&store, 400).await;
    let s = store
        .area_summary(&sys(), &cfg.county.as_string())
        .await
        .unwrap();
    let by_cat: i64 = s.by_category.iter().map(|b| b.households).sum();
    assert_eq!(by_cat, s.monitored_households);
    let expected = bundles
        .iter()
        .filter(|b| b.household.monitor_category.is_some())
        .count();
    assert_eq!(s.monitored_households, expected as i64);
    assert_eq!(s.by_category[0].label, "脱贫不稳定户");
    let by_type: i64 = s.by_household_type.iter().map(|b| b.households).sum();
    assert_eq!(by_type, 400);
    assert!(s.children.iter().all(|c| c.children.is_empty()));

    // A group key summarises just that 村民小组.
    let village = &s.children[0].code;
    let village_summary = store.area_summary(&sys(), village).await.unwrap();
    let group = &village_summary.children[0];
    let g = store.area_summary(&sys(), &group.code).await.unwrap();
    assert_eq!(g.households, group.households);
    assert_eq!(
        g.by_household_type
            .iter()
            .map(|b| b.households)
            .sum::<i64>(),
        group.households
    );

    match store.area_summary(&sys(), "500230999999").await {
        Err(StoreError::NotFound(m)) => assert!(m.contains("区划不存在")),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

async fn failed_batch_leaves_nothing_behind(store: Store) {
    let (_, bundles) = load_demo(&store, 30).await;
    // The second household reuses a member ID number already stored: the
    // whole batch must be refused and nothing of it saved.
    let cfg = DemoConfig::fengdu(99, 5);
    let lay = layout(&cfg);
    let mut fresh: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(|g| HouseholdBundle {
            household: {
                let mut h = g.household;
                h.household_no = format!("N{}", h.household_no);
                h
            },
            members: g
                .members
                .into_iter()
                .map(|mut p| {
                    p.person_no = format!("N{}", p.person_no);
                    p
                })
                .collect(),
            incomes: vec![g.income],
        })
        .collect();
    fresh[1].members[0].id_number = bundles[0].members[0].id_number.clone();
    let before_p = store.person_count().await.unwrap();
    assert!(
        store
            .insert_households(&sys(), "测试", &fresh)
            .await
            .is_err()
    );
    assert_eq!(store.household_count().await.unwrap(), 30);
    assert_eq!(store.person_count().await.unwrap(), before_p);
}

async fn households_page_by_area(store: Store) {
    let (_, bundles) = load_demo(&store, 200).await;
    let village = bundles[0].household.area;
    let in_village = bundles
        .iter()
        .filter(|b| b.household.area == village)
        .count() as u64;
    let by_area = |a: AreaCode| HouseholdFilter {
        area: Some(a),
        ..Default::default()
    };
    let (total, first) = store
        .household_page(&sys(), &by_area(village), 0, 3)
        .await
        .unwrap();
    assert_eq!(total, in_village);
    assert!(first.len() as u64 <= 3);
    assert!(first.iter().all(|i| i.household.area == village));
    let township = village.parent().unwrap();
    let (t_total, _) = store
        .household_page(&sys(), &by_area(township), 0, 1)
        .await
        .unwrap();
    assert!(t_total >= in_village);
    let (all, page) = store
        .household_page(&sys(), &HouseholdFilter::default(), 195, 10)
        .await
        .unwrap();
    assert_eq!(all, 200);
    assert_eq!(page.len(), 5);
}

async fn unknown_area_is_refused_by_foreign_key(store: Store) {
    let (_, bundles) = load_demo(&store, 2).await;
    let mut b = bundles[0].clone();
    b.household.household_no = "ORPHAN".into();
    b.household.area = AreaCode::parse("500230888888").unwrap();
    b.members.clear();
    b.incomes.clear();
    assert!(store.insert_households(&sys(), "测试", &[b]).await.is_err());
    // SQLite must actually run in WAL mode with foreign keys on.
    if store.engine() == fangpin_store::Engine::Sqlite {
        let row = store
            .connection()
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "PRAGMA journal_mode",
            ))
            .await
            .unwrap()
            .unwrap();
        let mode: String = row.try_get_by_index(0).unwrap();
        assert_eq!(mode.to_lowercase(), "wal");
    }
}

async fn id_numbers_are_encrypted_at_rest(store: Store) {
    let (_, bundles) = load_demo(&store, 20).await;
    let rows = store
        .connection()
        .query_all_raw(sea_orm::Statement::from_string(
            store.connection().get_database_backend(),
            "SELECT p.id_enc, p.id_hash, h.head_id_enc, h.bank_account_enc FROM person p \
             JOIN household h ON h.id = p.household_id",
        ))
        .await
        .unwrap();
    let dump: String = rows
        .iter()
        .map(|r| {
            let a: String = r.try_get("", "id_enc").unwrap();
            let b: String = r.try_get("", "head_id_enc").unwrap();
            let c: Option<String> = r.try_get("", "bank_account_enc").unwrap();
            format!("{a}|{b}|{}", c.unwrap_or_default())
        })
        .collect();
    for b in &bundles {
        assert!(
            !dump.contains(b.household.head_id.as_str()),
            "no plaintext ID at rest"
        );
        if let Some(acct) = &b.household.bank_account {
            assert!(
                !dump.contains(acct.as_str()),
                "no plaintext bank account at rest"
            );
        }
        for m in &b.members {
            assert!(
                !dump.contains(&m.id_number.as_str()[6..14]),
                "not even the birth date"
            );
        }
    }
    // The keyed hash finds a person without decrypting anything.
    let wanted = &bundles[3].members[0].id_number;
    let hash = store.cipher().lookup_hash(wanted.as_str());
    let hits: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "id_hash").unwrap())
        .filter(|h| *h == hash)
        .collect();
    assert_eq!(hits.len(), 1);
}

async fn audit_log_is_append_only(store: Store) {
    load_demo(&store, 3).await;
    let (before, _) = store
        .audit_search(&AuditFilter::default(), 0, 1)
        .await
        .unwrap();
    assert!(before > 0);
    let conn = store.connection();
    let mut attempts = vec![
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ];
    if store.engine() == fangpin_store::Engine::Postgres {
        attempts.push("TRUNCATE audit_log");
    }
    for sql in attempts {
        let err = conn.execute_unprepared(sql).await.expect_err(sql);
        assert!(
            err.to_string().contains("审计日志只允许追加"),
            "{sql}: {err}"
        );
    }
    let (after, items) = store
        .audit_search(&AuditFilter::default(), 0, 500)
        .await
        .unwrap();
    assert_eq!(after, before);
    assert!(items.iter().all(|i| i.actor != "x"));
}

async fn writes_leave_audit_entries(store: Store) {
    let (_, bundles) = load_demo(&store, 12).await;
    let filter = AuditFilter {
        entity: Some("household".into()),
        action: Some("bulk_insert".into()),
        ..Default::default()
    };
    let (n, items) = store.audit_search(&filter, 0, 10).await.unwrap();
    assert_eq!(n, 1);
    let e = &items[0];
    assert_eq!(e.actor, "system");
    assert_eq!(e.role, "系统");
    assert_eq!(e.note.as_deref(), Some("测试"));
    let after = e.after.as_ref().unwrap();
    assert_eq!(after["households"], 12);
    assert_eq!(
        after["first_household_no"],
        bundles[0].household.household_no.as_str()
    );

    store
        .set_setting(&actor(), "county_name", "丰都县")
        .await
        .unwrap();
    store
        .set_setting(&actor(), "county_name", "丰都县（演示）")
        .await
        .unwrap();
    store
        .set_setting(&actor(), "county_name", "丰都县（演示）")
        .await
        .unwrap();
    let (n, items) = store
        .audit_search(
            &AuditFilter {
                entity: Some("setting".into()),
                entity_key: Some("county_name".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(n, 2, "an unchanged value is not a write");
    assert_eq!(items[0].action, "update");
    assert_eq!(items[0].before.as_ref().unwrap(), "丰都县");
    assert_eq!(items[0].after.as_ref().unwrap(), "丰都县（演示）");
    assert!(items[0].at >= items[1].at);

    // Entries about households can be found by area.
    let township = bundles[0].household.area.parent().unwrap();
    let village_only = bundles
        .iter()
        .all(|b| b.household.area == bundles[0].household.area);
    let (n, _) = store
        .audit_search(
            &AuditFilter {
                area: Some(township),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(n, u64::from(village_only));
}

/// Opening a database with another key than the one it was created with is
/// refused, on both engines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_wrong_key_is_refused() {
    let path = std::env::temp_dir().join(format!("fangpin_keycheck_{}.db", std::process::id()));
    let url = format!("sqlite:{}", path.display());
    let key = MasterKey::generate().unwrap();
    let store = Store::open(&url, &key).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await.unwrap();
    let other = Store::open(&url, &MasterKey::generate().unwrap())
        .await
        .unwrap();
    let err = other.migrate().await.unwrap_err();
    assert!(matches!(err, StoreError::WrongKey));
    assert!(err.to_string().contains("密钥"));
    other.close().await.unwrap();
    let again = Store::open(&url, &key).await.unwrap();
    again.migrate().await.expect("the right key still opens it");
    again.close().await.unwrap();
    for s in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{s}", path.display())).ok();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_wrong_key_is_refused() {
    let db = fangpin_store::testing::TestDb::postgres().await;
    let other = db
        .reopen(&MasterKey::generate().unwrap())
        .await
        .expect("connect to the same schema");
    assert!(matches!(other.migrate().await, Err(StoreError::WrongKey)));
    other.close().await.unwrap();
    db.cleanup().await;
}

async fn a_local_line_below_the_national_one_warns(store: Store) {
    seeded(&store).await;
    // policy.md §2.1: provinces may not go below the national baseline [U].
    // A county line under the national 2024 value is accepted, with a warning
    // naming the baseline; the parameter list keeps showing it.
    let other = AreaCode::parse("500231").unwrap();
    let low = ParamDef {
        key: keys::MONITORING_LINE.to_owned(),
        scope: Some(other),
        year: 2024,
        value: ParamValue::Money(Money::from_yuan(7_000)),
        confidence: Confidence::Local,
        note: "县级录入".to_owned(),
    };
    let warnings = store.insert_param(&actor(), &low, false).await.unwrap();
    assert_eq!(
        warnings,
        vec![
            "500231000000的2024年监测范围7000.00元低于全国2024年基准7200.00元（全国参数未证实：广泛报道，未找到原始文件）"
                .to_string()
        ]
    );
    let policy = store.policy_set().await.unwrap();
    assert_eq!(
        policy.monitoring_line(&other, 2024).unwrap().0,
        Money::from_yuan(7_000)
    );
    assert_eq!(
        store.param_warnings(keys::MONITORING_LINE).await.unwrap(),
        warnings
    );
    assert!(
        store
            .param_warnings(keys::SUDDEN_DROP_PCT)
            .await
            .unwrap()
            .is_empty()
    );
    // Raised to the baseline: no warning, and none listed.
    let level = ParamDef {
        value: ParamValue::Money(Money::from_yuan(7_200)),
        ..low
    };
    assert!(
        store
            .insert_param(&actor(), &level, true)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .param_warnings(keys::MONITORING_LINE)
            .await
            .unwrap()
            .is_empty()
    );
}
