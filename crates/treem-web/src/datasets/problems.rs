//! An import's problems as an officer reads them: identical problems (same
//! file, column, value and message) grouped into one line with how many rows
//! and which ("1.500 dòng: «Trai» — … — dòng 2–1501"), columns named by
//! their Vietnamese header in Vietnamese (the interchange name in English).

use treem_domain::i18n::{Lang, fmt_count};
use treem_interchange::Problem;
use treem_interchange::spec::File;

/// A column's header in the user's language: Vietnamese from the format's
/// table, or the interchange name.
pub fn column_name(column: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return column.to_string();
    }
    File::every()
        .flat_map(|f| f.columns().iter())
        .find(|c| c.name == column)
        .map_or_else(|| column.to_string(), |c| c.vi.to_string())
}

/// Line numbers as ranges: `2–5, 9, 11–12`, at most `keep` ranges then `…`.
fn ranges(lines: &[u64], keep: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end = lines[i];
        }
        if out.len() == keep {
            out.push("…".into());
            break;
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        i += 1;
    }
    out.join(", ")
}

/// The problems grouped, in the order each group first appears; at most
/// `shown` groups.
pub fn grouped(problems: &[Problem], lang: Lang, shown: usize) -> Vec<String> {
    let mut groups: Vec<(&Problem, Vec<u64>)> = Vec::new();
    let mut at: std::collections::HashMap<(&str, &str, &str, &str), usize> =
        std::collections::HashMap::new();
    for p in problems {
        let key = (
            p.file.as_str(),
            p.column.as_str(),
            p.value.as_str(),
            p.message_vi.as_str(),
        );
        match at.get(&key) {
            Some(&i) => groups[i].1.push(p.line),
            None => {
                at.insert(key, groups.len());
                groups.push((p, vec![p.line]));
            }
        }
    }
    let (line_word, lines_word, col_word) = match lang {
        Lang::Vi => ("dòng", "dòng", "cột"),
        Lang::En => ("line", "lines", "column"),
    };
    groups
        .into_iter()
        .take(shown)
        .map(|(p, mut lines)| {
            lines.sort_unstable();
            lines.dedup();
            let msg = lang.pick(&p.message_vi, &p.message_en);
            let column = if p.column.is_empty() {
                String::new()
            } else {
                format!(", {col_word} {}", column_name(&p.column, lang))
            };
            let file = &p.file;
            let value: String = p.value.chars().take(80).collect();
            let what = if value.is_empty() {
                msg.to_string()
            } else {
                format!("«{value}» — {msg}")
            };
            let lines: Vec<u64> = lines.into_iter().filter(|l| *l > 0).collect();
            match lines.len() {
                0 => format!("{file}{column}: {what}"),
                1 => format!("{file}, {line_word} {}{column}: {what}", lines[0]),
                n => format!(
                    "{} {lines_word}: {file}{column}: {what} — {lines_word} {}",
                    fmt_count(n as i64, lang),
                    ranges(&lines, 20)
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u64, value: &str) -> Problem {
        Problem {
            file: "children.csv".into(),
            line,
            column: "sex".into(),
            value: value.into(),
            message_vi: "không hiểu được".into(),
            message_en: "not understood".into(),
        }
    }

    #[test]
    fn identical_problems_are_one_line() {
        let mut list: Vec<Problem> = (2..=1501).map(|l| p(l, "Trai?")).collect();
        list.push(p(1600, "x"));
        let out = grouped(&list, Lang::Vi, 10);
        assert_eq!(
            out,
            vec![
                "1.500 dòng: children.csv, cột Giới tính: «Trai?» — không hiểu được — dòng 2–1501"
                    .to_string(),
                "children.csv, dòng 1600, cột Giới tính: «x» — không hiểu được".to_string(),
            ]
        );
        let en = grouped(&list[..3], Lang::En, 10);
        assert_eq!(
            en,
            vec!["3 lines: children.csv, column sex: «Trai?» — not understood — lines 2–4"]
        );
    }

    #[test]
    fn line_ranges() {
        assert_eq!(ranges(&[2, 3, 4, 9, 11, 12], 10), "2–4, 9, 11–12");
        assert_eq!(ranges(&[1, 3, 5, 7], 2), "1, 3, …");
    }
}
