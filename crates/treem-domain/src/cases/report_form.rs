//! What form 01 of Decree 56/2017 records about a report beyond the case's
//! own fields: how it came in, where the harm happened and where the child
//! is now, what would follow without help, the parents and the family,
//! who cares for the child now, what was already done, and who told.
//! Sealed with the case's other contents; every field optional (a report
//! on the phone is taken as far as the caller knows).

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// How the report came in (form 01's first line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Phone,
    InPerson,
    ThroughSomeone,
    Written,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Phone,
        Channel::InPerson,
        Channel::ThroughSomeone,
        Channel::Written,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::InPerson => "in_person",
            Channel::ThroughSomeone => "through_someone",
            Channel::Written => "written",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Channel::Phone, Lang::Vi) => "Qua điện thoại",
            (Channel::InPerson, Lang::Vi) => "Trực tiếp",
            (Channel::ThroughSomeone, Lang::Vi) => "Qua người khác",
            (Channel::Written, Lang::Vi) => "Bằng văn bản",
            (Channel::Phone, Lang::En) => "By phone",
            (Channel::InPerson, Lang::En) => "In person",
            (Channel::ThroughSomeone, Lang::En) => "Through someone",
            (Channel::Written, Lang::En) => "In writing",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == s.trim())
    }
}

/// One parent as form 01 asks: name, age, occupation.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parent {
    pub name: String,
    pub age: String,
    pub occupation: String,
}

/// Form 01's fields of a report, as typed (checked by [`check`]).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportDetails {
    /// A [`Channel`] code, or empty.
    pub channel: String,
    pub place: String,
    pub child_now: String,
    pub consequence: String,
    pub mother: Parent,
    pub father: Parent,
    pub family: String,
    pub caregiver: String,
    pub action_taken: String,
    pub informant_name: String,
    pub informant_phone: String,
    pub informant_address: String,
}

/// The longest text of a field.
pub const FIELD_MAX: usize = 1_000;

/// A field's problem: (field name as the form names it, Vietnamese,
/// English).
pub type Problem = (&'static str, String, String);

impl ReportDetails {
    /// Every text field with the name the form gives it.
    pub fn fields(&self) -> [(&'static str, &str); 16] {
        [
            ("channel", &self.channel),
            ("place", &self.place),
            ("child_now", &self.child_now),
            ("consequence", &self.consequence),
            ("mother_name", &self.mother.name),
            ("mother_age", &self.mother.age),
            ("mother_occupation", &self.mother.occupation),
            ("father_name", &self.father.name),
            ("father_age", &self.father.age),
            ("father_occupation", &self.father.occupation),
            ("family", &self.family),
            ("caregiver", &self.caregiver),
            ("action_taken", &self.action_taken),
            ("informant_name", &self.informant_name),
            ("informant_phone", &self.informant_phone),
            ("informant_address", &self.informant_address),
        ]
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.fields().iter().all(|(_, v)| v.trim().is_empty())
    }

    /// The channel's label in `lang`, empty when not given.
    pub fn channel_label(&self, lang: Lang) -> &'static str {
        Channel::parse(&self.channel).map_or("", |c| c.label(lang))
    }
}

/// The problems of what was typed: the channel one of [`Channel`]'s codes,
/// ages whole numbers from 10 to 120, the phone 8–15 digits (spaces, dots,
/// dashes and a leading + allowed), every text at most [`FIELD_MAX`].
pub fn check(d: &ReportDetails) -> Vec<Problem> {
    let mut out = Vec::new();
    if !d.channel.trim().is_empty() && Channel::parse(&d.channel).is_none() {
        let codes: Vec<&str> = Channel::ALL.iter().map(|c| c.code()).collect();
        out.push((
            "channel",
            format!(
                "«{}» không hợp lệ; chọn một trong: {}",
                d.channel,
                codes.join(", ")
            ),
            format!(
                "'{}' is not allowed; one of: {}",
                d.channel,
                codes.join(", ")
            ),
        ));
    }
    for (field, age) in [("mother_age", &d.mother.age), ("father_age", &d.father.age)] {
        let a = age.trim();
        if !a.is_empty() && !a.parse::<u32>().is_ok_and(|n| (10..=120).contains(&n)) {
            out.push((
                field,
                format!("«{a}» không phải số tuổi (10–120)"),
                format!("'{a}' is not an age (10–120)"),
            ));
        }
    }
    let phone = d.informant_phone.trim();
    if !phone.is_empty() {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = phone
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " .-".contains(c) || (c == '+' && i == 0));
        if !allowed || !(8..=15).contains(&digits) {
            out.push((
                "informant_phone",
                format!("«{phone}» không phải số điện thoại (8–15 chữ số)"),
                format!("'{phone}' is not a phone number (8–15 digits)"),
            ));
        }
    }
    for (field, v) in d.fields() {
        if v.chars().count() > FIELD_MAX {
            out.push((
                field,
                format!("Dài quá {FIELD_MAX} ký tự"),
                format!("Longer than {FIELD_MAX} characters"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_typed_is_checked_field_by_field() {
        let mut d = ReportDetails {
            channel: "phone".into(),
            informant_phone: "+84 912.345-678".into(),
            ..ReportDetails::default()
        };
        d.mother.age = "34".into();
        assert!(check(&d).is_empty());
        assert_eq!(d.channel_label(Lang::Vi), "Qua điện thoại");
        assert!(!d.is_empty() && ReportDetails::default().is_empty());
        d.channel = "fax".into();
        d.father.age = "9".into();
        d.informant_phone = "0912-abc".into();
        d.place = "x".repeat(FIELD_MAX + 1);
        let fields: Vec<&str> = check(&d).iter().map(|p| p.0).collect();
        assert_eq!(
            fields,
            ["channel", "father_age", "informant_phone", "place"]
        );
        d = ReportDetails::default();
        d.informant_phone = "1234567".into();
        assert_eq!(check(&d).len(), 1, "too few digits");
        d.informant_phone = "12+34567890".into();
        assert_eq!(check(&d).len(), 1, "a plus inside");
    }
}
