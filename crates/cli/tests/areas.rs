//! `fangpin areas load`: a county from the shipped 2023 edition, a 6- or
//! 12-digit code alike, a second run that adds nothing, and a code the
//! edition does not have. On both engines.

use fangpin_cli::areas::{load, render};
use fangpin_store::Store;

fangpin_store::dual_backend_tests!(loads_a_county_once_and_reports_in_chinese);

async fn loads_a_county_once_and_reports_in_chinese(store: Store) {
    let first = load(&store, "500230").await.unwrap();
    let text = render(&first);
    assert_eq!(
        text,
        "2023年版统计用区划代码 500230：新增 371 个，更名 0 个，已撤销 0 个，同名 0 组\n"
    );
    assert_eq!(store.area_count().await.unwrap(), 371);
    let again = load(&store, "500230000000").await.unwrap();
    assert_eq!(
        render(&again),
        "2023年版统计用区划代码 500230：新增 0 个，更名 0 个，已撤销 0 个，同名 0 组\n"
    );
    // The neighbouring county hangs under the same 重庆市 and 县.
    let dianjiang = load(&store, "500231").await.unwrap();
    assert!(dianjiang.plan.added.len() > 100);
    assert!(
        dianjiang
            .plan
            .added
            .iter()
            .all(|u| u.code.prefix().starts_with("500231"))
    );
    let e = load(&store, "500299").await.unwrap_err();
    assert_eq!(
        format!("{e:#}"),
        "区划代码 500299 不在2023年版统计用区划代码中"
    );
    let e = load(&store, "5002x").await.unwrap_err();
    assert!(format!("{e:#}").starts_with("区划代码无效"), "{e:#}");
}
