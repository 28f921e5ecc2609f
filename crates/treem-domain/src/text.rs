//! Vietnamese text: NFC normalisation, accent-free folding for search, and
//! name order for sorting.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Normalises text to Unicode NFC, the one form treem stores.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Folds text for search: no accents, lower case, `đ` = `d`, runs of
/// white space collapsed. "Nguyễn Thị Lập" → "nguyen thi lap".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The key that sorts names the Vietnamese way: given name (the last word)
/// first, then the family and middle names, all folded.
pub fn name_sort_key(full_name: &str) -> String {
    let folded = fold(full_name);
    match folded.rsplit_once(' ') {
        Some((rest, given)) => format!("{given} {rest}"),
        None => folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_d() {
        assert_eq!(fold("Nguyễn Thị Lập"), "nguyen thi lap");
        assert_eq!(fold("  ĐỖ   Văn  Đức "), "do van duc");
        assert_eq!(fold("Giàng A Páo"), "giang a pao");
    }

    #[test]
    fn nfc_composes_decomposed_input() {
        let decomposed = "Le\u{0302}\u{0301}"; // L e ^ ´
        assert_eq!(nfc(decomposed), "Lế");
        assert_eq!(nfc(decomposed).chars().count(), 2);
    }

    #[test]
    fn names_sort_by_given_name() {
        let mut names = vec!["Nguyễn Văn Bình", "Lò Thị An", "Giàng A Châu"];
        names.sort_by_key(|n| name_sort_key(n));
        assert_eq!(names, vec!["Lò Thị An", "Nguyễn Văn Bình", "Giàng A Châu"]);
    }
}
