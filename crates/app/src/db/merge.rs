//! Group commit's second half: the batch's single-row INSERTs become multi-row INSERTs.
//!
//! The writer already commits a whole batch of ops in one transaction. What is left per op is
//! one driver round trip per statement: on SQLite a hop to sqlx's worker thread, on PostgreSQL a
//! network round trip. A contact with two staff, three topics and a note was seven statements
//! (four since its topics are a column of the contact), so a batch of 32 contacts was ~220
//! round trips before the commit. When every statement of the
//! batch is a plain `INSERT INTO t (…) VALUES (…)` (the common case: contacts, clients, notes,
//! idempotency answers), [`plan`] rewrites the batch into one multi-row INSERT per statement
//! text, in an order that keeps each op's own order of statements (a topological order of the
//! statement texts), so a batch costs a handful of round trips whatever its size.
//!
//! On SQLite the rows go into multi-row `VALUES` lists ([`plan`]), in a few sizes (powers of
//! two) so that the statement texts stay few. On PostgreSQL ([`plan_unnest`]) each statement
//! text's rows become one `INSERT … SELECT … FROM UNNEST($1::uuid[], …)`: one array per column,
//! so one statement and one round trip per table whatever the batch size, with one statement
//! text per table for the driver's cache (the design `shared/PERFORMANCE.md` measured).
//!
//! Semantics do not change: the same rows go into the same transaction, row triggers fire per
//! row, and if a merged statement fails the writer rolls the transaction back and runs the batch
//! again on its slow path, one savepoint per op, exactly as before. A clean-up statement
//! ([`Expect::Cleanup`]: it deletes only rows no op of the batch touches, such as expired
//! idempotency answers) runs row by row at its place in the order. A batch with any other
//! statement (an UPDATE, a DELETE, a guarded [`Expect::One`], an INSERT … SELECT, a clause after
//! the tuple that binds a value) is not merged at all.

use super::writer::{Expect, Stmt};
use super::{Bound, Column, Val};

/// Most values bound in one statement (SQLite's limit is 32 766, PostgreSQL's 65 535).
const MAX_PARAMS: usize = 16_000;

/// A single-row INSERT split around its value tuple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template<'s> {
    /// `INSERT INTO t (a, b)` (everything before `VALUES`).
    into: &'s str,
    /// `INSERT INTO t (a, b) VALUES ` (everything before the tuple).
    head: &'s str,
    /// The tuple between its parentheses, as text and placeholders.
    tuple: Vec<Piece<'s>>,
    /// What follows the tuple (`ON CONFLICT DO NOTHING`, or nothing); binds no value.
    tail: &'s str,
    /// Number of values one row binds.
    arity: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'s> {
    Text(&'s str),
    /// `$N`, one-based.
    Param(usize),
}

/// Splits `INSERT INTO … VALUES ( … ) [tail]` whose tuple binds `$1..$n` each exactly once
/// and whose tail binds nothing. Anything else is `None`.
pub(crate) fn template(sql: &str) -> Option<Template<'_>> {
    let trimmed = sql.trim_start();
    if !trimmed.get(..7)?.eq_ignore_ascii_case("INSERT ") {
        return None;
    }
    let upper = sql.to_ascii_uppercase();
    let values = upper.find(" VALUES")?;
    // Only one VALUES and no SELECT: an INSERT … SELECT or a sub-select is not a plain row.
    if upper[values + 7..].contains(" VALUES") || upper.contains("SELECT") {
        return None;
    }
    let open = values + 7 + sql[values + 7..].find('(')?;
    if !sql[values + 7..open].trim().is_empty() {
        return None;
    }
    // The matching parenthesis, outside string literals.
    let bytes = sql.as_bytes();
    let (mut depth, mut in_str, mut close) = (0usize, false, None);
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'\'' => in_str = !in_str,
            b'(' if !in_str => depth += 1,
            b')' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let tail = &sql[close + 1..];
    if tail.contains('$') || tail.contains('?') || tail.trim_start().starts_with(',') {
        return None;
    }
    let inner = &sql[open + 1..close];
    let mut tuple = Vec::new();
    let mut seen = Vec::new();
    let mut rest = inner;
    while let Some(at) = rest.find('$') {
        tuple.push(Piece::Text(&rest[..at]));
        let digits = rest[at + 1..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        let n: usize = rest[at + 1..at + 1 + digits].parse().ok()?;
        tuple.push(Piece::Param(n));
        seen.push(n);
        rest = &rest[at + 1 + digits..];
    }
    tuple.push(Piece::Text(rest));
    if inner.contains('?') {
        return None;
    }
    seen.sort_unstable();
    if seen.iter().enumerate().any(|(i, &n)| n != i + 1) {
        return None;
    }
    Some(Template {
        into: &sql[..values],
        head: &sql[..open],
        tuple,
        tail,
        arity: seen.len(),
    })
}

impl Template<'_> {
    /// The statement for `rows` rows.
    fn sql(&self, rows: usize) -> String {
        let mut s = String::with_capacity(self.head.len() + rows * (self.arity * 5 + 4));
        s.push_str(self.head);
        for r in 0..rows {
            if r > 0 {
                s.push_str(", ");
            }
            s.push('(');
            for p in &self.tuple {
                match p {
                    Piece::Text(t) => s.push_str(t),
                    Piece::Param(n) => {
                        s.push('$');
                        s.push_str(&(r * self.arity + n).to_string());
                    }
                }
            }
            s.push(')');
        }
        s.push_str(self.tail);
        s
    }

    /// The statement for a batch of rows bound as columns (PostgreSQL):
    /// `INSERT INTO t (a, b) SELECT u.c1, f(u.c2) FROM UNNEST($1::uuid[], $2::text[]) AS
    /// u(c1, c2) [tail]`. One statement text per table whatever the number of rows, and one
    /// array per column instead of one parameter per value; the tuple's own expressions and
    /// literals stay as they were (an INSERT coerces a SELECT's output to the columns' types
    /// as it does a VALUES row's).
    fn unnest_sql(&self, cols: &[Column]) -> String {
        let mut s = String::with_capacity(self.into.len() + 64 + self.arity * 24);
        s.push_str(self.into);
        s.push_str(" SELECT ");
        for p in &self.tuple {
            match p {
                Piece::Text(t) => s.push_str(t),
                Piece::Param(n) => {
                    s.push_str("u.c");
                    s.push_str(&n.to_string());
                }
            }
        }
        s.push_str(" FROM UNNEST(");
        for (i, c) in cols.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push('$');
            s.push_str(&(i + 1).to_string());
            s.push_str("::");
            s.push_str(c.pg_array_type());
        }
        s.push_str(") AS u(");
        for i in 1..=cols.len() {
            if i > 1 {
                s.push_str(", ");
            }
            s.push('c');
            s.push_str(&i.to_string());
        }
        s.push(')');
        s.push_str(self.tail);
        s
    }

    /// The rows as columns and the statement that inserts them all; `None` if a column's
    /// values are not all of one type, or the tuple holds `DEFAULT` (not allowed in a SELECT).
    pub(crate) fn unnest(&self, rows: &[&[Val]]) -> Option<(String, Vec<Column>)> {
        if self.tuple.iter().any(|p| match p {
            Piece::Text(t) => t.to_ascii_uppercase().contains("DEFAULT"),
            Piece::Param(_) => false,
        }) {
            return None;
        }
        let first = rows.first()?;
        let mut cols: Vec<Column> = first.iter().map(|v| Column::like(v, rows.len())).collect();
        for row in rows {
            if row.len() != self.arity {
                return None;
            }
            for (c, v) in cols.iter_mut().zip(row.iter()) {
                if !c.push(v) {
                    return None;
                }
            }
        }
        Some((self.unnest_sql(&cols), cols))
    }
}

/// Row counts for `n` rows in statements of at most `max` rows, as powers of two, so that a
/// statement text is one of a few per table (drivers cache prepared statements by text).
pub(crate) fn chunks(mut n: usize, max: usize) -> Vec<usize> {
    let cap = if max == 0 {
        1
    } else {
        1 << (usize::BITS - 1 - max.leading_zeros())
    };
    let mut out = Vec::new();
    while n > 0 {
        let take = if n >= cap {
            cap
        } else {
            1 << (usize::BITS - 1 - n.leading_zeros())
        };
        out.push(take);
        n -= take;
    }
    out
}

/// One distinct statement text of a batch: its template (none for a clean-up) and its rows.
type Text<'a> = (&'static str, Option<Template<'static>>, Vec<&'a [Val]>);

/// The batch's distinct statement texts with their rows, in an order that keeps every op's
/// own order; `None` when the batch cannot be merged (run it statement by statement instead).
fn groups<'a>(ops: impl Iterator<Item = &'a [Stmt]>) -> Option<Vec<Text<'a>>> {
    // Distinct statement texts in order of first appearance, with their rows.
    // A clean-up statement has no template: its rows run one by one at its place in the order.
    let mut texts: Vec<Text<'a>> = Vec::new();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for stmts in ops {
        let mut prev: Option<usize> = None;
        for stmt in stmts {
            let i = match texts.iter().position(|(s, _, _)| *s == stmt.sql) {
                Some(i) => i,
                None => {
                    let t = match stmt.expect {
                        Expect::Any => Some(template(stmt.sql)?),
                        Expect::Cleanup => None,
                        Expect::One => return None,
                    };
                    texts.push((stmt.sql, t, Vec::new()));
                    texts.len() - 1
                }
            };
            match &texts[i].1 {
                Some(t) if stmt.expect != Expect::Any || stmt.args.len() != t.arity => return None,
                None if stmt.expect != Expect::Cleanup => return None,
                _ => {}
            }
            texts[i].2.push(&stmt.args);
            if let Some(p) = prev {
                if p != i && !edges.contains(&(p, i)) {
                    edges.push((p, i));
                }
            }
            prev = Some(i);
        }
    }
    // Kahn's algorithm, ties broken by first appearance; a cycle (A, B, A in one op and
    // B before A in another) cannot be merged.
    let n = texts.len();
    let mut indegree = vec![0usize; n];
    for &(_, to) in &edges {
        indegree[to] += 1;
    }
    let mut order = Vec::with_capacity(n);
    let mut done = vec![false; n];
    while order.len() < n {
        let next = (0..n).find(|&i| !done[i] && indegree[i] == 0)?;
        done[next] = true;
        order.push(next);
        for &(from, to) in &edges {
            if from == next {
                indegree[to] -= 1;
            }
        }
    }
    let mut slots: Vec<Option<Text<'a>>> = texts.into_iter().map(Some).collect();
    Some(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

/// The batch's statements as multi-row INSERTs (SQLite), in an order that keeps every op's
/// own order; `None` when the batch cannot be merged (run it statement by statement instead).
pub(crate) fn plan<'a>(ops: impl Iterator<Item = &'a [Stmt]>) -> Option<Vec<(String, Vec<Val>)>> {
    let mut out = Vec::new();
    for (sql, t, rows) in groups(ops)? {
        let Some(t) = t else {
            out.extend(rows.iter().map(|r| (sql.to_string(), r.to_vec())));
            continue;
        };
        let max_rows = (MAX_PARAMS / t.arity.max(1)).max(1);
        let mut rest = rows.as_slice();
        for size in chunks(rows.len(), max_rows) {
            let (now, later) = rest.split_at(size);
            rest = later;
            let args = now.iter().flat_map(|r| r.iter().cloned()).collect();
            out.push((t.sql(size), args));
        }
    }
    Some(out)
}

/// The batch's statements for PostgreSQL: each statement text's rows in one
/// `INSERT … SELECT … FROM UNNEST(…)` (one round trip per table, whatever the batch size; see
/// [`Template::unnest`]), a lone row as its own statement, in the same order as [`plan`].
pub(crate) fn plan_unnest<'a>(
    ops: impl Iterator<Item = &'a [Stmt]>,
) -> Option<Vec<(String, Bound)>> {
    let mut out = Vec::new();
    for (sql, t, rows) in groups(ops)? {
        match t {
            Some(t) if rows.len() > 1 => {
                let (sql, cols) = t.unnest(&rows)?;
                out.push((sql, Bound::Columns(cols)));
            }
            _ => out.extend(
                rows.iter()
                    .map(|r| (sql.to_string(), Bound::Row(r.to_vec()))),
            ),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args;

    fn stmt(sql: &'static str, args: Vec<Val>) -> Stmt {
        Stmt::new(sql, args)
    }

    #[test]
    fn splits_a_plain_insert() {
        let t = template("INSERT INTO t (a, b) VALUES ($1, COALESCE($2, 'x'))").unwrap();
        assert_eq!(t.arity, 2);
        assert_eq!(
            t.sql(2),
            "INSERT INTO t (a, b) VALUES ($1, COALESCE($2, 'x')), ($3, COALESCE($4, 'x'))"
        );
    }

    #[test]
    fn keeps_a_tail_that_binds_nothing() {
        let t = template("INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING").unwrap();
        assert_eq!(
            t.sql(3),
            "INSERT INTO t (a) VALUES ($1), ($2), ($3) ON CONFLICT DO NOTHING"
        );
    }

    #[test]
    fn refuses_what_is_not_one_plain_row() {
        for sql in [
            "UPDATE t SET a = $1",
            "DELETE FROM t WHERE a = $1",
            "INSERT INTO t (a) SELECT $1",
            "INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET b = $2",
            "INSERT INTO t (a, b) VALUES ($1, $1)",
            "INSERT INTO t (a, b) VALUES ($1, $3)",
            "INSERT INTO t (a) VALUES ($1), ($2)",
            "INSERT INTO t (a) VALUES ((SELECT x FROM y WHERE z = $1))",
        ] {
            assert!(template(sql).is_none(), "{sql}");
        }
    }

    #[test]
    fn a_parenthesis_in_a_literal_does_not_end_the_tuple() {
        let t = template("INSERT INTO t (a, b) VALUES ($1, ')')").unwrap();
        assert_eq!(t.sql(2), "INSERT INTO t (a, b) VALUES ($1, ')'), ($2, ')')");
    }

    #[test]
    fn a_batch_becomes_one_unnest_insert_per_text_on_postgres() {
        const C: &str =
            "INSERT INTO c (id, name, n) VALUES ($1, COALESCE($2, 'x'), $3) ON CONFLICT DO NOTHING";
        const S: &str = "INSERT INTO s (c, s) VALUES ($1, 'lead')";
        let a = [stmt(C, args![1, "a", 10]), stmt(S, args![1])];
        let b = [
            stmt(C, vec![Val::from(2), Val::Text(None), Val::from(20)]),
            stmt(S, args![2]),
        ];
        let c = [stmt(C, args![3, "c", 30])];
        let out = plan_unnest([&a[..], &b[..], &c[..]].into_iter()).unwrap();
        let texts: Vec<&str> = out.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "INSERT INTO c (id, name, n) SELECT u.c1, COALESCE(u.c2, 'x'), u.c3 FROM \
                 UNNEST($1::int8[], $2::text[], $3::int8[]) AS u(c1, c2, c3) ON CONFLICT DO NOTHING",
                "INSERT INTO s (c, s) SELECT u.c1, 'lead' FROM UNNEST($1::int8[]) AS u(c1)",
            ]
        );
        let Bound::Columns(cols) = &out[0].1 else {
            panic!("columns")
        };
        match (&cols[0], &cols[1], &cols[2]) {
            (Column::Int(ids), Column::Text(names), Column::Int(ns)) => {
                assert_eq!(ids, &vec![Some(1), Some(2), Some(3)]);
                assert_eq!(
                    names,
                    &vec![Some("a".to_string()), None, Some("c".to_string())]
                );
                assert_eq!(ns, &vec![Some(10), Some(20), Some(30)]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_lone_row_keeps_its_own_statement_and_mixed_types_are_not_merged() {
        const C: &str = "INSERT INTO c (id) VALUES ($1)";
        let one = [stmt(C, args![1])];
        let out = plan_unnest([&one[..]].into_iter()).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, C);
        assert!(matches!(&out[0].1, Bound::Row(v) if v.len() == 1));
        // The same parameter bound as an integer in one op and as text in another.
        let text = [stmt(C, args!["1"])];
        assert!(plan_unnest([&one[..], &text[..]].into_iter()).is_none());
        // DEFAULT is a VALUES keyword a SELECT does not have.
        let t = template("INSERT INTO c (id, at) VALUES ($1, DEFAULT)").unwrap();
        assert!(t.unnest(&[&args![1][..], &args![2][..]]).is_none());
    }

    #[test]
    fn chunks_are_powers_of_two_within_the_limit() {
        assert_eq!(chunks(37, 1000), vec![32, 4, 1]);
        assert_eq!(chunks(5, 2), vec![2, 2, 1]);
        assert_eq!(chunks(0, 8), Vec::<usize>::new());
        assert_eq!(chunks(8, 8), vec![8]);
        assert_eq!(chunks(3, 0), vec![1, 1, 1]);
    }

    #[test]
    fn merges_ops_keeping_each_ops_order() {
        const C: &str = "INSERT INTO c (id) VALUES ($1)";
        const S: &str = "INSERT INTO s (c, s) VALUES ($1, $2)";
        const N: &str = "INSERT INTO n (c) VALUES ($1)";
        let a = [
            stmt(C, args![1]),
            stmt(S, args![1, 10]),
            stmt(S, args![1, 11]),
        ];
        let b = [stmt(C, args![2]), stmt(N, args![2])];
        let c = [stmt(C, args![3]), stmt(S, args![3, 12]), stmt(N, args![3])];
        let out = plan([&a[..], &b[..], &c[..]].into_iter()).unwrap();
        let texts: Vec<&str> = out.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "INSERT INTO c (id) VALUES ($1), ($2)",
                "INSERT INTO c (id) VALUES ($1)",
                "INSERT INTO s (c, s) VALUES ($1, $2), ($3, $4)",
                "INSERT INTO s (c, s) VALUES ($1, $2)",
                "INSERT INTO n (c) VALUES ($1), ($2)",
            ]
        );
        let ints = |v: &Vec<Val>| -> Vec<i64> {
            v.iter()
                .map(|x| match x {
                    Val::Int(Some(i)) => *i,
                    _ => panic!("int"),
                })
                .collect()
        };
        assert_eq!(ints(&out[0].1), vec![1, 2]);
        assert_eq!(ints(&out[1].1), vec![3]);
        assert_eq!(ints(&out[2].1), vec![1, 10, 1, 11]);
        assert_eq!(ints(&out[3].1), vec![3, 12]);
        assert_eq!(ints(&out[4].1), vec![2, 3]);
    }

    #[test]
    fn a_cleanup_runs_row_by_row_before_the_inserts_that_follow_it() {
        const D: &str = "DELETE FROM k WHERE staff = $1 AND at < $2";
        const I: &str = "INSERT INTO k (staff, key) VALUES ($1, $2)";
        let a = [Stmt::cleanup(D, args![1, 5]), stmt(I, args![1, 7])];
        let b = [Stmt::cleanup(D, args![2, 5]), stmt(I, args![2, 8])];
        let out = plan([&a[..], &b[..]].into_iter()).unwrap();
        let texts: Vec<&str> = out.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            texts,
            vec![D, D, "INSERT INTO k (staff, key) VALUES ($1, $2), ($3, $4)"]
        );
        // The same text as a plain statement in one op and a clean-up in another is not merged.
        let c = [stmt(D, args![3, 5])];
        assert!(plan([&a[..], &c[..]].into_iter()).is_none());
    }

    #[test]
    fn does_not_merge_a_batch_with_a_guarded_update_or_a_cycle() {
        const A: &str = "INSERT INTO a (x) VALUES ($1)";
        const B: &str = "INSERT INTO b (x) VALUES ($1)";
        let guarded = [Stmt::one("UPDATE a SET x = $1", args![1])];
        let plain = [stmt(A, args![1])];
        assert!(plan([&plain[..], &guarded[..]].into_iter()).is_none());
        let ab = [stmt(A, args![1]), stmt(B, args![1])];
        let ba = [stmt(B, args![2]), stmt(A, args![2])];
        assert!(plan([&ab[..], &ba[..]].into_iter()).is_none());
        assert_eq!(plan(std::iter::empty()).unwrap().len(), 0);
    }
}
