//! A case's document as a DOCX file in the format of Decree 30/2020: A4,
//! Times New Roman 14 pt, the margins, the heading of the People's
//! Committee beside the national name, tables whose rows never split and
//! whose header repeats, page numbers from page 2, «Nơi nhận» and the
//! signatures. The same pieces as the periodic report (`shell::docx_parts`).

use std::io::Cursor;

use docx_rs::{AlignmentType, Docx, Paragraph, Run, Table, TableRow};

use super::model::{Block, Document, Signature, Span};
use crate::AppError;
use crate::shell::docx_parts::{
    TEXT_WIDTH, body_runs, cell, centred, data_table_centred, heading, heading_table, new_document,
    next_line, page_numbers, repeat_header_rows, rule, run,
};

fn runs(spans: &[Span]) -> Vec<Run> {
    spans
        .iter()
        .map(|s| match s {
            Span::Plain(t) => run(t),
            Span::Bold(t) => run(t).bold(),
            Span::Italic(t) => run(t).italic(),
        })
        .collect()
}

/// A plain paragraph (a form's line): justified, 6 pt after, no indent.
fn line(spans: &[Span]) -> Paragraph {
    let mut p = Paragraph::new()
        .align(AlignmentType::Both)
        .line_spacing(docx_rs::LineSpacing::new().after(120));
    for r in runs(spans) {
        p = p.add_run(r);
    }
    p
}

/// Typed text: a paragraph per line, as typed.
fn prose(doc: Docx, text: &str) -> Docx {
    let lines: Vec<&str> = text.lines().collect();
    if lines.iter().all(|l| l.trim().is_empty()) {
        return doc.add_paragraph(line(&[Span::Plain("……………………………………………………".into())]));
    }
    lines.into_iter().fold(doc, |d, l| {
        d.add_paragraph(line(&[Span::Plain(l.to_string())]))
    })
}

fn signature(s: Option<&Signature>) -> Paragraph {
    let Some(s) = s else {
        return Paragraph::new();
    };
    let mut p = centred(run(&s.title).bold()).add_run(next_line(s.note).italic());
    // Room for the signature (and the seal).
    for _ in 0..4 {
        p = p.add_run(next_line(""));
    }
    p
}

fn closing(d: &Document) -> Table {
    let (left, right) = (TEXT_WIDTH / 2, TEXT_WIDTH - TEXT_WIDTH / 2);
    let to = if d.recipients.is_empty() {
        signature(d.signatures.0.as_ref())
    } else {
        let mut to = Paragraph::new().add_run(run("Nơi nhận:").size(24).bold().italic());
        for r in &d.recipients {
            to = to.add_run(next_line(&format!("- {r}")).size(22));
        }
        to
    };
    Table::without_borders(vec![TableRow::new(vec![
        cell(to, left),
        cell(signature(Some(&d.signatures.1)), right),
    ])])
    .set_grid(vec![left, right])
}

/// The document as a DOCX file.
pub fn write(d: &Document) -> Result<Vec<u8>, AppError> {
    let mut doc = new_document();
    let number = d.symbol.map(|s| format!("Số:       /{s}"));
    doc = page_numbers(doc).add_table(heading_table(
        &d.commune,
        number.as_deref(),
        d.place_date.as_deref(),
    ));
    if let Some(tag) = &d.form_tag {
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(run(tag).italic().size(24))
                .align(AlignmentType::Right),
        );
    }
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(run(&d.title).bold()));
    if let Some(sub) = &d.subtitle {
        doc = doc
            .add_paragraph(centred(run(sub).bold()))
            .add_paragraph(rule(TEXT_WIDTH, TEXT_WIDTH / 4));
    }
    for b in &d.blocks {
        doc = match b {
            Block::Section(t) => doc.add_paragraph(heading(t)),
            Block::Line(s) => doc.add_paragraph(line(s)),
            Block::Body(s) => doc.add_paragraph(body_runs(runs(s))),
            Block::Center(s) => {
                let mut p = Paragraph::new().align(AlignmentType::Center);
                for r in runs(s) {
                    p = p.add_run(r);
                }
                doc.add_paragraph(p)
            }
            Block::Prose(t) => prose(doc, t),
            Block::Numbered(items) => items.iter().enumerate().fold(doc, |d, (i, t)| {
                d.add_paragraph(line(&[Span::Plain(format!("{}. {t}", i + 1))]))
            }),
            Block::Table {
                header,
                widths,
                rows,
                centred,
            } => {
                let twips: Vec<usize> = widths.iter().map(|w| TEXT_WIDTH * w / 100).collect();
                let mut all = vec![header.iter().map(|h| h.to_string()).collect()];
                all.extend(rows.iter().cloned());
                doc.add_table(data_table_centred(&twips, all, centred))
                    .add_paragraph(Paragraph::new())
            }
        };
    }
    doc = doc.add_paragraph(Paragraph::new()).add_table(closing(d));
    let mut bytes = Cursor::new(Vec::new());
    doc.pack(&mut bytes)
        .map_err(|e| AppError::Internal(format!("docx: {e}")))?;
    repeat_header_rows(bytes.into_inner())
}
