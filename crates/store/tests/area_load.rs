//! `load_official_areas`: the real 丰都县 tree from the 2023 edition, a
//! second load that changes nothing, a later edition with a renamed and an
//! abolished village, and two villages of one 乡镇 with the same name. On
//! both engines.

use fangpin_area_codes::{read_subtree, stats_2023};
use fangpin_domain::area_edition::OfficialArea;
use fangpin_domain::{AreaCode, AreaLevel};
use fangpin_store::entity::area;
use fangpin_store::{Actor, AuditFilter, Store};
use sea_orm::{EntityTrait, QueryOrder};

fangpin_store::dual_backend_tests!(
    loads_the_real_fengdu_tree_once,
    a_later_edition_renames_and_lists_the_abolished,
    same_names_under_one_township_are_reported,
);

fn code(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

async fn rows(store: &Store) -> Vec<area::Model> {
    area::Entity::find()
        .order_by_asc(area::Column::Code)
        .all(store.connection())
        .await
        .unwrap()
}

async fn audit_count(store: &Store) -> u64 {
    let filter = AuditFilter {
        action: Some("load_official".into()),
        ..Default::default()
    };
    store.audit_search(&filter, 0, 10).await.unwrap().0
}

fn actor() -> Actor {
    Actor::system("区划载入")
}

async fn loads_the_real_fengdu_tree_once(store: Store) {
    let fengdu = code("500230");
    let tree = stats_2023(fengdu).unwrap();
    let first = store
        .load_official_areas(&actor(), &tree.edition, fengdu, &tree.units)
        .await
        .unwrap();
    // 重庆市, 县 (5002), 丰都县, 30 乡镇/街道, 338 村/社区.
    assert_eq!(first.plan.added.len(), 3 + 30 + 338);
    assert_eq!(
        first.plan.summary(),
        "新增 371 个，更名 0 个，已撤销 0 个，同名 0 组"
    );
    let stored = rows(&store).await;
    let count = |level: &str| stored.iter().filter(|r| r.level.trim() == level).count();
    assert_eq!(
        (count("county"), count("township"), count("village")),
        (1, 30, 338)
    );
    let town = store.area(&code("500230101")).await.unwrap().unwrap();
    assert_eq!(town.name, "虎威镇");
    assert_eq!(
        town.parent_code.as_deref().map(str::trim),
        Some("500230000000")
    );
    let lotus = store.area(&code("500230101201")).await.unwrap().unwrap();
    assert_eq!(lotus.name, "荷花村");
    assert_eq!(lotus.official_name.as_deref(), Some("荷花村村民委员会"));
    assert_eq!(
        lotus.parent_code.as_deref().map(str::trim),
        Some("500230101000")
    );
    let community = store.area(&code("500230101001")).await.unwrap().unwrap();
    assert_eq!(community.name, "大池社区");
    assert_eq!(
        community.official_name.as_deref(),
        Some("大池社区居民委员会")
    );
    let street = store.area(&code("500230001")).await.unwrap().unwrap();
    assert_eq!(street.name, "三合街道");
    let city = store.area(&code("5002")).await.unwrap().unwrap();
    assert_eq!((city.name.as_str(), city.level.trim()), ("县", "city"));
    assert_eq!(audit_count(&store).await, 1);
    let entry = &store
        .audit_search(&AuditFilter::default(), 0, 1)
        .await
        .unwrap()
        .1[0];
    assert_eq!(entry.entity_key.as_deref(), Some("500230000000"));
    assert_eq!(entry.after.as_ref().unwrap()["added"], 371);

    let second = store
        .load_official_areas(&actor(), &tree.edition, fengdu, &tree.units)
        .await
        .unwrap();
    assert_eq!(
        second.plan.summary(),
        "新增 0 个，更名 0 个，已撤销 0 个，同名 0 组"
    );
    assert!(!second.plan.writes());
    assert_eq!(audit_count(&store).await, 1);
    assert_eq!(rows(&store).await, stored);
}

/// A hand-made later edition: 荷花村 renamed 荷花社区, 同心村 gone.
fn later_edition(units: &[OfficialArea]) -> Vec<u8> {
    use std::io::Write;
    let mut text = String::from("fangpin-area-codes 1 2099\n");
    for u in units {
        let c = u.code.as_string();
        let line = match u.level {
            AreaLevel::Province => format!("p{}", &c[..2]),
            AreaLevel::City => format!("c{}", &c[2..4]),
            AreaLevel::County => format!("x{}", &c[4..6]),
            AreaLevel::Township => format!("t{}", &c[6..9]),
            AreaLevel::Village => format!("v{}", &c[9..]),
        };
        let name = match c.as_str() {
            "500230101202" => continue,
            "500230101201" => "荷花社区居民委员会",
            _ => u.official_name.as_str(),
        };
        text.push_str(&format!("{line}{name}\n"));
    }
    let mut e = flate2_encoder();
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

fn flate2_encoder() -> flate2::write::GzEncoder<Vec<u8>> {
    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast())
}

async fn a_later_edition_renames_and_lists_the_abolished(store: Store) {
    let fengdu = code("500230");
    let tree = stats_2023(fengdu).unwrap();
    store
        .load_official_areas(&actor(), &tree.edition, fengdu, &tree.units)
        .await
        .unwrap();
    let before = rows(&store).await;
    let later = read_subtree(&later_edition(&tree.units), fengdu).unwrap();
    assert_eq!(later.edition, "2099");
    let report = store
        .load_official_areas(&actor(), &later.edition, fengdu, &later.units)
        .await
        .unwrap();
    let p = &report.plan;
    assert_eq!(p.summary(), "新增 0 个，更名 1 个，已撤销 1 个，同名 0 组");
    assert_eq!(p.renamed[0].code, code("500230101201"));
    assert_eq!(
        (
            p.renamed[0].old_name.as_str(),
            p.renamed[0].new_name.as_str()
        ),
        ("荷花村", "荷花社区")
    );
    assert_eq!(p.abolished[0].code, code("500230101202"));
    assert_eq!(p.abolished[0].name, "同心村");
    // Renamed in place, the abolished one kept, nothing else touched.
    let after = rows(&store).await;
    assert_eq!(after.len(), before.len());
    for (b, a) in before.iter().zip(&after) {
        if a.code == "500230101201" {
            assert_eq!(a.name, "荷花社区");
            assert_eq!(a.official_name.as_deref(), Some("荷花社区居民委员会"));
        } else {
            assert_eq!(a, b);
        }
    }
    assert_eq!(audit_count(&store).await, 2);
    let entry = &store
        .audit_search(&AuditFilter::default(), 0, 1)
        .await
        .unwrap()
        .1[0];
    assert_eq!(
        entry.before.as_ref().unwrap()["renamed"][0]["name"],
        "荷花村"
    );
    assert_eq!(
        entry.after.as_ref().unwrap()["abolished"][0],
        "500230101202"
    );
}

async fn same_names_under_one_township_are_reported(store: Store) {
    let fengdu = code("500230");
    let mut units = stats_2023(fengdu).unwrap().units.clone();
    // 同心村 (202) published as 荷花村委会: two 荷花村 under 虎威镇.
    let twin = units
        .iter_mut()
        .find(|u| u.code == code("500230101202"))
        .unwrap();
    twin.official_name = "荷花村委会".into();
    let report = store
        .load_official_areas(&actor(), "2099", fengdu, &units)
        .await
        .unwrap();
    let same = &report.plan.same_names;
    assert_eq!(same.len(), 1, "{same:?}");
    assert_eq!(same[0].township_name, "虎威镇");
    assert_eq!(same[0].name, "荷花村");
    assert_eq!(
        same[0].codes,
        vec![code("500230101201"), code("500230101202")]
    );
    assert_eq!(
        report.plan.summary(),
        "新增 371 个，更名 0 个，已撤销 0 个，同名 1 组"
    );
}
