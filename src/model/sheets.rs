//! Below the stages: the workbook contract as data, sheets, their columns, allowed values and
//! what each means. Validation reads its column lists from here and `init` writes its blank
//! workbook and Instructions sheet from here, so the two cannot drift apart.

use crate::model::*;

/// One column of a sheet.
pub struct ColSpec {
    pub name: &'static str,
    /// Allowed values, for dropdowns.
    pub choices: Option<&'static [&'static str]>,
    pub about: &'static str,
    /// A workbook may leave the column out (a column added to the contract later).
    pub optional: bool,
}

/// One sheet.
pub struct SheetSpec {
    pub name: &'static str,
    pub optional: bool,
    pub about: &'static str,
    pub columns: &'static [ColSpec],
}

impl SheetSpec {
    /// The column names, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// Whether the column `name` may be left out.
    pub fn is_optional(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c.name == name && c.optional)
    }
}

const YN: Option<&[&str]> = Some(&["Y", "N"]);

const fn col(name: &'static str, about: &'static str) -> ColSpec {
    ColSpec {
        name,
        choices: None,
        about,
        optional: false,
    }
}

/// A column a workbook may leave out.
const fn optional(name: &'static str, about: &'static str) -> ColSpec {
    ColSpec {
        name,
        choices: None,
        about,
        optional: true,
    }
}

const fn pick(
    name: &'static str,
    choices: &'static [&'static str],
    about: &'static str,
) -> ColSpec {
    ColSpec {
        name,
        choices: Some(choices),
        about,
        optional: false,
    }
}

const fn flag(name: &'static str, about: &'static str) -> ColSpec {
    ColSpec {
        name,
        choices: YN,
        about,
        optional: false,
    }
}

pub const ASSESSMENT: SheetSpec = SheetSpec {
    name: "Assessment",
    optional: false,
    about: "One row per field: assessment_id, vendor, product_name, subtitle, framework, scoring_model, publisher, author, date_assessed, doc_version, version_title, methodology_version, assessment_status, sources, confidentiality.",
    columns: &[col("field", "the field's name"), col("value", "its value")],
};

pub const SUMMARY: SheetSpec = SheetSpec {
    name: "Summary",
    optional: false,
    about: "The summary finding, one paragraph per row, in seq order. At least one row.",
    columns: &[
        col("seq", "order (1, 2, …)"),
        col("heading", "optional heading"),
        col("paragraph", "the paragraph"),
    ],
};

pub const COLUMNS: SheetSpec = SheetSpec {
    name: "Columns",
    optional: false,
    about: "The capability matrix's columns.",
    columns: &[
        col("column_id", "short unique id, e.g. cw"),
        col("seq", "order of the column"),
        col("heading", "heading printed above the column"),
        pick(
            "kind",
            ColumnKind::NAMES,
            "native, proprietary, silicon, partner or other",
        ),
        col(
            "counterparty",
            "who holds the customer's dependency for cells in this column",
        ),
    ],
};

pub const COMPONENTS: SheetSpec = SheetSpec {
    name: "Components",
    optional: false,
    about: "One row per cell of the capability matrix.",
    columns: &[
        col(
            "cell_id",
            "<layer>.<n>, unique, e.g. 1A.2 (format the column as Text)",
        ),
        pick("layer_id", &LAYER_IDS, "0, 1A, 1B, 1C, 2A, 2B, 2C or 3"),
        col("column_id", "an id of the Columns sheet"),
        col("seq", "order inside the layer"),
        col("component_name", "required unless pending"),
        flag(
            "pending",
            "Y prints 'Assessment pending'; the facts below must then be empty",
        ),
        col("text", "the cell's paragraph; required unless pending"),
        flag(
            "exposed",
            "the vendor sells it as a service under its own SLA",
        ),
        pick(
            "operator",
            Operator::NAMES,
            "who runs it: vendor, enterprise or partner",
        ),
        flag(
            "substrate_open",
            "open software the enterprise operates or can operate itself",
        ),
        flag(
            "iface_std",
            "behind a multi-vendor standard interface (S3, POSIX, Kubernetes API…)",
        ),
        col(
            "std_name",
            "that standard's name; required when iface_std = Y",
        ),
        flag(
            "exit_open",
            "its opinions and artifacts lift to another provider without rebuilding",
        ),
        col(
            "portability_evidence",
            "evidence that a vendor-hosted open substrate really moves",
        ),
        flag(
            "own_hw_substitutable",
            "Layer 0 only: the enterprise owns hardware it can swap between OEMs",
        ),
        pick("role", Role::NAMES, "core, path, optional, sliver or info"),
        col(
            "path_label",
            "required for path, optional and sliver; cells with one label form one path",
        ),
        col("backend_vendor", "the platform underneath (VAST, WEKA…)"),
        col("counterparty", "overrides the column's counterparty"),
        col("added_in_version", "document version that added the cell"),
    ],
};

pub const LAYERS: SheetSpec = SheetSpec {
    name: "Layers",
    optional: false,
    about: "Eight rows, one per layer.",
    columns: &[
        pick("layer_id", &LAYER_IDS, "each of the eight ids once"),
        col(
            "headline",
            "the layer's one-line status, e.g. Ceded to NVIDIA",
        ),
        pick(
            "capability",
            Capability::NAMES,
            "what the vendor exposes: none, underlay_only, optional_only, default",
        ),
        pick(
            "delivery",
            Delivery::NAMES,
            "who delivers it: vendor, partner, none",
        ),
        flag("differentiated", "differentiated against peers"),
        flag("complete", "complete"),
        pick(
            "breadth",
            Breadth::NAMES,
            "at_par or narrower against peer vendors",
        ),
        pick(
            "twoc_scope",
            TwocScope::NAMES,
            "Layer 2C only: none, single_block, multi_plane",
        ),
        col(
            "narrative",
            "the analysis; blank lines separate paragraphs; lines starting with • are bullets",
        ),
        pick(
            "note_kind",
            NoteKind::NAMES,
            "none, pressure_test, boundary, calibration",
        ),
        col("note_text", "the boxed note under the analysis"),
    ],
};

pub const OVERRIDES: SheetSpec = SheetSpec {
    name: "Overrides",
    optional: false,
    about: "An analyst's reasoned departure from a computed value. Leave empty (headers only) when there is none.",
    columns: &[
        col("override_id", "unique id, e.g. O1"),
        pick("target_type", TargetType::NAMES, "cell or layer"),
        col("target_id", "the cell id or layer id"),
        pick("field", OverrideField::NAMES, "dapm (cell), status_level or layer_authority (layer)"),
        col("value", "the value set: an authority, a status, or authorities joined by | for a split"),
        col("justification", "at least 40 characters"),
        col("analyst", "who made the call"),
        col("date", "when"),
        col("ruleset", "the ruleset it was judged under, e.g. v1.3"),
    ],
};

pub const HISTORY: SheetSpec = SheetSpec {
    name: "History",
    optional: false,
    about: "The document's version history. Rows with render = Y and text print under their layer.",
    columns: &[
        col("seq", "order"),
        col("doc_version", "e.g. v1.3"),
        col("date", "optional date"),
        pick(
            "layer_id",
            &["0", "1A", "1B", "1C", "2A", "2B", "2C", "3", "*"],
            "a layer id, or * for the whole assessment",
        ),
        col("target_id", "the cell or layer changed"),
        col("field", "what changed (dapm, status_level, …)"),
        col("from_value", "before"),
        col("to_value", "after"),
        col("rule_id", "the rule behind the change"),
        flag("render", "Y prints the text under its layer"),
        col("text", "the line printed"),
        optional(
            "ruleset",
            "optional: the ruleset a methodology bump's change was scored under",
        ),
    ],
};

pub const DISTRIBUTION: SheetSpec = SheetSpec {
    name: "Distribution",
    optional: true,
    about: "Optional: who receives the brief by email.",
    columns: &[
        col("name", "recipient's name"),
        col("email", "one address, e.g. jane@example.com"),
        pick(
            "kind",
            RecipientKind::NAMES,
            "to, cc or bcc (empty means to)",
        ),
    ],
};

/// Every sheet, in workbook order.
pub const SHEETS: &[&SheetSpec] = &[
    &ASSESSMENT,
    &SUMMARY,
    &COLUMNS,
    &COMPONENTS,
    &LAYERS,
    &OVERRIDES,
    &HISTORY,
    &DISTRIBUTION,
];
