//! Enums kept and sent by a code (`does_not_conform`, `awaiting_approval`). One list declares
//! each variant with its code, and from it come the enum, [`ALL`](#all), `code()`, `parse()`,
//! serde's spelling, `TryFrom<String>` and (on the server) sqlx's `Type`/`Encode`/`Decode` as
//! text: a code read from the database is an enum from the row on, and an unknown one is a
//! decode error, not a string compared further in.

/// A code that names no variant (a row written by something else, or a hand edit).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} code {code:?}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}

/// `coded! { /// doc  pub enum Name { /// doc  Variant = "code", … } }`. The enum gets Debug,
/// Clone, Copy, PartialEq, Eq, Hash, Serialize and Deserialize; further derives may be given.
///
/// With a label pair on every variant, `Variant = "code" ("中文", "English")`, it also gets
/// `zh()` and `en()`: the words the pages and forms print, kept beside the code they name.
macro_rules! coded {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal ($zh:literal, $en:literal)),+ $(,)?
        }
    ) => {
        coded! {
            $(#[$meta])*
            $vis enum $name {
                $($(#[$vmeta])* $variant = $code),+
            }
        }

        impl $name {
            /// The zh-TW label.
            pub fn zh(self) -> &'static str {
                match self {
                    $(Self::$variant => $zh,)+
                }
            }

            /// The English label.
            pub fn en(self) -> &'static str {
                match self {
                    $(Self::$variant => $en,)+
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+
        }

        impl $name {
            /// Every variant, in the order declared.
            pub const ALL: [Self; [$(stringify!($variant)),+].len()] = [$(Self::$variant),+];

            /// The code stored and sent.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The variant a code names.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::code::UnknownCode;
            fn try_from(code: String) -> Result<Self, Self::Error> {
                Self::parse(&code).ok_or_else(|| $crate::domain::code::UnknownCode { kind: stringify!($name), code })
            }
        }

        // The database reads and writes the code, so a row's column is the enum from the row on
        // (an unknown code is a decode error naming the column) and a bind needs no `.code()`.
        #[cfg(feature = "ssr")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            str: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as sqlx::Type<DB>>::compatible(ty)
            }
        }

        #[cfg(feature = "ssr")]
        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            &'q str: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&'q str as sqlx::Encode<'q, DB>>::encode(self.code(), buf)
            }
        }

        #[cfg(feature = "ssr")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let code = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                Self::parse(code).ok_or_else(|| {
                    Box::new($crate::domain::code::UnknownCode { kind: stringify!($name), code: code.to_string() }) as _
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    coded! {
        /// A test enum.
        enum Colour {
            /// red
            Red = "red",
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn one_list_gives_codes_parse_serde_and_the_row_boundary() {
        assert_eq!(Colour::ALL, [Colour::Red, Colour::DarkBlue]);
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.code()), Some(c));
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{}\"", c.code()));
            assert_eq!(Colour::try_from(c.code().to_string()), Ok(c));
            assert_eq!(c.to_string(), c.code());
        }
        assert_eq!(Colour::parse("blue"), None);
        let e = Colour::try_from("blue".to_string()).unwrap_err();
        assert_eq!(e.to_string(), "unknown Colour code \"blue\"");
        assert!(serde_json::from_str::<Colour>("\"blue\"").is_err());
    }

    coded! {
        /// A labelled test enum.
        enum Shade {
            /// light
            Light = "light" ("淺", "Light"),
            Dark = "dark" ("深", "Dark"),
        }
    }

    #[test]
    fn labels_sit_beside_their_codes() {
        assert_eq!(Shade::ALL.map(Shade::code), ["light", "dark"]);
        assert_eq!(Shade::ALL.map(Shade::zh), ["淺", "深"]);
        assert_eq!(Shade::ALL.map(Shade::en), ["Light", "Dark"]);
        assert_eq!(Shade::parse("dark"), Some(Shade::Dark));
    }
}
