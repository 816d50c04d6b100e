//! The one SQL interface the store's queries are written against, so the
//! same code runs on SQLite and on PostgreSQL. Queries use `?1 … ?N`
//! placeholders (rewritten to `$1 … $N` for PostgreSQL) and the few
//! differences between the dialects go through [`Dialect`]'s helpers.
//! Values are integers, reals, text or NULL: everything the store keeps
//! (JSON is stored as text so answers are assembled from it unparsed).

use std::borrow::Cow;

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

/// One result row.
#[derive(Debug, Clone)]
pub struct Row(pub(super) Vec<Value>);

impl Row {
    fn at(&self, i: usize) -> Result<&Value> {
        self.0
            .get(i)
            .ok_or_else(|| StoreError::Open(format!("query has no column {i}")))
    }

    pub fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| StoreError::Open(format!("column {i} is NULL")))
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::Int(v) => Ok(Some(*v)),
            other => Err(StoreError::Open(format!(
                "column {i} is {other:?}, not an integer"
            ))),
        }
    }

    pub fn real(&self, i: usize) -> Result<f64> {
        match self.at(i)? {
            Value::Real(v) => Ok(*v),
            Value::Int(v) => Ok(*v as f64),
            other => Err(StoreError::Open(format!(
                "column {i} is {other:?}, not a number"
            ))),
        }
    }

    pub fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| StoreError::Open(format!("column {i} is NULL")))
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::Text(v) => Ok(Some(v.clone())),
            other => Err(StoreError::Open(format!(
                "column {i} is {other:?}, not text"
            ))),
        }
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

/// `args![a, b]`: query arguments from anything [`Value`] converts from.
macro_rules! args {
    ($($e:expr),* $(,)?) => { &[$($crate::server::store::Value::from($e)),*] };
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
            f(Row(vals))?;
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
