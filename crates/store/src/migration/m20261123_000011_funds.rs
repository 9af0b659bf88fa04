//! 资金与就业帮扶: 脱贫人口小额信贷 with its repayment schedule and the
//! repayments received, 公益性岗位, 到户产业奖补, and per-person 务工 records.
//!
//! Members are named by the keyed hash of their ID number (`person_hash`,
//! the same value as `person.id_hash`), because member rows are rewritten on
//! every household save and a person may move to another household; the
//! 人口编号 and name at the time of entry are kept for display.

use sea_orm_migration::{prelude::*, schema::*};

use super::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key to `household` that follows the household's removal (only
/// a demo reset removes households; merged households stay as shells).
fn to_household(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_household"))
        .from(table.to_owned(), "household_id")
        .to("household", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// A table of records about a household's member or the household: id,
/// household, its village, the given columns, a note, who and when.
fn household_table(name: &str, member: bool, cols: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(name.to_owned())
        .if_not_exists()
        .col(big_pk_auto("id"))
        .col(big_integer("household_id"))
        .col(char_len("area_code", 12));
    if member {
        t.col(string_len("person_no", 40))
            .col(string_len("person_name", 64))
            .col(char_len("person_hash", 32));
    }
    for c in cols {
        t.col(c);
    }
    t.col(text("note"))
        .col(big_integer_null("created_by"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut to_household(name));
    t.clone()
}

fn to_loan(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_loan"))
        .from(table.to_owned(), "loan_id")
        .to("micro_loan", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("micro_loan")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(char_len("area_code", 12))
                .col(string_len("borrower_no", 40))
                .col(string_len("borrower_name", 64))
                .col(char_len("borrower_hash", 32))
                .col(string_len("bank", 64))
                .col(string_len("purpose", 64))
                .col(big_integer("amount_fen"))
                .col(integer("term_months"))
                .col(date("issued_on"))
                .col(date("maturity_on"))
                // Annual rate in basis points (345 = 3.45 %).
                .col(integer("rate_bp"))
                .col(string_len("method", 32))
                // 贴息: a rate in basis points or a fixed amount, one of the two.
                .col(integer_null("subsidy_rate_bp"))
                .col(big_integer_null("subsidy_fen"))
                .col(text("note"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut to_household("micro_loan"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_loan_area", "micro_loan", &["area_code"]).await?;
        index(m, "ix_loan_household", "micro_loan", &["household_id"]).await?;

        m.create_table(
            Table::create()
                .table("loan_instalment")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("loan_id"))
                .col(integer("seq"))
                .col(date("due_on"))
                .col(big_integer("principal_fen"))
                .col(big_integer("interest_fen"))
                .foreign_key(&mut to_loan("loan_instalment"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_instalment_seq")
                .table("loan_instalment")
                .col("loan_id")
                .col("seq")
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("loan_repayment")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("loan_id"))
                .col(date("paid_on"))
                .col(big_integer("amount_fen"))
                .col(text("note"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut to_loan("loan_repayment"))
                .to_owned(),
        )
        .await?;
        index(m, "ix_repayment_loan", "loan_repayment", &["loan_id"]).await?;

        m.create_table(household_table(
            "public_post",
            true,
            vec![
                string_len("post", 64),
                date("start_on"),
                date("end_on"),
                integer("months"),
                big_integer("monthly_pay_fen"),
            ],
        ))
        .await?;
        index(m, "ix_post_person", "public_post", &["person_hash"]).await?;
        index(m, "ix_post_area", "public_post", &["area_code"]).await?;
        index(m, "ix_post_household", "public_post", &["household_id"]).await?;

        m.create_table(household_table(
            "industry_award",
            false,
            vec![
                integer("year"),
                string_len("project", 64),
                big_integer("amount_fen"),
            ],
        ))
        .await?;
        index(
            m,
            "ix_award_household_year",
            "industry_award",
            &["household_id", "year"],
        )
        .await?;
        index(m, "ix_award_area", "industry_award", &["area_code", "year"]).await?;

        m.create_table(household_table(
            "employment",
            true,
            vec![
                integer("year"),
                // in_county / in_province / out_of_province / abroad
                string_len("region", 16),
                string_len("place", 64),
                string_len("employer", 128),
                integer("months"),
                big_integer("income_fen"),
            ],
        ))
        .await?;
        index(
            m,
            "ix_employment_person",
            "employment",
            &["person_hash", "year"],
        )
        .await?;
        index(
            m,
            "ix_employment_area",
            "employment",
            &["area_code", "year"],
        )
        .await?;
        index(
            m,
            "ix_employment_household",
            "employment",
            &["household_id"],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "employment",
            "industry_award",
            "public_post",
            "loan_repayment",
            "loan_instalment",
            "micro_loan",
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
