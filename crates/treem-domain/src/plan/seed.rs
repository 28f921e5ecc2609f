//! The seed plan kept with treem (`data/plan_28ct_tam_duong.csv`, 31
//! tasks taken from the district's plan for Directive 28-CT/TW) and its
//! five programmes (`data/plan_programmes.csv`), read and checked.

use chrono::NaiveDate;

use super::{Cadence, GROUPS, seed_agency_name};

const TASKS: &str = include_str!("../../../../data/plan_28ct_tam_duong.csv");
const PROGRAMMES: &str = include_str!("../../../../data/plan_programmes.csv");

/// The unit that owns the seed plan: the former Tam Đường district.
pub const OWNER_UNIT: &str = "106";
pub const TITLE: &str = "Kế hoạch thực hiện Chỉ thị 28-CT/TW";
pub const ISSUED_BY: &str = "Ban Thường vụ Huyện ủy Tam Đường";
pub const PERIOD: (i32, i32) = (2024, 2030);
/// The documents the seed plan carries out, as its first lines name them
/// (one a line; the report's legal basis).
pub const BASIS: &str = "Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị về tăng cường \
công tác chăm sóc, giáo dục và bảo vệ trẻ em đáp ứng yêu cầu phát triển đất nước phồn vinh, hạnh phúc
Chương trình hành động số 48-CTr/TU ngày 17/4/2024 của Ban Thường vụ Tỉnh ủy Lai Châu về thực hiện \
Chỉ thị số 28-CT/TW";

/// A task as the seed writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedTask {
    pub code: String,
    /// 1–5 for the groups III.1–III.5, 6 for section IV.
    pub group: u8,
    pub section: String,
    pub title: String,
    /// Empty where the People's Committee assigns one.
    pub lead: Option<String>,
    pub partners: Vec<String>,
    pub cadence: Cadence,
    pub due: Option<NaiveDate>,
    pub programme: Option<String>,
    /// Keys of the fourteen indicators.
    pub indicators: Vec<String>,
}

/// A programme (sub-programme) that groups tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedProgramme {
    pub code: String,
    pub title: String,
    pub period: String,
}

fn list(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|x| !x.is_empty())
}

/// The programmes, in file order.
pub fn programmes() -> Result<Vec<SeedProgramme>, String> {
    let mut r = csv::Reader::from_reader(PROGRAMMES.as_bytes());
    r.records()
        .map(|row| {
            let row = row.map_err(|e| e.to_string())?;
            Ok(SeedProgramme {
                code: row[0].to_string(),
                title: row[1].to_string(),
                period: row[2].to_string(),
            })
        })
        .collect()
}

/// The tasks, in file order, each checked: a known group, cadence, agency
/// codes, programme and indicator keys, and a due date for a task done once.
pub fn tasks() -> Result<Vec<SeedTask>, String> {
    let programmes = programmes()?;
    let mut r = csv::Reader::from_reader(TASKS.as_bytes());
    let mut out = Vec::new();
    for (i, row) in r.records().enumerate() {
        let row = row.map_err(|e| e.to_string())?;
        let line = i + 2;
        let bad = |what: &str| format!("plan_28ct_tam_duong.csv line {line}: {what}");
        let group: u8 = row[1].parse().map_err(|_| bad("group"))?;
        if !GROUPS.iter().any(|g| g.0 == group) {
            return Err(bad("group"));
        }
        let cadence = Cadence::from_code(&row[6]).ok_or_else(|| bad("cadence"))?;
        let due = optional(&row[7])
            .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| bad("due")))
            .transpose()?;
        if (cadence == Cadence::Once) != due.is_some() {
            return Err(bad("a task done once has a due date, and only it"));
        }
        let lead = optional(&row[4]);
        let partners = list(&row[5]);
        for agency in lead.iter().chain(&partners) {
            if seed_agency_name(agency).is_none() {
                return Err(bad("agency"));
            }
        }
        let programme = optional(&row[8]);
        if programme
            .as_ref()
            .is_some_and(|p| !programmes.iter().any(|x| &x.code == p))
        {
            return Err(bad("programme"));
        }
        let indicators = list(&row[9]);
        if indicators
            .iter()
            .any(|k| !crate::indicators::KEYS.contains(&k.as_str()))
        {
            return Err(bad("indicator"));
        }
        out.push(SeedTask {
            code: row[0].to_string(),
            group,
            section: row[2].to_string(),
            title: row[3].to_string(),
            lead,
            partners,
            cadence,
            due,
            programme,
            indicators,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_plan_reads_whole() {
        let tasks = tasks().unwrap();
        assert_eq!(tasks.len(), 31);
        assert_eq!(tasks[0].code, "N1");
        assert_eq!(tasks[30].code, "N31");
        assert_eq!(programmes().unwrap().len(), 5);
        // Every group has tasks; some tasks wait for a lead.
        for (g, _, _) in GROUPS {
            assert!(tasks.iter().any(|t| t.group == g), "group {g}");
        }
        assert!(tasks.iter().any(|t| t.lead.is_none()));
        assert!(tasks.iter().any(|t| t.programme.is_some()));
        assert!(tasks.iter().any(|t| !t.indicators.is_empty()));
        let n1 = &tasks[0];
        assert_eq!(n1.lead.as_deref(), Some("BTG"));
        assert_eq!(n1.partners, ["MTTQ", "DT", "TTVH", "CB"]);
        assert_eq!(n1.cadence, Cadence::Once);
        assert_eq!(n1.due, NaiveDate::from_ymd_opt(2024, 12, 31));
    }

    #[test]
    fn cadences_read_back() {
        for c in Cadence::ALL {
            assert_eq!(Cadence::from_code(c.code()), Some(c));
        }
        assert_eq!(Cadence::from_code("weekly"), None);
    }
}
