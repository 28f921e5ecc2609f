//! The commune nutrition list: children under five whose latest measurement
//! is below −2 SD, implausible, or missing for more than six months — the
//! list a health collaborator takes to the villages. Sortable; Excel export.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, fmt_date, fmt_decimal, trf};
use treem_domain::nutrition::Status;
use treem_store::LatestMeasurement;

use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// Six months without a measurement is "missing".
const STALE_DAYS: u64 = 183;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/nutrition", get(list))
}

/// Why a child is on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    NeverMeasured,
    Stale,
    Implausible,
    Status(Status),
}

impl Reason {
    fn label_key(self) -> &'static str {
        match self {
            Reason::NeverMeasured => "nutrition.never_measured",
            Reason::Stale => "nutrition.stale",
            Reason::Implausible => "nutrition.implausible",
            Reason::Status(s) => s.label_key(),
        }
    }
}

/// The reasons a child's latest measurement puts her on the list (none:
/// she is not on it).
pub fn reasons(l: &LatestMeasurement, today: NaiveDate) -> Vec<Reason> {
    let Some(on) = l.measured_on else {
        return vec![Reason::NeverMeasured];
    };
    let mut out = Vec::new();
    if today
        .checked_sub_days(Days::new(STALE_DAYS))
        .is_some_and(|limit| on < limit)
    {
        out.push(Reason::Stale);
    }
    if [l.f_waz, l.f_haz, l.f_whz].contains(&Some(true)) {
        out.push(Reason::Implausible);
    }
    out.extend(
        Status::parse_list(l.nutrition.as_deref().unwrap_or_default())
            .into_iter()
            .filter(|s| *s != Status::Overweight)
            .map(Reason::Status),
    );
    out
}

#[derive(Deserialize, Default)]
struct ListQuery {
    commune: Option<String>,
    sort: Option<String>,
    format: Option<String>,
    /// The page shown, from 1 (the Excel file holds every row).
    page: Option<usize>,
}

/// Rows on one page of the list.
const PAGE_ROWS: usize = 100;

struct Row {
    id: i64,
    name: String,
    born: String,
    months: String,
    village: String,
    unit: String,
    last: String,
    waz: String,
    haz: String,
    whz: String,
    reasons: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "registry/nutrition.html")]
struct ListTemplate {
    page: Page,
    commune: String,
    communes: Vec<(String, String)>,
    rows: Vec<Row>,
    total: String,
    sort_link: String,
    export_link: String,
    prev: Option<String>,
    next: Option<String>,
    /// "Trang 2/5", empty when the list fits on one page.
    page_label: String,
}

fn z_text(lang: Lang, v: Option<f64>) -> String {
    v.map(|v| fmt_decimal(v, 2, lang)).unwrap_or_default()
}

/// Orders the list; z-scores ascending with the missing last, the oldest
/// (or missing) measurement first.
fn sort(list: &mut [(LatestMeasurement, Vec<Reason>)], key: &str) {
    let z = |v: Option<f64>| v.unwrap_or(f64::INFINITY);
    match key {
        "age" => list.sort_by_key(|a| std::cmp::Reverse(a.0.child.date_of_birth)),
        "waz" => list.sort_by(|a, b| z(a.0.waz).total_cmp(&z(b.0.waz))),
        "haz" => list.sort_by(|a, b| z(a.0.haz).total_cmp(&z(b.0.haz))),
        "whz" => list.sort_by(|a, b| z(a.0.whz).total_cmp(&z(b.0.whz))),
        "last" => list.sort_by_key(|a| a.0.measured_on),
        // The store returns them in Vietnamese name order.
        "name" => {}
        // By default the most urgent first (a stable sort keeps name order
        // among equals).
        _ => list.sort_by_key(|a| a.1.iter().map(|r| severity(*r)).min().unwrap_or(u8::MAX)),
    }
}

fn page_link(commune: &str, sort: &str, page: usize) -> String {
    format!(
        "/nutrition?commune={}&sort={}&page={page}",
        encode(commune),
        encode(sort)
    )
}

/// How urgent a reason is, 0 the most: severe wasting, then the other
/// severe forms, the moderate ones, a value to check, never measured, and
/// a measurement grown old.
fn severity(r: Reason) -> u8 {
    match r {
        Reason::Status(Status::SevereWasting) => 0,
        Reason::Status(Status::SeverelyUnderweight | Status::SevereStunting) => 1,
        Reason::Status(Status::Wasting) => 2,
        Reason::Status(_) => 3,
        Reason::Implausible => 4,
        Reason::NeverMeasured => 5,
        Reason::Stale => 6,
    }
}

/// How many children under five in `scope` are on the nutrition list
/// (for the officer's home page).
pub(crate) async fn count_listed(
    state: &AppState,
    scope: &treem_store::Scope,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let born_after = today.checked_sub_days(Days::new(1827)).unwrap_or(today);
    Ok(state
        .store
        .latest_measurements(scope, born_after)
        .await?
        .iter()
        .filter(|l| !reasons(l, today).is_empty())
        .count())
}

async fn list(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let today = vn_today();
    let units = state.units();
    let scope = units.scope_of(&user.account, today);
    let commune = q.commune.unwrap_or_default();
    let effective = units.narrow(&scope, &commune, today);
    // Under five: at most 1,826 days old today.
    let born_after = today.checked_sub_days(Days::new(1827)).unwrap_or(today);
    let mut listed: Vec<(LatestMeasurement, Vec<Reason>)> = state
        .store
        .latest_measurements(&effective, born_after)
        .await?
        .into_iter()
        .map(|l| {
            let r = reasons(&l, today);
            (l, r)
        })
        .filter(|(_, r)| !r.is_empty())
        .collect();
    let sort_key = q.sort.unwrap_or_default();
    sort(&mut listed, &sort_key);
    let total = listed.len();
    let excel = q.format.as_deref() == Some("xlsx");
    let pages = total.div_ceil(PAGE_ROWS).max(1);
    let at = q.page.unwrap_or(1).clamp(1, pages);
    if !excel {
        listed = listed
            .into_iter()
            .skip((at - 1) * PAGE_ROWS)
            .take(PAGE_ROWS)
            .collect();
    }
    let rows: Vec<Row> = listed
        .iter()
        .map(|(l, r)| Row {
            id: l.child.id,
            name: l.child.full_name.clone(),
            born: fmt_date(l.child.date_of_birth),
            months: ((today - l.child.date_of_birth).num_days() as f64 / 30.4375)
                .floor()
                .to_string(),
            village: l.child.village.clone().unwrap_or_default(),
            unit: units
                .by_id(l.child.unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            last: l.measured_on.map(fmt_date).unwrap_or_default(),
            waz: z_text(lang, l.waz),
            haz: z_text(lang, l.haz),
            whz: z_text(lang, l.whz),
            reasons: r.iter().map(|x| lang.t(x.label_key())).collect(),
        })
        .collect();
    if excel {
        let audit = user
            .event(&info, "nutrition_list_exported", "children", &commune)
            .with_detail(format!("{} rows", rows.len()));
        state.store.audit(audit).await?;
        let headers = [
            lang.t("children.name"),
            lang.t("children.born"),
            lang.t("growth.age_months"),
            lang.t("children.village"),
            lang.t("children.recorded_under"),
            lang.t("nutrition.last"),
            "WAZ",
            "HAZ",
            "WHZ",
            lang.t("nutrition.reason"),
        ];
        use crate::shell::xlsx::{Cell, Sheet, download, file_stem, table};
        let unit_code = if commune.is_empty() {
            user.account.scope_code.clone()
        } else {
            commune.clone()
        };
        let unit_name = units.name_of(&unit_code, today);
        let cells: Vec<Vec<Cell>> = listed
            .iter()
            .zip(&rows)
            .map(|((l, _), r)| {
                vec![
                    Cell::text(&r.name),
                    Cell::Date(l.child.date_of_birth),
                    Cell::Number(
                        ((today - l.child.date_of_birth).num_days() as f64 / 30.4375).floor(),
                        0,
                    ),
                    Cell::text(&r.village),
                    Cell::text(&r.unit),
                    Cell::opt_date(l.measured_on),
                    Cell::opt_number(l.waz, 2),
                    Cell::opt_number(l.haz, 2),
                    Cell::opt_number(l.whz, 2),
                    Cell::text(r.reasons.join("; ")),
                ]
            })
            .collect();
        let title = lang.t("nutrition.title");
        let sheet = if lang == Lang::Vi {
            "Dinh dưỡng"
        } else {
            "Nutrition"
        };
        let bytes = table(&Sheet {
            name: sheet,
            title: format!("{title} — {unit_name} — {}", fmt_date(today)),
            headers: &headers,
            rows: cells,
        })?;
        let day = today.format("%Y-%m-%d").to_string();
        return Ok(download(&file_stem(sheet, &[&unit_code, &day]), bytes));
    }
    let tpl = ListTemplate {
        page: Page::new(&info, Some(&user), lang.t("nutrition.title")),
        total: trf(lang, "nutrition.total", &[("n", &total.to_string())]),
        sort_link: format!("/nutrition?commune={}&sort=", encode(&commune)),
        prev: (at > 1).then(|| page_link(&commune, &sort_key, at - 1)),
        next: (at < pages).then(|| page_link(&commune, &sort_key, at + 1)),
        page_label: if pages > 1 {
            trf(
                lang,
                "children.page",
                &[("page", &at.to_string()), ("pages", &pages.to_string())],
            )
        } else {
            String::new()
        },
        export_link: format!(
            "/nutrition?commune={}&sort={}&format=xlsx",
            encode(&commune),
            encode(&sort_key)
        ),
        communes: units.communes_in(&scope, today),
        commune,
        rows,
    };
    Ok(Html(tpl.render()?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use treem_store::ChildRow;

    fn latest(
        on: Option<NaiveDate>,
        waz: Option<f64>,
        flag: bool,
        nutrition: &str,
    ) -> LatestMeasurement {
        LatestMeasurement {
            child: ChildRow {
                id: 1,
                child_id: "A".into(),
                full_name: "Lò Thị Ún".into(),
                sex: "F".into(),
                date_of_birth: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default(),
                ethnicity: None,
                unit_id: 1,
                village: None,
                status: "active".into(),
                version: 1,
            },
            measured_on: on,
            waz,
            f_waz: waz.map(|_| flag),
            haz: None,
            f_haz: None,
            whz: None,
            f_whz: None,
            nutrition: Some(nutrition.into()),
        }
    }

    #[test]
    fn who_is_on_the_list() {
        let today = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default();
        let recent = NaiveDate::from_ymd_opt(2025, 10, 1);
        let old = NaiveDate::from_ymd_opt(2025, 6, 30);
        assert_eq!(
            reasons(&latest(None, None, false, ""), today),
            vec![Reason::NeverMeasured]
        );
        assert!(reasons(&latest(recent, Some(0.1), false, ""), today).is_empty());
        assert_eq!(
            reasons(&latest(old, Some(0.1), false, ""), today),
            vec![Reason::Stale]
        );
        assert_eq!(
            reasons(&latest(recent, Some(-2.5), false, "underweight"), today),
            vec![Reason::Status(Status::Underweight)]
        );
        assert_eq!(
            reasons(&latest(recent, Some(-7.0), true, ""), today),
            vec![Reason::Implausible]
        );
        assert!(reasons(&latest(recent, Some(0.0), false, "overweight"), today).is_empty());
    }

    #[test]
    fn the_most_urgent_come_first_by_default() {
        let entry = |id: i64, r: Reason| {
            let mut l = latest(None, None, false, "");
            l.child.id = id;
            (l, vec![r])
        };
        let mut list = vec![
            entry(1, Reason::Stale),
            entry(2, Reason::Status(Status::Underweight)),
            entry(3, Reason::NeverMeasured),
            entry(4, Reason::Status(Status::SevereWasting)),
            entry(5, Reason::Status(Status::SevereStunting)),
        ];
        let ids = |l: &[(LatestMeasurement, Vec<Reason>)]| {
            l.iter().map(|e| e.0.child.id).collect::<Vec<_>>()
        };
        sort(&mut list, "name");
        assert_eq!(ids(&list), vec![1, 2, 3, 4, 5], "name order kept");
        sort(&mut list, "");
        assert_eq!(ids(&list), vec![4, 5, 2, 3, 1]);
    }
}
