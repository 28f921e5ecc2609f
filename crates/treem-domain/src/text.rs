//! Vietnamese text: NFC normalisation, accent-free folding for search, and
//! name order for sorting.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Normalises text to Unicode NFC, the one form treem stores.
pub fn nfc(s: &str) -> String {
    // Most text is NFC already (typed text, and every value treem wrote):
    // the quick check answers that without decomposing it.
    if unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        return s.to_string();
    }
    s.nfc().collect()
}

/// The first character of `s` that no typed text may hold: a control
/// character other than tab, carriage return and line feed (a line break
/// inside a spreadsheet cell is kept as typed), or a bidirectional embedding,
/// override or isolate (U+202A–202E, U+2066–2069), which can make a name
/// read differently from what is stored.
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// The message for a character `forbidden_char` found: (Vietnamese, English).
pub fn forbidden_char_message(c: char) -> (String, String) {
    let code = format!("U+{:04X}", u32::from(c));
    (
        format!("có ký tự điều khiển hoặc ký tự đảo chiều không được phép ({code})"),
        format!("holds a control or bidirectional character that is not allowed ({code})"),
    )
}

/// Folds text for search: no accents, lower case, `đ` = `d`, runs of
/// white space collapsed. "Nguyễn Thị Lập" → "nguyen thi lap".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut keep = |c: char| {
        if is_combining_mark(c) {
            return;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            return;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    };
    // Each character decomposed alone: the same as decomposing the whole
    // text (NFD), whose only other step — putting runs of combining marks
    // in canonical order — concerns marks alone (every character of a
    // non-zero combining class is a mark), and marks are dropped.
    for c in s.chars() {
        if c.is_ascii() {
            keep(c);
        } else {
            unicode_normalization::char::decompose_canonical(c, &mut keep);
        }
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

    /// The folding as first written: the whole text decomposed (NFD).
    fn fold_by_nfd(s: &str) -> String {
        let mut out = String::new();
        let mut space = false;
        for c in s.nfd().filter(|c| !is_combining_mark(*c)) {
            let c = if matches!(c, 'đ' | 'Đ') { 'd' } else { c };
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

    proptest::proptest! {
        #[test]
        fn fold_and_nfc_agree_with_whole_text_normalisation(
            s in "([a-zA-ZđĐ ]|[\\u{300}-\\u{36f}\\u{1dc0}-\\u{1dff}]|[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]|\\PC){0,24}"
        ) {
            proptest::prop_assert_eq!(fold(&s), fold_by_nfd(&s));
            proptest::prop_assert_eq!(nfc(&s), s.nfc().collect::<String>());
        }
    }

    #[test]
    fn names_sort_by_given_name() {
        let mut names = vec!["Nguyễn Văn Bình", "Lò Thị An", "Giàng A Châu"];
        names.sort_by_key(|n| name_sort_key(n));
        assert_eq!(names, vec!["Lò Thị An", "Nguyễn Văn Bình", "Giàng A Châu"]);
    }
}

#[cfg(test)]
mod hygiene_tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_found() {
        for bad in [
            "Lò\u{0}Mai",
            "\u{1b}[31mMai",
            "Mai\u{7f}",
            "Mai\u{85}",
            "\u{202e}iaM",
            "Mai\u{2066}",
            "\u{202a}x",
            "x\u{2069}",
        ] {
            assert!(forbidden_char(bad).is_some(), "{bad:?}");
        }
        for good in [
            "Lò Thị Mai",
            "Bản\tNà",
            "dòng 1\r\ndòng 2",
            "Nà\nTăm",
            "0912 345 678",
            "",
        ] {
            assert_eq!(forbidden_char(good), None, "{good:?}");
        }
        assert_eq!(
            forbidden_char_message('\u{0}').1,
            "holds a control or bidirectional character that is not allowed (U+0000)"
        );
    }
}
