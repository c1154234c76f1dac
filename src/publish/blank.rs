//! Publish: the workbook `layerbrief init` writes, before any stage: every sheet with its
//! headers, a dropdown on every enumerated column and an Instructions sheet; blank (the eight
//! layers named, the Assessment sheet's fields listed) or, with `--example`, filled with a
//! valid fictional assessment to learn from (`examples/portfolio/src/fictional-example-cloud`).

use rust_xlsxwriter::{DataValidation, Format, Workbook, Worksheet, XlsxError};

use crate::model::ruleset;
use crate::model::sheets::{SheetSpec, ASSESSMENT, SHEETS};
use crate::model::{AssessmentStatus, LAYER_IDS};
use crate::validate::ASSESSMENT_FIELDS;

/// Rows prepared with dropdowns below the header.
const ROWS: u32 = 500;

/// The header row's look.
fn header_format() -> Format {
    Format::new().set_bold().set_background_color("DDE3EA")
}

/// A workbook of every sheet of the contract (headers, dropdowns, instructions), each filled
/// by `fill`.
fn workbook(
    fill: impl Fn(&mut Worksheet, &SheetSpec) -> Result<(), XlsxError>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    instructions(wb.add_worksheet())?;
    for sheet in SHEETS {
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name)?;
        headers(ws, sheet)?;
        fill(ws, sheet)?;
    }
    wb.save_to_buffer()
}

/// The bytes of a blank .xlsx workbook.
pub fn blank_workbook() -> Result<Vec<u8>, XlsxError> {
    workbook(|ws, sheet| {
        if sheet.name == ASSESSMENT.name {
            assessment_fields(ws)?;
        }
        if sheet.name == "Layers" {
            for (i, id) in LAYER_IDS.iter().enumerate() {
                ws.write_string(i as u32 + 1, 0, *id)?;
            }
        }
        Ok(())
    })
}

/// The sheets of the example assessment, one CSV each (a sheet without one stays empty).
const EXAMPLE: &[(&str, &str)] = &[
    (
        "Assessment",
        include_str!("../../examples/portfolio/src/fictional-example-cloud/Assessment.csv"),
    ),
    (
        "Summary",
        include_str!("../../examples/portfolio/src/fictional-example-cloud/Summary.csv"),
    ),
    (
        "Columns",
        include_str!("../../examples/portfolio/src/fictional-example-cloud/Columns.csv"),
    ),
    (
        "Components",
        include_str!("../../examples/portfolio/src/fictional-example-cloud/Components.csv"),
    ),
    (
        "Layers",
        include_str!("../../examples/portfolio/src/fictional-example-cloud/Layers.csv"),
    ),
    (
        "Overrides",
        include_str!("../../examples/portfolio/src/fictional-example-cloud/Overrides.csv"),
    ),
    (
        "History",
        include_str!("../../examples/portfolio/src/fictional-example-cloud/History.csv"),
    ),
];

/// The bytes of an .xlsx workbook of the example assessment: the blank workbook's sheets,
/// headers and dropdowns, every cell of the example under its header; whole numbers typed as
/// numbers, as a spreadsheet types them.
pub fn example_workbook() -> Result<Vec<u8>, XlsxError> {
    workbook(|ws, sheet| {
        let Some((_, csv)) = EXAMPLE.iter().find(|(name, _)| *name == sheet.name) else {
            return Ok(());
        };
        let mut rows = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes())
            .into_records()
            .filter_map(Result::ok);
        let Some(header) = rows.next() else {
            return Ok(());
        };
        for (r, row) in rows.enumerate() {
            for (text, name) in row.iter().zip(header.iter()) {
                let Some(col) = sheet.columns.iter().position(|c| c.name == name) else {
                    continue;
                };
                let (r, col) = (r as u32 + 1, col as u16);
                if let (true, Ok(n)) = (name == "seq", text.parse::<i64>()) {
                    ws.write_number(r, col, n as f64)?;
                } else if !text.is_empty() {
                    ws.write_string(r, col, text)?;
                }
            }
        }
        Ok(())
    })
}

/// The Instructions sheet: how to fill the workbook, then every sheet and column with what it
/// means.
fn instructions(ins: &mut Worksheet) -> Result<(), XlsxError> {
    let bold = header_format();
    let wrap = Format::new().set_text_wrap();
    ins.set_name("Instructions")?;
    ins.set_column_width(0, 22)?;
    ins.set_column_width(1, 24)?;
    ins.set_column_width(2, 90)?;
    let mut rows: Vec<[&str; 3]> = vec![
        ["layerbrief assessment workbook", "", "Fill in each sheet, then run `layerbrief check <this file>`: it lists what remains to fill, cell by cell."],
        ["", "", "Y/N cells accept Y, N, yes, no, TRUE, FALSE; empty means N. Dates: a date cell, 2026-06-20 or June 20, 2026."],
        ["", "", "The tool computes every DAPM authority, status and split from the facts; analysts type facts and prose only."],
        ["", "", ""],
    ];
    let head = rows.len() as u32;
    rows.push(["sheet", "column", "meaning"]);
    for sheet in SHEETS {
        rows.push([sheet.name, "", sheet.about]);
        rows.extend(sheet.columns.iter().map(|c| ["", c.name, c.about]));
    }
    for (r, [a, b, c]) in rows.iter().enumerate() {
        let r = r as u32;
        if r == head {
            ins.write_string_with_format(r, 0, *a, &bold)?;
            ins.write_string_with_format(r, 1, *b, &bold)?;
            ins.write_string_with_format(r, 2, *c, &bold)?;
        } else {
            ins.write_string(r, 0, *a)?;
            ins.write_string(r, 1, *b)?;
            ins.write_string_with_format(r, 2, *c, &wrap)?;
        }
    }
    Ok(())
}

/// A sheet's header row, frozen, its columns sized, ids typed as text, and a dropdown on every
/// enumerated column.
fn headers(ws: &mut Worksheet, sheet: &SheetSpec) -> Result<(), XlsxError> {
    let bold = header_format();
    let text = Format::new().set_num_format("@");
    for (i, c) in sheet.columns.iter().enumerate() {
        let col = i as u16;
        ws.write_string_with_format(0, col, c.name, &bold)?;
        let wide = matches!(
            c.name,
            "text" | "narrative" | "paragraph" | "note_text" | "justification" | "value"
        );
        ws.set_column_width(col, if wide { 60 } else { 18 })?;
        if matches!(c.name, "cell_id" | "layer_id" | "target_id" | "doc_version") {
            ws.set_column_format(col, &text)?;
        }
        if let Some(choices) = c.choices {
            let dv = DataValidation::new()
                .allow_list_strings(choices)?
                .set_error_message(format!("Expected one of {}", choices.join(", ")))?;
            ws.add_data_validation(1, col, ROWS, col, &dv)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The Assessment sheet's fields, each marked required or optional, with the framework, the
/// scoring model, the latest ruleset and a pending status filled in.
fn assessment_fields(ws: &mut Worksheet) -> Result<(), XlsxError> {
    for (i, (field, required)) in ASSESSMENT_FIELDS.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, *field)?;
        ws.write_string(row, 2, if *required { "required" } else { "optional" })?;
        match *field {
            "framework" => {
                ws.write_string(row, 1, "4+1 Layer AI Infrastructure Model")?;
            }
            "scoring_model" => {
                ws.write_string(row, 1, "Decision Authority Placement Model (DAPM)")?;
            }
            "methodology_version" => {
                let latest = ruleset::all()
                    .last()
                    .map(|r| r.id.as_str())
                    .unwrap_or("v1.3");
                ws.write_string(row, 1, latest)?;
                let dv = DataValidation::new().allow_list_strings(&ruleset::names())?;
                ws.add_data_validation(row, 1, row, 1, &dv)?;
            }
            "assessment_status" => {
                ws.write_string(row, 1, "pending")?;
                let dv = DataValidation::new().allow_list_strings(AssessmentStatus::NAMES)?;
                ws.add_data_validation(row, 1, row, 1, &dv)?;
            }
            _ => {}
        }
    }
    Ok(())
}
