//! Users, sessions, throttling and area scope on both engines.

use chrono::{Duration, Utc};
use fangpin_demo::{DemoConfig, layout};
use fangpin_domain::AreaCode;
use fangpin_store::{
    Access, Actor, AuditFilter, HouseholdBundle, HouseholdFilter, LoginOutcome, NewUser, Store,
    StoreError,
};

fangpin_store::dual_backend_tests!(
    login_opens_a_session_and_failures_lock_the_account,
    scope_limits_every_household_read,
    roles_without_household_access_are_refused,
    full_ids_are_revealed_only_with_permission_and_audited,
    writes_outside_scope_are_refused,
    password_change_follows_policy_and_closes_other_sessions,
    demo_users_must_change_password_outside_demo_mode,
    api_tokens_authenticate_machine_clients,
);

const PW: &str = "Abcdefg123";

struct Fixture {
    bundles: Vec<HouseholdBundle>,
    village: AreaCode,
    other_village: AreaCode,
}

async fn fixture(store: &Store) -> Fixture {
    store.seed_reference().await.unwrap();
    let cfg = DemoConfig::fengdu(3, 300);
    let lay = layout(&cfg);
    let areas = lay.areas.clone();
    let actor = Actor::system("测试");
    store.insert_areas(&actor, &areas).await.unwrap();
    store
        .insert_village_groups(&actor, &lay.groups)
        .await
        .unwrap();
    let bundles: Vec<HouseholdBundle> = fangpin_demo::households(&cfg, &lay)
        .map(fangpin_demo::GeneratedHousehold::into_bundle)
        .collect();
    store
        .insert_households(&Access::system(cfg.county), "测试", &bundles)
        .await
        .unwrap();
    let village = bundles[0].household.area;
    let other_village = bundles
        .iter()
        .map(|b| b.household.area)
        .find(|a| *a != village)
        .unwrap();
    Fixture {
        bundles,
        village,
        other_village,
    }
}

async fn add_user(store: &Store, username: &str, role: &str, area: AreaCode) -> i64 {
    store
        .create_user(
            &Actor::system("测试"),
            &NewUser {
                username: username.into(),
                display_name: format!("{username}用户"),
                password: PW.into(),
                role: role.into(),
                area,
                department: None,
                must_change_password: false,
                demo_seeded: false,
            },
        )
        .await
        .unwrap()
}

async fn access_of(store: &Store, username: &str) -> Access {
    store
        .user_by_username(username)
        .await
        .unwrap()
        .unwrap()
        .access(None)
        .unwrap()
}

async fn login_ok(store: &Store, username: &str, password: &str) -> (String, String) {
    match store
        .login(username, password, None, Utc::now(), false)
        .await
        .unwrap()
    {
        LoginOutcome::Ok {
            session_token,
            csrf_token,
            ..
        } => (session_token, csrf_token),
        other => panic!("login of {username} failed: {other:?}"),
    }
}

async fn login_opens_a_session_and_failures_lock_the_account(store: Store) {
    let f = fixture(&store).await;
    add_user(&store, "cun1", "village_operator", f.village).await;
    let (token, csrf) = login_ok(&store, "cun1", PW).await;
    let (user, got_csrf) = store
        .session_user(&token, Utc::now(), false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.username, "cun1");
    assert_eq!(user.role_name, "村级/驻村工作队");
    assert_eq!(user.area.code, f.village.as_string());
    assert!(user.permissions.contains(&"household.read".to_owned()));
    assert_eq!(got_csrf, csrf);
    assert!(
        store
            .session_user("forged", Utc::now(), false)
            .await
            .unwrap()
            .is_none()
    );
    let later = Utc::now() + Duration::hours(13);
    assert!(
        store
            .session_user(&token, later, false)
            .await
            .unwrap()
            .is_none(),
        "sessions expire"
    );

    let now = Utc::now();
    for i in 1..=4 {
        let r = store
            .login("cun1", "wrong", None, now, false)
            .await
            .unwrap();
        assert!(matches!(r, LoginOutcome::BadCredentials), "attempt {i}");
    }
    let r = store
        .login("cun1", "wrong", None, now, false)
        .await
        .unwrap();
    assert!(
        matches!(r, LoginOutcome::Locked { .. }),
        "the fifth failure locks"
    );
    let r = store.login("cun1", PW, None, now, false).await.unwrap();
    assert!(
        matches!(r, LoginOutcome::Locked { .. }),
        "even the right password waits"
    );
    let r = store
        .login("cun1", PW, None, now + Duration::minutes(16), false)
        .await
        .unwrap();
    assert!(matches!(r, LoginOutcome::Ok { .. }), "the lock expires");
    assert!(matches!(
        store.login("nobody", PW, None, now, false).await.unwrap(),
        LoginOutcome::BadCredentials
    ));

    let (n, _) = store
        .audit_search(
            &AuditFilter {
                action: Some("login_failed".into()),
                ..Default::default()
            },
            0,
            50,
        )
        .await
        .unwrap();
    assert_eq!(n, 7, "every failed attempt is audited");
    store.logout(&token).await.unwrap();
}

async fn scope_limits_every_household_read(store: Store) {
    let f = fixture(&store).await;
    add_user(&store, "cun1", "village_operator", f.village).await;
    let a = access_of(&store, "cun1").await;

    let (total, page) = store
        .household_page(&a, &HouseholdFilter::default(), 0, 200)
        .await
        .unwrap();
    let expected = f
        .bundles
        .iter()
        .filter(|b| b.household.area == f.village)
        .count();
    assert_eq!(total as usize, expected);
    assert!(page.iter().all(|i| i.household.area == f.village));

    // Another village asked for through the filter does not exist.
    let e = store
        .household_page(
            &a,
            &HouseholdFilter {
                area: Some(f.other_village),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");

    // Search by a full ID number of someone in another village finds nothing.
    let outsider = f
        .bundles
        .iter()
        .find(|b| b.household.area == f.other_village)
        .unwrap();
    let (n, _) = store
        .household_page(
            &a,
            &HouseholdFilter {
                q: Some(outsider.members[0].id_number.as_str().to_owned()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(n, 0);
    // …while the county sees exactly that household.
    let (n, hits) = store
        .household_page(
            &Access::system(AreaCode::parse("500230").unwrap()),
            &HouseholdFilter {
                q: Some(
                    outsider
                        .members
                        .last()
                        .unwrap()
                        .id_number
                        .as_str()
                        .to_owned(),
                ),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        hits[0].household.household_no,
        outsider.household.household_no
    );

    // Direct reads of an outside household: not found, not forbidden.
    let (_, all) = store
        .household_page(
            &Access::system(AreaCode::parse("500230").unwrap()),
            &HouseholdFilter::default(),
            0,
            300,
        )
        .await
        .unwrap();
    let outside_id = all
        .iter()
        .find(|i| i.household.area != f.village)
        .unwrap()
        .id;
    let inside_id = all
        .iter()
        .find(|i| i.household.area == f.village)
        .unwrap()
        .id;
    assert!(matches!(
        store.household(&a, outside_id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.household(&a, inside_id).await.is_ok());
    assert!(matches!(
        store
            .household_by_no(&a, &outsider.household.household_no)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.area_summary(&a, &f.other_village.as_string()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.area_summary(&a, "500230000000").await,
        Err(StoreError::NotFound(_))
    ));
    let tree = store.area_tree(&a).await.unwrap().unwrap();
    assert_eq!(tree.code, f.village.as_string());
    assert_eq!(tree.households as usize, expected);
}

async fn roles_without_household_access_are_refused(store: Store) {
    let f = fixture(&store).await;
    let county = AreaCode::parse("500230").unwrap();
    add_user(&store, "yibao", "dept_officer", county).await;
    add_user(&store, "xitong", "sys_admin", county).await;
    for who in ["yibao", "xitong"] {
        let a = access_of(&store, who).await;
        assert!(matches!(
            store
                .household_page(&a, &HouseholdFilter::default(), 0, 10)
                .await,
            Err(StoreError::Forbidden(_))
        ));
        assert!(matches!(
            store
                .household_by_no(&a, &f.bundles[0].household.household_no)
                .await,
            Err(StoreError::Forbidden(_))
        ));
    }
}

async fn full_ids_are_revealed_only_with_permission_and_audited(store: Store) {
    let f = fixture(&store).await;
    let county = AreaCode::parse("500230").unwrap();
    add_user(&store, "admin", "county_admin", county).await;
    add_user(&store, "cun1", "village_operator", f.village).await;
    let admin = access_of(&store, "admin").await;
    let cun = access_of(&store, "cun1").await;
    let (_, page) = store
        .household_page(
            &admin,
            &HouseholdFilter {
                area: Some(f.village),
                ..Default::default()
            },
            0,
            1,
        )
        .await
        .unwrap();
    let id = page[0].id;
    assert!(matches!(
        store.reveal_ids(&cun, id).await,
        Err(StoreError::Forbidden(_))
    ));
    let ids = store.reveal_ids(&admin, id).await.unwrap();
    assert_eq!(ids.head_id, page[0].household.head_id.as_str());
    let (n, items) = store
        .audit_search(
            &AuditFilter {
                action: Some("read_sensitive".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(items[0].actor, "admin");
    assert_eq!(
        items[0].entity_key.as_deref(),
        Some(page[0].household.household_no.as_str())
    );
}

async fn writes_outside_scope_are_refused(store: Store) {
    let f = fixture(&store).await;
    add_user(&store, "cun1", "village_operator", f.village).await;
    add_user(
        &store,
        "ducha",
        "inspector",
        AreaCode::parse("500230").unwrap(),
    )
    .await;
    let mut b = f
        .bundles
        .iter()
        .find(|b| b.household.area == f.other_village)
        .unwrap()
        .clone();
    b.household.household_no = format!("Z{}", b.household.household_no);
    let err = store
        .insert_households(&access_of(&store, "cun1").await, "测试", &[b.clone()])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Forbidden(ref m) if m.contains("不在您的管辖范围")),
        "{err}"
    );
    let err = store
        .insert_households(&access_of(&store, "ducha").await, "测试", &[b])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Forbidden(_)),
        "inspectors are read-only"
    );
    assert_eq!(store.household_count().await.unwrap(), 300);
}

async fn password_change_follows_policy_and_closes_other_sessions(store: Store) {
    let f = fixture(&store).await;
    add_user(&store, "cun1", "village_operator", f.village).await;
    let (t1, _) = login_ok(&store, "cun1", PW).await;
    let (t2, _) = login_ok(&store, "cun1", PW).await;
    let a = access_of(&store, "cun1").await;
    for (old, new, msg) in [
        ("bad-old", "Newpass123", "原密码不正确"),
        (PW, PW, "不能与原密码相同"),
        (PW, "short1", "至少8位"),
        (PW, "abcdefghij", "字母和数字"),
    ] {
        let err = store
            .change_password(&a, old, new, Some(&t1))
            .await
            .unwrap_err();
        assert!(err.to_string().contains(msg), "{err}");
    }
    store
        .change_password(&a, PW, "Newpass123", Some(&t1))
        .await
        .unwrap();
    assert!(
        store
            .session_user(&t1, Utc::now(), false)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .session_user(&t2, Utc::now(), false)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        store
            .login("cun1", PW, None, Utc::now(), false)
            .await
            .unwrap(),
        LoginOutcome::BadCredentials
    ));
    login_ok(&store, "cun1", "Newpass123").await;
}

async fn demo_users_must_change_password_outside_demo_mode(store: Store) {
    let f = fixture(&store).await;
    store
        .create_user(
            &Actor::system("测试"),
            &NewUser {
                username: "demo1".into(),
                display_name: "演示".into(),
                password: PW.into(),
                role: "village_operator".into(),
                area: f.village,
                department: None,
                must_change_password: false,
                demo_seeded: true,
            },
        )
        .await
        .unwrap();
    let LoginOutcome::Ok { user, .. } = store
        .login("demo1", PW, None, Utc::now(), true)
        .await
        .unwrap()
    else {
        panic!("demo login");
    };
    assert!(!user.must_change_password, "demo mode lets demo users in");
    let LoginOutcome::Ok {
        user,
        session_token,
        ..
    } = store
        .login("demo1", PW, None, Utc::now(), false)
        .await
        .unwrap()
    else {
        panic!("login");
    };
    assert!(
        user.must_change_password,
        "outside demo mode the password must change"
    );
    let (u, _) = store
        .session_user(&session_token, Utc::now(), false)
        .await
        .unwrap()
        .unwrap();
    assert!(u.must_change_password);
    assert_eq!(store.demo_logins().await.unwrap().len(), 1);
    store
        .change_password(&u.access(None).unwrap(), PW, "Changed123", None)
        .await
        .unwrap();
    let LoginOutcome::Ok { user, .. } = store
        .login("demo1", "Changed123", None, Utc::now(), false)
        .await
        .unwrap()
    else {
        panic!("login after change");
    };
    assert!(!user.must_change_password);
    assert!(store.demo_logins().await.unwrap().is_empty());
}

async fn api_tokens_authenticate_machine_clients(store: Store) {
    fixture(&store).await;
    add_user(
        &store,
        "yibao",
        "dept_officer",
        AreaCode::parse("500230").unwrap(),
    )
    .await;
    let token = store
        .create_api_token(&Actor::system("测试"), "yibao", "医保月度上传")
        .await
        .unwrap();
    assert!(token.starts_with("fpt_"));
    let u = store.token_user(&token, Utc::now()).await.unwrap().unwrap();
    assert_eq!(u.username, "yibao");
    assert!(
        store
            .token_user("fpt_forged", Utc::now())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .create_api_token(&Actor::system("测试"), "nobody", "x")
            .await
            .is_err()
    );
}
