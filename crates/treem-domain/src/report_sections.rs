//! The periodic report's sections (issue 19): the headings of a real 6-month
//! or annual report, in order. Section III, the results against the
//! targets, is built from the records; the others are written by the
//! unit's officers (prefilled with what the records show) and kept as a
//! draft per unit and period.

/// (key, heading) of every section, in the report's order; `results` is the
/// one built from the records.
pub const SECTIONS: [(&str, &str); 8] = [
    ("leadership", "I. Công tác lãnh đạo, chỉ đạo, tuyên truyền"),
    ("tasks", "II. Kết quả thực hiện nhiệm vụ"),
    ("results", "III. Kết quả thực hiện các chỉ tiêu"),
    ("protection", "IV. Công tác bảo vệ trẻ em"),
    ("supervision", "V. Công tác kiểm tra, giám sát"),
    ("shortcomings", "VI. Tồn tại, hạn chế và nguyên nhân"),
    ("directions", "VII. Phương hướng, nhiệm vụ thời gian tới"),
    ("proposals", "VIII. Kiến nghị, đề xuất"),
];

/// The section built from the records.
pub const RESULTS: &str = "results";

/// The longest text of a section (characters): about ten pages.
pub const SECTION_MAX: usize = 30_000;

/// Whether officers write this section.
pub fn written(key: &str) -> bool {
    key != RESULTS && SECTIONS.iter().any(|(k, _)| *k == key)
}

/// A section's text as typed, checked: line ends made `\n`, trailing
/// spaces and blank lines at the ends removed; too long is refused.
pub fn clean(text: &str) -> Result<String, &'static str> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let out = lines.join("\n").trim_matches('\n').to_string();
    if out.chars().count() > SECTION_MAX {
        return Err("draft.err_too_long");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_the_report_s_and_text_is_cleaned() {
        assert_eq!(SECTIONS.len(), 8);
        assert!(written("leadership") && !written(RESULTS) && !written("other"));
        assert_eq!(clean("\r\n  a  \r\n- b\t\n\n"), Ok("  a\n- b".to_string()));
        assert_eq!(
            clean(&"x".repeat(SECTION_MAX + 1)),
            Err("draft.err_too_long")
        );
        assert_eq!(clean(" \n "), Ok(String::new()));
    }
}
