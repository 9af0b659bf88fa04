use chrono::NaiveDate;

use super::*;
use crate::money::Money;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn feed(key: &str) -> FeedType {
    feed_types()
        .unwrap()
        .into_iter()
        .find(|t| t.key == key)
        .unwrap()
}

fn rule(id: &str) -> WarningRule {
    seed_rules()
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap()
}

/// Reads rows of `feed` from a header and cell lines, as a file would give them.
fn rows(feed_key: &str, header: &str, lines: &[&str]) -> Vec<FeedRow> {
    let t = feed(feed_key);
    let headers: Vec<&str> = header.split(',').collect();
    let map = t.map_headers(&headers).unwrap();
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let cells: Vec<&str> = l.split(',').collect();
            t.parse_row(&map, i + 2, &cells).unwrap()
        })
        .collect()
}

const YB_HEADER: &str = "身份证号,姓名,结算日期,就诊类型,医疗总费用,个人自付";
const ID: &str = "500230198001010012";

fn claim(date: &str, kind: &str, total: &str, self_paid: &str) -> String {
    format!("{ID},张三,{date},{kind},{total},{self_paid}")
}

fn claims(lines: &[String]) -> Vec<FeedRow> {
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    rows("医保", YB_HEADER, &refs)
}

#[test]
fn seed_tables_cover_the_departments_of_the_plans() {
    let feeds = feed_types().unwrap();
    let keys: Vec<&str> = feeds.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "医保",
            "民政",
            "教育",
            "人社",
            "残联",
            "住建",
            "应急管理",
            "公安",
            "市场监管",
            "不动产",
            "车辆"
        ]
    );
    assert_eq!(feed("医保").period, Period::Monthly);
    assert_eq!(feed("残联").period, Period::Event);
    let rules = seed_rules().unwrap();
    assert_eq!(rules.len(), 18);
    // The §4.3 exclusion checks are hints to verify, never warnings.
    for id in ["SC01", "BD01", "CL02"] {
        assert_eq!(rule(id).action, Action::Verify, "{id}");
    }
    assert_eq!(rule("RS01").window, Window::ConsecutiveMonths(3));
    assert_eq!(rule("YB07").household_share_pct, Some(40));
}

#[test]
fn headers_are_found_under_the_names_departments_write() {
    let t = feed("医保");
    let map = t
        .map_headers(&[
            "\u{feff}公民身份号码",
            "患者姓名",
            "出院日期",
            "医疗类别",
            "总费用（元）",
            "个人负担 ( 元 )",
            "备注",
        ])
        .unwrap();
    let r = t
        .parse_row(
            &map,
            2,
            &[
                ID,
                "张三",
                "2024年3月5日",
                "住院",
                "12,000.50元",
                "3500",
                "x",
            ],
        )
        .unwrap();
    assert_eq!(r.date, day(2024, 3, 5));
    assert_eq!(
        r.values.get("total"),
        Some(&Value::Money(Money::from_fen(1_200_050)))
    );
    assert_eq!(
        r.values.get("self_paid"),
        Some(&Value::Money(Money::from_yuan(3_500)))
    );

    let missing = t.map_headers(&["姓名", "结算日期"]).unwrap_err();
    assert_eq!(missing.len(), 4, "{missing:?}");
    assert!(missing[0].starts_with("缺少“身份证号”列（可用列名：身份证号、身份证号码"));
}

#[test]
fn bad_cells_are_named_and_dates_come_in_many_forms() {
    let t = feed("人社");
    let map = t
        .map_headers(&["身份证号", "姓名", "费款所属期", "缴费金额"])
        .unwrap();
    for (cell, want) in [
        ("202403", day(2024, 3, 1)),
        ("2024-03", day(2024, 3, 1)),
        ("2024/3/15", day(2024, 3, 15)),
        ("20240315", day(2024, 3, 15)),
        ("2024.03.15", day(2024, 3, 15)),
        ("2024年3月", day(2024, 3, 1)),
    ] {
        let r = t.parse_row(&map, 2, &[ID, "张三", cell, "300"]).unwrap();
        assert_eq!(r.date, want, "{cell}");
    }
    let e = t
        .parse_row(&map, 7, &["", "张三", "2024-13-01", "三百"])
        .unwrap_err();
    assert_eq!(
        e,
        vec![
            ("身份证号".to_owned(), "不能为空".to_owned()),
            (
                "缴费月份".to_owned(),
                "“2024-13-01”不是日期（如2024-03-15或202403）".to_owned()
            ),
            ("缴费金额".to_owned(), "“三百”不是金额".to_owned()),
        ]
    );
}

// policy.md §2.2: 脱贫人口 住院自付 cumulative over the year ≥ 5,000. Three
// stays of 2,000 + 1,800 + 1,200 reach 5,000 exactly in October; the
// outpatient claim is not a stay and is not counted; a claim after the
// feed's day is not read.
#[test]
fn year_to_date_hospital_self_pay_reaches_the_threshold() {
    let r = rule("YB01");
    let rows = claims(&[
        claim("2024-02-10", "住院", "9000", "2000"),
        claim("2024-05-20", "门诊", "900", "800"),
        claim("2024-07-01", "住院", "8000", "1800"),
        claim("2024-10-15", "住院", "5000", "1200"),
        claim("2024-12-20", "住院", "5000", "900"),
        claim("2023-12-30", "住院", "9000", "4000"),
    ]);
    assert_eq!(
        r.evaluate(&rows, &[], day(2024, 9, 30)),
        None,
        "3,800 by September"
    );
    let f = r.evaluate(&rows, &[], day(2024, 10, 31)).unwrap();
    assert_eq!(f.amount, Money::from_yuan(5_000));
    assert_eq!(f.rows, vec![2, 4, 5]);
    assert_eq!(f.period, day(2024, 1, 1));
    assert!(r.applies_to(Population::Lifted) && r.applies_to(Population::Monitored));
    assert!(!r.applies_to(Population::Ordinary));
    // The ordinary rural population's rule needs 20,000.
    assert_eq!(rule("YB02").evaluate(&rows, &[], day(2024, 12, 31)), None);
}

// §2.2: one stay's self-pay above 6,000 for a monitored object: strictly
// above, so 6,000.00 does not fire and 6,000.01 does.
#[test]
fn single_stay_is_compared_strictly() {
    let r = rule("YB04");
    let at = day(2024, 6, 30);
    let rows = claims(&[claim("2024-03-01", "住院", "20000", "6000")]);
    assert_eq!(r.evaluate(&rows, &[], at), None);
    let rows = claims(&[
        claim("2024-03-01", "住院", "20000", "6000"),
        claim("2024-04-01", "住院", "20000", "6000.01"),
    ]);
    let f = r.evaluate(&rows, &[], at).unwrap();
    assert_eq!(
        (f.amount, f.rows.clone()),
        (Money::from_fen(600_001), vec![3])
    );
    assert_eq!(f.period, day(2024, 4, 1));
}

// §2.2: outpatient self-pay ≥ 500 within one month; the latest such month
// is reported.
#[test]
fn monthly_outpatient_sum() {
    let r = rule("YB03");
    let rows = claims(&[
        claim("2024-03-02", "门诊", "600", "300"),
        claim("2024-03-20", "门特", "500", "250"),
        claim("2024-04-02", "门诊", "600", "499.99"),
    ]);
    let f = r.evaluate(&rows, &[], day(2024, 4, 30)).unwrap();
    assert_eq!(f.amount, Money::from_yuan(550));
    assert_eq!(f.period, day(2024, 3, 1));
    assert_eq!(f.rows, vec![2, 3]);
}

// §2.2 county rule: 高中/中职 net self-paid per school year above 10,000;
// the school year starts on 1 September, so spring fees count with the
// autumn before.
#[test]
fn school_year_fees() {
    let r = rule("JY02");
    let header = "身份证号,姓名,统计日期,学段,在校状态,自付费用";
    let lines = [
        format!("{ID},李四,2023-09-01,中职,在校,6000"),
        format!("{ID},李四,2024-03-01,中职,在校,4500"),
        format!("{ID},李四,2024-09-01,中职,在校,3000"),
    ];
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let rows = rows("教育", header, &refs);
    let f = r.evaluate(&rows, &[], day(2024, 6, 30)).unwrap();
    assert_eq!(f.amount, Money::from_yuan(10_500));
    assert_eq!(f.period, day(2023, 9, 1));
    assert_eq!(r.evaluate(&rows, &[], day(2024, 10, 31)), None);
}

// §2.2 (人社): no contribution for 3 consecutive months; a month without a
// row counts as none.
#[test]
fn three_months_without_contributions() {
    let r = rule("RS01");
    let header = "身份证号,姓名,缴费月份,缴费金额";
    let lines = [
        format!("{ID},王五,202404,320"),
        format!("{ID},王五,202405,320"),
        format!("{ID},王五,202407,0"),
    ];
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let rs = rows("人社", header, &refs);
    assert_eq!(r.evaluate(&rs, &[], day(2024, 7, 31)), None, "May paid");
    let f = r.evaluate(&rs, &[], day(2024, 8, 31)).unwrap();
    assert_eq!(f.period, day(2024, 8, 1));
    assert_eq!(f.rows, vec![4]);
}

// §6.2: a person newly in 低保 or 特困 since the last feed.
#[test]
fn new_assistance_status_since_the_last_feed() {
    let r = rule("MZ01");
    let header = "身份证号,姓名,统计日期,救助类别";
    let now = rows("民政", header, &[&format!("{ID},赵六,2024-05-31,低保")]);
    let before_none = rows("民政", header, &[&format!("{ID},赵六,2024-04-30,临时救助")]);
    let before_same = rows("民政", header, &[&format!("{ID},赵六,2024-04-30,低保")]);
    let f = r.evaluate(&now, &before_none, day(2024, 5, 31)).unwrap();
    assert_eq!((f.rows.clone(), f.period), (vec![2], day(2024, 5, 1)));
    assert_eq!(r.evaluate(&now, &before_same, day(2024, 5, 31)), None);
}

// Text tests: a 重度 certificate, a C/D house, any disaster row.
#[test]
fn text_and_event_rules() {
    let cert = rows(
        "残联",
        "身份证号,姓名,发证日期,残疾类别,残疾等级",
        &[
            &format!("{ID},孙七,2024-03-01,肢体,三级"),
            &format!("{ID},孙七,2024-06-01,肢体,二级"),
        ],
    );
    assert_eq!(
        rule("CL01")
            .evaluate(&cert, &[], day(2024, 6, 30))
            .unwrap()
            .rows,
        vec![3]
    );
    let house = rows(
        "住建",
        "身份证号,姓名,鉴定日期,安全等级",
        &[&format!("{ID},孙七,2024-06-01,B级")],
    );
    assert_eq!(rule("ZJ01").evaluate(&house, &[], day(2024, 6, 30)), None);
    let flood = rows(
        "应急管理",
        "身份证号,姓名,受灾日期,灾害类型",
        &[&format!("{ID},孙七,2024-07-10,洪涝")],
    );
    assert!(
        rule("YJ01")
            .evaluate(&flood, &[], day(2024, 7, 31))
            .is_some()
    );
    assert_eq!(rule("YJ01").evaluate(&flood, &[], day(2024, 7, 9)), None);
}

// 漯河民政 (§2.2): medical self-pay of the household over the year above 40 %
// of its yearly net income. Two members' 5,000 + 3,000 against 20,000 is
// exactly 40 %: not above; one more 分 fires. The rule never fires on one
// person alone.
#[test]
fn household_share_of_net_income() {
    let r = rule("YB07");
    let a = claims(&[claim("2024-03-01", "住院", "9000", "5000")]);
    let b = claims(&[claim("2024-04-01", "门诊", "4000", "3000")]);
    let at = day(2024, 12, 31);
    let income = Money::from_yuan(20_000);
    assert_eq!(r.evaluate_household(&[&a, &b], income, at), None);
    let b2 = claims(&[claim("2024-04-01", "门诊", "4000", "3000.01")]);
    let f = r.evaluate_household(&[&a, &b2], income, at).unwrap();
    assert_eq!(f.amount, Money::from_fen(800_001));
    assert_eq!(f.period, day(2024, 1, 1));
    assert_eq!(r.evaluate(&a, &[], at), None);
    // No income on record: any self-pay is above 40 % of it.
    assert!(r.evaluate_household(&[&a], Money::ZERO, at).is_some());
    // Other rules have no household form.
    assert_eq!(rule("YB01").evaluate_household(&[&a], income, at), None);
}

#[test]
fn bad_rule_tables_name_the_line() {
    let feeds = feed_types().unwrap();
    let header = "id,name,feed,metric,filter,comparator,threshold,window,population,household_share,action,note";
    let cases = [
        (
            "X1,x,医保,self_paid,,>=,5000,每周,脱贫户,,预警,",
            "统计窗口“每周”",
        ),
        (
            "X1,x,农业,self_paid,,>=,5000,单次,脱贫户,,预警,",
            "没有名为“农业”的部门数据",
        ),
        (
            "X1,x,医保,kind,,>=,5000,单次,脱贫户,,预警,",
            "字段kind不是金额",
        ),
        (
            "X1,x,医保,self_paid,,>=,五千,单次,脱贫户,,预警,",
            "阈值“五千”不是金额",
        ),
        (
            "X1,x,医保,self_paid,,>=,5000,单次,贫困户,,预警,",
            "对象“贫困户”",
        ),
        (
            "X1,x,医保,self_paid,,in,,单次,脱贫户,,预警,",
            "in比较须列出取值",
        ),
        (
            "X1,x,医保,self_paid,,,,单次,脱贫户,40,预警,",
            "家庭收入占比须按",
        ),
        (
            "X1,x,医保,self_paid,,>=,5000,连续0月,脱贫户,,预警,",
            "统计窗口“连续0月”",
        ),
        (
            "X1,x,医保,self_paid,kind,>=,5000,单次,脱贫户,,预警,",
            "筛选条件“kind”",
        ),
    ];
    for (line, needle) in cases {
        let e = parse_rules(&format!("{header}\n{line}"), &feeds).unwrap_err();
        assert_eq!(e.line, 2, "{line}");
        assert!(e.reason.contains(needle), "{line}: {}", e.reason);
    }
    let e = parse_rules(&format!("{header}\nX1,x,医保"), &feeds).unwrap_err();
    assert_eq!(e.to_string(), "第2行：应有12列，实际为3列");
}

#[test]
fn bad_feed_tables_name_the_line() {
    let header = "feed,department,period,field,label,kind,required,headers";
    let e = parse_feed_types(&format!(
        "{header}\n医保,医疗保障局,每周,id,身份证号,id,是,"
    ))
    .unwrap_err();
    assert!(e.reason.contains("周期“每周”"), "{e}");
    let e = parse_feed_types(&format!(
        "{header}\n医保,医疗保障局,每月,date,日期,date,是,\n医保,医疗保障局,每月,date,日期,date,是,"
    ))
    .unwrap_err();
    assert_eq!(e.line, 3);
    let e = parse_feed_types(&format!(
        "{header}\n医保,医疗保障局,每月,date,日期,date,是,"
    ))
    .unwrap_err();
    assert!(e.reason.contains("须有且只有一个必填身份证号字段"), "{e}");
}
