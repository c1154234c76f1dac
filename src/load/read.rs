//! Load: the calamine dispatch. Each format read cell by cell where the reader allows it,
//! bounded by the limits, into sheets of typed cells.

use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader};
use chrono::{NaiveDate, NaiveDateTime};

use super::cells::{Header, Ignored, Row, Sheet, Value, MAX_IGNORED_LISTED};
use super::Limits;

/// Cells of one sheet as they are read, bounded by the limits.
struct Collector<'a> {
    name: &'a str,
    limits: &'a Limits,
    cells: Vec<(u32, u32, Value)>,
    text: &'a mut u64,
}

impl Collector<'_> {
    fn push(&mut self, row: u32, col: u32, value: Value) -> Result<(), String> {
        if value.is_empty() {
            return Ok(());
        }
        if self.cells.len() as u64 >= self.limits.max_cells {
            return Err(format!(
                "sheet `{}` has more than {} cells (--max-cells)",
                self.name, self.limits.max_cells
            ));
        }
        if let Value::Text(t) | Value::Error(t) = &value {
            *self.text = self.text.saturating_add(t.len() as u64);
            if *self.text > self.limits.max_text_bytes {
                return Err(format!(
                    "the workbook's text passes {} MB (--max-text), at sheet `{}`",
                    self.limits.max_text_bytes / 1_000_000,
                    self.name
                ));
            }
        }
        self.cells.push((row, col, value));
        Ok(())
    }
}

pub(super) fn read_sheets(bytes: Vec<u8>, limits: &Limits) -> Result<Vec<Sheet>, String> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        format!(
            "not a readable workbook (.xlsx, .xlsm, .xls, .xlsb or .ods): {}",
            one_line(&e)
        )
    })?;
    let mut sheets = Vec::new();
    let mut text = 0u64;
    for name in book.sheet_names() {
        let fail =
            |e: &dyn fmt::Display| format!("sheet `{name}` could not be read: {}", one_line(e));
        let mut cells = Collector {
            name: &name,
            limits,
            cells: Vec::new(),
            text: &mut text,
        };
        let mut merged = Vec::new();
        match &mut book {
            // Excel files are read cell by cell: a stray value in a far corner (XFD1048576)
            // must not make a dense grid of the whole sheet.
            calamine::Sheets::Xlsx(x) => {
                if let Ok(regions) = x.merge_cells_by_sheet_name(&name) {
                    merged = regions.iter().map(|d| (d.start, d.end)).collect();
                }
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| fail(&e))?;
                while let Some(cell) = reader.next_cell_with_formula().map_err(|e| fail(&e))? {
                    let (row, col) = cell.pos;
                    let value = convert(&Data::from(cell.value));
                    // A formula saved by a script that never computed it has no value: say
                    // so rather than read it as empty.
                    let value = match (value, cell.formula) {
                        (v, Some(f)) if v.is_empty() && !f.trim().is_empty() => Value::Error(format!(
                            "`={f}` with no saved result (open and save the workbook in Excel or LibreOffice, or type the value)"
                        )),
                        (v, _) => v,
                    };
                    cells.push(row, col, value)?;
                }
            }
            calamine::Sheets::Xlsb(x) => {
                let mut reader = x.worksheet_cells_reader(&name).map_err(|e| fail(&e))?;
                while let Some(cell) = reader.next_cell().map_err(|e| fail(&e))? {
                    let (row, col) = cell.get_position();
                    cells.push(row, col, convert(&Data::from(cell.get_value().clone())))?;
                }
            }
            // .ods and .xls: the reader builds the sheet's grid, bounded by the pre-scan.
            other => {
                let range = other.worksheet_range(&name).map_err(|e| fail(&e))?;
                let (row0, col0) = range.start().unwrap_or((0, 0));
                for (r, c, data) in range.used_cells() {
                    let (row, col) = (row0.saturating_add(r as u32), col0.saturating_add(c as u32));
                    cells.push(row, col, convert(data))?;
                }
            }
        }
        let cells = cells.cells;
        let mut sheet = sheet_from_cells(name, cells, limits)?;
        sheet.merged = merged;
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn one_line(e: &dyn fmt::Display) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

/// Groups cells (absolute row, column, value) into the header row and the data rows. Values
/// beyond the last column read are listed, not kept; over-long texts are listed.
fn sheet_from_cells(
    name: String,
    mut cells: Vec<(u32, u32, Value)>,
    limits: &Limits,
) -> Result<Sheet, String> {
    cells.retain(|(_, _, v)| !v.is_empty());
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    let mut header_row = None;
    let mut headers = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut ignored = Vec::new();
    let mut ignored_total = 0u64;
    let mut ignore = |cell: Ignored| {
        ignored_total += 1;
        if ignored.len() < MAX_IGNORED_LISTED {
            ignored.push(cell);
        }
    };
    for (row, col, value) in cells {
        if col >= limits.max_columns {
            ignore(Ignored::FarColumn { row, col });
            continue;
        }
        // Over-long text is kept (so the cell does not read as empty) and reported.
        if let Value::Text(t) = &value {
            let chars = t.chars().count() as u64;
            if chars > limits.max_cell_chars {
                ignore(Ignored::TooLong { row, col, chars });
            }
        }
        if header_row.is_none() {
            header_row = Some(row);
        }
        if Some(row) == header_row {
            let text = value.as_text();
            headers.push(Header {
                key: text.trim().to_lowercase(),
                text,
                col,
            });
            continue;
        }
        if rows.last().is_none_or(|r| r.index != row) {
            if rows.len() as u64 >= limits.max_rows {
                return Err(format!(
                    "sheet `{name}` has more than {} rows with values (--max-rows)",
                    limits.max_rows
                ));
            }
            rows.push(Row {
                index: row,
                cells: Vec::new(),
            });
        }
        let cells = &mut rows.last_mut().expect("pushed above").cells;
        if cells.len() <= col as usize {
            cells.resize(col as usize + 1, Value::Empty);
        }
        cells[col as usize] = value;
    }
    Ok(Sheet {
        name,
        header_row: header_row.unwrap_or(0),
        headers,
        rows,
        merged: Vec::new(),
        ignored,
        ignored_total,
    })
}

fn convert(data: &Data) -> Value {
    match data {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Value::Date(d),
            None => Value::Number(dt.as_f64()),
        },
        Data::DateTimeIso(s) => parse_iso(s)
            .map(Value::Date)
            .unwrap_or(Value::Text(s.clone())),
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(format!("{e}")),
    }
}

fn parse_iso(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
        })
}
