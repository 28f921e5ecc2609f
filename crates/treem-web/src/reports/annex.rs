//! The periodic report's annex: a workbook of every indicator for every
//! unit of the report (see [`crate::reports::docx`] for the document).

use rust_xlsxwriter::{Format, Workbook};
use treem_domain::indicators::{Dimension, name_vi_on};

use crate::AppError;
use crate::indicators::figures::{Report, group_label};
use crate::reports::docx::{level_vi, status_vi};

/// The annex: a sheet of rates (a row per unit, a column per indicator), a
/// sheet of every figure with its numerator, denominator and target, and a
/// sheet of the programme indicators when any is defined.
/// With `splits`, a sheet of the indicators counted child by child split by
/// sex, ethnicity and household poverty; with `link`, a sheet of how
/// complete the link to the population database is per commune.
pub fn annex(
    rep: &Report,
    splits: &[(Dimension, Report)],
    link: Option<&Link>,
) -> Result<Vec<u8>, AppError> {
    build(rep, splits, link).map_err(|e| AppError::Internal(format!("xlsx: {e}")))
}

/// The link's figure for the annex: each commune, the total, and the day
/// it was counted.
pub struct Link {
    pub rows: Vec<crate::ids::LinkRow>,
    pub total: crate::ids::LinkRow,
    pub on: chrono::NaiveDate,
}

fn build(
    rep: &Report,
    splits: &[(Dimension, Report)],
    link: Option<&Link>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let percent = Format::new().set_num_format("0.0");
    let rates = wb.add_worksheet();
    rates.set_name("Tỷ lệ (%)")?;
    for (c, h) in ["Mã", "Đơn vị", "Cấp"].iter().enumerate() {
        rates.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    rates.set_column_width(1, 28)?;
    if let Some(first) = rep.units.first() {
        for (i, (key, _)) in first.indicators.iter().enumerate() {
            let c = 3 + i as u16;
            rates.write_string_with_format(
                0,
                c,
                name_vi_on(key, rep.period.reference_date()),
                &bold,
            )?;
            rates.set_column_width(c, 16)?;
        }
    }
    rates.set_row_height(0, 90)?;
    for (r, u) in rep.units.iter().enumerate() {
        let r = r as u32 + 1;
        rates.write_string(r, 0, &u.code)?;
        rates.write_string(r, 1, &u.name)?;
        rates.write_string(r, 2, level_vi(u.level))?;
        for (i, (_, f)) in u.indicators.iter().enumerate() {
            // An indicator without a denominator is left empty, not 0.
            if let Some(v) = f.value {
                rates.write_number_with_format(r, 3 + i as u16, v, &percent)?;
            }
        }
    }
    let detail = wb.add_worksheet();
    detail.set_name("Chi tiết")?;
    let headers = [
        "Mã",
        "Đơn vị",
        "Cấp",
        "Chỉ tiêu",
        "Tử số",
        "Mẫu số",
        "Tỷ lệ (%)",
        "So sánh",
        "Mục tiêu (%)",
        "Đánh giá",
    ];
    for (c, h) in headers.iter().enumerate() {
        detail.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    detail.set_column_width(1, 28)?;
    detail.set_column_width(3, 60)?;
    let mut r = 1u32;
    for u in &rep.units {
        for (key, f) in &u.indicators {
            detail.write_string(r, 0, &u.code)?;
            detail.write_string(r, 1, &u.name)?;
            detail.write_string(r, 2, level_vi(u.level))?;
            detail.write_string(r, 3, name_vi_on(key, rep.period.reference_date()))?;
            detail.write_number(r, 4, f.numerator as f64)?;
            detail.write_number(r, 5, f.denominator as f64)?;
            if let Some(v) = f.value {
                detail.write_number_with_format(r, 6, v, &percent)?;
            }
            detail.write_string(r, 7, f.comparison)?;
            if let Some(t) = f.target {
                detail.write_number(r, 8, t)?;
            }
            detail.write_string(r, 9, status_vi(f.status))?;
            r += 1;
        }
    }
    if !rep.programme.is_empty() {
        programme_sheet(wb.add_worksheet(), rep, &bold)?;
    }
    if !splits.is_empty() {
        groups_sheet(wb.add_worksheet(), splits, &bold)?;
    }
    if let Some(link) = link {
        link_sheet(wb.add_worksheet(), link, &bold)?;
    }
    wb.save_to_buffer()
}

/// The link to the population database per commune (a data-quality
/// figure, no target), counted on the day the annex was made.
fn link_sheet(
    sheet: &mut rust_xlsxwriter::Worksheet,
    link: &Link,
    bold: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.set_name("Số định danh")?;
    sheet.write_string(
        0,
        0,
        format!(
            "Trẻ em dưới 16 tuổi đang cư trú có số định danh cá nhân đã được Công an xã xác thực, đến ngày {} (ngày lập phụ lục); chỉ tiêu chất lượng dữ liệu, không có mục tiêu.",
            link.on.format("%d/%m/%Y")
        ),
    )?;
    let header = [
        "Mã",
        "Xã, phường",
        "Đã xác thực",
        "Có số, chưa xác thực",
        "Chưa có số",
        "Tổng số trẻ em",
        "Tỷ lệ đã xác thực (%)",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, bold)?;
    }
    for (r, row) in (3..).zip(link.rows.iter().chain(std::iter::once(&link.total))) {
        let name = if row.code.is_empty() && std::ptr::eq(row, &link.total) {
            "Tổng"
        } else {
            row.name.as_str()
        };
        sheet.write_string(r, 0, &row.code)?;
        sheet.write_string(r, 1, name)?;
        sheet.write_number(r, 2, row.verified as f64)?;
        sheet.write_number(r, 3, row.unverified as f64)?;
        sheet.write_number(r, 4, row.none as f64)?;
        sheet.write_number(r, 5, row.total() as f64)?;
        if row.total() > 0 {
            sheet.write_number(
                r,
                6,
                (row.verified as f64 * 1000.0 / row.total() as f64).round() / 10.0,
            )?;
        }
    }
    sheet.set_column_width(1, 28)?;
    Ok(())
}

/// The indicators counted child by child, each unit's groups by each
/// dimension: their numerators and denominators sum to the unit's figure.
fn groups_sheet(
    sheet: &mut rust_xlsxwriter::Worksheet,
    splits: &[(Dimension, Report)],
    bold: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use treem_domain::i18n::Lang;
    sheet.set_name("Theo nhóm trẻ em")?;
    let headers = [
        "Mã",
        "Đơn vị",
        "Cấp",
        "Chỉ tiêu",
        "Chia theo",
        "Nhóm",
        "Tử số",
        "Mẫu số",
        "Tỷ lệ (%)",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold)?;
    }
    sheet.set_column_width(1, 28)?;
    sheet.set_column_width(3, 60)?;
    sheet.set_column_width(5, 24)?;
    let one_decimal = Format::new().set_num_format("0.0");
    let mut r = 1u32;
    for (dim, rep) in splits {
        let dimension = match dim {
            Dimension::Sex => "Giới tính",
            Dimension::Ethnicity => "Dân tộc",
            Dimension::Poverty => "Hộ nghèo",
        };
        for u in &rep.units {
            for (key, f) in &u.indicators {
                for (group, part) in f.by.iter().flatten() {
                    sheet.write_string(r, 0, &u.code)?;
                    sheet.write_string(r, 1, &u.name)?;
                    sheet.write_string(r, 2, level_vi(u.level))?;
                    sheet.write_string(r, 3, name_vi_on(key, rep.period.reference_date()))?;
                    sheet.write_string(r, 4, dimension)?;
                    sheet.write_string(r, 5, group_label(Lang::Vi, *dim, group))?;
                    sheet.write_number(r, 6, part.numerator as f64)?;
                    sheet.write_number(r, 7, part.denominator as f64)?;
                    if part.denominator > 0 {
                        let v = part.numerator as f64 / part.denominator as f64 * 100.0;
                        sheet.write_number_with_format(r, 8, v, &one_decimal)?;
                    }
                    r += 1;
                }
            }
        }
    }
    Ok(())
}

/// The programme indicators (defined as data): a row per unit and
/// indicator, with the sums behind the value.
fn programme_sheet(
    sheet: &mut rust_xlsxwriter::Worksheet,
    rep: &Report,
    bold: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use treem_domain::i18n::Lang;
    sheet.set_name("Chỉ số chương trình")?;
    let headers = [
        "Mã",
        "Đơn vị",
        "Cấp",
        "Chương trình",
        "Mã chỉ số",
        "Chỉ số",
        "Tử số",
        "Mẫu số",
        "Hệ số",
        "Giá trị",
        "So sánh",
        "Mục tiêu",
        "Đánh giá",
        "Số xã đã báo cáo",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold)?;
    }
    sheet.set_column_width(1, 28)?;
    sheet.set_column_width(5, 60)?;
    let one_decimal = Format::new().set_num_format("0.0");
    let mut r = 1u32;
    for u in &rep.units {
        for ((code, f), def) in u.programme.iter().zip(&rep.programme) {
            sheet.write_string(r, 0, &u.code)?;
            sheet.write_string(r, 1, &u.name)?;
            sheet.write_string(r, 2, level_vi(u.level))?;
            sheet.write_string(r, 3, &def.programme)?;
            sheet.write_string(r, 4, code)?;
            sheet.write_string(r, 5, &def.name_vi)?;
            sheet.write_number(r, 6, f.numerator.0)?;
            // A count has no denominator: left empty, not 0.
            if let Some(d) = f.denominator {
                sheet.write_number(r, 7, d.0)?;
            }
            sheet.write_number(r, 8, f64::from(f.factor))?;
            if let Some(v) = f.value {
                sheet.write_number_with_format(r, 9, v, &one_decimal)?;
            }
            sheet.write_string(r, 10, f.comparison)?;
            if let Some(t) = f.target {
                sheet.write_number(r, 11, t)?;
            }
            let status = crate::indicators::programme::status_key(f.status);
            sheet.write_string(r, 12, Lang::Vi.t(status))?;
            sheet.write_number(r, 13, f64::from(f.communes_filed))?;
            r += 1;
        }
    }
    Ok(())
}
