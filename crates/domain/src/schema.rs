//! OpenAPI schemas of the value types whose JSON form is not their Rust
//! shape: money and rates are integers, codes and identifiers are strings.
//! Compiled only with the `openapi` feature (the HTTP server enables it).

use std::borrow::Cow;

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// Implements `PartialSchema` and `ToSchema` for a type written as one JSON
/// scalar, with its description and optional format and example.
macro_rules! scalar_schema {
    ($ty:ty, $name:literal, $json:expr, $format:expr, $description:literal) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                let format: Option<SchemaFormat> = $format;
                ObjectBuilder::new()
                    .schema_type($json)
                    .format(format)
                    .description(Some($description))
                    .into()
            }
        }

        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

scalar_schema!(
    crate::Money,
    "Money",
    Type::Integer,
    Some(SchemaFormat::KnownFormat(KnownFormat::Int64)),
    "金额，单位为分（整数，可为负）"
);
scalar_schema!(
    crate::Hundredths,
    "Hundredths",
    Type::Integer,
    Some(SchemaFormat::KnownFormat(KnownFormat::Int64)),
    "两位小数的数量，以百分之一为单位的整数"
);
scalar_schema!(
    crate::funds::BasisPoints,
    "BasisPoints",
    Type::Integer,
    Some(SchemaFormat::KnownFormat(KnownFormat::Int32)),
    "比率，单位为万分之一（345 即 3.45%）"
);
scalar_schema!(
    crate::AreaCode,
    "AreaCode",
    Type::String,
    None,
    "12 位行政区划代码"
);
scalar_schema!(
    crate::IdNumber,
    "IdNumber",
    Type::String,
    None,
    "18 位公民身份号码（列表和详情中脱敏）"
);
scalar_schema!(
    crate::YearMonth,
    "YearMonth",
    Type::String,
    None,
    "年月，YYYYMM"
);
scalar_schema!(
    crate::id_number::Sex,
    "Sex",
    Type::String,
    None,
    "性别：男 / 女"
);

/// Implements `PartialSchema` and `ToSchema` for an enum written as its
/// stored code (`code()`), listing every value of `ALL`.
macro_rules! code_enum_schema {
    ($ty:ty, $name:literal) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                let codes: Vec<&'static str> = <$ty>::ALL.iter().map(|v| v.code()).collect();
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(codes))
                    .into()
            }
        }

        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

code_enum_schema!(crate::assist::Category, "Category");
code_enum_schema!(crate::assist::MeasureKind, "MeasureKind");
code_enum_schema!(crate::assist::MeasureStatus, "MeasureStatus");
code_enum_schema!(crate::assist::AfterElimination, "AfterElimination");
code_enum_schema!(crate::assist::Requirement, "Requirement");
