//! Form 01's own fields in the cases' JSON API: the same fields the report
//! page takes (`treem_domain::cases::report_form`), in and out.

use serde::{Deserialize, Serialize};
use treem_domain::cases::report_form::{Parent, ReportDetails};
use utoipa::ToSchema;

/// A parent as form 01 records one.
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
#[schema(as = ReportParent)]
pub(super) struct ParentJson {
    name: String,
    /// A whole number of years, 10–120, or empty.
    age: String,
    occupation: String,
}

/// Form 01's fields of a report (all optional; encrypted at rest).
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
#[schema(as = ReportDetails)]
pub(super) struct DetailsJson {
    /// How the report came in: phone, in_person, through_someone, written.
    channel: String,
    /// Where the harm happened.
    place: String,
    /// Where the child is now.
    child_now: String,
    /// What would likely follow without help.
    consequence: String,
    mother: ParentJson,
    father: ParentJson,
    family: String,
    /// Who cares for the child now.
    caregiver: String,
    action_taken: String,
    informant_name: String,
    /// 8–15 digits (spaces, dots, dashes and a leading + allowed).
    informant_phone: String,
    informant_address: String,
}

fn parent_in(p: ParentJson) -> Parent {
    Parent {
        name: p.name,
        age: p.age,
        occupation: p.occupation,
    }
}

fn parent_out(p: &Parent) -> ParentJson {
    ParentJson {
        name: p.name.clone(),
        age: p.age.clone(),
        occupation: p.occupation.clone(),
    }
}

impl From<DetailsJson> for ReportDetails {
    fn from(d: DetailsJson) -> Self {
        ReportDetails {
            channel: d.channel,
            place: d.place,
            child_now: d.child_now,
            consequence: d.consequence,
            mother: parent_in(d.mother),
            father: parent_in(d.father),
            family: d.family,
            caregiver: d.caregiver,
            action_taken: d.action_taken,
            informant_name: d.informant_name,
            informant_phone: d.informant_phone,
            informant_address: d.informant_address,
        }
    }
}

impl From<&ReportDetails> for DetailsJson {
    fn from(d: &ReportDetails) -> Self {
        DetailsJson {
            channel: d.channel.clone(),
            place: d.place.clone(),
            child_now: d.child_now.clone(),
            consequence: d.consequence.clone(),
            mother: parent_out(&d.mother),
            father: parent_out(&d.father),
            family: d.family.clone(),
            caregiver: d.caregiver.clone(),
            action_taken: d.action_taken.clone(),
            informant_name: d.informant_name.clone(),
            informant_phone: d.informant_phone.clone(),
            informant_address: d.informant_address.clone(),
        }
    }
}
