//! Message catalogues (Vietnamese first, English available) and the
//! Vietnamese display formats for dates and numbers.
//!
//! All user-facing text lives in `locales/*.toml`, not in code.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Parses `vi` / `en` (anything else is `None`).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language code, as in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The message `key` in this language.
    pub fn t(self, key: &str) -> &'static str {
        tr(self, key)
    }

    /// One of two texts made in both languages (e.g. a field problem).
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

type Catalogue = HashMap<String, String>;

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

fn load(src: &str) -> Catalogue {
    let mut out = Catalogue::new();
    // The catalogues are compiled in and tested; a parse failure is caught
    // by `catalogues_parse` long before a user could see it.
    if let Ok(table) = src.parse::<toml::Table>() {
        flatten("", &table, &mut out);
    }
    out
}

static VI: LazyLock<Catalogue> = LazyLock::new(|| load(include_str!("../locales/vi.toml")));
static EN: LazyLock<Catalogue> = LazyLock::new(|| load(include_str!("../locales/en.toml")));

/// The message `key` in `lang`; falls back to Vietnamese, then to the key.
pub fn tr(lang: Lang, key: &str) -> &'static str {
    let primary = match lang {
        Lang::Vi => &*VI,
        Lang::En => &*EN,
    };
    primary
        .get(key)
        .or_else(|| VI.get(key))
        .map(|s| s.as_str())
        .unwrap_or_else(|| missing(key))
}

fn missing(key: &str) -> &'static str {
    // Leaking is bounded: only keys that are missing, which tests forbid.
    Box::leak(key.to_string().into_boxed_str())
}

/// The message `key` with `{name}` placeholders filled in.
pub fn trf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = tr(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// A date as `dd/mm/yyyy`, the way Vietnamese offices write it.
pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A number with `places` decimals and a decimal comma in Vietnamese
/// (`12,5`), a point in English. Rounds half away from zero.
pub fn fmt_decimal(x: f64, places: usize, lang: Lang) -> String {
    let s = format!("{:.*}", places, round_half_up(x, places));
    match lang {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A whole number with its thousands grouped: `1.234.567` in Vietnamese,
/// `1,234,567` in English.
pub fn fmt_count(n: i64, lang: Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let mark = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(mark);
        }
        out.push(d);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn round_half_up(x: f64, places: usize) -> f64 {
    let f = 10f64.powi(places as i32);
    (x * f).round() / f
}

/// Every key of the Vietnamese catalogue (for completeness tests).
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let c = match lang {
        Lang::Vi => &*VI,
        Lang::En => &*EN,
    };
    let mut v: Vec<&'static str> = c.keys().map(|k| k.as_str()).collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands_in_each_language() {
        assert_eq!(fmt_count(1_000_000, Lang::Vi), "1.000.000");
        assert_eq!(fmt_count(1_234_567, Lang::En), "1,234,567");
        assert_eq!(fmt_count(999, Lang::Vi), "999");
        assert_eq!(fmt_count(1000, Lang::Vi), "1.000");
        assert_eq!(fmt_count(0, Lang::En), "0");
        assert_eq!(fmt_count(-12_345, Lang::Vi), "-12.345");
    }

    #[test]
    fn catalogues_parse() {
        let vi = include_str!("../locales/vi.toml").parse::<toml::Table>();
        let en = include_str!("../locales/en.toml").parse::<toml::Table>();
        assert!(vi.is_ok(), "{vi:?}");
        assert!(en.is_ok(), "{en:?}");
        assert!(keys(Lang::Vi).len() > 20);
    }

    #[test]
    fn catalogues_have_the_same_keys() {
        assert_eq!(keys(Lang::Vi), keys(Lang::En));
    }

    #[test]
    fn lookup_and_fallback() {
        assert_eq!(tr(Lang::Vi, "login.title"), "Đăng nhập");
        assert_eq!(tr(Lang::En, "login.title"), "Sign in");
        assert_eq!(tr(Lang::En, "no.such.key"), "no.such.key");
    }

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2025, 4, 3).unwrap_or_default();
        assert_eq!(fmt_date(d), "03/04/2025");
        assert_eq!(fmt_decimal(12.5, 1, Lang::Vi), "12,5");
        assert_eq!(fmt_decimal(14.96, 1, Lang::En), "15.0");
        assert_eq!(
            trf(Lang::Vi, "login.throttled", &[("minutes", "15")]),
            "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."
        );
    }
}
