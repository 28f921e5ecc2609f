//! What a case's document is made of, whatever it is written as: lines of
//! spans, sections, typed text, lists and tables, with the heading's and
//! the signatures' parts.

/// Part of a line: plain, bold or italic.
pub enum Span {
    Plain(String),
    Bold(String),
    Italic(String),
}

/// A piece of a document, in order.
pub enum Block {
    /// A section's heading: «I. Thông tin về trẻ em».
    Section(String),
    /// A line of fields: «Họ và tên: …».
    Line(Vec<Span>),
    /// A paragraph of the body: first line indented, justified.
    Body(Vec<Span>),
    /// A centred line.
    Center(Vec<Span>),
    /// What an officer typed, its line breaks kept, in a box.
    Prose(String),
    /// A numbered list.
    Numbered(Vec<String>),
    /// A table: its header, each column's share of the line (per cent),
    /// its rows.
    Table {
        header: Vec<&'static str>,
        widths: Vec<usize>,
        rows: Vec<Vec<String>>,
        /// The columns centred (a line's number, a ticked box).
        centred: Vec<usize>,
    },
}

/// A signature: who signs, and the note under it.
pub struct Signature {
    pub title: String,
    pub note: &'static str,
}

/// A document ready to print or to write as DOCX.
pub struct Document {
    /// The commune whose People's Committee issues it.
    pub commune: String,
    /// A decision's symbol after «Số: /» (`QĐ-UBND`); none for a form.
    pub symbol: Option<&'static str>,
    /// The place and date under the motto (a decision leaves it to fill).
    pub place_date: Option<String>,
    /// «Mẫu số 01 (Nghị định 56/2017/NĐ-CP)» on a form.
    pub form_tag: Option<String>,
    /// A note for the screen only (a draft for the chair).
    pub draft_note: Option<&'static str>,
    pub title: String,
    pub subtitle: Option<String>,
    pub blocks: Vec<Block>,
    /// «Nơi nhận» of a decision.
    pub recipients: Vec<&'static str>,
    /// Left and right signatures (the left may be empty).
    pub signatures: (Option<Signature>, Signature),
    /// The file's name without its extension.
    pub stem: String,
}

/// A field's value, or dots to fill in by hand when it is empty.
pub fn or_dots(value: &str) -> String {
    if value.trim().is_empty() {
        "……………".to_string()
    } else {
        value.to_string()
    }
}

/// A line «label: value» (dots when the value is empty).
pub fn field(label: &str, value: &str) -> Block {
    Block::Line(vec![Span::Plain(format!("{label}: {}", or_dots(value)))])
}
