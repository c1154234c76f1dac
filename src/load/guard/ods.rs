//! Stage 1, load: the pre-scan of an OpenDocument sheet's repeats, the rows and columns a
//! few bytes of XML can ask the reader to expand.

use std::io::BufReader;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::scan::{attr, megabytes, EXCEL_COLUMNS, EXCEL_ROWS};
use crate::load::Limits;
use crate::model::diag::column_name;

/// The grid an .ods sheet expands to, as the reader expands it: each row element's cells up
/// to its last value (column repeats included), and the block from the first to the last
/// row and column holding a value (row repeats included), plus the text repeats copy.
pub(super) fn check_ods(xml: &[u8], limits: &Limits) -> Result<(), String> {
    let mut reader = Reader::from_reader(BufReader::new(xml));
    let mut buf = Vec::new();
    let mut sheet = OdsSheet::default();
    let mut depth_in_cell = 0u32;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return Ok(()),
        };
        let empty = matches!(event, Event::Empty(_));
        match &event {
            Event::Start(e) | Event::Empty(e) if depth_in_cell == 0 => match e.name().as_ref() {
                "table:table" => {
                    sheet = OdsSheet {
                        name: attr(e, "name").unwrap_or_default(),
                        ..OdsSheet::default()
                    };
                }
                "table:table-row" => sheet.start_row(repeat(e, "number-rows-repeated")),
                "table:table-cell" | "table:covered-table-cell" => {
                    let has_value = attr(e, "value-type").is_some() || attr(e, "formula").is_some();
                    sheet.start_cell(repeat(e, "number-columns-repeated"), has_value);
                    if empty {
                        sheet.end_cell();
                    } else {
                        depth_in_cell = 1;
                    }
                }
                _ => {}
            },
            Event::Start(_) => depth_in_cell += 1,
            Event::Text(t) if depth_in_cell > 0 => sheet.cell_text(t.len() as u64),
            Event::End(_) if depth_in_cell > 0 => {
                depth_in_cell -= 1;
                if depth_in_cell == 0 {
                    sheet.end_cell();
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-row" => sheet.end_row(limits)?,
                "table:table" => sheet.end_table(limits)?,
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// A `number-…-repeated` attribute (1 when absent, saturating when absurd).
fn repeat(e: &BytesStart, key: &str) -> u64 {
    attr(e, key).map_or(1, |v| v.trim().parse::<u64>().unwrap_or(u64::MAX).max(1))
}

/// What one .ods sheet expands to, as it is read.
#[derive(Default)]
struct OdsSheet {
    name: String,
    /// Row position (row repeats included), capped as the reader caps it.
    row: u64,
    row_repeat: u64,
    /// Column position within the current row.
    col: u64,
    /// The current cell: its repeat, whether it holds a value, its text.
    cell_repeat: u64,
    cell_value: bool,
    cell_text: u64,
    /// The current row: where its values end, where they start, its text (repeats included).
    row_end: u64,
    row_start: Option<u64>,
    row_text: u64,
    /// Cells the reader keeps while reading, before it builds the grid.
    read_cells: u64,
    /// The block holding values: first and last row, first and last column.
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
    text: u64,
}

impl OdsSheet {
    fn start_row(&mut self, repeat: u64) {
        self.row_repeat = repeat.min(EXCEL_ROWS.saturating_sub(self.row));
        self.col = 0;
        self.row_end = 0;
        self.row_start = None;
        self.row_text = 0;
    }

    fn start_cell(&mut self, repeat: u64, has_value: bool) {
        self.cell_repeat = repeat.min(EXCEL_COLUMNS.saturating_sub(self.col));
        self.cell_value = has_value;
        self.cell_text = 0;
    }

    fn cell_text(&mut self, n: u64) {
        self.cell_text = self.cell_text.saturating_add(n);
        self.cell_value |= n > 0;
    }

    fn end_cell(&mut self) {
        let start = self.col;
        self.col = self.col.saturating_add(self.cell_repeat);
        if self.cell_value {
            self.row_start.get_or_insert(start);
            self.row_end = self.col;
            self.row_text = self
                .row_text
                .saturating_add(self.cell_text.saturating_mul(self.cell_repeat));
        }
        self.cell_repeat = 0;
        self.cell_value = false;
        self.cell_text = 0;
    }

    fn end_row(&mut self, limits: &Limits) -> Result<(), String> {
        self.read_cells = self.read_cells.saturating_add(self.row_end);
        let first = self.row;
        self.row = self.row.saturating_add(self.row_repeat);
        if let Some(start) = self.row_start {
            let last = self.row.saturating_sub(1);
            let rows = self.rows.get_or_insert((first, last));
            rows.1 = last;
            let cols = self.cols.get_or_insert((start, self.row_end - 1));
            cols.0 = cols.0.min(start);
            cols.1 = cols.1.max(self.row_end - 1);
            self.text = self
                .text
                .saturating_add(self.row_text.saturating_mul(self.row_repeat));
        }
        self.check(limits)
    }

    fn end_table(&mut self, limits: &Limits) -> Result<(), String> {
        self.check(limits)?;
        *self = OdsSheet::default();
        Ok(())
    }

    fn check(&self, limits: &Limits) -> Result<(), String> {
        let grid = match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1).saturating_mul(c1 - c0 + 1),
            _ => 0,
        };
        if grid > limits.max_cells || self.read_cells > limits.max_cells {
            let (cols, rows) = (self.cols.unwrap_or_default(), self.rows.unwrap_or_default());
            return Err(format!(
                "sheet `{}`: its values span rows {} to {} and columns {} to {}, {grid} cells once repeated rows and columns are expanded, more than the limit of {} (--max-cells); delete the far values or the repeats",
                self.name,
                rows.0 + 1,
                rows.1 + 1,
                column_name(cols.0.min(u64::from(u32::MAX)) as u32),
                column_name(cols.1.min(u64::from(u32::MAX)) as u32),
                limits.max_cells
            ));
        }
        if self.text > limits.max_text_bytes {
            return Err(format!(
                "sheet `{}`: its text, with repeated rows and columns expanded, passes {} (--max-text)",
                self.name,
                megabytes(limits.max_text_bytes)
            ));
        }
        Ok(())
    }
}
