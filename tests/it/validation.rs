//! Every validation rule, each broken in a workbook made here, with the exact place and
//! words of its message.

use crate::common::*;

/// Writes `book`, runs `check`, and asserts exit 1 and that each (message, place, help)
/// block appears in the report.
fn expect(name: &str, book: &Book, blocks: &[(&str, &str, &str)]) -> String {
    let tmp = scratch(name);
    let dir = tmp.path();
    let path = book.write_xlsx(&dir.join(format!("{name}.xlsx")));
    let (code, err) = check(&path);
    assert_eq!(code, 1, "{err}");
    for (msg, place, help) in blocks {
        let location = if place.is_empty() {
            path.display().to_string()
        } else {
            format!("{}: {place}", path.display())
        };
        let mut block = format!("error: {msg}\n  --> {location}");
        if !help.is_empty() {
            block.push_str(&format!("\n  help: {help}"));
        }
        assert!(err.contains(&block), "expected\n{block}\nin\n{err}");
    }
    err
}

#[test]
fn unknown_role_suggests_the_closest() {
    let mut b = coreweave();
    b.set("Components", "1A.2", "role", "sliverr");
    expect(
        "role",
        &b,
        &[(
            "unknown role `sliverr`",
            "Components!P7",
            "did you mean `sliver`? expected one of core, path, optional, sliver, info",
        )],
    );
}

#[test]
fn required_fields_and_missing_assessment_fields() {
    let mut b = coreweave();
    b.set("Components", "2A.1", "text", "")
        .remove("Assessment", "publisher")
        .set("Assessment", "vendor", "value", "");
    expect(
        "required",
        &b,
        &[
            (
                "`text` is empty",
                "Components!G12",
                "write the cell's paragraph, or set pending = Y",
            ),
            (
                "required field `publisher` is missing",
                "Assessment",
                "add a row with field `publisher` and its value",
            ),
            ("`vendor` is empty", "Assessment!B3", "`vendor` is required"),
        ],
    );
}

#[test]
fn allowed_values_and_flags() {
    let mut b = coreweave();
    b.set("Components", "2B.1", "exposed", "maybe")
        .set("Layers", "1B", "capability", "underlay")
        .set("Columns", "nv", "kind", "chip")
        .set("Assessment", "assessment_status", "value", "done");
    expect(
        "values",
        &b,
        &[
            ("`exposed` must be Y or N, found `maybe`", "Components!H15", "expected Y, N, yes, no, TRUE or FALSE (empty means N)"),
            ("unknown capability `underlay`", "Layers!C4", "did you mean `underlay_only`? expected one of none, underlay_only, optional_only, default"),
            ("unknown kind `chip`", "Columns!D4", "expected one of native, proprietary, silicon, partner, other"),
            ("unknown assessment_status `done`", "Assessment!B14", "expected one of complete, pending"),
        ],
    );
}

#[test]
fn ids_unique_and_resolvable() {
    let mut b = coreweave();
    b.set("Components", "2B.3", "cell_id", "2B.2")
        .set("Components", "3.1", "column_id", "propp")
        .set("Components", "1A.1", "cell_id", "1B.1")
        .push(
            "History",
            &["9", "v1.3", "", "2A", "2A.9", "", "", "", "", "N", ""],
        );
    expect(
        "ids",
        &b,
        &[
            (
                "duplicate cell_id `2B.2`",
                "Components!A17",
                "Components!A16 already uses it; cell ids must be unique",
            ),
            (
                "unknown column_id `propp`",
                "Components!C20",
                "did you mean `prop`? expected one of cw, prop, nv (the ids of the Columns sheet)",
            ),
            (
                "cell_id `1B.1` is not in layer 1A",
                "Components!A6",
                "a cell of layer 1A has an id `1A.<n>`",
            ),
            (
                "unknown target `2A.9`",
                "History!E10",
                "name a cell_id of the Components sheet, a layer id, or *",
            ),
        ],
    );
}

#[test]
fn std_name_required_with_iface_std() {
    let mut b = coreweave();
    b.set("Components", "1A.1", "std_name", "");
    expect(
        "std",
        &b,
        &[(
            "`std_name` is empty but iface_std = Y",
            "Components!L6",
            "name the standard interface, e.g. S3 API, POSIX, Kubernetes API",
        )],
    );
}

#[test]
fn pending_cells_carry_no_facts() {
    let mut b = coreweave();
    b.set("Components", "1B.1", "exposed", "Y")
        .set("Components", "2C.1", "role", "core");
    expect(
        "pending",
        &b,
        &[
            (
                "pending cell has a value in `exposed` (`Y`)",
                "Components!H10",
                "a pending cell carries no text or DAPM facts: clear it, or set pending = N",
            ),
            (
                "pending cell has role `core`",
                "Components!P19",
                "a pending cell's role is empty or `info`",
            ),
        ],
    );
}

#[test]
fn justification_length_and_override_targets() {
    let mut b = coreweave();
    b.push(
        "Overrides",
        &[
            "O1",
            "cell",
            "3.1",
            "dapm",
            "Delegated",
            "Because.",
            "KT",
            "2026-06-20",
            "v1.3",
        ],
    )
    .push(
        "Overrides",
        &[
            "O2",
            "cell",
            "1A.4",
            "dapm",
            "Ceded",
            "An override of a pending cell makes no sense at all here.",
            "KT",
            "2026-06-20",
            "v1.3",
        ],
    )
    .push(
        "Overrides",
        &[
            "O3",
            "layer",
            "2D",
            "status_level",
            "gap",
            "The layer id is mistyped in this override row entirely.",
            "KT",
            "2026-06-20",
            "v1.3",
        ],
    )
    .push(
        "Overrides",
        &[
            "O4",
            "layer",
            "2C",
            "dapm",
            "Ceded",
            "A layer cannot take a cell's field in this override row.",
            "KT",
            "2026-06-20",
            "v1.9",
        ],
    );
    expect(
        "overrides",
        &b,
        &[
            (
                "justification is 8 characters, fewer than 40",
                "Overrides!F2",
                "an override needs a reasoned justification the brief can print",
            ),
            (
                "cell 1A.4 is not scored (pending)",
                "Overrides!C3",
                "only a scored cell's authority can be overridden",
            ),
            (
                "unknown layer `2D`",
                "Overrides!C4",
                "did you mean `2C`? expected one of 0, 1A, 1B, 1C, 2A, 2B, 2C, 3",
            ),
            (
                "unknown ruleset `v1.9`",
                "Overrides!I5",
                "did you mean `v1.3`? expected one of v1.0, v1.1, v1.2, v1.3",
            ),
            (
                "field `dapm` does not apply to a layer",
                "Overrides!D5",
                "a layer override sets `status_level` or `layer_authority`",
            ),
        ],
    );
}

#[test]
fn all_eight_layers_once() {
    let mut b = coreweave();
    b.remove("Layers", "1C")
        .set("Layers", "2B", "layer_id", "2A");
    expect(
        "layers",
        &b,
        &[
            ("layer 2A appears twice", "Layers!A6", "it is already described at Layers!A5; each layer has one row"),
            ("layer 1C is missing", "Layers", "the Layers sheet has one row for each of the eight layers: 0, 1A, 1B, 1C, 2A, 2B, 2C, 3"),
            ("layer 2B is missing", "Layers", "the Layers sheet has one row for each of the eight layers: 0, 1A, 1B, 1C, 2A, 2B, 2C, 3"),
        ],
    );
}

#[test]
fn safe_assessment_id_and_known_methodology() {
    let mut b = coreweave();
    b.set("Assessment", "assessment_id", "value", "../Core Weave")
        .set("Assessment", "methodology_version", "value", "v1.33");
    expect(
        "ids-meta",
        &b,
        &[
            (
                "assessment_id `../Core Weave` is not a safe file name",
                "Assessment!B2",
                "use lower-case letters, digits and hyphens (it names the PDF), e.g. `core-weave`",
            ),
            (
                "unknown methodology_version `v1.33`",
                "Assessment!B13",
                "did you mean `v1.3`? expected one of v1.0, v1.1, v1.2, v1.3",
            ),
        ],
    );
}

#[test]
fn sheets_and_columns_by_name() {
    let mut b = coreweave();
    b.drop_sheet("History")
        .rename("Components", "role", "rolle")
        .rename("Layers", "headline", " HEADLINE ");
    let err = expect(
        "sheets",
        &b,
        &[
            ("missing sheet `History`", "", "the workbook has sheets Assessment, Summary, Columns, Components, Layers, Overrides; add a sheet `History` (`layerbrief init` makes a blank workbook with every sheet)"),
            ("missing column `role`", "Components!1:1", "did you mean `rolle`? rename that header to `role`"),
        ],
    );
    // Headers match case-insensitively with spaces ignored: no complaint about HEADLINE.
    assert!(!err.contains("headline"), "{err}");
}

#[test]
fn dates_and_numbers() {
    let mut b = coreweave();
    b.set("Assessment", "date_assessed", "value", "Junly 20 2026")
        .set("Summary", "2", "seq", "two");
    expect(
        "dates",
        &b,
        &[
            (
                "`date_assessed` is not a date: `Junly 20 2026`",
                "Assessment!B10",
                "use a date cell, 2026-06-20, or a written date such as June 20, 2026",
            ),
            (
                "`seq` must be a whole number, found `two`",
                "Summary!A3",
                "expected a whole number such as 1",
            ),
        ],
    );
}

#[test]
fn path_labels_notes_and_layer_specific_facts() {
    let mut b = coreweave();
    b.set("Components", "2A.2", "path_label", "")
        .set("Components", "2A.1", "own_hw_substitutable", "Y")
        .set("Layers", "3", "note_text", "")
        .set("Layers", "2A", "twoc_scope", "single_block");
    expect(
        "labels",
        &b,
        &[
            ("`path_label` is empty for a sliver cell", "Components!Q13", "cells of role path, optional and sliver name their path; cells with one label form one path"),
            ("own_hw_substitutable = Y outside Layer 0", "Components!O12", "this fact applies to Layer 0 hardware only; leave it empty here"),
            ("`note_text` is empty for a calibration note", "Layers!K9", "write the note, or set note_kind to none"),
            ("twoc_scope `single_block` outside Layer 2C", "Layers!H6", "twoc_scope applies to Layer 2C only; leave it empty here"),
        ],
    );
}

#[test]
fn every_problem_in_one_run() {
    let mut b = coreweave();
    b.set("Components", "1A.2", "role", "sliverr")
        .set("Components", "2A.1", "text", "")
        .set("Layers", "1B", "capability", "underlay")
        .set("Assessment", "methodology_version", "value", "v9");
    let err = expect("many", &b, &[]);
    assert!(err.contains("4 errors found"), "{err}");
}

#[test]
fn distribution_addresses() {
    let mut b = coreweave();
    b.sheets.push(TextSheet {
        name: "Distribution".into(),
        rows: vec![
            vec!["name".into(), "email".into(), "kind".into()],
            vec!["Jane".into(), "jane@example.com".into(), "to".into()],
            vec!["Bob".into(), "bob@@example".into(), "cc".into()],
        ],
    });
    expect(
        "dist",
        &b,
        &[(
            "invalid email address `bob@@example`: not an RFC 5322 mailbox",
            "Distribution!B3",
            "write one address such as jane@example.com",
        )],
    );
}

#[test]
fn a_word_no_page_can_set() {
    let mut b = coreweave();
    let word = "x".repeat(32_000);
    b.set("Layers", "0", "narrative", &word);
    expect(
        "word",
        &b,
        &[(
            "`narrative` holds a word of 32000 characters, which no page can set",
            "Layers!I2",
            "break it with spaces; words of up to 1000 characters are accepted",
        )],
    );
}
