//! 明白卡: the household cards with their measures.

use super::*;

impl Store {
    /// The 明白卡 of one monitored household.
    pub async fn print_card(
        &self,
        access: &Access,
        household_id: i64,
        now: DateTime<Utc>,
    ) -> Result<HouseholdCard> {
        let h = self.household(access, household_id).await?.household;
        if h.monitor_category.is_none() {
            return Err(StoreError::Invalid(
                "该户不是监测对象，没有监测户明白卡".into(),
            ));
        }
        let mut cards = self.cards_of(vec![(household_id, h)], now).await?;
        let card = cards
            .pop()
            .ok_or_else(|| StoreError::Corrupt("明白卡生成失败".into()))?;
        let h = &card.household;
        let key = ("household", Some(h.household_no.clone()));
        let area = AreaCode::parse(&h.area_code).ok();
        let note = "打印监测户明白卡".to_owned();
        self.audit_printout(access, key, area, json!({"document": "card"}), note)
            .await?;
        Ok(card)
    }

    /// The 明白卡 of every household of an area that is monitored with its
    /// risk not eliminated (at most [`MAX_CARDS`]).
    pub async fn print_cards(
        &self,
        access: &Access,
        area: Option<AreaCode>,
        now: DateTime<Utc>,
    ) -> Result<(DocumentArea, Vec<HouseholdCard>)> {
        let doc_area = self.document_area(access, area).await?;
        let code =
            AreaCode::parse(&doc_area.code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let rows = household::Entity::find()
            .filter(
                access
                    .scope()?
                    .within(Some(&code))?
                    .on(Keyed::household(None)),
            )
            .filter(crate::households::in_registry())
            .filter(household::Column::MonitorCategory.is_not_null())
            .filter(
                household::Column::RiskEliminated
                    .eq(false)
                    .or(household::Column::RiskEliminated.is_null()),
            )
            .order_by_asc(household::Column::AreaCode)
            .order_by_asc(household::Column::GroupNo)
            .order_by_asc(household::Column::HouseholdNo)
            .all(&self.db)
            .await?;
        if rows.len() > MAX_CARDS {
            return Err(StoreError::Invalid(format!(
                "{}共有{}户监测对象，明白卡一次最多打印{MAX_CARDS}户，请选择下级区划",
                doc_area.name,
                rows.len()
            )));
        }
        let households = rows
            .into_iter()
            .map(|m| Ok((m.id, household_of(&self.cipher, m)?)))
            .collect::<Result<Vec<_>>>()?;
        let cards = self.cards_of(households, now).await?;
        let nos: Vec<&str> = cards
            .iter()
            .map(|c| c.household.household_no.as_str())
            .collect();
        let note = format!("打印监测户明白卡（{}，{}户）", doc_area.name, nos.len());
        let after = json!({"document": "cards", "households": nos});
        self.audit_printout(access, ("household", None), Some(code), after, note)
            .await?;
        Ok((doc_area, cards))
    }

    pub(super) async fn cards_of(
        &self,
        households: Vec<(i64, Household)>,
        now: DateTime<Utc>,
    ) -> Result<Vec<HouseholdCard>> {
        let today = china_day(now);
        let year = today.year();
        let ids: Vec<i64> = households.iter().map(|(id, _)| *id).collect();
        let labels = self.labels().await?;
        let policy = self.policy_set().await?;
        let names = self
            .place_names(households.iter().map(|(_, h)| h.area))
            .await?;
        let mut measures = self.measures_of(&ids).await?;
        let mut responsible = self.current_pairings(&ids).await?;
        let mut identified: HashMap<i64, NaiveDate> = HashMap::new();
        // Bounded batches keep both engines under their bind-parameter limits.
        for chunk in ids.chunks(MAX_CARDS) {
            let mut c = Query::select();
            c.columns(["household_id", "identified_on"])
                .from("case_file")
                .and_where(Expr::col("household_id").is_in(chunk.to_vec()))
                .and_where(Expr::col("identified_on").is_not_null())
                .order_by("id", Order::Asc);
            for r in self.db.query_all(&c).await? {
                identified.insert(
                    r.try_get("", "household_id")?,
                    r.try_get("", "identified_on")?,
                );
            }
        }
        let mut out = Vec::with_capacity(households.len());
        for (id, h) in households {
            let criteria = criteria_in_plain_words(&policy, &h.area, year)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let household =
                labels.household(id, &h, &names, h.monitor_category.clone(), h.risks.clone());
            out.push(HouseholdCard {
                household,
                risk_eliminated: h.risk_eliminated,
                identified_on: identified.get(&id).copied(),
                identified_month: h.identified_month,
                eliminated_month: h.eliminated_month,
                measures: measures
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|m| card_measure(m, &labels))
                    .collect(),
                assistance_cadre: responsible.remove(&id),
                hotline: NATIONAL_HOTLINE,
                supervision_phone: self.supervision_phone(&policy, &h.area, year)?,
                criteria,
                printed_on: today,
            });
        }
        Ok(out)
    }
}

fn card_measure(m: MeasureRow, labels: &Labels) -> CardMeasure {
    let x = m.measure;
    CardMeasure {
        category: m.category_label.to_owned(),
        kind: x.kind.label().to_owned(),
        name: x.name,
        status: m.status_label.to_owned(),
        target_risk_label: labels.get(code_keys::RISK_TYPE, &x.target_risk),
        target_risk: x.target_risk,
        started_on: x.started_on,
        ended_on: x.ended_on,
        amount_fen: x.amount.fen(),
        note: m.note,
    }
}
