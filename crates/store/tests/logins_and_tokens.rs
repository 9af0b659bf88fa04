//! Wrong passwords lock an account only for the address they came from, and
//! API tokens end, can be revoked, and are listed without their secret.

use chrono::{Duration, Utc};
use fangpin_domain::AreaCode;
use fangpin_store::testing::role_user;
use fangpin_store::tokens::TokenRef;
use fangpin_store::{Actor, AuditFilter, LoginOutcome, NewUser, Store, StoreError};

mod common;

fangpin_store::dual_backend_tests!(
    a_lock_holds_only_for_the_address_that_guessed,
    failures_are_forgotten_after_the_lock_period_and_on_success,
    tokens_expire_on_their_day,
    administrators_list_and_revoke_tokens_of_their_area,
    tokens_are_revoked_by_name_from_the_command_line,
);

const PW: &str = "Abcdefg123";

fn county() -> AreaCode {
    AreaCode::parse("500230").unwrap()
}

async fn add_user(store: &Store, username: &str, role: &str, area: AreaCode) {
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
        .unwrap();
}

async fn attempt(
    store: &Store,
    user: &str,
    pw: &str,
    from: &str,
    at: chrono::DateTime<Utc>,
) -> LoginOutcome {
    store
        .login(user, pw, Some(from.to_owned()), at, false)
        .await
        .unwrap()
}

fn is_ok(o: &LoginOutcome) -> bool {
    matches!(o, LoginOutcome::Ok { .. })
}

async fn a_lock_holds_only_for_the_address_that_guessed(store: Store) {
    let (bundles, _) = common::demo_county(&store, 3, 5).await;
    let village = bundles[0].household.area;
    add_user(&store, "cun1", "village_operator", village).await;
    let now = Utc::now();
    let stranger = "198.51.100.7";
    let office = "10.20.30.40";
    for i in 1..=4 {
        let r = attempt(&store, "cun1", "wrong1", stranger, now).await;
        assert!(matches!(r, LoginOutcome::BadCredentials), "attempt {i}");
    }
    let r = attempt(&store, "cun1", "wrong1", stranger, now).await;
    assert!(matches!(r, LoginOutcome::Locked { .. }), "the fifth locks");
    let r = attempt(&store, "cun1", PW, stranger, now).await;
    assert!(
        matches!(r, LoginOutcome::Locked { .. }),
        "the guesser's address waits even with the right password"
    );

    // The cadre at the office is not locked out by someone else's guessing.
    let r = attempt(&store, "cun1", PW, office, now).await;
    assert!(is_ok(&r), "another address still logs in: {r:?}");
    // Nor is a login whose address is unknown.
    let r = store.login("cun1", PW, None, now, false).await.unwrap();
    assert!(is_ok(&r), "{r:?}");

    // The lock ends after its period.
    let later = now + Duration::minutes(16);
    let r = attempt(&store, "cun1", PW, stranger, later).await;
    assert!(is_ok(&r), "{r:?}");

    // Every refused attempt is in the audit log, the lock named as such.
    let (n, entries) = store
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
    assert_eq!(n, 6);
    assert!(entries.iter().any(
        |e| e.note.as_deref() == Some("该地址对此账号的登录已临时锁定")
            && e.address.as_deref() == Some(stranger)
    ));
}

async fn failures_are_forgotten_after_the_lock_period_and_on_success(store: Store) {
    let (bundles, _) = common::demo_county(&store, 3, 5).await;
    let village = bundles[0].household.area;
    add_user(&store, "cun1", "village_operator", village).await;
    let from = "203.0.113.5";
    let t0 = Utc::now();
    for _ in 0..4 {
        attempt(&store, "cun1", "nope", from, t0).await;
    }
    // Long after the last failure, one more does not lock.
    let t1 = t0 + Duration::minutes(20);
    let r = attempt(&store, "cun1", "nope", from, t1).await;
    assert!(matches!(r, LoginOutcome::BadCredentials), "{r:?}");
    for _ in 0..3 {
        attempt(&store, "cun1", "nope", from, t1).await;
    }
    // A success clears the count for that address.
    assert!(is_ok(&attempt(&store, "cun1", PW, from, t1).await));
    for i in 0..4 {
        let r = attempt(&store, "cun1", "nope", from, t1).await;
        assert!(
            matches!(r, LoginOutcome::BadCredentials),
            "after success {i}"
        );
    }
    // An unknown user is never "locked": same answer as a wrong password.
    for _ in 0..6 {
        let r = attempt(&store, "nobody", "nope", from, t1).await;
        assert!(matches!(r, LoginOutcome::BadCredentials), "{r:?}");
    }
}

async fn tokens_expire_on_their_day(store: Store) {
    common::demo_county(&store, 3, 5).await;
    add_user(&store, "yibao", "dept_officer", county()).await;
    let now = Utc::now();
    let system = Actor::system("测试");
    let t = store
        .create_api_token_for(&system, "yibao", "医保月度上传", 30, now)
        .await
        .unwrap();
    assert!(t.token.starts_with("fpt_"));
    assert_eq!(t.expires_at, now + Duration::days(30));
    let user = store.token_user(&t.token, now).await.unwrap().unwrap();
    assert_eq!(user.username, "yibao");
    let day29 = now + Duration::days(29);
    assert!(store.token_user(&t.token, day29).await.unwrap().is_some());
    let day31 = now + Duration::days(31);
    assert!(
        store.token_user(&t.token, day31).await.unwrap().is_none(),
        "expired tokens are refused"
    );

    // The default lasts 90 days.
    let d = store
        .create_api_token(&system, "yibao", "默认期限")
        .await
        .unwrap();
    assert!(
        store
            .token_user(&d, now + Duration::days(89))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .token_user(&d, now + Duration::days(91))
            .await
            .unwrap()
            .is_none()
    );

    // Bad lengths and names are refused with the field named.
    for days in [0, 367] {
        let e = store
            .create_api_token_for(&system, "yibao", "x", days, now)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("有效天数"), "{e}");
    }
    let e = store
        .create_api_token_for(&system, "yibao", "  ", 30, now)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("令牌名称"), "{e}");

    // Creation is audited with its end, never with the secret.
    let (n, entries) = store
        .audit_search(
            &AuditFilter {
                entity: Some("api_token".into()),
                action: Some("create".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(n, 2);
    let text = serde_json::to_string(&entries).unwrap();
    assert!(text.contains("expires_at"));
    assert!(!text.contains(&t.token) && !text.contains(&d));
}

async fn administrators_list_and_revoke_tokens_of_their_area(store: Store) {
    let (bundles, _) = common::demo_county(&store, 3, 5).await;
    let county = AreaCode::parse("500230").unwrap();
    let town = bundles[0].household.area.parent().unwrap();
    add_user(&store, "yibao", "dept_officer", county).await;
    add_user(&store, "zhen", "township_reviewer", town).await;
    let now = Utc::now();
    let system = Actor::system("测试");
    let county_token = store
        .create_api_token_for(&system, "yibao", "医保月度上传", 30, now)
        .await
        .unwrap();
    let town_token = store
        .create_api_token_for(&system, "zhen", "乡镇脚本", 30, now)
        .await
        .unwrap();

    let admin = role_user(1, "county_admin", county);
    let list = store.api_tokens(&admin, now).await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|t| t.status == "active"));
    let listed = serde_json::to_string(&list).unwrap();
    assert!(
        !listed.contains(&county_token.token) && !listed.contains(&town_token.token),
        "the secret is never shown again"
    );

    // An administrator of a township sees and revokes only its users' tokens.
    let town_admin = role_user(2, "county_admin", town);
    let mine = store.api_tokens(&town_admin, now).await.unwrap();
    assert_eq!(
        mine.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![town_token.id]
    );
    let e = store
        .revoke_api_token(&town_admin, county_token.id, now)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
    assert!(
        store
            .token_user(&county_token.token, now)
            .await
            .unwrap()
            .is_some()
    );

    // Roles without user.manage may do neither.
    let inspector = role_user(3, "inspector", county);
    assert!(matches!(
        store.api_tokens(&inspector, now).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store
            .revoke_api_token(&inspector, county_token.id, now)
            .await,
        Err(StoreError::Forbidden(_))
    ));

    // Revoked: refused from then on, shown as such, audited, not twice.
    let r = store
        .revoke_api_token(&admin, county_token.id, now)
        .await
        .unwrap();
    assert_eq!(r.status, "revoked");
    assert!(
        store
            .token_user(&county_token.token, now)
            .await
            .unwrap()
            .is_none()
    );
    let after = store.api_tokens(&admin, now).await.unwrap();
    let row = after.iter().find(|t| t.id == county_token.id).unwrap();
    assert_eq!(row.status, "revoked");
    assert!(row.revoked_at.is_some());
    let e = store
        .revoke_api_token(&admin, county_token.id, now)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("已撤销"), "{e}");
    let (n, entries) = store
        .audit_search(
            &AuditFilter {
                action: Some("revoke".into()),
                entity: Some("api_token".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(entries[0].entity_key.as_deref(), Some("yibao/医保月度上传"));
    assert_eq!(entries[0].user_id, Some(1));

    // An expired token is listed as expired.
    let later = now + Duration::days(31);
    let town_row = store
        .api_tokens(&admin, later)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.id == town_token.id)
        .unwrap();
    assert_eq!(town_row.status, "expired");
}

async fn tokens_are_revoked_by_name_from_the_command_line(store: Store) {
    common::demo_county(&store, 3, 5).await;
    add_user(&store, "yibao", "dept_officer", county()).await;
    add_user(&store, "minzheng", "dept_officer", county()).await;
    let now = Utc::now();
    let cli = Actor::system("命令行");
    let a = store
        .create_api_token_for(&cli, "yibao", "月度上传", 30, now)
        .await
        .unwrap();
    let b = store
        .create_api_token_for(&cli, "minzheng", "月度上传", 30, now)
        .await
        .unwrap();
    let by_name = |user: Option<&str>| TokenRef::Name {
        name: "月度上传".into(),
        user: user.map(str::to_owned),
    };
    // Two users have a token of that name: the command says which ones.
    let e = store
        .revoke_api_token_cli(&cli, &by_name(None), now)
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("多个") && msg.contains("yibao") && msg.contains("minzheng"),
        "{msg}"
    );
    let r = store
        .revoke_api_token_cli(&cli, &by_name(Some("yibao")), now)
        .await
        .unwrap();
    assert_eq!(r.id, a.id);
    assert!(store.token_user(&a.token, now).await.unwrap().is_none());
    assert!(store.token_user(&b.token, now).await.unwrap().is_some());
    // Now the name names one live token.
    let r = store
        .revoke_api_token_cli(&cli, &by_name(None), now)
        .await
        .unwrap();
    assert_eq!(r.id, b.id);
    assert!(store.token_user(&b.token, now).await.unwrap().is_none());
    let e = store
        .revoke_api_token_cli(&cli, &TokenRef::Id(999_999), now)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
}
