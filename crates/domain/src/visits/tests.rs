use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn visit_form_parses_and_refuses_with_the_field_named() {
    let today = d("2026-05-10");
    let form = VisitForm {
        date: None,
        kind: "home".into(),
        findings: "  户主住院，收入减少  ".into(),
        flags: vec!["income_drop".into(), "illness".into(), "illness".into()],
        risk_found: false,
    };
    let v = form.parse(today).unwrap();
    assert_eq!(v.date, today);
    assert_eq!(v.findings, "户主住院，收入减少");
    assert_eq!(v.flags, vec![Flag::Illness, Flag::IncomeDrop]);
    assert!(v.risk_found);
    assert_eq!(v.flag_codes(), "illness,income_drop");
    assert_eq!(v.suggested_risks(), vec!["01", "07"]);
    assert_eq!(parse_flags(&v.flag_codes()).unwrap(), v.flags);
    assert_eq!(parse_flags("").unwrap(), vec![]);

    let bad = |f: VisitForm| f.parse(today).unwrap_err().to_string();
    assert_eq!(
        bad(VisitForm {
            date: Some("2026-05-11".into()),
            ..form.clone()
        }),
        "走访日期（2026-05-11）不能晚于今天（2026-05-10）"
    );
    assert_eq!(
        bad(VisitForm {
            date: Some("5月1日".into()),
            ..form.clone()
        }),
        "走访日期无效：5月1日（应为 YYYY-MM-DD）"
    );
    assert_eq!(
        bad(VisitForm {
            kind: "walk".into(),
            ..form.clone()
        }),
        "走访方式无效：walk"
    );
    assert_eq!(
        bad(VisitForm {
            findings: " ".into(),
            ..form.clone()
        }),
        "走访情况不能为空"
    );
    assert_eq!(
        bad(VisitForm {
            flags: vec!["rain".into()],
            ..form.clone()
        }),
        "发现情况无效：rain"
    );
    assert!(
        bad(VisitForm {
            findings: "字".repeat(MAX_FINDINGS_CHARS + 1),
            ..form.clone()
        })
        .starts_with("走访情况不能超过2000个字")
    );
    let quiet = VisitForm {
        flags: vec![],
        ..form
    }
    .parse(today)
    .unwrap();
    assert!(!quiet.risk_found);
}

#[test]
fn photos_are_told_by_their_bytes() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    let webp = b"RIFF\x24\0\0\0WEBPVP8 ";
    assert_eq!(PhotoType::sniff(png), Some(PhotoType::Png));
    assert_eq!(PhotoType::sniff(&jpeg), Some(PhotoType::Jpeg));
    assert_eq!(PhotoType::sniff(webp), Some(PhotoType::Webp));
    assert_eq!(PhotoType::sniff(b"GIF89a"), None);
    assert_eq!(PhotoType::sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
    assert_eq!(PhotoType::sniff(&png[..7]), None);
    for t in [PhotoType::Jpeg, PhotoType::Png, PhotoType::Webp] {
        assert_eq!(PhotoType::from_mime(t.mime()), Some(t));
    }

    let limits = PhotoLimits {
        max_count: 6,
        max_bytes: 5 * 1024 * 1024,
    };
    // The name does not matter, the content does.
    assert_eq!(limits.check("a.txt", png), Ok(PhotoType::Png));
    assert_eq!(
        limits
            .check("C:\\相册\\门口.jpg", b"GIF89a....")
            .unwrap_err()
            .to_string(),
        "照片“门口.jpg”不是 JPEG、PNG 或 WebP 图片，请上传手机拍摄的照片"
    );
    assert_eq!(
        limits.check("空.png", b"").unwrap_err().to_string(),
        "照片“空.png”是空文件"
    );
    let mut big = png.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    assert_eq!(
        limits.check("大.png", &big).unwrap_err().to_string(),
        "照片“大.png”大小为5.1 MB，超过每张5 MB的上限"
    );
    big.pop();
    assert_eq!(limits.check("刚好.png", &big), Ok(PhotoType::Png));
    assert_eq!(limits.check_count(4, 2), Ok(()));
    assert_eq!(
        limits.check_count(4, 3).unwrap_err().to_string(),
        "每次走访最多6张照片，已有4张，本次选了3张"
    );
    assert_eq!(readable_size(812), "812 字节");
    assert_eq!(readable_size(1536), "1.5 KB");
    assert_eq!(readable_size(6 * 1024 * 1024 + 300 * 1024), "6.3 MB");
    assert_eq!(readable_size(5 * 1024 * 1024), "5 MB");
    assert_eq!(display_name("  "), "未命名");
}

#[test]
fn tables_are_well_formed() {
    let mut ids = std::collections::HashSet::new();
    for r in TARGET_RULES {
        assert!(ids.insert(r.id), "duplicate rule {}", r.id);
        assert!(!r.label.is_empty() && !r.note.is_empty());
    }
    for p in PRESETS {
        assert!(!ids.contains(p.id) || p.rules == [p.id], "{}", p.id);
        for r in p.rules {
            assert!(target_rule(r).is_some(), "{} names {}", p.id, r);
        }
    }
    let eight = PRESETS.iter().find(|p| p.id == "eight_must").unwrap();
    assert_eq!(eight.rules.len(), 8);
    let five = PRESETS.iter().find(|p| p.id == "five_must").unwrap();
    assert_eq!(five.rules.len(), 5);
    for k in VisitKind::ALL {
        assert_eq!(VisitKind::parse(k.code()).unwrap(), *k);
    }
    for k in CampaignKind::ALL {
        assert_eq!(CampaignKind::parse(k.code()).unwrap(), *k);
    }
}

#[test]
fn target_specs() {
    let s = TargetSpec::parse(&["five_must", "dibao"]).unwrap();
    assert_eq!(
        s.code(),
        "tekun,disability,dibao,dept_warning,serious_illness"
    );
    assert_eq!(s.label(), "五访");
    assert_eq!(TargetSpec::parse_stored(&s.code()).unwrap(), s);
    let e = TargetSpec::parse(&["eight_must"]).unwrap();
    assert_eq!(e.label(), "八必访");
    assert_eq!(e.rules().len(), 8);
    assert!(TargetSpec::parse(&["all"]).unwrap().is_all());
    assert_eq!(
        TargetSpec::parse(&["illness", "dibao"]).unwrap().label(),
        "患大病或慢性病、低保户"
    );
    assert_eq!(
        TargetSpec::parse(&["all", "dibao"]).unwrap_err(),
        VisitError::AllWithOthers
    );
    assert_eq!(
        TargetSpec::parse::<&str>(&[]).unwrap_err().to_string(),
        "排查对象不能为空"
    );
    assert_eq!(
        TargetSpec::parse(&["nobody"]).unwrap_err().to_string(),
        "排查对象无效：nobody"
    );
}

#[test]
fn campaign_form() {
    let form = CampaignForm {
        name: "2026年防止返贫监测帮扶集中排查".into(),
        kind: "sweep".into(),
        area: "500230".into(),
        from: "2026-04-01".into(),
        until: "2026-09-30".into(),
        targets: vec!["all".into()],
    };
    let c = form.parse().unwrap();
    assert_eq!(c.kind, CampaignKind::Sweep);
    assert_eq!(c.period.from, d("2026-04-01"));
    assert!(c.targets.is_all());
    let bad = |f: CampaignForm| f.parse().unwrap_err().to_string();
    assert_eq!(
        bad(CampaignForm {
            until: "2026-03-31".into(),
            ..form.clone()
        }),
        "排查期限无效：截止日期（2026-03-31）早于开始日期（2026-04-01）"
    );
    assert_eq!(
        bad(CampaignForm {
            until: "2027-04-02".into(),
            ..form.clone()
        }),
        "排查期限无效：共367天，不能超过366天"
    );
    assert!(
        bad(CampaignForm {
            area: "500230101201".into(),
            ..form.clone()
        })
        .starts_with("排查范围无效：500230101201是村级区划")
    );
    assert_eq!(
        bad(CampaignForm {
            name: String::new(),
            ..form
        }),
        "名称不能为空"
    );
}

#[test]
fn phases_and_progress() {
    let p = Period::new(d("2026-04-01"), d("2026-06-30")).unwrap();
    assert_eq!(Phase::of(&p, d("2026-03-31"), 7), Phase::Upcoming);
    assert_eq!(Phase::of(&p, d("2026-04-01"), 7), Phase::Running);
    assert_eq!(Phase::of(&p, d("2026-06-23"), 7), Phase::Running);
    assert_eq!(Phase::of(&p, d("2026-06-24"), 7), Phase::EndingSoon);
    assert_eq!(Phase::of(&p, d("2026-06-30"), 7), Phase::EndingSoon);
    assert_eq!(Phase::of(&p, d("2026-07-01"), 7), Phase::Ended);
    assert_eq!(Phase::of(&p, d("2026-06-30"), 0), Phase::Running);
    assert!(p.contains(d("2026-06-30")) && !p.contains(d("2026-07-01")));

    let pr = Progress {
        target: 8,
        visited: 5,
    };
    assert_eq!(pr.unvisited(), 3);
    assert_eq!(pr.overdue(Phase::Running), 0);
    assert_eq!(pr.overdue(Phase::EndingSoon), 3);
    assert_eq!(pr.overdue(Phase::Ended), 3);
    assert_eq!(pr.per_mille(), 625);
    assert_eq!(Progress::default().per_mille(), 0);
    assert_eq!(
        pr + Progress {
            target: 2,
            visited: 2
        },
        Progress {
            target: 10,
            visited: 7
        }
    );
}
