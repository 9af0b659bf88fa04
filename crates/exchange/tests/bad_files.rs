//! Files with problems: every problem is reported at its row and column, and the
//! error report is a readable workbook.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::*;
use fangpin_demo::GeneratedHousehold;
use fangpin_exchange::{ExportOptions, Issue, error_report_xlsx, parse};
use rust_xlsxwriter::Workbook;

/// The demo export as string records, without the CSV text guard.
fn base(data: &[GeneratedHousehold]) -> Vec<Vec<String>> {
    let options = ExportOptions {
        csv_excel_text_guard: false,
        ..unmasked()
    };
    csv_records(&to_csv(data, options))
}

fn col(records: &[Vec<String>], header: &str) -> usize {
    records[0].iter().position(|h| h == header).unwrap()
}

/// Record index of the first row of each household (records[0] is the header).
fn starts(data: &[GeneratedHousehold]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut r = 1;
    for g in data {
        out.push(r);
        r += g.members.len();
    }
    out
}

fn find<'a>(issues: &'a [Issue], row: usize, column: &str) -> &'a Issue {
    issues
        .iter()
        .find(|i| i.row == row && i.column == column)
        .unwrap_or_else(|| panic!("no issue at row {row} column {column}: {issues:#?}"))
}

#[test]
fn every_problem_is_reported_and_the_error_report_reads_back() {
    let data = demo(40);
    let mut rec = base(&data);
    let starts = starts(&data);
    // Households with at least two members, to put problems in different households.
    let multi: Vec<usize> = (0..data.len())
        .filter(|&i| data[i].members.len() >= 2)
        .collect();
    assert!(multi.len() >= 6);
    let (h_check, h_relation, h_money, h_size, h_heads, h_number) =
        (multi[0], multi[1], multi[2], multi[3], multi[4], multi[5]);
    let c_id = col(&rec, "证件号码");
    let c_rel = col(&rec, "与户主关系");
    let c_wage = col(&rec, "工资性收入");
    let c_size = col(&rec, "当前家庭人口数");
    let c_birth = col(&rec, "出生日期");

    // 1. Bad check digit on the second member.
    let r_check = starts[h_check] + 1;
    let id = rec[r_check][c_id].clone();
    let last = id.chars().last().unwrap();
    let wrong = if last == '0' { '1' } else { '0' };
    rec[r_check][c_id] = format!("{}{wrong}", &id[..17]);
    // 2. Unknown relation label.
    let r_rel = starts[h_relation] + 1;
    rec[r_rel][c_rel] = "表哥".into();
    // 3. Money with three decimals, on every row of the household.
    let n = data[h_money].members.len();
    for row in rec.iter_mut().skip(starts[h_money]).take(n) {
        row[c_wage] = "1234.567".into();
    }
    // 4. Wrong member count, on every row of the household.
    let n = data[h_size].members.len();
    for row in rec.iter_mut().skip(starts[h_size]).take(n) {
        row[c_size] = (n + 1).to_string();
    }
    // 5. Two 户主.
    let r_heads = starts[h_heads] + 1;
    rec[r_heads][c_rel] = "户主".into();
    // 6. A number-typed ID cell (written below), and an Excel serial date that is fine.
    let r_number = starts[h_number] + 1;
    let r_serial = starts[h_number];

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("家庭成员").unwrap();
    for (r, record) in rec.iter().enumerate() {
        for (c, v) in record.iter().enumerate() {
            let (r32, c16) = (r as u32, c as u16);
            if r == r_number && c == c_id {
                sheet
                    .write_number(r32, c16, v.parse::<f64>().unwrap())
                    .unwrap();
            } else if r == r_serial && c == c_birth {
                let d = data[h_number].members[0].birth_date;
                let serial =
                    (d - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days();
                sheet.write_number(r32, c16, serial as f64).unwrap();
            } else if !v.is_empty() {
                sheet.write_string(r32, c16, v).unwrap();
            }
        }
    }
    let bytes = book.save_to_buffer().unwrap();

    let failure = parse("有错误.xlsx", &bytes).unwrap_err();
    let issues = &failure.issues;
    assert_eq!(issues.len(), 6, "{issues:#?}");
    // Rows as Excel shows them: record index + 1.
    let i = find(issues, r_check + 1, "证件号码");
    assert!(i.reason.starts_with("证件号码校验位错误"), "{}", i.reason);
    let i = find(issues, r_rel + 1, "与户主关系");
    assert!(
        i.reason
            .starts_with("与户主关系“表哥”不在代码表中，可填：户主、配偶、之子"),
        "{}",
        i.reason
    );
    assert_eq!(i.value, "表哥");
    let i = find(issues, starts[h_money] + 1, "工资性收入");
    assert_eq!(i.reason, "金额最多两位小数：1234.567");
    let i = find(issues, starts[h_size] + 1, "当前家庭人口数");
    let n = data[h_size].members.len();
    assert_eq!(
        i.reason,
        format!("当前家庭人口数为{}人，但家庭成员有{n}人", n + 1)
    );
    let i = find(issues, r_heads + 1, "与户主关系");
    assert!(i.reason.starts_with("家庭成员中有2名户主"), "{}", i.reason);
    assert!(i.reason.contains(&format!("第{}行", starts[h_heads] + 1)));
    let i = find(issues, r_number + 1, "证件号码");
    assert!(i.reason.contains("必须是文本格式"), "{}", i.reason);
    assert!(issues.iter().all(|i| i.sheet == "家庭成员"));
    // Sorted by row.
    assert!(issues.windows(2).all(|w| w[0].row <= w[1].row));

    // The error report.
    let report = error_report_xlsx("有错误.xlsx", &bytes, issues).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(report)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["家庭成员".to_string(), "错误清单".to_string()]
    );
    let list = book.worksheet_range("错误清单").unwrap();
    assert_eq!(list.height(), issues.len() + 1);
    let cell = |r: usize, c: usize| list.get((r, c)).cloned().unwrap_or(Data::Empty).to_string();
    assert_eq!(
        (0..5).map(|c| cell(0, c)).collect::<Vec<_>>(),
        ["工作表", "行号", "列名", "单元格内容", "错误原因"]
    );
    for (k, issue) in issues.iter().enumerate() {
        assert_eq!(cell(k + 1, 0), issue.sheet);
        assert_eq!(cell(k + 1, 1), issue.row.to_string());
        assert_eq!(cell(k + 1, 2), issue.column);
        assert_eq!(cell(k + 1, 3), issue.value);
        assert_eq!(cell(k + 1, 4), issue.reason);
    }
    let rows = book.worksheet_range("家庭成员").unwrap();
    let width = rec[0].len();
    assert_eq!(rows.get((0, width)), Some(&Data::String("错误说明".into())));
    let explain = rows.get((r_rel, width)).unwrap().to_string();
    assert!(
        explain.contains("【与户主关系】与户主关系“表哥”不在代码表中"),
        "{explain}"
    );
    // Original data is kept at its row: the row count matches.
    assert_eq!(rows.height(), rec.len());
}

#[test]
fn problems_across_rows_name_both_rows() {
    let data = demo(30);
    let mut rec = base(&data);
    let starts = starts(&data);
    let multi: Vec<usize> = (0..data.len())
        .filter(|&i| data[i].members.len() >= 2)
        .collect();
    let (h_type, h_dup) = (multi[0], multi[1]);
    let c_type = col(&rec, "户类型");
    let c_id = col(&rec, "证件号码");
    let c_sex = col(&rec, "性别");
    let c_birth = col(&rec, "出生日期");

    // Second row of a household says another 户类型.
    let r_type = starts[h_type] + 1;
    rec[r_type][c_type] = if rec[r_type][c_type] == "脱贫户" {
        "一般农户"
    } else {
        "脱贫户"
    }
    .into();
    // A member of another household carries the same ID (and sex/birth date) as the first household's head.
    let r_src = starts[h_type];
    let r_dup = starts[h_dup] + 1;
    for c in [c_id, c_sex, c_birth] {
        rec[r_dup][c] = rec[r_src][c].clone();
    }
    let failure = parse("跨行.csv", &records_to_csv(&rec)).unwrap_err();
    let issues = &failure.issues;
    assert_eq!(issues.len(), 2, "{issues:#?}");
    let i = find(issues, r_type + 1, "户类型");
    assert!(
        i.reason.starts_with("同一户编号的户类型不一致"),
        "{}",
        i.reason
    );
    assert!(i.reason.contains(&format!("第{}行", starts[h_type] + 1)));
    let i = find(issues, r_dup + 1, "证件号码");
    assert!(
        i.reason
            .contains(&format!("第{}行和第{}行", r_src + 1, r_dup + 1)),
        "{}",
        i.reason
    );
    assert_eq!(failure.encoding, Some("UTF-8"));

    // The report also works for CSV input.
    let report = error_report_xlsx("跨行.csv", &records_to_csv(&rec), issues).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(report)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["数据".to_string(), "错误清单".to_string()]
    );
    assert_eq!(book.worksheet_range("错误清单").unwrap().height(), 3);
}

#[test]
fn missing_required_header_is_an_error_naming_it() {
    let data = demo(5);
    let rec = base(&data);
    let c = col(&rec, "户编号");
    let cut: Vec<Vec<String>> = rec
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .filter(|(i, _)| *i != c)
                .map(|(_, v)| v.clone())
                .collect()
        })
        .collect();
    let failure = parse("缺列.csv", &records_to_csv(&cut)).unwrap_err();
    assert_eq!(failure.issues.len(), 1, "{:#?}", failure.issues);
    assert_eq!(failure.issues[0].row, 1);
    assert_eq!(failure.issues[0].column, "户编号");
    assert_eq!(failure.issues[0].reason, "缺少必填列“户编号”");
}

#[test]
fn dates_and_months_in_other_spellings_are_accepted() {
    let data = demo(10);
    let mut rec = base(&data);
    let c_birth = col(&rec, "出生日期");
    let forms = ["%Y/%-m/%-d", "%Y%m%d", "%Y年%-m月%-d日", "%Y-%m-%d"];
    let mut r = 1;
    for g in &data {
        for p in &g.members {
            rec[r][c_birth] = p.birth_date.format(forms[r % forms.len()]).to_string();
            r += 1;
        }
    }
    let c_month = col(&rec, "识别监测时间");
    for row in rec.iter_mut().skip(1) {
        if let Some((y, m)) = row[c_month].clone().split_at_checked(4)
            && !m.is_empty()
        {
            row[c_month] = format!("{y}-{m}");
        }
    }
    assert_same(&parse("dates.csv", &records_to_csv(&rec)).unwrap(), &data);
}

#[test]
fn unreadable_files_fail_with_a_clear_reason() {
    let f = parse("old.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0]).unwrap_err();
    assert!(
        f.issues[0].reason.contains(".xls"),
        "{}",
        f.issues[0].reason
    );
    let f = parse("empty.csv", b"").unwrap_err();
    assert_eq!(f.issues.len(), 1);
    let f = parse("broken.xlsx", b"PK\x03\x04garbage").unwrap_err();
    assert!(
        f.issues[0].reason.contains("xlsx"),
        "{}",
        f.issues[0].reason
    );
}
