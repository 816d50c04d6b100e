//! A PostgreSQL transaction as the store's queries see it: `?N`
//! placeholders, prepared statements cached per connection, and the
//! store's values to and from PostgreSQL's types.

use std::cell::RefCell;
use std::collections::HashMap;

use postgres::Statement;
use postgres::types::{IsNull, ToSql, Type};

use crate::server::store::Result;
use crate::server::store::sql::{Dialect, Row, Sql, Value, postgres_placeholders};

/// Prepared statements kept per connection.
const MAX_STATEMENTS: usize = 256;

/// A transaction as the store's queries see it.
pub(super) struct PgSql<'t, 's> {
    pub(super) tx: RefCell<postgres::Transaction<'t>>,
    pub(super) statements: RefCell<&'s mut HashMap<String, Statement>>,
}

impl PgSql<'_, '_> {
    fn statement(&self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let st = self.tx.borrow_mut().prepare(&postgres_placeholders(sql))?;
        let mut cache = self.statements.borrow_mut();
        if cache.len() >= MAX_STATEMENTS {
            cache.clear();
        }
        cache.insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

fn params(args: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
}

impl Sql for PgSql<'_, '_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn exec(&self, sql: &str, args: &[Value]) -> Result<u64> {
        let st = self.statement(sql)?;
        Ok(self.tx.borrow_mut().execute(&st, &params(args))?)
    }

    fn for_each(
        &self,
        sql: &str,
        args: &[Value],
        f: &mut dyn FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        let st = self.statement(sql)?;
        let mut tx = self.tx.borrow_mut();
        // Read from the socket as they come, not gathered first.
        let mut it = tx.query_raw(&st, args.iter())?;
        let cols: std::sync::Arc<[Box<str>]> =
            st.columns().iter().map(|c| Box::from(c.name())).collect();
        while let Some(r) = it.next()? {
            let vals = (0..r.len())
                .map(|i| value_of(&r, i))
                .collect::<Result<_>>()?;
            f(Row::new(cols.clone(), vals))?;
        }
        Ok(())
    }
}

fn value_of(r: &postgres::Row, i: usize) -> Result<Value> {
    let ty = r.columns()[i].type_();
    let v = match *ty {
        Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map(Value::Int),
        Type::INT4 => r
            .try_get::<_, Option<i32>>(i)?
            .map(|v| Value::Int(v.into())),
        Type::INT2 => r
            .try_get::<_, Option<i16>>(i)?
            .map(|v| Value::Int(v.into())),
        Type::BOOL => r
            .try_get::<_, Option<bool>>(i)?
            .map(|v| Value::Int(v.into())),
        Type::FLOAT8 => r.try_get::<_, Option<f64>>(i)?.map(Value::Real),
        Type::FLOAT4 => r
            .try_get::<_, Option<f32>>(i)?
            .map(|v| Value::Real(v.into())),
        _ => r.try_get::<_, Option<String>>(i)?.map(Value::Text),
    };
    Ok(v.unwrap_or(Value::Null))
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                _ => v.to_string().to_sql(ty, out),
            },
            Value::Real(v) => match *ty {
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}
