//! Below the stages: the validated assessment, what the workbook says, typed.
//!
//! Policy: an [`Assessment`] only exists once validation passed, so every stage after
//! validation can rely on its invariants (ids unique and resolvable, all eight layers once,
//! required fields present) without checking again.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The eight layers of the 4+1 model, in stack order.
pub const LAYER_IDS: [&str; 8] = ["0", "1A", "1B", "1C", "2A", "2B", "2C", "3"];

/// A closed vocabulary of workbook values (roles, statuses, …).
pub trait Vocab: Copy {
    /// Every spelling, in order.
    const NAMES: &'static [&'static str];
    /// Parses a spelling, ignoring case and surrounding spaces.
    fn parse(s: &str) -> Option<Self>;
}

/// Declares a closed vocabulary: an enum with its spelling in the workbook.
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every spelling, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The spelling used in workbooks and output.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a spelling, ignoring case and surrounding spaces.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }
        }

        impl Vocab for $name {
            const NAMES: &'static [&'static str] = $name::NAMES;
            fn parse(s: &str) -> Option<Self> {
                $name::parse(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// Who holds the authority to change, audit or override a component. Ordered as shown.
    Authority { Retained = "Retained", Delegated = "Delegated", Ceded = "Ceded" }
}
vocabulary! {
    /// A layer's capability status.
    Status { Strong = "strong", Moderate = "moderate", Gap = "gap", Partner = "partner" }
}
vocabulary! {
    /// A component's part in its layer.
    Role { Core = "core", Path = "path", Optional = "optional", Sliver = "sliver", Info = "info" }
}
vocabulary! {
    /// Who runs a component.
    Operator { Vendor = "vendor", Enterprise = "enterprise", Partner = "partner" }
}
vocabulary! {
    /// What the vendor exposes at a layer.
    Capability { None = "none", UnderlayOnly = "underlay_only", OptionalOnly = "optional_only", Default = "default" }
}
vocabulary! {
    /// Who delivers a layer.
    Delivery { Vendor = "vendor", Partner = "partner", None = "none" }
}
vocabulary! {
    /// Breadth against peer vendors.
    Breadth { AtPar = "at_par", Narrower = "narrower" }
}
vocabulary! {
    /// Layer 2C's agent-governance scope.
    TwocScope { None = "none", SingleBlock = "single_block", MultiPlane = "multi_plane" }
}
vocabulary! {
    /// The kind of boxed note under a layer's analysis.
    NoteKind { None = "none", PressureTest = "pressure_test", Boundary = "boundary", Calibration = "calibration" }
}
vocabulary! {
    /// The kind of a capability-matrix column.
    ColumnKind { Native = "native", Proprietary = "proprietary", Silicon = "silicon", Partner = "partner", Other = "other" }
}
vocabulary! {
    /// Whether the assessment is final.
    AssessmentStatus { Complete = "complete", Pending = "pending" }
}
vocabulary! {
    /// What an override targets.
    TargetType { Cell = "cell", Layer = "layer" }
}
vocabulary! {
    /// The field an override replaces.
    OverrideField { Dapm = "dapm", StatusLevel = "status_level", LayerAuthority = "layer_authority" }
}
vocabulary! {
    /// How a Distribution row receives the brief.
    RecipientKind { To = "to", Cc = "cc", Bcc = "bcc" }
}

impl NoteKind {
    /// The box title printed above a note.
    pub fn title(self) -> &'static str {
        match self {
            NoteKind::None => "",
            NoteKind::PressureTest => "Pressure test",
            NoteKind::Boundary => "Boundary rule",
            NoteKind::Calibration => "Calibration",
        }
    }
}

/// The Assessment sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Meta {
    pub assessment_id: String,
    pub vendor: String,
    pub product_name: Option<String>,
    pub subtitle: Option<String>,
    pub framework: String,
    pub scoring_model: String,
    pub publisher: String,
    pub author: String,
    pub date_assessed: NaiveDate,
    pub doc_version: String,
    pub version_title: Option<String>,
    pub methodology_version: String,
    pub status: AssessmentStatus,
    pub sources: Option<String>,
    pub confidentiality: Option<String>,
}

/// A Summary row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryPara {
    pub seq: i64,
    pub heading: Option<String>,
    pub paragraph: String,
}

/// A Columns row: a column of the capability matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Column {
    pub column_id: String,
    pub seq: i64,
    pub heading: String,
    pub kind: ColumnKind,
    pub counterparty: Option<String>,
}

/// A Components row: one cell of the capability matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Component {
    pub cell_id: String,
    pub layer_id: String,
    pub column_id: String,
    pub seq: i64,
    pub component_name: Option<String>,
    pub pending: bool,
    pub text: Option<String>,
    pub exposed: bool,
    pub operator: Option<Operator>,
    pub substrate_open: bool,
    pub iface_std: bool,
    pub std_name: Option<String>,
    pub exit_open: bool,
    pub portability_evidence: Option<String>,
    pub own_hw_substitutable: bool,
    pub role: Role,
    pub path_label: Option<String>,
    pub backend_vendor: Option<String>,
    pub counterparty: Option<String>,
    pub added_in_version: Option<String>,
}

/// A Layers row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LayerFacts {
    pub layer_id: String,
    pub headline: String,
    pub capability: Capability,
    pub delivery: Delivery,
    pub differentiated: bool,
    pub complete: bool,
    pub breadth: Option<Breadth>,
    pub twoc_scope: Option<TwocScope>,
    pub narrative: String,
    pub note_kind: NoteKind,
    pub note_text: Option<String>,
}

/// The value an override sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OverrideValue {
    /// A cell's authority.
    Authority(Authority),
    /// A layer's status.
    Status(Status),
    /// A layer's authorities (a split when several).
    Authorities(Vec<Authority>),
}

impl std::fmt::Display for OverrideValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OverrideValue::Authority(a) => write!(f, "{a}"),
            OverrideValue::Status(s) => write!(f, "{s}"),
            OverrideValue::Authorities(v) => {
                let parts: Vec<&str> = v.iter().map(|a| a.as_str()).collect();
                f.write_str(&parts.join("|"))
            }
        }
    }
}

/// An Overrides row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Override {
    pub override_id: String,
    pub target_type: TargetType,
    pub target_id: String,
    pub field: OverrideField,
    pub value: OverrideValue,
    pub justification: String,
    pub analyst: String,
    pub date: NaiveDate,
    pub ruleset: String,
}

/// A History row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HistoryRow {
    pub seq: i64,
    pub doc_version: String,
    pub date: Option<NaiveDate>,
    pub layer_id: String,
    pub target_id: Option<String>,
    pub field: Option<String>,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub rule_id: Option<String>,
    pub render: bool,
    pub text: Option<String>,
    /// The ruleset the change was scored under (a methodology bump's rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ruleset: Option<String>,
}

/// A document version as numbers: `v1.3` and `1.3` are `[1, 3]`; `None` when it is not one.
pub fn version_numbers(v: &str) -> Option<Vec<u64>> {
    let v = v.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    v.split('.').map(|n| n.parse().ok()).collect()
}

/// The version after `v`: its last number raised by one (`v1.3` → `v1.4`), in its spelling.
pub fn next_version(v: &str) -> Option<String> {
    let numbers = version_numbers(v)?;
    let (last, rest) = numbers.split_last()?;
    let prefix = if v.trim().starts_with(['v', 'V']) {
        &v.trim()[..1]
    } else {
        ""
    };
    let mut parts: Vec<String> = rest.iter().map(u64::to_string).collect();
    parts.push((last + 1).to_string());
    Some(format!("{prefix}{}", parts.join(".")))
}

/// A Distribution row.
#[derive(Debug, Clone, Serialize)]
pub struct Recipient {
    pub name: Option<String>,
    pub email: String,
    pub kind: RecipientKind,
}

/// A validated assessment workbook.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub meta: Meta,
    pub summary: Vec<SummaryPara>,
    pub columns: Vec<Column>,
    pub components: Vec<Component>,
    /// Exactly eight, in stack order.
    pub layers: Vec<LayerFacts>,
    pub overrides: Vec<Override>,
    pub history: Vec<HistoryRow>,
    pub distribution: Vec<Recipient>,
}

impl Assessment {
    /// The column with id `id` (validation guarantees every component's column exists).
    pub fn column(&self, id: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.column_id == id)
    }
}

/// Short date as the brief prints it in history lines: `Jun 20 2026`.
pub fn date_short(d: NaiveDate) -> String {
    d.format("%b %-d %Y").to_string()
}

/// Long date as the title block prints it: `June 20, 2026`.
pub fn date_long(d: NaiveDate) -> String {
    d.format("%B %-d, %Y").to_string()
}
