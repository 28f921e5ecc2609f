//! What every page shows: language, the signed-in user, navigation, and the
//! anti-forgery token its forms carry.

use askama::Template;
use treem_domain::access::{Action, permits};
use treem_domain::i18n::{self, Lang};

use crate::shell::request::{CurrentUser, RequestInfo};

/// One navigation link.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
}

/// The common context of every page template.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub csrf: String,
    /// The signed-in user's display name and role label.
    pub user: Option<(String, &'static str)>,
    pub nav: Vec<NavItem>,
    /// This page's address, encoded for a `next=` parameter.
    pub here: String,
}

const NAV: [(&str, &str, Action); 20] = [
    ("/", "nav.home", Action::Authenticated),
    ("/indicators", "nav.indicators", Action::Authenticated),
    ("/children", "nav.children", Action::ViewRegistry),
    ("/nutrition", "nav.nutrition", Action::ViewRegistry),
    (
        "/lists/no-birth-registration",
        "nav.lists",
        Action::ViewRegistry,
    ),
    ("/duplicates", "nav.duplicates", Action::ViewRegistry),
    ("/cases", "nav.cases", Action::ViewCases),
    ("/facts", "nav.facts", Action::EditRegistry),
    ("/datasets", "nav.datasets", Action::EditRegistry),
    ("/village", "nav.village", Action::EditRegistry),
    ("/ids", "nav.ids", Action::EditRegistry),
    ("/plans", "nav.plans", Action::Authenticated),
    ("/returns", "nav.returns", Action::Authenticated),
    ("/units", "nav.units", Action::ViewUnits),
    ("/admin/accounts", "nav.accounts", Action::ManageAccounts),
    ("/admin/units", "nav.load_units", Action::ManageUnits),
    ("/admin/targets", "nav.targets", Action::ManageTargets),
    ("/admin/programme", "nav.programme", Action::ManageTargets),
    ("/admin/holidays", "nav.holidays", Action::ManageCalendar),
    ("/admin/audit", "nav.audit", Action::ViewAudit),
];

impl Page {
    /// The context for a page titled `title`.
    pub fn new(info: &RequestInfo, user: Option<&CurrentUser>, title: &str) -> Self {
        let lang = info.lang;
        let nav = match user {
            Some(u) if !u.account.must_change_password => NAV
                .iter()
                .filter(|(_, _, a)| permits(u.account.role, *a))
                .map(|(href, key, _)| NavItem {
                    href,
                    label: lang.t(key),
                })
                .collect(),
            _ => Vec::new(),
        };
        Page {
            lang,
            title: title.to_string(),
            csrf: info.csrf.clone(),
            user: user.map(|u| {
                (
                    u.account.display_name.clone(),
                    lang.t(u.account.role.label_key()),
                )
            }),
            nav,
            here: encode(&info.here),
        }
    }

    /// A message in the page's language.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// A message with `{name}` placeholders filled in.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::trf(self.lang, key, args)
    }

    /// The other language's code, for the switch link.
    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        }
    }

    /// The page language code for `<html lang>`.
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
}

/// Percent-encodes a path for a `next=` parameter.
pub fn encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// A path of this site that is safe to redirect to (after login, after
/// choosing a language): one slash, then no second slash or backslash, and
/// no control or space characters (browsers drop a tab or a line break, so
/// `/<tab>/host` would become `//host`) — checked as sent and once decoded.
pub fn safe_next(next: Option<&str>) -> String {
    fn local(n: &str) -> bool {
        let mut chars = n.chars();
        chars.next() == Some('/')
            && !matches!(chars.next(), Some('/' | '\\'))
            && !n
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\' || is_invisible(c))
    }
    match next {
        Some(n)
            if local(n)
                && percent_encoding::percent_decode_str(n)
                    .decode_utf8()
                    .is_ok_and(|d| local(&d)) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Characters a browser may drop or reorder while reading a URL.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// The friendly error page.
/// A coded value as the user reads it: the contract's Vietnamese word, or
/// the code itself in English.
pub(crate) fn code_word(
    lang: treem_domain::i18n::Lang,
    codes: treem_interchange::cell::Codes,
    code: &str,
) -> String {
    let word = codes
        .iter()
        .find(|(c, _)| *c == code)
        .and_then(|(_, words)| words.first());
    match (lang, word) {
        (treem_domain::i18n::Lang::Vi, Some(w)) => w.to_string(),
        _ => code.to_string(),
    }
}

#[derive(Template)]
#[template(path = "shell/error.html")]
pub struct ErrorTemplate {
    pub page: Page,
    pub message: &'static str,
    pub status: u16,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/units?date=2025-01-01")),
            "/units?date=2025-01-01"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
        // The known bypasses: control characters browsers strip, a
        // backslash read as a slash, and each of them percent-encoded.
        for bad in [
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/\r//evil.example",
            "\t//evil.example",
            "/%09/evil.example/x",
            "/%0a/evil.example",
            "/%0d%0a/evil.example",
            "/%2f/evil.example",
            "/%2F%2Fevil.example",
            "/%5cevil.example",
            "/\\/evil.example",
            "\\/evil.example",
            "/ /evil.example",
            "/\u{0}/evil.example",
            "/\u{202e}/evil.example",
            "%2F%2Fevil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        for good in ["/", "/children?q=l%C3%B2+th%E1%BB%8B", "/cases/12#steps"] {
            assert_eq!(safe_next(Some(good)), good);
        }
    }

    #[test]
    fn encodes_paths() {
        assert_eq!(encode("/units?a=1&b=2"), "%2Funits%3Fa%3D1%26b%3D2");
    }
}
