//! Load: the pre-scan of zipped workbooks (.xlsx, .xlsm, .xlsb, .ods): every part unpacked
//! once within the budget, whatever size it claims; then the claims of each format the file
//! holds, by the format's own scan.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::ods::check_ods;
use super::scan::{megabytes, part_key, MAX_PARTS};
use super::xlsb::{check_xlsb_part, is_xlsb_record_part, is_xlsb_worksheet, xlsb_sheet_names};
use super::xlsx::{
    check_shared_strings, check_worksheet, is_xlsx_shared_strings, is_xlsx_worksheet,
    xlsx_sheet_names,
};
use crate::load::Limits;

pub(super) fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if zip.len() > MAX_PARTS {
        return Err(format!(
            "the file holds {} parts, more than a workbook has (at most {MAX_PARTS})",
            zip.len()
        ));
    }
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let mut budget = Budget {
        left: limits.max_unpacked_bytes,
        limit: limits.max_unpacked_bytes,
    };
    // Every part is unpacked once, counted as it streams, whatever size it claims.
    for i in 0..zip.len() {
        // A part that cannot be opened cannot be read by the reader either.
        let Ok(mut part) = zip.by_index(i) else {
            continue;
        };
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        budget.drain(&name, &mut part)?;
    }
    // The reader finds a part by its name in any case and with either slash (the last of
    // two names alike wins): so does this scan.
    let by_key: HashMap<String, &str> = names.iter().map(|n| (part_key(n), n.as_str())).collect();
    let has = |n: &str| by_key.contains_key(&part_key(n));
    // Sizes are known good now: the parts whose claims the reader trusts are read whole. A
    // part whose end is damaged (a wrong checksum, a cut deflate stream) is scanned as far as
    // it reads: the reader streams it too, and acts on its claims before it reaches the end.
    let mut open = |name: &str| -> Option<Vec<u8>> {
        let name = by_key.get(&part_key(name)).copied().unwrap_or(name);
        let part = zip.by_name(name).ok()?;
        let mut out = Vec::new();
        let _damaged = part.take(limits.max_unpacked_bytes).read_to_end(&mut out);
        Some(out)
    };
    // The reader tries .xlsx, then .xlsb, then .ods, each failing over to the next: check
    // the parts of every format the file holds. Each reader reads its shared strings before
    // it looks for the workbook part: they are checked whether or not the archive holds one.
    for name in names.iter().filter(|n| is_xlsx_shared_strings(n)) {
        if let Some(sst) = open(name) {
            check_shared_strings(&sst, limits)?;
        }
    }
    if has("xl/workbook.xml") {
        let sheets = xlsx_sheet_names(&mut open);
        for name in names.iter().filter(|n| is_xlsx_worksheet(n)) {
            if let Some(xml) = open(name) {
                let label = match sheets.get(name) {
                    Some(sheet) => format!("sheet `{sheet}`"),
                    None => format!("part {name}"),
                };
                check_worksheet(&xml, &label, limits)?;
            }
        }
    }
    if names.iter().any(|n| is_xlsb_record_part(n)) {
        let sheets = xlsb_sheet_names(&mut open);
        for name in names.iter().filter(|n| is_xlsb_record_part(n)) {
            if let Some(bin) = open(name) {
                let label = match sheets.get(name) {
                    Some(sheet) => format!("sheet `{sheet}`"),
                    None => format!("part {name}"),
                };
                check_xlsb_part(&bin, &label, is_xlsb_worksheet(name))?;
            }
        }
    }
    if has("content.xml") {
        if let Some(xml) = open("content.xml") {
            check_ods(&xml, limits)?;
        }
    }
    Ok(())
}

/// The unpacked bytes still allowed.
struct Budget {
    left: u64,
    limit: u64,
}

impl Budget {
    /// Reads `part` to its end, in chunks, failing once it passes what is left.
    fn drain(&mut self, name: &str, part: &mut impl Read) -> Result<(), String> {
        let mut chunk = [0u8; 64 * 1024];
        loop {
            let n = match part.read(&mut chunk) {
                Ok(0) => return Ok(()),
                Ok(n) => n as u64,
                // A damaged part: the reader will say so.
                Err(_) => return Ok(()),
            };
            if n > self.left {
                return Err(format!(
                    "the workbook unpacks to more than {} (at part {name}); it is not a workbook a person typed, or it is damaged",
                    megabytes(self.limit)
                ));
            }
            self.left -= n;
        }
    }
}
