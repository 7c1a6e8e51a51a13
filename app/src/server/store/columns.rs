//! Column types that are not the domain's own: a JSON document kept in a TEXT column, typed
//! from the row on, and the matcher's band as its stored code. Both decode once, at the row;
//! a value that does not decode is an error naming the column, never a default.

use serde::{de::DeserializeOwned, Serialize};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

use crate::domain::comparison::{band_code, band_parse};
use matcher::Band;

/// Each of these is a TEXT column to the database.
macro_rules! text_column {
    ($t:ty $(, $g:ident)?) => {
        impl<$($g,)? DB: Database> Type<DB> for $t
        where
            str: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as Type<DB>>::compatible(ty)
            }
        }
    };
}

text_column!(JsonText<T>, T);
text_column!(NullableJsonText<T>, T);
text_column!(BandColumn);

/// A JSON document in a TEXT column (both engines keep these as text), decoded into `T` as the
/// row is read and encoded from it as the row is written.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonText<T>(pub T);

impl<'r, T: DeserializeOwned, DB: Database> Decode<'r, DB> for JsonText<T>
where
    &'r str: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<DB>>::decode(value)?;
        Ok(Self(serde_json::from_str(text)?))
    }
}

impl<'q, T: Serialize, DB: Database> Encode<'q, DB> for JsonText<T>
where
    String: Encode<'q, DB>,
{
    fn encode_by_ref(&self, buf: &mut <DB as Database>::ArgumentBuffer<'q>) -> Result<IsNull, BoxDynError> {
        <String as Encode<DB>>::encode(serde_json::to_string(&self.0)?, buf)
    }
}

/// [`JsonText`] in a column that may be NULL.
#[derive(Debug, Clone, PartialEq)]
pub struct NullableJsonText<T>(pub Option<T>);

impl<'r, T: DeserializeOwned, DB: Database> Decode<'r, DB> for NullableJsonText<T>
where
    &'r str: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        match <Option<&str> as Decode<DB>>::decode(value)? {
            Some(text) => Ok(Self(Some(serde_json::from_str(text)?))),
            None => Ok(Self(None)),
        }
    }
}

/// The row's field is the document itself: `#[sqlx(try_from = "JsonText<T>")]` (or
/// `NullableJsonText<T>` for an `Option<T>`).
macro_rules! json_columns {
    ($($t:ty),+ $(,)?) => {$(
        impl From<JsonText<$t>> for $t {
            fn from(j: JsonText<$t>) -> Self {
                j.0
            }
        }
        impl From<NullableJsonText<$t>> for Option<$t> {
            fn from(j: NullableJsonText<$t>) -> Self {
                j.0
            }
        }
    )+};
}

json_columns!(crate::domain::comparison::StoredVerdict, crate::domain::BrowserResult, matcher::Alignment);

/// The matcher's band as a column: its code (`consistent`, `review`, `inconsistent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BandColumn(pub Band);

#[derive(Debug, thiserror::Error)]
#[error("unknown band code {0:?}")]
struct UnknownBand(String);

impl<'r, DB: Database> Decode<'r, DB> for BandColumn
where
    &'r str: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let code = <&str as Decode<DB>>::decode(value)?;
        band_parse(code).map(Self).ok_or_else(|| UnknownBand(code.to_string()).into())
    }
}

impl<'q, DB: Database> Encode<'q, DB> for BandColumn
where
    &'q str: Encode<'q, DB>,
{
    fn encode_by_ref(&self, buf: &mut <DB as Database>::ArgumentBuffer<'q>) -> Result<IsNull, BoxDynError> {
        <&'q str as Encode<DB>>::encode(band_code(self.0), buf)
    }
}

impl From<BandColumn> for Band {
    fn from(b: BandColumn) -> Self {
        b.0
    }
}
