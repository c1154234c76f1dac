//! Commands' helper, before stage 1: the blank workbook `layerbrief init` writes: every sheet
//! with its headers, the eight layers filled in, a dropdown on every enumerated column and an
//! Instructions sheet.

use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};

use crate::model::{AssessmentStatus, LAYER_IDS};
use crate::ruleset;
use crate::schema::{ASSESSMENT, SHEETS};
use crate::validate::ASSESSMENT_FIELDS;

/// Rows prepared with dropdowns below the header.
const ROWS: u32 = 500;

/// The bytes of a blank .xlsx workbook.
pub fn blank_workbook() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("DDE3EA");
    let wrap = Format::new().set_text_wrap();
    let text = Format::new().set_num_format("@");

    let ins = wb.add_worksheet();
    ins.set_name("Instructions")?;
    ins.set_column_width(0, 22)?;
    ins.set_column_width(1, 24)?;
    ins.set_column_width(2, 90)?;
    let mut r = 0;
    let mut line = |ins: &mut rust_xlsxwriter::Worksheet,
                    a: &str,
                    b: &str,
                    c: &str,
                    f: Option<&Format>|
     -> Result<(), XlsxError> {
        match f {
            Some(f) => {
                ins.write_string_with_format(r, 0, a, f)?;
                ins.write_string_with_format(r, 1, b, f)?;
                ins.write_string_with_format(r, 2, c, f)?;
            }
            None => {
                ins.write_string(r, 0, a)?;
                ins.write_string(r, 1, b)?;
                ins.write_string_with_format(r, 2, c, &wrap)?;
            }
        }
        r += 1;
        Ok(())
    };
    line(ins, "layerbrief assessment workbook", "", "Fill in each sheet, then run `layerbrief check <this file>`: it lists what remains to fill, cell by cell.", None)?;
    line(ins, "", "", "Y/N cells accept Y, N, yes, no, TRUE, FALSE; empty means N. Dates: a date cell, 2026-06-20 or June 20, 2026.", None)?;
    line(ins, "", "", "The tool computes every DAPM authority, status and split from the facts; analysts type facts and prose only.", None)?;
    line(ins, "", "", "", None)?;
    line(ins, "sheet", "column", "meaning", Some(&bold))?;
    for sheet in SHEETS {
        line(ins, sheet.name, "", sheet.about, None)?;
        for c in sheet.columns {
            line(ins, "", c.name, c.about, None)?;
        }
    }

    for sheet in SHEETS {
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name)?;
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
        if sheet.name == ASSESSMENT.name {
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
                        let dv =
                            DataValidation::new().allow_list_strings(AssessmentStatus::NAMES)?;
                        ws.add_data_validation(row, 1, row, 1, &dv)?;
                    }
                    _ => {}
                }
            }
        }
        if sheet.name == "Layers" {
            for (i, id) in LAYER_IDS.iter().enumerate() {
                ws.write_string(i as u32 + 1, 0, *id)?;
            }
        }
    }
    wb.save_to_buffer()
}
