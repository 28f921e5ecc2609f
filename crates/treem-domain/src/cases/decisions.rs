//! The commune chair's decisions on a case beyond the plan's approval
//! (form 05): applying emergency measures, and closing the case (Decree
//! 56/2017 art. 30). Each exists once the case has reached its step.

use super::{Step, Vocabulary};

/// A decision: its code in the address, the step it follows, its title.
pub const DECISIONS: [(&str, Step, &str); 2] = [
    (
        "emergency",
        Step::EmergencyMeasures,
        "Quyết định áp dụng biện pháp khẩn cấp bảo vệ trẻ em (dự thảo)",
    ),
    (
        "closing",
        Step::ClosureProposed,
        "Quyết định đóng hồ sơ trường hợp (dự thảo)",
    ),
];

/// The decisions a case whose steps are `steps` (codes) has reached:
/// (code, title).
pub fn reached(steps: &[&str]) -> Vec<(&'static str, &'static str)> {
    DECISIONS
        .iter()
        .filter(|(_, step, _)| steps.contains(&step.code()))
        .map(|(code, _, title)| (*code, *title))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_exists_once_its_step_was_taken() {
        assert!(reached(&["received", "initial_assessment"]).is_empty());
        assert_eq!(
            reached(&["received", "emergency_measures", "closure_proposed"])
                .iter()
                .map(|(c, _)| *c)
                .collect::<Vec<_>>(),
            ["emergency", "closing"]
        );
    }
}
