//! The WHO 2006 LMS tables, compiled into the binary and indexed by day or
//! by tenth of a centimetre, so a look-up is one array access.

use std::sync::LazyLock;

/// The L, M and S parameters of one table row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lms {
    pub l: f64,
    pub m: f64,
    pub s: f64,
}

/// A table with one row per integer x (days, or tenths of a centimetre)
/// from `first` on, per sex (index 0 = boys, 1 = girls).
#[derive(Debug)]
pub struct Table {
    pub first: u32,
    pub rows: [Vec<Lms>; 2],
}

impl Table {
    /// The row at x (days, or tenths of a cm) for sex index 0/1.
    pub fn at(&self, sex: usize, x: i64) -> Option<Lms> {
        let i = usize::try_from(x.checked_sub(i64::from(self.first))?).ok()?;
        self.rows.get(sex)?.get(i).copied()
    }

    /// The last x the table covers.
    pub fn last(&self) -> i64 {
        i64::from(self.first) + self.rows[0].len() as i64 - 1
    }
}

/// Reads one embedded table. `scale` turns the x column into the index
/// unit (1 for days, 10 for centimetres → tenths).
fn parse(src: &str, scale: f64) -> Table {
    let mut rows: [Vec<Lms>; 2] = [Vec::new(), Vec::new()];
    let mut first = None;
    for line in src.lines().skip(1) {
        let mut f = line.split(',');
        let (Some(sex), Some(x), Some(l), Some(m), Some(s)) =
            (f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            continue;
        };
        let parsed = (
            sex.parse::<usize>(),
            x.parse::<f64>(),
            l.parse(),
            m.parse(),
            s.parse(),
        );
        let (Ok(sex @ 1..=2), Ok(x), Ok(l), Ok(m), Ok(s)) = parsed else {
            continue;
        };
        let x = (x * scale).round() as u32;
        first.get_or_insert(x);
        rows[sex - 1].push(Lms { l, m, s });
    }
    Table {
        first: first.unwrap_or(0),
        rows,
    }
}

/// All six tables.
#[derive(Debug)]
pub struct Tables {
    pub wfa: Table,
    pub lhfa: Table,
    pub wfl: Table,
    pub wfh: Table,
    pub bfa: Table,
    pub hcfa: Table,
}

/// The tables, parsed on first use (about 17,000 rows, a few milliseconds).
pub static TABLES: LazyLock<Tables> = LazyLock::new(|| Tables {
    wfa: parse(include_str!("../tables/wfa.csv"), 1.0),
    lhfa: parse(include_str!("../tables/lhfa.csv"), 1.0),
    wfl: parse(include_str!("../tables/wfl.csv"), 10.0),
    wfh: parse(include_str!("../tables/wfh.csv"), 10.0),
    bfa: parse(include_str!("../tables/bfa.csv"), 1.0),
    hcfa: parse(include_str!("../tables/hcfa.csv"), 1.0),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_complete_and_contiguous() {
        let t = &*TABLES;
        for (name, table, first, last) in [
            ("wfa", &t.wfa, 0, 1856),
            ("lhfa", &t.lhfa, 0, 1856),
            ("bfa", &t.bfa, 0, 1856),
            ("hcfa", &t.hcfa, 0, 1856),
            ("wfl", &t.wfl, 450, 1100),
            ("wfh", &t.wfh, 650, 1200),
        ] {
            assert_eq!(table.first, first, "{name}");
            assert_eq!(table.last(), last, "{name}");
            assert_eq!(table.rows[0].len(), table.rows[1].len(), "{name}");
        }
    }

    #[test]
    fn known_rows() {
        let t = &*TABLES;
        assert_eq!(
            t.wfa.at(0, 0),
            Some(Lms {
                l: 0.3487,
                m: 3.3464,
                s: 0.14602
            })
        );
        assert_eq!(t.lhfa.at(0, 730).map(|r| r.m), Some(87.8018));
        assert_eq!(t.lhfa.at(0, 731).map(|r| r.m), Some(87.1303));
        assert_eq!(t.wfh.at(1, 1200).map(|r| r.m), Some(22.8173));
        assert_eq!(
            t.wfh.at(0, 926),
            Some(Lms {
                l: -0.3521,
                m: 13.4937,
                s: 0.08028
            })
        );
        assert_eq!(t.wfa.at(0, 1857), None);
        assert_eq!(t.wfl.at(0, 449), None);
    }
}
