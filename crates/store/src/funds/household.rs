//! One household's funds records.

use super::*;

impl Store {
    /// Everything recorded for one household (for its page).
    pub async fn household_funds(
        &self,
        access: &Access,
        household_id: i64,
        now: DateTime<Utc>,
    ) -> Result<HouseholdFundsView> {
        self.household(access, household_id).await?;
        let f = FundsFilter {
            household_id: Some(household_id),
            ..Default::default()
        };
        let loans = self
            .loan_rows(
                access,
                &LoanFilter {
                    household_id: Some(household_id),
                    ..Default::default()
                },
                now,
            )
            .await?;
        let (_, posts) = self.posts(access, &f, 0, 500, now).await?;
        let (_, _, awards) = self.awards(access, &f, 0, 500).await?;
        let (_, jobs) = self.jobs(access, &f, 0, 500).await?;
        Ok(HouseholdFundsView {
            loans,
            posts,
            awards,
            jobs,
        })
    }
}
