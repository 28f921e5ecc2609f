//! A measurement as the registry keeps it: what was measured, the WHO
//! z-scores computed when it was written, and the nutrition classification.

use chrono::NaiveDate;
use serde::Serialize;
use treem_growth::{Measurement, Position, Sex, ZScores, zscores};

/// The version of the z-score method stored with each measurement, so a
/// change of method can find and recompute what was computed before.
pub const METHOD: &str = "who2006-anthro-1.1";

/// What a health worker measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub measured_on: NaiveDate,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub position: Option<Position>,
    pub oedema: bool,
    pub head_cm: Option<f64>,
}

/// Stored codes of a position.
pub fn position_code(p: Option<Position>) -> Option<&'static str> {
    p.map(|p| match p {
        Position::Lying => "lying",
        Position::Standing => "standing",
    })
}

/// Reads a stored position code.
pub fn position_from_code(s: Option<&str>) -> Option<Position> {
    match s {
        Some("lying") => Some(Position::Lying),
        Some("standing") => Some(Position::Standing),
        _ => None,
    }
}

/// A nutrition status, WHO cut-offs at −2/−3/+2 SD on valid z-scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Underweight,
    SeverelyUnderweight,
    Stunting,
    SevereStunting,
    Wasting,
    SevereWasting,
    Overweight,
}

impl Status {
    /// Every status, in the order lists show them.
    pub const ALL: [Status; 7] = [
        Status::Underweight,
        Status::SeverelyUnderweight,
        Status::Stunting,
        Status::SevereStunting,
        Status::Wasting,
        Status::SevereWasting,
        Status::Overweight,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Status::Underweight => "underweight",
            Status::SeverelyUnderweight => "severely_underweight",
            Status::Stunting => "stunting",
            Status::SevereStunting => "severe_stunting",
            Status::Wasting => "wasting",
            Status::SevereWasting => "severe_wasting",
            Status::Overweight => "overweight",
        }
    }

    /// The message-catalogue key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Status::Underweight => "nutrition.underweight",
            Status::SeverelyUnderweight => "nutrition.severely_underweight",
            Status::Stunting => "nutrition.stunting",
            Status::SevereStunting => "nutrition.severe_stunting",
            Status::Wasting => "nutrition.wasting",
            Status::SevereWasting => "nutrition.severe_wasting",
            Status::Overweight => "nutrition.overweight",
        }
    }

    /// Reads stored codes (`;`-separated).
    pub fn parse_list(s: &str) -> Vec<Status> {
        s.split(';')
            .filter_map(|c| Status::ALL.into_iter().find(|st| st.code() == c))
            .collect()
    }
}

/// The statuses of a measurement's z-scores. Flagged (implausible) values
/// classify nothing: they are errors to correct, not children to count.
/// A severe status replaces its moderate one.
pub fn classify(z: &ZScores) -> Vec<Status> {
    let valid = |v: Option<treem_growth::Z>| v.filter(|z| !z.flagged).map(|z| z.value);
    let mut out = Vec::new();
    let mut cut = |value: Option<f64>, moderate: Status, severe: Status| match value {
        Some(v) if v < -3.0 => out.push(severe),
        Some(v) if v < -2.0 => out.push(moderate),
        _ => {}
    };
    cut(
        valid(z.waz),
        Status::Underweight,
        Status::SeverelyUnderweight,
    );
    cut(valid(z.haz), Status::Stunting, Status::SevereStunting);
    cut(valid(z.whz), Status::Wasting, Status::SevereWasting);
    if valid(z.whz).is_some_and(|v| v > 2.0) {
        out.push(Status::Overweight);
    }
    out
}

/// Something about a measurement the person entering it should look at
/// before it is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// A z-score beyond WHO's plausibility limits (rule 12).
    Implausible(&'static str),
    /// Standing under 9 months: WHO discards the position.
    StandingUnderNineMonths,
    /// Standing under 2 years: 0.7 cm is added.
    StandingUnderTwo,
    /// Lying from 2 years: 0.7 cm is subtracted.
    LyingFromTwo,
    /// Measured before the child was born.
    BeforeBirth,
    /// After the age WHO computes z-scores for (60 months).
    OverFive,
    /// A value beyond the physical limits (`anthro`): `weight`, `height`
    /// or `head` — a slip (95 for 9,5; weight and height swapped), stored
    /// as given once confirmed.
    OutsideLimits(&'static str),
}

impl Warning {
    /// The message-catalogue key.
    pub fn label_key(self) -> &'static str {
        match self {
            Warning::Implausible("waz") => "measure.implausible_waz",
            Warning::Implausible("haz") => "measure.implausible_haz",
            Warning::Implausible("whz") => "measure.implausible_whz",
            Warning::Implausible(_) => "measure.implausible_other",
            Warning::StandingUnderNineMonths => "measure.standing_under_9m",
            Warning::StandingUnderTwo => "measure.standing_under_2y",
            Warning::LyingFromTwo => "measure.lying_from_2y",
            Warning::BeforeBirth => "measure.before_birth",
            Warning::OverFive => "measure.over_five",
            Warning::OutsideLimits("weight") => "measure.outside_weight",
            Warning::OutsideLimits("height") => "measure.outside_height",
            Warning::OutsideLimits(_) => "measure.outside_head",
        }
    }
}

/// A measurement with everything computed from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub age_days: i64,
    pub z: ZScores,
    pub statuses: Vec<Status>,
    pub warnings: Vec<Warning>,
}

/// Computes z-scores, statuses and warnings for a child's measurement.
pub fn assess(sex: Sex, born: NaiveDate, m: &Measured) -> Assessed {
    let age_days = (m.measured_on - born).num_days();
    let input = Measurement {
        sex,
        age_days: Some(age_days),
        weight_kg: m.weight_kg,
        length_cm: m.height_cm,
        position: m.position,
        oedema: m.oedema,
        head_cm: m.head_cm,
    };
    let z = zscores(&input);
    let mut warnings = Vec::new();
    if age_days < 0 {
        warnings.push(Warning::BeforeBirth);
    } else if age_days > treem_growth::MAX_AGE_DAYS {
        warnings.push(Warning::OverFive);
    }
    if m.height_cm.is_some() {
        match m.position {
            Some(Position::Standing) if z.c9mo_flag => {
                warnings.push(Warning::StandingUnderNineMonths)
            }
            Some(Position::Standing) if (0..=730).contains(&age_days) => {
                warnings.push(Warning::StandingUnderTwo)
            }
            Some(Position::Lying) if age_days > 730 => warnings.push(Warning::LyingFromTwo),
            _ => {}
        }
    }
    for (name, value, limits) in [
        ("weight", m.weight_kg, crate::anthro::WEIGHT_KG),
        ("height", m.height_cm, crate::anthro::HEIGHT_CM),
        ("head", m.head_cm, crate::anthro::HEAD_CM),
    ] {
        if value.is_some_and(|v| !crate::anthro::within(v, limits)) {
            warnings.push(Warning::OutsideLimits(name));
        }
    }
    for (name, value) in [
        ("waz", z.waz),
        ("haz", z.haz),
        ("whz", z.whz),
        ("baz", z.baz),
        ("hcz", z.hcz),
    ] {
        if value.is_some_and(|v| v.flagged) {
            warnings.push(Warning::Implausible(name));
        }
    }
    Assessed {
        age_days,
        statuses: classify(&z),
        z,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use treem_growth::Z;

    fn zs(waz: f64, haz: f64, whz: f64) -> ZScores {
        let z = |v| {
            Some(Z {
                value: v,
                flagged: false,
            })
        };
        ZScores {
            waz: z(waz),
            haz: z(haz),
            whz: z(whz),
            ..ZScores::default()
        }
    }

    #[test]
    fn cut_offs() {
        assert_eq!(classify(&zs(-2.0, -2.01, 0.0)), vec![Status::Stunting]);
        assert_eq!(
            classify(&zs(-3.01, -3.0, -2.5)),
            vec![
                Status::SeverelyUnderweight,
                Status::Stunting,
                Status::Wasting
            ]
        );
        assert_eq!(classify(&zs(0.0, 0.0, 2.01)), vec![Status::Overweight]);
        assert_eq!(classify(&zs(0.0, 0.0, 2.0)), vec![]);
    }

    #[test]
    fn flagged_values_classify_nothing() {
        let mut z = zs(-6.5, 0.0, 0.0);
        z.waz = Some(Z {
            value: -6.5,
            flagged: true,
        });
        assert!(classify(&z).is_empty());
    }

    #[test]
    fn statuses_round_trip() {
        let all = Status::parse_list("underweight;severe_wasting;overweight;nonsense");
        assert_eq!(
            all,
            vec![
                Status::Underweight,
                Status::SevereWasting,
                Status::Overweight
            ]
        );
    }

    #[test]
    fn warnings_for_position_and_implausible_values() {
        let born = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
        let on = |d: u32| NaiveDate::from_ymd_opt(2025, 6, d).unwrap_or_default();
        let m = Measured {
            measured_on: on(1),
            weight_kg: Some(7.0),
            height_cm: Some(64.0),
            position: Some(Position::Standing),
            oedema: false,
            head_cm: None,
        };
        assert!(
            assess(Sex::Female, born, &m)
                .warnings
                .contains(&Warning::StandingUnderNineMonths)
        );
        let m = Measured {
            weight_kg: Some(30.0),
            position: Some(Position::Lying),
            ..m
        };
        let a = assess(Sex::Female, born, &m);
        assert!(a.warnings.contains(&Warning::Implausible("waz")));
        assert!(
            !a.warnings
                .iter()
                .any(|w| matches!(w, Warning::OutsideLimits(_)))
        );
        // Beyond the physical limits: a warning naming the value's kind.
        let slip = Measured {
            weight_kg: Some(950.0),
            height_cm: Some(6.6),
            head_cm: Some(4.2),
            ..m
        };
        let w = assess(Sex::Female, born, &slip).warnings;
        for kind in ["weight", "height", "head"] {
            assert!(w.contains(&Warning::OutsideLimits(kind)), "{kind}: {w:?}");
        }
        assert!(a.statuses.iter().all(|s| *s != Status::Overweight) || !a.warnings.is_empty());
        let before = Measured {
            measured_on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
            ..m
        };
        assert!(
            assess(Sex::Female, born, &before)
                .warnings
                .contains(&Warning::BeforeBirth)
        );
    }
}
