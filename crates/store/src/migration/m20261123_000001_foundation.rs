//! Foundation schema: areas and village groups, code lists, policy parameters,
//! households, persons and annual income records, and instance settings.
//!
//! Every household-related table carries `area_code` (the household's village
//! code), so the same schema can later be partitioned or distributed by county.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn idx(name: &str, table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(Alias::new(table)).if_not_exists();
    for c in cols {
        stmt.col(Alias::new(*c));
    }
    if unique {
        stmt.unique();
    }
    stmt.clone()
}

/// The money columns of an annual income record, all integer 分.
pub const INCOME_MONEY_COLUMNS: [&str; 19] = [
    "wage",
    "wage_public_welfare",
    "wage_other",
    "business",
    "property",
    "property_dividend",
    "property_other",
    "transfer",
    "transfer_pension",
    "transfer_family_planning",
    "transfer_eco",
    "transfer_dibao",
    "transfer_tekun",
    "transfer_other",
    "industry_award",
    "employment_award",
    "production_cost",
    "cost_subsidy",
    "rigid_expense",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("setting")
                .if_not_exists()
                .col(string_len("key", 64).primary_key())
                .col(text("value"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("area")
                .if_not_exists()
                .col(char_len("code", 12).primary_key())
                .col(string_len("name", 64))
                .col(string_len("level", 16))
                .col(char_len_null("parent_code", 12))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("ix_area_parent", "area", &["parent_code"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("village_group")
                .if_not_exists()
                .col(char_len("village_code", 12))
                .col(small_integer("no"))
                .col(string_len("name", 64))
                .primary_key(Index::create().col("village_code").col("no"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_group_village")
                        .from("village_group", "village_code")
                        .to("area", "code"),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("code_list")
                .if_not_exists()
                .col(string_len("key", 64).primary_key())
                .col(string_len("name", 64))
                .col(text("source"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("code_item")
                .if_not_exists()
                .col(string_len("list_key", 64))
                .col(string_len("code", 16))
                .col(string_len("label", 64))
                .col(integer("sort_order"))
                .col(boolean("active").default(true))
                .primary_key(Index::create().col("list_key").col("code"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_code_item_list")
                        .from("code_item", "list_key")
                        .to("code_list", "key"),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("policy_param")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_len("key", 64))
                // '' is the national level; otherwise a 12-digit area code.
                .col(string_len("scope_code", 12))
                .col(integer("year"))
                .col(text("value"))
                .col(string_len("confidence", 16))
                .col(text("note"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ux_policy_param",
            "policy_param",
            &["key", "scope_code", "year"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("household")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(char_len("area_code", 12))
                .col(small_integer_null("group_no"))
                .col(string_len_uniq("household_no", 32))
                .col(string_len("head_name", 64))
                // ID numbers are stored sealed (AES-256-GCM) with a keyed hash for
                // exact lookups and joins; never in plaintext.
                .col(text("head_id_enc"))
                .col(char_len("head_id_hash", 32))
                .col(string_len_null("phone", 32))
                .col(string_len("household_type", 8))
                .col(string_len_null("poverty_policy", 8))
                .col(string_len_null("monitor_category", 8))
                .col(boolean("is_military_family"))
                .col(small_integer("current_size"))
                .col(char_len_null("identified_month", 6))
                .col(char_len_null("eliminated_month", 6))
                .col(boolean_null("risk_eliminated"))
                .col(string_len_null("elimination_method", 8))
                .col(text("risks"))
                .col(string_len_null("dev_measure_status", 64))
                .col(boolean("no_labor_safety_net"))
                .col(string_len_null("collector_name", 64))
                .col(string_len_null("collector_phone", 32))
                .col(string_len_null("bank_name", 64))
                .col(text_null("bank_account_enc"))
                .col(text("conditions"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_household_area")
                        .from("household", "area_code")
                        .to("area", "code"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_household_area",
            "household",
            &["area_code", "group_no"],
            false,
        ))
        .await?;
        m.create_index(idx(
            "ix_household_head_id_hash",
            "household",
            &["head_id_hash"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("person")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("household_id"))
                .col(char_len("area_code", 12))
                .col(string_len_uniq("person_no", 40))
                .col(string_len("name", 64))
                .col(small_integer("sex"))
                .col(string_len("id_type", 8))
                .col(text("id_enc"))
                .col(char_len_uniq("id_hash", 32))
                .col(date("birth_date"))
                .col(string_len("ethnicity", 8))
                .col(string_len("relation", 8))
                .col(string_len_null("phone", 32))
                .col(string_len_null("political_status", 8))
                .col(string_len_null("education", 8))
                .col(string_len_null("student_status", 8))
                .col(string_len_null("dropout_reason", 64))
                .col(string_len_null("graduate_unemployed_reason", 64))
                .col(string_len("health", 8))
                .col(string_len("labor_skill", 8))
                .col(small_integer("work_months"))
                .col(string_len_null("work_place", 64))
                .col(string_len_null("work_employer", 128))
                .col(boolean("works_abroad"))
                .col(string_len_null("public_welfare_post", 64))
                .col(small_integer("public_welfare_months"))
                .col(boolean("speaks_mandarin"))
                .col(text("insurance"))
                .col(integer_null("disability_cert_year"))
                .col(boolean("unsupported_child"))
                .col(boolean("dropout_after_elimination"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_person_household")
                        .from("person", "household_id")
                        .to("household", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(idx(
            "ix_person_household",
            "person",
            &["household_id"],
            false,
        ))
        .await?;
        m.create_index(idx("ix_person_area", "person", &["area_code"], false))
            .await?;

        let mut income = Table::create();
        income
            .table("income_record")
            .if_not_exists()
            .col(big_pk_auto("id"))
            .col(big_integer("household_id"))
            .col(char_len("area_code", 12))
            .col(integer("year"))
            .col(small_integer("annual_persons"));
        for c in INCOME_MONEY_COLUMNS {
            income.col(big_integer(c).default(0));
        }
        income.foreign_key(
            ForeignKey::create()
                .name("fk_income_household")
                .from("income_record", "household_id")
                .to("household", "id")
                .on_delete(ForeignKeyAction::Cascade),
        );
        m.create_table(income.clone()).await?;
        m.create_index(idx(
            "ux_income_household_year",
            "income_record",
            &["household_id", "year"],
            true,
        ))
        .await?;
        m.create_index(idx(
            "ix_income_area",
            "income_record",
            &["area_code", "year"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "income_record",
            "person",
            "household",
            "policy_param",
            "code_item",
            "code_list",
            "village_group",
            "area",
            "setting",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
