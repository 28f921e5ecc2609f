//! `treem indicators`: the fourteen indicators of a period for every unit,
//! as JSON, CSV or a readable Vietnamese table (shared/spec/cli.md).

use anyhow::bail;
use treem_domain::i18n::Lang;
use treem_domain::indicators::{Dimension, Period, name_vi_on, shown};
use treem_domain::returns::programme::{amount, shown_value};
use treem_domain::units::UnitHistory;
use treem_web::indicators::figures::{Report, UnitReport, status_key};
use treem_web::indicators::programme::status_key as programme_status_key;
use treem_web::indicators::{kept, kept_groups};

use crate::admin::open;
use crate::cli::{Format, PeriodArgs};
use crate::config::Config;

pub async fn run(
    config: &Config,
    period: PeriodArgs,
    format: Format,
    by: Option<&str>,
) -> anyhow::Result<()> {
    let english = config.lang == Lang::En;
    let by = match by.map(|b| (b, Dimension::parse(b.trim()))) {
        None => None,
        Some((_, Some(d))) => Some(d),
        Some((b, None)) => bail!(if english {
            format!("--by takes sex, ethnicity or poverty, not «{b}»")
        } else {
            format!(
                "--by nhận sex (giới tính), ethnicity (dân tộc) hoặc poverty (hộ nghèo), không nhận «{b}»"
            )
        }),
    };
    let (rep, _, _) = select_by(config, period, by.map_or(By::None, By::One)).await?;
    let out = match format {
        Format::Json => json(&rep)?,
        Format::Csv => csv_text(&rep)?,
        Format::Table => table(&rep, config.lang == Lang::En),
    };
    // A reader that stops early (`| head`) is not an error.
    use std::io::Write;
    match std::io::stdout().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The figures of a period (`--half 1`: the first half) for every unit, or
/// for one unit and the units under it, with the units' history; with
/// `splits`, also the same figures split by each group of children (the
/// report's annex), from the same loaded records.
pub async fn select(
    config: &Config,
    period: PeriodArgs,
    splits: bool,
) -> anyhow::Result<(Report, UnitHistory, Vec<(Dimension, Report)>)> {
    select_by(config, period, if splits { By::Every } else { By::None }).await
}

/// How the figures are split by groups of children.
enum By {
    None,
    One(Dimension),
    /// Also each dimension in turn, as separate reports.
    Every,
}

/// The figures, the indicators counted child by child split as `by` says.
async fn select_by(
    config: &Config,
    PeriodArgs { year, half, unit }: PeriodArgs,
    by: By,
) -> anyhow::Result<(Report, UnitHistory, Vec<(Dimension, Report)>)> {
    let english = config.lang == Lang::En;
    let half = match half {
        None => false,
        Some(1) => true,
        Some(_) => bail!(if english {
            "--half takes 1 (the first half)"
        } else {
            "--half chỉ nhận 1 (sáu tháng đầu năm)"
        }),
    };
    if !(1990..=2100).contains(&year) {
        bail!(if english {
            "--year must be from 1990 to 2100"
        } else {
            "--year phải từ 1990 đến 2100"
        });
    }
    let period = Period { year, half };
    let store = open(config).await?;
    let (mut rep, history, mut splits) = match by {
        // One unit asked for: only the communes under it are computed.
        By::None => {
            let (rep, history) = match unit.as_deref() {
                Some(code) => kept::report_under(store.as_ref(), period, code).await?,
                None => kept::report(store.as_ref(), period).await?,
            };
            (rep, history, Vec::new())
        }
        By::One(dim) => {
            let (rep, history) = kept_groups::report_by(store.as_ref(), period, dim).await?;
            (rep, history, Vec::new())
        }
        By::Every => {
            let (rep, units, splits) = kept_groups::splits(store.as_ref(), period).await?;
            (rep, units.history, splits)
        }
    };
    if let Some(code) = unit {
        let reference = period.reference_date();
        let Some(root) = history.resolve(&code, reference) else {
            bail!(if english {
                format!("no unit has code {code} on {reference}")
            } else {
                format!(
                    "không có đơn vị mang mã {code} vào ngày {}",
                    reference.format("%d/%m/%Y")
                )
            });
        };
        let under = |u: &UnitReport| {
            history
                .ancestors(&history.all()[u.unit])
                .iter()
                .any(|a| std::ptr::eq(*a, root))
        };
        rep.units.retain(under);
        for (_, r) in &mut splits {
            r.units.retain(under);
        }
    }
    Ok((rep, history, splits))
}

fn json(rep: &Report) -> anyhow::Result<String> {
    let units: Vec<serde_json::Value> = rep
        .units
        .iter()
        .map(|u: &UnitReport| {
            let indicators: serde_json::Map<String, serde_json::Value> = u
                .indicators
                .iter()
                .map(|(k, f)| Ok((k.to_string(), serde_json::to_value(f)?)))
                .collect::<Result<_, serde_json::Error>>()?;
            let programme: serde_json::Map<String, serde_json::Value> = u
                .programme
                .iter()
                .map(|(k, f)| Ok((k.clone(), serde_json::to_value(f)?)))
                .collect::<Result<_, serde_json::Error>>()?;
            Ok(serde_json::json!({
                "code": u.code, "name": u.name, "level": u.level, "indicators": indicators,
                "programme_indicators": programme,
            }))
        })
        .collect::<Result<_, serde_json::Error>>()?;
    let doc = serde_json::json!({
        "year": rep.period.year,
        "period": rep.period.name(),
        "reference_date": rep.period.reference_date().format("%Y-%m-%d").to_string(),
        "units": units,
    });
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}

fn csv_text(rep: &Report) -> anyhow::Result<String> {
    let split = rep
        .units
        .iter()
        .any(|u| u.indicators.iter().any(|(_, f)| f.by.is_some()));
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let mut header = vec![
        "year",
        "period",
        "reference_date",
        "code",
        "name",
        "level",
        "indicator",
        "numerator",
        "denominator",
        "value",
        "target",
        "comparison",
        "status",
    ];
    // Split (`--by`): a last column names the group; each entry's row (group
    // empty) is followed by a row per group, its part of the entry.
    if split {
        header.push("group");
    }
    w.write_record(&header)?;
    let reference = rep.period.reference_date().format("%Y-%m-%d").to_string();
    for u in &rep.units {
        for (k, f) in &u.indicators {
            w.write_record([
                rep.period.year.to_string().as_str(),
                rep.period.name(),
                &reference,
                &u.code,
                &u.name,
                u.level,
                k,
                &f.numerator.to_string(),
                &f.denominator.to_string(),
                &f.value.map(|v| v.to_string()).unwrap_or_default(),
                &f.target.map(|v| v.to_string()).unwrap_or_default(),
                f.comparison,
                f.status,
            ])?;
            for (group, part) in f.by.iter().flatten() {
                let value = (part.denominator > 0)
                    .then(|| part.numerator as f64 / part.denominator as f64 * 100.0);
                w.write_record([
                    rep.period.year.to_string().as_str(),
                    rep.period.name(),
                    &reference,
                    &u.code,
                    &u.name,
                    u.level,
                    k,
                    &part.numerator.to_string(),
                    &part.denominator.to_string(),
                    &value.map(|v| v.to_string()).unwrap_or_default(),
                    "",
                    "",
                    "",
                    group,
                ])?;
            }
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn table(rep: &Report, english: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let reference = rep.period.reference_date().format("%d/%m/%Y");
    let _ = writeln!(
        out,
        "{} {} ({} {reference})",
        if english { "Indicators" } else { "Chỉ tiêu" },
        if rep.period.half {
            format!(
                "{} {}",
                if english {
                    "first half"
                } else {
                    "6 tháng đầu năm"
                },
                rep.period.year
            )
        } else {
            format!(
                "{} {}",
                if english { "year" } else { "năm" },
                rep.period.year
            )
        },
        if english {
            "reference date"
        } else {
            "tính đến ngày"
        },
    );
    for u in &rep.units {
        let _ = writeln!(out, "\n{} ({})", u.name, u.code);
        for (k, f) in &u.indicators {
            let value = f
                .value
                .map(shown)
                .map(|v| format!("{v}%"))
                .unwrap_or_else(|| "—".into());
            let target = f
                .target
                .map(|t| format!("{} {}%", f.comparison, shown(t)))
                .unwrap_or_default();
            let lang = if english { Lang::En } else { Lang::Vi };
            let status = lang.t(status_key(f.status));
            let name = if english {
                k.to_string()
            } else {
                name_vi_on(k, rep.period.reference_date()).to_string()
            };
            let _ = writeln!(
                out,
                "  {name}: {}/{} = {value} ({} {target}) — {status}",
                f.numerator,
                f.denominator,
                if english { "target" } else { "mục tiêu" }
            );
            for (group, part) in f.by.iter().flatten() {
                let rate = (part.denominator > 0)
                    .then(|| shown(part.numerator as f64 / part.denominator as f64 * 100.0))
                    .map(|v| format!("{v}%"))
                    .unwrap_or_else(|| "—".into());
                let group = if group.is_empty() {
                    if english { "(unknown)" } else { "(chưa rõ)" }
                } else {
                    group
                };
                let _ = writeln!(
                    out,
                    "      {group}: {}/{} = {rate}",
                    part.numerator, part.denominator
                );
            }
        }
        programme_lines(&mut out, rep, u, english);
    }
    out
}

/// The programme indicators of a unit, under the fourteen.
fn programme_lines(out: &mut String, rep: &Report, u: &UnitReport, english: bool) {
    use std::fmt::Write;
    let lang = if english { Lang::En } else { Lang::Vi };
    for ((code, f), def) in u.programme.iter().zip(&rep.programme) {
        let value = f
            .value
            .map(|v| shown_value(def, v))
            .unwrap_or_else(|| "—".into());
        let target = f
            .target
            .map(|t| {
                format!(
                    " ({} {} {})",
                    lang.t("programme.target"),
                    f.comparison,
                    shown_value(def, t)
                )
            })
            .unwrap_or_default();
        let denominator = f
            .denominator
            .map(|d| format!("/{}", amount(d.0)))
            .unwrap_or_default();
        let status = lang.t(programme_status_key(f.status));
        let name = if english { &def.name_en } else { &def.name_vi };
        let _ = writeln!(
            out,
            "  [{}] {name} ({code}): {}{denominator} → {value}{target} — {status}",
            def.programme,
            amount(f.numerator.0)
        );
    }
}
