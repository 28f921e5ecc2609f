//! Section III's part on the gaps between groups of children: for each
//! indicator counted child by child and each way of grouping (sex,
//! ethnicity, household poverty), the best and worst group large enough to
//! compare and the difference in percentage points, as `/indicators/gaps`
//! shows them.

use treem_domain::i18n::Lang;
use treem_domain::indicators::{BY_KEYS, Count, Dimension, gap, name_vi_on, shown};

use crate::indicators::figures::{Report, group_label};

/// How a grouping is named in a sentence.
fn by_words(dim: Dimension) -> &'static str {
    match dim {
        Dimension::Sex => "Theo giới tính",
        Dimension::Ethnicity => "Theo dân tộc",
        Dimension::Poverty => "Theo hoàn cảnh kinh tế hộ gia đình",
    }
}

/// A group as a sentence names it: «nữ», «dân tộc Thái», «hộ nghèo».
fn group(dim: Dimension, name: &str) -> String {
    let label = group_label(Lang::Vi, dim, name);
    match dim {
        // The ethnicity's name without its code, capitalised as a name.
        Dimension::Ethnicity if !name.is_empty() => {
            format!("dân tộc {}", label.split(" (").next().unwrap_or(&label))
        }
        _ => label.to_lowercase(),
    }
}

/// The lines for the unit `code`, from the figures split by each grouping
/// (empty when no grouping has two groups to compare).
pub fn lines(splits: &[(Dimension, Report)], code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (dim, rep) in splits {
        let Some(u) = rep.units.iter().find(|u| u.code == code) else {
            continue;
        };
        let on = rep.period.reference_date();
        let mut items = Vec::new();
        for (key, f) in u.indicators.iter().filter(|(k, _)| BY_KEYS.contains(k)) {
            let by = f.by.clone().unwrap_or_default();
            let count = |g: &str| {
                by.get(g).map(|p| Count {
                    numerator: p.numerator,
                    denominator: p.denominator,
                })
            };
            let counts = by.iter().map(|(g, p)| {
                (
                    g.as_str(),
                    Count {
                        numerator: p.numerator,
                        denominator: p.denominator,
                    },
                )
            });
            let Some(g) = gap(key, counts) else {
                continue;
            };
            let rate = |name: &str| {
                count(name)
                    .and_then(Count::value)
                    .map(|v| format!("{}%", shown(v)))
                    .unwrap_or_default()
            };
            items.push(format!(
                "{}: {} {}, {} {} (chênh lệch {} điểm phần trăm)",
                name_vi_on(key, on).to_lowercase(),
                group(*dim, &g.best),
                rate(&g.best),
                group(*dim, &g.worst),
                rate(&g.worst),
                shown(g.points)
            ));
        }
        if !items.is_empty() {
            out.push(format!("- {}: {}.", by_words(*dim), items.join("; ")));
        }
    }
    out
}
