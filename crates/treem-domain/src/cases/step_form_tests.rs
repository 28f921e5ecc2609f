use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn scored(levels: [&str; 4]) -> StepForm {
    StepForm {
        factors: Factor::ALL
            .iter()
            .rev()
            .zip(levels.iter().rev())
            .map(|(f, l)| Scored {
                factor: f.code().into(),
                level: (*l).into(),
            })
            .collect(),
        ..StepForm::default()
    }
}

fn fields(r: Result<StepForm, Vec<Problem>>) -> Vec<&'static str> {
    r.unwrap_err().into_iter().map(|(f, ..)| f).collect()
}

#[test]
fn the_overall_level_is_the_highest_factor() {
    let today = day("2026-03-02");
    let f = check(
        Step::InitialAssessment,
        &scored(["low", "medium", "low", "low"]),
        today,
    )
    .unwrap();
    assert_eq!(f.overall(), Some(Risk::Medium));
    // Kept in the forms' order although typed backwards.
    assert_eq!(f.factors[0].factor, "harm_severity");
    assert_eq!(f.level_of(Factor::AbuserAccess), Some(Risk::Medium));
    let f = check(Step::Review, &scored(["low", "low", "low", "high"]), today).unwrap();
    assert_eq!(f.overall(), Some(Risk::High));
    let f = check(Step::DetailedAssessment, &scored(["low"; 4]), today).unwrap();
    assert_eq!(f.overall(), Some(Risk::Low));
    assert_eq!(StepForm::default().overall(), None);
}

#[test]
fn factors_are_scored_all_or_none_and_once_each() {
    let today = day("2026-03-02");
    let mut part = scored(["low"; 4]);
    part.factors.pop();
    assert_eq!(
        fields(check(Step::InitialAssessment, &part, today)),
        ["factors"]
    );
    let mut twice = scored(["low"; 4]);
    twice.factors.push(twice.factors[0].clone());
    assert_eq!(
        fields(check(Step::InitialAssessment, &twice, today)),
        ["factors"]
    );
    let mut bad = scored(["low"; 4]);
    bad.factors[0].level = "severe".into();
    bad.factors[1].factor = "luck".into();
    let p = check(Step::InitialAssessment, &bad, today).unwrap_err();
    assert!(p.iter().any(|(_, vi, _)| vi.contains("severe")));
    assert!(p.iter().any(|(_, vi, _)| vi.contains("luck")));
}

#[test]
fn a_part_at_a_step_whose_form_lacks_it_is_refused() {
    let today = day("2026-03-02");
    assert_eq!(
        fields(check(Step::PlanDrafted, &scored(["low"; 4]), today)),
        ["factors"]
    );
    let needs = StepForm {
        needs: "Khám sức khỏe".into(),
        ..StepForm::default()
    };
    assert_eq!(
        fields(check(Step::InitialAssessment, &needs, today)),
        ["needs"]
    );
    assert!(check(Step::DetailedAssessment, &needs, today).is_ok());
    let plan = StepForm {
        plan: vec![row(
            "Học lại",
            "Đưa trẻ trở lại lớp",
            "Trường TH",
            "tháng 3/2026",
        )],
        ..StepForm::default()
    };
    assert_eq!(fields(check(Step::Review, &plan, today)), ["plan"]);
    assert!(check(Step::Replan, &plan, today).is_ok());
}

fn row(need: &str, activity: &str, who: &str, when: &str) -> PlanRow {
    PlanRow {
        need: need.into(),
        activity: activity.into(),
        who: who.into(),
        when: when.into(),
        resources: String::new(),
    }
}

#[test]
fn a_plan_line_needs_its_need_activity_who_and_when() {
    let today = day("2026-03-02");
    let form = StepForm {
        plan: vec![
            row(
                " Tư vấn tâm lý ",
                "Gặp chuyên viên",
                "Trạm y tế",
                "hằng tuần",
            ),
            PlanRow::default(),
            row("Học lại", "", "Trường", "tháng 3"),
        ],
        ..StepForm::default()
    };
    let p = check(Step::PlanDrafted, &form, today).unwrap_err();
    assert_eq!(p.len(), 1);
    // The blank line is not counted: the third line typed is the plan's second.
    assert!(p[0].1.contains("Dòng 2"), "{p:?}");
    let ok = StepForm {
        plan: vec![form.plan[0].clone(), PlanRow::default()],
        ..StepForm::default()
    };
    let checked = check(Step::PlanDrafted, &ok, today).unwrap();
    assert_eq!(checked.plan.len(), 1);
    assert_eq!(checked.plan[0].need, "Tư vấn tâm lý");
    let long = StepForm {
        plan: vec![row("a", "b", "c", "d"); PLAN_ROWS_MAX + 1],
        ..StepForm::default()
    };
    assert_eq!(fields(check(Step::PlanDrafted, &long, today)), ["plan"]);
}

#[test]
fn the_minutes_need_a_past_day_who_came_and_what_was_agreed() {
    let today = day("2026-03-02");
    let meeting = |on: &str, who: &str, agreed: &str| StepForm {
        meeting: Some(Meeting {
            on: on.into(),
            participants: who.into(),
            conclusions: agreed.into(),
            ..Meeting::default()
        }),
        ..StepForm::default()
    };
    assert!(
        check(
            Step::PlanDrafted,
            &meeting("2026-03-02", "A\nB", "Thống nhất"),
            today
        )
        .is_ok()
    );
    assert_eq!(
        fields(check(
            Step::PlanDrafted,
            &meeting("2026-03-03", "A", "B"),
            today
        )),
        ["meeting_on"]
    );
    assert_eq!(
        fields(check(
            Step::PlanDrafted,
            &meeting("02/03/2026", "", ""),
            today
        )),
        ["meeting_on", "meeting_participants", "meeting_conclusions"]
    );
    assert_eq!(
        fields(check(Step::Review, &meeting("2026-03-01", "A", "B"), today)),
        ["meeting"]
    );
    // An untouched meeting is no meeting.
    let blank = StepForm {
        meeting: Some(Meeting::default()),
        ..StepForm::default()
    };
    assert!(check(Step::Review, &blank, today).unwrap().is_empty());
}

#[test]
fn texts_longer_than_a_field_are_refused() {
    let form = StepForm {
        needs: "x".repeat(FIELD_MAX + 1),
        ..StepForm::default()
    };
    assert_eq!(
        fields(check(Step::DetailedAssessment, &form, day("2026-03-02"))),
        ["needs"]
    );
}

#[test]
fn a_level_chosen_besides_the_factors_must_be_theirs() {
    let f = check(
        Step::InitialAssessment,
        &scored(["low", "high", "low", "low"]),
        day("2026-03-02"),
    )
    .unwrap();
    assert_eq!(level(None, Some(&f)), Ok(Some(Risk::High)));
    assert_eq!(level(Some(Risk::High), Some(&f)), Ok(Some(Risk::High)));
    assert!(level(Some(Risk::Low), Some(&f)).is_err());
    assert_eq!(level(Some(Risk::Low), None), Ok(Some(Risk::Low)));
    assert_eq!(level(None, None), Ok(None));
}
