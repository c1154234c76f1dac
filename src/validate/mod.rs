//! Stage 2, validate: a loaded [`Workbook`] into a typed [`Assessment`].
//!
//! Policy: every rule of the workbook contract is checked and every problem is reported in
//! one run, each naming its file, sheet and cell with what was found and what is allowed.
//! Warnings (unknown columns or fields) do not stop a build; any error does.

mod components;
mod consistency;
mod layers;
mod reader;
mod refs;

use std::collections::HashMap;

use crate::load::{Row, Workbook};
use crate::model::diag::{did_you_mean, expected_one_of, Diagnostic, Diagnostics, Place};
use crate::model::{ruleset, sheets as schema};
use crate::model::{
    Assessment, AssessmentStatus, Column, ColumnKind, Meta, Recipient, RecipientKind, SummaryPara,
};

use reader::Table;
pub use reader::{parse_date, parse_date_text, parse_flag};

/// A workbook that passed validation, with its warnings.
#[derive(Debug, Clone)]
pub struct Validated {
    pub assessment: Assessment,
    pub warnings: Vec<Diagnostic>,
}

/// Checks `wb` against the workbook contract. `Err` holds every error and warning found.
pub fn validate(wb: &Workbook) -> Result<Validated, Vec<Diagnostic>> {
    let mut d = Diagnostics::new(&wb.path);
    let meta = assessment_sheet(wb, &mut d);
    let summary = summary_sheet(wb, &mut d);
    let columns = columns_sheet(wb, &mut d);
    let (components, ids) = components::components_sheet(wb, columns.as_deref(), &mut d);
    let layers = layers::layers_sheet(wb, &mut d);
    let overrides = refs::overrides_sheet(wb, &ids, &mut d);
    let doc_version = meta.as_ref().map(|m| m.doc_version.as_str());
    let history = refs::history_sheet(wb, &ids, doc_version, &mut d);
    let distribution = distribution_sheet(wb, &mut d);
    if let (Some(meta), Some(layers), Some(components)) = (&meta, &layers, &components) {
        consistency::check(wb, meta, layers, components, &mut d);
    }
    if d.has_errors() {
        return Err(d.into_vec());
    }
    let (
        Some(meta),
        Some(summary),
        Some(columns),
        Some(components),
        Some(layers),
        Some(overrides),
        Some(history),
    ) = (
        meta, summary, columns, components, layers, overrides, history,
    )
    else {
        // Every `None` above comes with an error, so this is unreachable in practice.
        d.error(Place::file(), "the workbook is incomplete", None);
        return Err(d.into_vec());
    };
    let assessment = Assessment {
        meta,
        summary,
        columns,
        components,
        layers,
        overrides,
        history,
        distribution: distribution.unwrap_or_default(),
    };
    Ok(Validated {
        assessment,
        warnings: d.into_vec(),
    })
}

/// The Assessment sheet's known fields, with whether each is required.
pub(crate) const ASSESSMENT_FIELDS: &[(&str, bool)] = &[
    ("assessment_id", true),
    ("vendor", true),
    ("product_name", false),
    ("subtitle", false),
    ("framework", true),
    ("scoring_model", true),
    ("publisher", true),
    ("author", true),
    ("date_assessed", true),
    ("doc_version", true),
    ("version_title", false),
    ("methodology_version", true),
    ("assessment_status", true),
    ("sources", false),
    ("confidentiality", false),
];

/// The Assessment sheet: one `field`/`value` row per metadata field.
fn assessment_sheet(wb: &Workbook, d: &mut Diagnostics) -> Option<Meta> {
    let t = Table::open(wb, &schema::ASSESSMENT, d)?;
    let f = Fields {
        rows: field_rows(&t, d),
        t: &t,
    };
    let assessment_id = f.get("assessment_id", d);
    let vendor = f.get("vendor", d);
    let product_name = f.get("product_name", d);
    let subtitle = f.get("subtitle", d);
    let framework = f.get("framework", d);
    let scoring_model = f.get("scoring_model", d);
    let publisher = f.get("publisher", d);
    let author = f.get("author", d);
    let doc_version = f.get("doc_version", d);
    let version_title = f.get("version_title", d);
    let methodology_version = f.get("methodology_version", d);
    let status_text = f.get("assessment_status", d);
    let sources = f.get("sources", d);
    let confidentiality = f.get("confidentiality", d);
    let date_assessed = match f.rows.get("date_assessed") {
        Some(row) => t.row(row, d).date_as("value", "date_assessed", true),
        None => f.get("date_assessed", d).and(None),
    };
    if let Some(id) = assessment_id.as_deref().filter(|id| !is_safe_id(id)) {
        d.error(
            f.place("assessment_id"),
            format!("assessment_id `{id}` is not a safe file name"),
            Some(format!(
                "use lower-case letters, digits and hyphens (it names the PDF), e.g. `{}`",
                slug(id)
            )),
        );
    }
    let methodology_version = methodology_version.and_then(|v| match ruleset::find(&v) {
        Some(rs) => Some(rs.id.clone()),
        None => {
            d.error(
                f.place("methodology_version"),
                format!("unknown methodology_version `{v}`"),
                Some(expected_one_of(&v, &ruleset::names())),
            );
            None
        }
    });
    let status = status_text.and_then(|s| {
        let parsed = AssessmentStatus::parse(&s);
        if parsed.is_none() {
            d.error(
                f.place("assessment_status"),
                format!("unknown assessment_status `{s}`"),
                Some(expected_one_of(&s, AssessmentStatus::NAMES)),
            );
        }
        parsed
    });
    Some(Meta {
        assessment_id: assessment_id?,
        vendor: vendor?,
        product_name,
        subtitle,
        framework: framework?,
        scoring_model: scoring_model?,
        publisher: publisher?,
        author: author?,
        date_assessed: date_assessed?,
        doc_version: doc_version?,
        version_title,
        methodology_version: methodology_version?,
        status: status?,
        sources,
        confidentiality,
    })
}

/// The row of each known field (lower-cased); unknown fields are warned about, a value
/// without a field and a field given twice are errors.
fn field_rows<'t>(t: &Table<'t>, d: &mut Diagnostics) -> HashMap<String, &'t Row> {
    let names: Vec<&str> = ASSESSMENT_FIELDS.iter().map(|f| f.0).collect();
    let mut rows = HashMap::new();
    for row in &t.sheet.rows {
        let mut r = t.row(row, d);
        let Some(field) = r.text("field") else {
            if !r.is_empty("value") {
                r.error(
                    "field",
                    "a value without a field name",
                    format!("name the field: one of {}", names.join(", ")),
                );
            }
            continue;
        };
        let key = field.to_lowercase();
        if !names.contains(&key.as_str()) {
            let help = match did_you_mean(&key, names.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("known fields: {}", names.join(", ")),
            };
            r.warning("field", format!("unknown field `{field}` is ignored"), help);
            continue;
        }
        if let Some(first) = rows.insert(key, row) {
            let first_at = t.place(first, "field");
            r.error(
                "field",
                format!("duplicate field `{field}`"),
                format!("it is already given at {first_at}; keep one"),
            );
        }
    }
    rows
}

/// The Assessment sheet's fields, by name.
struct Fields<'t> {
    t: &'t Table<'t>,
    rows: HashMap<String, &'t Row>,
}

impl Fields<'_> {
    /// The value of field `name`; a required field that is missing or empty is reported.
    fn get(&self, name: &str, d: &mut Diagnostics) -> Option<String> {
        let required = ASSESSMENT_FIELDS.iter().any(|f| f.0 == name && f.1);
        match self.rows.get(name) {
            Some(row) => {
                let mut r = self.t.row(row, d);
                let value = r.text("value");
                if value.is_none()
                    && required
                    && r.is_empty("value")
                    && self.t.col("value").is_some()
                {
                    r.error(
                        "value",
                        format!("`{name}` is empty"),
                        format!("`{name}` is required"),
                    );
                }
                value
            }
            None if required => {
                d.error(
                    Place::sheet(&self.t.sheet.name),
                    format!("required field `{name}` is missing"),
                    Some(format!("add a row with field `{name}` and its value")),
                );
                None
            }
            None => None,
        }
    }

    /// The value cell of field `name` (the sheet, if the field has no row).
    fn place(&self, name: &str) -> Place {
        match self.rows.get(name) {
            Some(row) => self.t.place(row, "value"),
            None => Place::sheet(&self.t.sheet.name),
        }
    }
}

/// Whether `id` is safe as a file name: `[a-z0-9-]+`, not starting with `-`, at most 64 long.
pub(crate) fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A safe id made from arbitrary text: `Acme Cloud!` → `acme-cloud`.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for ch in text.to_lowercase().chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').chars().take(64).collect::<String>();
    if out.is_empty() {
        "assessment".into()
    } else {
        out
    }
}

fn summary_sheet(wb: &Workbook, d: &mut Diagnostics) -> Option<Vec<SummaryPara>> {
    let t = Table::open(wb, &schema::SUMMARY, d)?;
    let mut out = Vec::new();
    for row in &t.sheet.rows {
        let mut r = t.row(row, d);
        let seq = r.integer("seq", true);
        let heading = r.text("heading");
        let paragraph = r.required("paragraph", "write the paragraph, or delete the row");
        if let (Some(seq), Some(paragraph)) = (seq, paragraph) {
            out.push(SummaryPara {
                seq,
                heading,
                paragraph,
            });
        }
    }
    if t.sheet.rows.is_empty() {
        d.error(
            Place::sheet(&t.sheet.name),
            "the summary finding is empty",
            Some("add at least one row with a seq and a paragraph".into()),
        );
    }
    out.sort_by_key(|p| p.seq);
    Some(out)
}

fn columns_sheet(wb: &Workbook, d: &mut Diagnostics) -> Option<Vec<Column>> {
    let t = Table::open(wb, &schema::COLUMNS, d)?;
    let mut out: Vec<Column> = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for row in &t.sheet.rows {
        let mut r = t.row(row, d);
        let id = r.required("column_id", "give the column a short id such as `cw`");
        let seq = r.integer("seq", true);
        let heading = r.required("heading", "the heading printed above the column");
        let kind = r.choice::<ColumnKind>("kind", Some("every column has a kind"));
        let counterparty = r.text("counterparty");
        if let Some(id) = &id {
            if let Some(first) = seen.insert(id.clone(), row.index) {
                r.error(
                    "column_id",
                    format!("duplicate column_id `{id}`"),
                    format!("row {} already uses it; ids must be unique", first + 1),
                );
                continue;
            }
        }
        if let (Some(column_id), Some(seq), Some(heading), Some(kind)) = (id, seq, heading, kind) {
            out.push(Column {
                column_id,
                seq,
                heading,
                kind,
                counterparty,
            });
        }
    }
    out.sort_by_key(|c| c.seq);
    Some(out)
}

fn distribution_sheet(wb: &Workbook, d: &mut Diagnostics) -> Option<Vec<Recipient>> {
    let t = Table::open(wb, &schema::DISTRIBUTION, d)?;
    let mut out = Vec::new();
    for row in &t.sheet.rows {
        let mut r = t.row(row, d);
        let name = r.text("name");
        let email = r.required("email", "the recipient's address, e.g. jane@example.com");
        let kind = r
            .choice::<RecipientKind>("kind", None)
            .unwrap_or(RecipientKind::To);
        let Some(email) = email else { continue };
        let (display, email) = match check_mailbox(&email) {
            Ok(found) => found,
            Err(why) => {
                r.error(
                    "email",
                    format!("invalid email address `{email}`: {why}"),
                    "write one address such as jane@example.com or Jane Doe <jane@example.com>",
                );
                continue;
            }
        };
        let name = name.or(display);
        out.push(Recipient { name, email, kind });
    }
    Some(out)
}

/// Checks an RFC 5322 mailbox (`jane@example.com`, `Jane Doe <jane@example.com>`) as the
/// mail library that sends it reads it; gives its display name, if any, and its address.
pub(crate) fn check_mailbox(text: &str) -> Result<(Option<String>, String), &'static str> {
    let mb: lettre::message::Mailbox = text.parse().map_err(|_| "not an RFC 5322 mailbox")?;
    let domain = mb.email.domain();
    if !domain.contains('.') && domain != "localhost" && !domain.starts_with('[') {
        return Err("the domain has no dot");
    }
    Ok((mb.name, mb.email.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_slugs() {
        assert!(is_safe_id("coreweave"));
        assert!(is_safe_id("acme-cloud-2"));
        assert!(!is_safe_id("../etc"));
        assert!(!is_safe_id("Acme"));
        assert!(!is_safe_id("-x"));
        assert_eq!(slug("Acme Cloud!"), "acme-cloud");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
    }

    #[test]
    fn emails() {
        assert_eq!(
            check_mailbox("jane@example.com"),
            Ok((None, "jane@example.com".into()))
        );
        assert_eq!(
            check_mailbox("Jane Doe <jane@example.com>"),
            Ok((Some("Jane Doe".into()), "jane@example.com".into()))
        );
        assert!(check_mailbox("jane.doe+x@mail.example.co").is_ok());
        assert!(check_mailbox("jane").is_err());
        assert!(check_mailbox("jane@@example.com").is_err());
        assert!(check_mailbox("ja ne@example.com").is_err());
        assert_eq!(check_mailbox("jane@example"), Err("the domain has no dot"));
    }
}
