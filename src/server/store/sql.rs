//! The one SQL interface the store's queries are written against, so the
//! same code runs on SQLite and on PostgreSQL. Queries use `?1 … ?N`
//! placeholders (rewritten to `$1 … $N` for PostgreSQL) and the few
//! differences between the dialects go through [`Dialect`]'s helpers.
//! Values are integers, reals, text or NULL: everything the store keeps
//! (JSON is stored as text so answers are assembled from it unparsed).

use std::borrow::Cow;
use std::sync::Arc;

use super::{Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// A text field of a JSON column, as text.
    pub fn json_field(self, col: &str, field: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_extract({col}, '$.{field}')"),
            Dialect::Postgres => format!("({col}::jsonb ->> '{field}')"),
        }
    }

    /// The JSON boolean `field` of `col` is true.
    pub fn json_true(self, col: &str, field: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_extract({col}, '$.{field}') = 1"),
            Dialect::Postgres => format!("({col}::jsonb ->> '{field}') = 'true'"),
        }
    }

    /// `col` equals the parameter, ignoring ASCII case.
    pub fn eq_nocase(self, col: &str, param: &str) -> String {
        match self {
            Dialect::Sqlite => format!("{col} = {param} COLLATE NOCASE"),
            Dialect::Postgres => format!("lower({col}) = lower({param})"),
        }
    }

    /// The key column of the full-text index: FTS5's rowid, or the
    /// PostgreSQL table's id.
    pub fn search_key(self) -> &'static str {
        match self {
            Dialect::Sqlite => "rowid",
            Dialect::Postgres => "id",
        }
    }

    /// What a claim of queued rows ends with, so two servers on one
    /// database never claim the same row.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<u16> for Value {
    fn from(v: u16) -> Self {
        Value::Int(v.into())
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v.into())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// One result row, its values read by column name: a query whose columns
/// are reordered still reads right, and a misnamed column is an error
/// that names it.
#[derive(Debug, Clone)]
pub struct Row {
    pub(super) cols: Arc<[Box<str>]>,
    pub(super) vals: Vec<Value>,
}

impl Row {
    pub fn new(cols: Arc<[Box<str>]>, vals: Vec<Value>) -> Row {
        Row { cols, vals }
    }

    fn at(&self, col: &str) -> Result<&Value> {
        self.cols
            .iter()
            .position(|c| &**c == col)
            .and_then(|i| self.vals.get(i))
            .ok_or_else(|| StoreError::Open(format!("the query has no column `{col}`")))
    }

    /// The value of `col` as a `T`, converted with a check (a negative
    /// count or an id past `u64` is an error, never a wrapped number).
    pub fn get<T: FromValue>(&self, col: &str) -> Result<T> {
        T::from_value(self.at(col)?, col)
    }
}

/// A Rust value read from a column.
pub trait FromValue: Sized {
    fn from_value(v: &Value, col: &str) -> Result<Self>;
}

fn wrong(col: &str, v: &Value, want: &str) -> StoreError {
    StoreError::Open(format!("column `{col}` is {v:?}, not {want}"))
}

impl FromValue for i64 {
    fn from_value(v: &Value, col: &str) -> Result<Self> {
        match v {
            Value::Int(i) => Ok(*i),
            other => Err(wrong(col, other, "an integer")),
        }
    }
}

macro_rules! checked_int {
    ($($t:ty),*) => {
        $(impl FromValue for $t {
            fn from_value(v: &Value, col: &str) -> Result<Self> {
                let i = i64::from_value(v, col)?;
                <$t>::try_from(i).map_err(|_| {
                    StoreError::Open(format!(
                        "column `{col}` holds {i}, out of range for {}",
                        stringify!($t)
                    ))
                })
            }
        })*
    };
}

checked_int!(u64, u32, i32, u16, usize);

impl FromValue for bool {
    fn from_value(v: &Value, col: &str) -> Result<Self> {
        Ok(i64::from_value(v, col)? != 0)
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value, col: &str) -> Result<Self> {
        match v {
            Value::Real(r) => Ok(*r),
            // An aggregate of integers (SQLite's avg of none, PostgreSQL's
            // sum) may come back as an integer.
            Value::Int(i) => Ok(*i as f64),
            other => Err(wrong(col, other, "a number")),
        }
    }
}

impl FromValue for String {
    fn from_value(v: &Value, col: &str) -> Result<Self> {
        match v {
            Value::Text(t) => Ok(t.clone()),
            other => Err(wrong(col, other, "text")),
        }
    }
}

impl FromValue for crate::model::IncidentId {
    fn from_value(v: &Value, col: &str) -> Result<Self> {
        u64::from_value(v, col).map(crate::model::IncidentId)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value, col: &str) -> Result<Self> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v, col).map(Some),
        }
    }
}

/// A Rust value as a query argument, converted with a check (a `u64`
/// past `i64::MAX` is refused, never wrapped into a negative number).
pub trait IntoValue {
    fn into_value(self) -> Result<Value>;
}

macro_rules! plain_value {
    ($($t:ty),*) => {
        $(impl IntoValue for $t {
            fn into_value(self) -> Result<Value> {
                Ok(self.into())
            }
        })*
    };
}

plain_value!(Value, i64, i32, u16, u32, bool, f64, String, &String, &str);

macro_rules! checked_value {
    ($($t:ty),*) => {
        $(impl IntoValue for $t {
            fn into_value(self) -> Result<Value> {
                i64::try_from(self)
                    .map(Value::Int)
                    .map_err(|_| StoreError::Open(format!("{self} is too large to store")))
            }
        })*
    };
}

checked_value!(u64, usize);

impl IntoValue for crate::model::IncidentId {
    fn into_value(self) -> Result<Value> {
        self.0.into_value()
    }
}

impl<T: IntoValue> IntoValue for Option<T> {
    fn into_value(self) -> Result<Value> {
        self.map_or(Ok(Value::Null), IntoValue::into_value)
    }
}

/// A connection or transaction of either engine.
pub trait Sql {
    fn dialect(&self) -> Dialect;
    /// Runs a statement; returns the rows it changed.
    fn exec(&self, sql: &str, args: &[Value]) -> Result<u64>;
    /// Runs a query and collects its rows (every caller bounds them).
    fn rows(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>> {
        let mut out = Vec::new();
        self.for_each(sql, args, &mut |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row, if any.
    fn row(&self, sql: &str, args: &[Value]) -> Result<Option<Row>> {
        Ok(self.rows(sql, args)?.into_iter().next())
    }

    /// Hands each row to `f` as it is read, holding one at a time: for the
    /// scans whose rows are mostly looked at and dropped (the metrics).
    /// `f` must not use the connection while the rows are read.
    fn for_each(
        &self,
        sql: &str,
        args: &[Value],
        f: &mut dyn FnMut(Row) -> Result<()>,
    ) -> Result<()>;
}

/// Adds a query argument to `args`; returns its placeholder (`?N` is the
/// N-th), for queries built from optional filters.
pub fn push_arg(args: &mut Vec<Value>, v: Value) -> String {
    args.push(v);
    format!("?{}", args.len())
}

/// `args![a, b]`: query arguments, each converted with a check
/// ([`IntoValue`]): the caller returns the error of a value that does not
/// fit, never a wrapped number.
macro_rules! args {
    ($($e:expr),* $(,)?) => {
        &[$($crate::server::store::sql::IntoValue::into_value($e)?),*]
    };
}
pub(crate) use args;

/// `?N` placeholders as PostgreSQL's `$N`. Our queries hold no `?` in a
/// string literal, so a `?` before a digit is always a placeholder.
pub fn postgres_placeholders(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

// SQLite.

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Real(v) => ToSqlOutput::Borrowed(ValueRef::Real(*v)),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
        })
    }
}

impl Sql for rusqlite::Connection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn exec(&self, sql: &str, args: &[Value]) -> Result<u64> {
        let mut stmt = self.prepare_cached(sql)?;
        Ok(stmt.execute(rusqlite::params_from_iter(args.iter()))? as u64)
    }

    fn for_each(
        &self,
        sql: &str,
        args: &[Value],
        f: &mut dyn FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.prepare_cached(sql)?;
        let n = stmt.column_count();
        let cols: Arc<[Box<str>]> = stmt.column_names().into_iter().map(Box::from).collect();
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        while let Some(r) = rows.next()? {
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                vals.push(match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Real(v),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Value::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            f(Row {
                cols: cols.clone(),
                vals,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_and_nothing_else_changes() {
        assert_eq!(
            postgres_placeholders("SELECT a FROM t WHERE x = ?1 AND y IN (?2, ?13) AND z = '$.k'"),
            "SELECT a FROM t WHERE x = $1 AND y IN ($2, $13) AND z = '$.k'"
        );
        assert!(matches!(
            postgres_placeholders("SELECT 1"),
            Cow::Borrowed(_)
        ));
    }
}

#[cfg(test)]
mod row_tests {
    use super::*;

    #[test]
    fn columns_are_read_by_name_and_numbers_are_checked() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        let rows = c
            .rows("SELECT 'x' AS title, -1 AS neg, 7 AS id", &[])
            .unwrap();
        let r = &rows[0];
        // Order in the query does not matter; the name does.
        assert_eq!(r.get::<u64>("id").unwrap(), 7);
        assert_eq!(r.get::<String>("title").unwrap(), "x");
        let e = r.get::<u64>("neg").unwrap_err().to_string();
        assert!(e.contains("neg") && e.contains("-1"), "{e}");
        let e = r.get::<i64>("nope").unwrap_err().to_string();
        assert!(e.contains("`nope`"), "{e}");
        assert!(
            r.get::<Option<i64>>("title").is_err(),
            "text is not a number"
        );
        // An argument past i64 is refused, not wrapped negative.
        assert!(u64::MAX.into_value().is_err());
        assert_eq!(
            crate::model::IncidentId(5).into_value().unwrap(),
            Value::Int(5)
        );
    }
}
