//! Commands: `layerbrief export-typst`, a standalone Typst project of one brief.
//!
//! The project holds the template set, the scored assessment as `data.json` and the fonts, so
//! the stock `typst compile` makes the same brief: for handing a brief to a typesetter, for
//! debugging a template, and as the fair baseline of the benchmarks.

use super::args::ExportArgs;
use super::setup::{load_templates, methodology, render_options, Reading};
use super::{Fatal, Outcome};
use crate::build::output::write_atomic;
use crate::build::prepare::prepare;
use crate::render::FONT_LICENSE;
use crate::view::brief::brief_json;

pub(super) fn run(args: ExportArgs) -> Result<Outcome, Fatal> {
    let rs = methodology(args.methodology.methodology.as_deref())?;
    let opts = render_options(&args.typeset)?;
    let reading = Reading::new(&args.read)?;
    if !args.workbook.is_file() {
        return Err(Fatal(format!(
            "{}: no such file; nothing was written",
            args.workbook.display()
        )));
    }
    let p = match prepare(&args.workbook, reading.under(rs)) {
        Ok(p) => p,
        Err(r) => {
            r.report();
            return Ok(Outcome::Invalid);
        }
    };
    let templates = load_templates(args.typeset.templates.as_ref())?;
    let dir = &args.dir;
    let write = |rel: &str, bytes: &[u8]| {
        let path = dir.join(rel);
        write_atomic(&path, bytes)
            .map_err(|e| Fatal::when(format_args!("{}: cannot write", path.display()), e))
    };
    for (rel, bytes) in templates.files() {
        if rel.ends_with(".typ") {
            write(rel, bytes)?;
        }
    }
    write(
        "data.json",
        &brief_json(&p.scored, opts.paper, opts.draft, &Default::default()),
    )?;
    for (name, bytes) in reading.fonts.files() {
        write(&format!("fonts/{name}"), bytes.as_slice())?;
    }
    write("fonts/LICENSE-Inter.txt", FONT_LICENSE.as_bytes())?;
    let m = &p.scored.assessment.meta;
    let epoch = m
        .date_assessed
        .and_hms_opt(0, 0, 0)
        .map_or(0, |d| d.and_utc().timestamp());
    let standards = match opts.standards.is_empty() {
        true => String::new(),
        false => format!(
            "--pdf-standard {} ",
            args.typeset.pdf_standard.replace(' ', "")
        ),
    };
    let command = format!(
        "typst compile --root . --font-path fonts --ignore-system-fonts {standards}--creation-timestamp {epoch} brief.typ {}.pdf",
        m.assessment_id
    );
    write(
        "README.txt",
        format!(
            "Typst project of the {} brief ({} {}, scored under {}), exported by layerbrief {}.\n\nIn this folder:\n\n    {command}\n",
            m.vendor,
            m.assessment_id,
            m.doc_version,
            p.scored.ruleset.id,
            env!("CARGO_PKG_VERSION")
        )
        .as_bytes(),
    )?;
    eprintln!(
        "wrote {}; compile it with:\n  cd {} && {command}",
        dir.display(),
        dir.display()
    );
    Ok(Outcome::Ok)
}
