//! Text from a backend is untrusted: before any screen sees it, every
//! string it holds is cleaned (`crate::text::clean`: escape sequences and
//! other controls shown, not sent). That is a type, not a habit: a backend
//! decodes only into types that are [`Sanitize`] (`client::http::decode`
//! requires it and cleans), and each impl names every field of its type,
//! so a new field is a compile error until it says how it is cleaned.

mod model;
mod state_doc;
mod timeline;

use chrono::{DateTime, NaiveDate, Utc};

use crate::text::clean_in_place;

/// A value whose text is made safe for a terminal, in place.
pub trait Sanitize {
    fn sanitize(&mut self);
}

/// A string shown on one line (titles, names, labels): line breaks are
/// shown, not kept.
pub trait SanitizeLine {
    fn sanitize_line(&mut self);
}

/// Text that may keep its line breaks (notes, summaries, output).
impl Sanitize for String {
    fn sanitize(&mut self) {
        clean_in_place(self, true);
    }
}

impl SanitizeLine for String {
    fn sanitize_line(&mut self) {
        clean_in_place(self, false);
    }
}

impl<T: SanitizeLine> SanitizeLine for Option<T> {
    fn sanitize_line(&mut self) {
        if let Some(t) = self {
            t.sanitize_line();
        }
    }
}

impl<T: SanitizeLine> SanitizeLine for Vec<T> {
    fn sanitize_line(&mut self) {
        self.iter_mut().for_each(SanitizeLine::sanitize_line);
    }
}

impl<T: Sanitize> Sanitize for Option<T> {
    fn sanitize(&mut self) {
        if let Some(t) = self {
            t.sanitize();
        }
    }
}

impl<T: Sanitize> Sanitize for Vec<T> {
    fn sanitize(&mut self) {
        self.iter_mut().for_each(Sanitize::sanitize);
    }
}

impl<T: Sanitize> Sanitize for Box<T> {
    fn sanitize(&mut self) {
        (**self).sanitize();
    }
}

impl<A: Sanitize, B: Sanitize> Sanitize for (A, B) {
    fn sanitize(&mut self) {
        self.0.sanitize();
        self.1.sanitize();
    }
}

/// Labels and annotations: every key and value on one line.
impl Sanitize for std::collections::BTreeMap<String, String> {
    fn sanitize(&mut self) {
        *self = std::mem::take(self)
            .into_iter()
            .map(|(mut k, mut v)| {
                k.sanitize_line();
                v.sanitize_line();
                (k, v)
            })
            .collect();
    }
}

/// Any JSON kept as it came: every string in it (keys too) cleaned.
impl Sanitize for serde_json::Value {
    fn sanitize(&mut self) {
        match self {
            serde_json::Value::String(s) => s.sanitize(),
            serde_json::Value::Array(a) => a.sanitize(),
            serde_json::Value::Object(o) => {
                *o = std::mem::take(o)
                    .into_iter()
                    .map(|(mut k, mut v)| {
                        k.sanitize_line();
                        v.sanitize();
                        (k, v)
                    })
                    .collect();
            }
            serde_json::Value::Null | serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
            }
        }
    }
}

/// Values with no text in them.
macro_rules! no_text {
    ($($t:ty),* $(,)?) => {
        $(impl Sanitize for $t {
            fn sanitize(&mut self) {}
        })*
    };
}

no_text!(
    bool,
    u32,
    u64,
    i32,
    i64,
    f64,
    DateTime<Utc>,
    NaiveDate,
    serde::de::IgnoredAny,
);

/// `Sanitize` for a struct, naming every field (a new field does not
/// compile until it is listed): `line` fields are cleaned to one line,
/// `text` fields keep line breaks, `none` fields hold no text.
#[macro_export]
macro_rules! sanitize_fields {
    ($t:ty { $($field:ident : $how:ident),* $(,)? }) => {
        impl $crate::client::sanitize::Sanitize for $t {
            fn sanitize(&mut self) {
                let Self { $($field),* } = self;
                $( $crate::sanitize_fields!(@one $field, $how); )*
            }
        }
    };
    (@one $f:ident, line) => {
        $crate::client::sanitize::SanitizeLine::sanitize_line($f)
    };
    (@one $f:ident, text) => {
        $crate::client::sanitize::Sanitize::sanitize($f)
    };
    (@one $f:ident, none) => {
        let _ = $f;
    };
}

#[cfg(test)]
mod tests {
    use crate::client::http::decode;
    use crate::model::wire::ListResponse;

    #[test]
    fn what_a_backend_sends_is_cleaned_as_it_is_decoded() {
        let hostile = "\u{1b}]52;c;ZXZpbA==\u{7}pwn\u{1b}[2J";
        let body = serde_json::json!({
            "revision": 1,
            "total": 1,
            "incidents": [{
                "id": "INC-1", "title": format!("db\n{hostile}"), "service": hostile,
                "summary": format!("line one\n{hostile}"), "severity": "SEV1",
                "status": "triggered", "commander": hostile, "tags": [hostile],
                "declared_at": "2026-12-01T00:00:00Z", "updated_at": "2026-12-01T00:00:00Z",
                "version": 1
            }]
        });
        let list: ListResponse =
            decode(Some("application/json".into()), body.to_string().as_bytes()).unwrap();
        let i = &list.incidents[0];
        for text in [&i.title, &i.service, &i.summary, &i.tags[0]] {
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}'),
                "{text:?}"
            );
        }
        assert!(!i.commander.as_deref().unwrap().contains('\u{1b}'));
        assert!(
            !i.title.contains('\n'),
            "a title is one line: {:?}",
            i.title
        );
        assert!(i.summary.contains('\n'), "a summary keeps its lines");
    }
}
