//! Vietnamese text typed in the old 8-bit encodings that office files still
//! hold: TCVN3 (ABC, the `.Vn*` fonts) and VNI. Such text reaches treem as
//! Latin-1 characters — through a CSV saved in the Windows code page, or a
//! workbook whose cells were typed in those fonts — and is detected column
//! by column and converted to Unicode.
//!
//! Detection needs evidence: a column is converted only when its text holds
//! Latin-1 characters that Vietnamese never uses (`Þ`, `¸`, `ï`, `ñ`…) and
//! the conversion leaves none. Text already in Unicode Vietnamese, and any
//! other text (emoji, quotes, markup), is left exactly as it is.

use unicode_normalization::UnicodeNormalization;

/// An old encoding found in a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Legacy {
    Tcvn3,
    Vni,
}

impl Legacy {
    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tcvn3 => "TCVN3 (ABC)",
            Legacy::Vni => "VNI",
        }
    }

    /// Converts one value.
    pub fn decode(self, s: &str) -> String {
        match self {
            Legacy::Tcvn3 => tcvn3(s),
            Legacy::Vni => vni(s),
        }
    }
}

/// TCVN3 bytes 0xA1–0xFE (as the Latin-1 characters they arrive as) and the
/// Vietnamese letters they stand for; bytes TCVN3 leaves unused map to
/// themselves.
const TCVN3: [(char, char); 74] = [
    ('¡', 'Ă'),
    ('¢', 'Â'),
    ('£', 'Ê'),
    ('¤', 'Ô'),
    ('¥', 'Ơ'),
    ('¦', 'Ư'),
    ('§', 'Đ'),
    ('¨', 'ă'),
    ('©', 'â'),
    ('ª', 'ê'),
    ('«', 'ô'),
    ('¬', 'ơ'),
    ('\u{AD}', 'ư'),
    ('®', 'đ'),
    ('µ', 'à'),
    ('¶', 'ả'),
    ('·', 'ã'),
    ('¸', 'á'),
    ('¹', 'ạ'),
    ('»', 'ằ'),
    ('¼', 'ẳ'),
    ('½', 'ẵ'),
    ('¾', 'ắ'),
    ('Æ', 'ặ'),
    ('Ç', 'ầ'),
    ('È', 'ẩ'),
    ('É', 'ẫ'),
    ('Ê', 'ấ'),
    ('Ë', 'ậ'),
    ('Ì', 'è'),
    ('Î', 'ẻ'),
    ('Ï', 'ẽ'),
    ('Ð', 'é'),
    ('Ñ', 'ẹ'),
    ('Ò', 'ề'),
    ('Ó', 'ể'),
    ('Ô', 'ễ'),
    ('Õ', 'ế'),
    ('Ö', 'ệ'),
    ('×', 'ì'),
    ('Ø', 'ỉ'),
    ('Ü', 'ĩ'),
    ('Ý', 'í'),
    ('Þ', 'ị'),
    ('ß', 'ò'),
    ('á', 'ỏ'),
    ('â', 'õ'),
    ('ã', 'ó'),
    ('ä', 'ọ'),
    ('å', 'ồ'),
    ('æ', 'ổ'),
    ('ç', 'ỗ'),
    ('è', 'ố'),
    ('é', 'ộ'),
    ('ê', 'ờ'),
    ('ë', 'ở'),
    ('ì', 'ỡ'),
    ('í', 'ớ'),
    ('î', 'ợ'),
    ('ï', 'ù'),
    ('ñ', 'ủ'),
    ('ò', 'ũ'),
    ('ó', 'ú'),
    ('ô', 'ụ'),
    ('õ', 'ừ'),
    ('ö', 'ử'),
    ('÷', 'ữ'),
    ('ø', 'ứ'),
    ('ù', 'ự'),
    ('ú', 'ỳ'),
    ('û', 'ỷ'),
    ('ü', 'ỹ'),
    ('ý', 'ý'),
    ('þ', 'ỵ'),
];

fn tcvn3(s: &str) -> String {
    s.chars()
        .map(|c| {
            TCVN3
                .iter()
                .find(|(from, _)| *from == c)
                .map_or(c, |(_, to)| *to)
        })
        .collect()
}

/// The marks VNI types after a vowel, as combining characters.
fn vni_mark(c: char) -> Option<&'static str> {
    Some(match c.to_lowercase().next()? {
        'ù' => "\u{301}",
        'ø' => "\u{300}",
        'û' => "\u{309}",
        'õ' => "\u{303}",
        'ï' => "\u{323}",
        'â' => "\u{302}",
        'á' => "\u{302}\u{301}",
        'à' => "\u{302}\u{300}",
        'å' => "\u{302}\u{309}",
        'ã' => "\u{302}\u{303}",
        'ä' => "\u{302}\u{323}",
        'ê' => "\u{306}",
        'é' => "\u{306}\u{301}",
        'è' => "\u{306}\u{300}",
        'ú' => "\u{306}\u{309}",
        'ü' => "\u{306}\u{303}",
        'ë' => "\u{306}\u{323}",
        _ => return None,
    })
}

/// The letters VNI types as one character.
fn vni_letter(c: char) -> Option<char> {
    Some(match c {
        'ñ' => 'đ',
        'Ñ' => 'Đ',
        'ô' => 'ơ',
        'Ô' => 'Ơ',
        'ö' => 'ư',
        'Ö' => 'Ư',
        'æ' => 'ỉ',
        'Æ' => 'Ỉ',
        'ó' => 'ĩ',
        'Ó' => 'Ĩ',
        'ò' => 'ị',
        'Ò' => 'Ị',
        'î' => 'ỵ',
        'Î' => 'Ỵ',
        _ => return None,
    })
}

/// Whether a VNI mark may follow this letter.
fn takes_mark(c: char) -> bool {
    matches!(
        c.to_lowercase().next(),
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ơ' | 'ư')
    )
}

fn vni(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        match (prev, vni_mark(c)) {
            (Some(p), Some(mark)) if takes_mark(p) => {
                out.push_str(mark);
                // A vowel takes one mark; a second one is a letter again.
                prev = None;
                continue;
            }
            _ => {}
        }
        let c = vni_letter(c).unwrap_or(c);
        out.push(c);
        prev = Some(c);
    }
    out.nfc().collect()
}

/// The letters of Vietnamese beyond ASCII, in NFC.
const VIETNAMESE: &str = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ";

fn is_vietnamese_letter(c: char) -> bool {
    let lower = c.to_lowercase().next().unwrap_or(c);
    VIETNAMESE.contains(lower)
}

/// Characters that Vietnamese text never holds but legacy text decoded as
/// Latin-1 does: Latin letters and signs outside the Vietnamese alphabet,
/// and marks left over from a failed composition. Anything else (emoji,
/// punctuation, other scripts) is not counted either way.
fn foreign(s: &str) -> usize {
    s.chars()
        .filter(|&c| {
            !c.is_ascii()
                && !is_vietnamese_letter(c)
                && (('\u{A1}'..='\u{2FF}').contains(&c) || ('\u{300}'..='\u{36F}').contains(&c))
        })
        .count()
}

/// Whether a value could be legacy text at all: only ASCII and Latin-1.
fn latin1_only(s: &str) -> bool {
    !s.is_ascii() && s.chars().all(|c| (c as u32) <= 0xFF)
}

/// Tallies one column's values to decide its encoding.
#[derive(Debug, Clone, Default)]
pub struct Detector {
    as_is: usize,
    tcvn3: usize,
    vni: usize,
    /// Characters only TCVN3 produces (its signs `¸ µ ¶`… at 0xA1–0xBF).
    tcvn3_signs: usize,
}

impl Detector {
    /// Looks at one value of the column.
    pub fn add(&mut self, s: &str) {
        if !latin1_only(s) {
            return;
        }
        self.as_is += foreign(s);
        self.tcvn3 += foreign(&tcvn3(s));
        self.vni += foreign(&vni(s));
        self.tcvn3_signs += s
            .chars()
            .filter(|c| ('\u{A1}'..='\u{BF}').contains(c))
            .count();
    }

    /// The column's encoding, if it is not Unicode.
    pub fn verdict(&self) -> Option<Legacy> {
        if self.as_is == 0 {
            return None;
        }
        // Fewest foreign characters wins; on a tie, TCVN3's signs decide.
        let tcvn3 = (self.tcvn3, usize::from(self.tcvn3_signs == 0));
        let vni = (self.vni, usize::from(self.tcvn3_signs > 0));
        let (best, score) = if tcvn3 <= vni {
            (Legacy::Tcvn3, tcvn3.0)
        } else {
            (Legacy::Vni, vni.0)
        };
        (score < self.as_is).then_some(best)
    }
}

/// Converts a value of a column found to be in `legacy`; values that are
/// already Unicode Vietnamese (with letters beyond Latin-1) are kept.
pub fn convert(legacy: Legacy, s: &str) -> Option<String> {
    latin1_only(s).then(|| legacy.decode(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(values: &[&str]) -> Option<Legacy> {
        let mut d = Detector::default();
        for v in values {
            d.add(v);
        }
        d.verdict()
    }

    #[test]
    fn tcvn3_names_are_converted() {
        assert_eq!(tcvn3("NguyÔn ThÞ LËp"), "Nguyễn Thị Lập");
        assert_eq!(tcvn3("B¶n Bo, Tam §\u{AD}êng"), "Bản Bo, Tam Đường");
        assert_eq!(tcvn3("Lß V¨n Hïng"), "Lò Văn Hùng");
        assert_eq!(
            detect(&["NguyÔn ThÞ LËp", "Lß V¨n Hïng"]),
            Some(Legacy::Tcvn3)
        );
    }

    #[test]
    fn vni_names_are_converted() {
        assert_eq!(vni("Nguyeãn Thò Laäp"), "Nguyễn Thị Lập");
        assert_eq!(vni("Baûn Bo, Tam Ñöôøng"), "Bản Bo, Tam Đường");
        assert_eq!(vni("Loø Vaên Huøng"), "Lò Văn Hùng");
        assert_eq!(vni("NGUYEÃN THÒ LAÄP"), "NGUYỄN THỊ LẬP");
        assert_eq!(
            detect(&["Nguyeãn Thò Laäp", "Loø Vaên Huøng"]),
            Some(Legacy::Vni)
        );
    }

    #[test]
    fn unicode_and_other_text_is_left_alone() {
        for v in [
            "Nguyễn Thị Lập",
            "Hà Văn Tú",
            "<script>alert('x')</script>",
            "Robert'); DROP TABLE children;--",
            "=HYPERLINK(\"x\")",
            "Bé 👶 Na",
            "Thò Hoà",
        ] {
            assert_eq!(detect(&[v]), None, "{v}");
        }
    }

    #[test]
    fn a_unicode_value_in_a_legacy_column_is_kept() {
        assert_eq!(convert(Legacy::Vni, "Nguyễn Thị Lập"), None);
        assert_eq!(convert(Legacy::Vni, "Laäp").as_deref(), Some("Lập"));
    }
}
