//! `export-typst`: the stock Typst compiler turns the exported project into the same brief.

use std::process::Command;

use crate::common::*;

#[test]
fn stock_typst_compiles_the_same_brief() {
    let tmp = scratch("export");
    let dir = tmp.path();
    let wb = root().join("inputs/coreweave.xlsx");
    let o = run(&["export-typst", wb.to_str().unwrap(), "proj"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in [
        "brief.typ",
        "data.json",
        "fonts/Inter-Regular.otf",
        "fonts/LICENSE-Inter.txt",
        "README.txt",
    ] {
        assert!(dir.join("proj").join(f).exists(), "{f}");
    }
    let o = run(&["build", wb.to_str().unwrap(), "--out", "ours"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The PyPI `typst` package is the stock 0.15 compiler (scripts/setup.sh installs it).
    let script = "import sys, typst; d = sys.argv[1]; typst.compile(d + '/brief.typ', output=d + '/stock.pdf', root=d, font_paths=[d + '/fonts'], ignore_system_fonts=True, pdf_standards=['ua-1', 'a-2a'])";
    let o = Command::new(python())
        .args(["-c", script, dir.join("proj").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stock = pdf_text(&dir.join("proj/stock.pdf"));
    assert!(stock.len() > 20_000);
    assert_eq!(stock, pdf_text(&dir.join("ours/coreweave.pdf")));
    // The stock compiler sets the PDF's metadata with the template's set rule, layerbrief
    // from its `<document-info>` element: the same values either way.
    let info = |pdf: &std::path::Path| {
        let o = Command::new("pdfinfo").arg(pdf).output().unwrap();
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| {
                [
                    "Title:",
                    "Subject:",
                    "Keywords:",
                    "Author:",
                    "CreationDate:",
                    "Pages:",
                ]
                .iter()
                .any(|k| l.starts_with(k))
            })
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let ours = info(&dir.join("ours/coreweave.pdf"));
    assert_eq!(ours.len(), 6, "{ours:?}");
    assert!(ours[0].contains("CoreWeave — 4+1 Layer AI Infrastructure Assessment v1.3"));
    assert_eq!(info(&dir.join("proj/stock.pdf")), ours);
}
