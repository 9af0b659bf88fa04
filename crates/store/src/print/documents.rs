//! The printed documents: the notice, the announcement and the review minutes, each printout audited.

use super::*;

impl Store {
    /// 公示名单: the households of an area whose case is in 村内公示 of
    /// `kind` (拟纳入监测对象 or 拟风险消除), for a village or a township.
    pub async fn print_notice(
        &self,
        access: &Access,
        area: Option<AreaCode>,
        kind: DocumentKind,
        now: DateTime<Utc>,
    ) -> Result<HouseholdList> {
        let doc_area = self.document_area(access, area).await?;
        let code =
            AreaCode::parse(&doc_area.code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if code.level() < AreaLevel::Township {
            return Err(StoreError::Invalid(
                "公示名单按村或乡镇打印，请选择乡镇或村".into(),
            ));
        }
        let today = china_day(now);
        let mut q = Query::select();
        q.columns([
            "id",
            "household_id",
            "category",
            "risks",
            "notice_from",
            "notice_until",
        ])
        .from("case_file")
        .and_where(Expr::col("state").eq(kind.notice_state().code()))
        .order_by("id", Order::Asc);
        in_area(&mut q, Keyed::bare(), access, &code)?;
        let mut lines = Vec::new();
        for r in self.db.query_all(&q).await? {
            lines.push(CaseLine {
                case_id: r.try_get("", "id")?,
                household_id: r.try_get("", "household_id")?,
                category: r.try_get("", "category")?,
                risks: risks_of(&r.try_get::<String>("", "risks")?),
                notice_from: r.try_get("", "notice_from")?,
                notice_until: r.try_get("", "notice_until")?,
                approved_on: None,
                approved_seq: 0,
            });
        }
        let households = self.household_list(access, kind, lines).await?;
        let policy = self.policy_set().await?;
        let doc = HouseholdList {
            kind,
            title: kind.notice_title(),
            supervision_phone: self.supervision_phone(&policy, &code, today.year())?,
            hotline: NATIONAL_HOTLINE,
            area: doc_area,
            from: None,
            until: None,
            printed_on: today,
            households,
        };
        self.audit_print(access, &doc, "notice").await?;
        Ok(doc)
    }

    /// 公告: the households whose case the county approved (纳入监测 or
    /// 风险消除) between `from` and `until`, both included.
    pub async fn print_announcement(
        &self,
        access: &Access,
        area: Option<AreaCode>,
        kind: DocumentKind,
        from: NaiveDate,
        until: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<HouseholdList> {
        if from > until {
            return Err(StoreError::Invalid("起始日期不能晚于截止日期".into()));
        }
        let doc_area = self.document_area(access, area).await?;
        let code =
            AreaCode::parse(&doc_area.code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let today = china_day(now);
        let mut q = Query::select();
        q.column(("e", "seq"))
            .column(("e", "on_day"))
            .column(("c", "id"))
            .column(("c", "household_id"))
            .column(("c", "category"))
            .column(("c", "risks"))
            .from_as("case_event", "e")
            .join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                "case_file",
                "c",
                Expr::col(("c", "id")).equals(("e", "case_id")),
            )
            .and_where(Expr::col(("e", "action")).eq("approve"))
            .and_where(Expr::col(("e", "to_state")).eq(kind.approved_state().code()))
            .and_where(Expr::col(("e", "on_day")).gte(from))
            .and_where(Expr::col(("e", "on_day")).lte(until))
            .order_by(("e", "on_day"), Order::Asc);
        in_area(&mut q, Keyed::rows("c"), access, &code)?;
        let mut lines = Vec::new();
        for r in self.db.query_all(&q).await? {
            lines.push(CaseLine {
                case_id: r.try_get("", "id")?,
                household_id: r.try_get("", "household_id")?,
                category: r.try_get("", "category")?,
                risks: risks_of(&r.try_get::<String>("", "risks")?),
                notice_from: None,
                notice_until: None,
                approved_on: Some(r.try_get("", "on_day")?),
                approved_seq: r.try_get("", "seq")?,
            });
        }
        let households = self.household_list(access, kind, lines).await?;
        let policy = self.policy_set().await?;
        let doc = HouseholdList {
            kind,
            title: kind.announcement_title(),
            supervision_phone: self.supervision_phone(&policy, &code, today.year())?,
            hotline: NATIONAL_HOTLINE,
            area: doc_area,
            from: Some(from),
            until: Some(until),
            printed_on: today,
            households,
        };
        self.audit_print(access, &doc, "announcement").await?;
        Ok(doc)
    }

    pub(super) async fn audit_print(
        &self,
        access: &Access,
        doc: &HouseholdList,
        document: &str,
    ) -> Result<()> {
        let nos: Vec<&str> = doc
            .households
            .iter()
            .map(|h| h.household.household_no.as_str())
            .collect();
        let after = json!({
            "document": document,
            "kind": doc.kind,
            "from": doc.from,
            "until": doc.until,
            "households": nos,
        });
        let note = format!("打印{}（{}，{}户）", doc.title, doc.area.name, nos.len());
        let area = AreaCode::parse(&doc.area.code).ok();
        self.audit_printout(access, ("case", None), area, after, note)
            .await
    }

    /// Records a printout: the entity and key it is about, the area, what
    /// was printed.
    pub(super) async fn audit_printout(
        &self,
        access: &Access,
        (entity, entity_key): (&'static str, Option<String>),
        area: Option<AreaCode>,
        after: Value,
        note: String,
    ) -> Result<()> {
        let entry = AuditEntry {
            action: "print",
            entity,
            entity_key,
            area,
            after: Some(after),
            note: Some(note),
            ..Default::default()
        };
        self.audit(&access.actor(), entry).await
    }

    /// The 民主评议 minutes of a case: the review entry `seq` of its ledger,
    /// or the latest one.
    pub async fn print_minutes(
        &self,
        access: &Access,
        case_id: i64,
        seq: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<ReviewMinutes> {
        access.require(perm::HOUSEHOLD_READ)?;
        let mut q = Query::select();
        q.columns(["id", "household_id", "area_code", "category", "risks"])
            .from("case_file")
            .and_where(Expr::col("id").eq(case_id));
        in_area(&mut q, Keyed::bare(), access, &access.area)?;
        let case = self
            .db
            .query_one(&q)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("案件不存在：{case_id}")))?;
        let household_id: i64 = case.try_get("", "household_id")?;
        let category: Option<String> = case.try_get("", "category")?;
        let risks = risks_of(&case.try_get::<String>("", "risks")?);

        let mut ev = Query::select();
        ev.columns(["seq", "on_day", "actor", "from_state", "payload"])
            .from("case_event")
            .and_where(Expr::col("case_id").eq(case_id))
            .and_where(Expr::col("action").eq("review"))
            .order_by("seq", Order::Asc);
        let mut reviews = Vec::new();
        for r in self.db.query_all(&ev).await? {
            let from: Option<String> = r.try_get("", "from_state")?;
            let kind = if from.as_deref() == Some(CaseState::ElimReviewing.code()) {
                DocumentKind::Elimination
            } else {
                DocumentKind::Identification
            };
            let payload = ledger_payload(&r.try_get::<String>("", "payload")?)?;
            let Ok(Action::Review(record)) =
                serde_json::from_value::<Action>(payload["action"].clone())
            else {
                return Err(StoreError::Corrupt(format!(
                    "案件{case_id}的评议记录无法解析"
                )));
            };
            let seq: i32 = r.try_get("", "seq")?;
            let on_day: NaiveDate = r.try_get("", "on_day")?;
            let actor: String = r.try_get("", "actor")?;
            reviews.push((seq, kind, record, actor, on_day));
        }
        if reviews.is_empty() {
            return Err(StoreError::Invalid(
                "该案件尚未进行村级民主评议，没有可打印的评议记录".into(),
            ));
        }
        let refs: Vec<ReviewRef> = reviews
            .iter()
            .map(|(seq, kind, rec, _, _)| ReviewRef {
                seq: *seq,
                kind: *kind,
                held_on: rec.held_on,
            })
            .collect();
        let picked = match seq {
            None => reviews.pop(),
            Some(s) => reviews.into_iter().find(|(q, ..)| *q == s),
        };
        let (seq, kind, record, recorded_by, recorded_on) = picked.ok_or_else(|| {
            StoreError::NotFound(format!("案件{case_id}没有第{}条评议记录", seq.unwrap_or(0)))
        })?;
        let h = self.household(access, household_id).await?.household;
        let labels = self.labels().await?;
        let names = self.place_names([h.area]).await?;
        let household = labels.household(household_id, &h, &names, category, risks);
        let method_label = match kind {
            DocumentKind::Elimination => self
                .proposed_methods([(case_id, seq)])
                .await?
                .remove(&case_id)
                .map(|m| labels.get(code_keys::ELIMINATION_METHOD, &m)),
            DocumentKind::Identification => None,
        };
        let subject = match kind {
            DocumentKind::Identification => "防止返贫监测对象识别纳入",
            DocumentKind::Elimination => "防止返贫监测对象风险消除",
        };
        let result = match (kind, record.passed) {
            (DocumentKind::Identification, true) => "同意纳入监测对象，进入村内公示",
            (DocumentKind::Identification, false) => "不同意纳入监测对象",
            (DocumentKind::Elimination, true) => "同意标注风险消除，进入村内公示",
            (DocumentKind::Elimination, false) => "不同意风险消除，继续监测帮扶",
        };
        let doc = ReviewMinutes {
            case_id,
            seq,
            kind,
            title: format!(
                "{}{}村级民主评议会议记录",
                household.names.village.as_deref().unwrap_or_default(),
                subject
            ),
            household,
            method_label,
            result: result.to_owned(),
            record,
            recorded_by,
            recorded_on,
            reviews: refs,
            printed_on: china_day(now),
        };
        let after = json!({"document": "minutes", "seq": seq, "household_no": h.household_no});
        let key = ("case", Some(case_id.to_string()));
        self.audit_printout(access, key, Some(h.area), after, "打印民主评议记录".into())
            .await?;
        Ok(doc)
    }
}
