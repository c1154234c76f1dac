//! Below the stages: the DAPM rulesets and the framework's layers, shipped as data.
//!
//! Policy: the rulesets live in `methodology/rulesets.csv` and the eight layers in
//! `methodology/layers.csv`, both embedded in the binary. A new ruleset that only changes
//! switches is a new CSV row, not a code change. Each ruleset carries its effective date,
//! title and the methodology note a brief prints.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{Authority, Status};

const RULESETS_CSV: &str = include_str!("../../methodology/rulesets.csv");
const LAYERS_CSV: &str = include_str!("../../methodology/layers.csv");

/// One ruleset: the switches of dapm.md plus what the brief prints about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ruleset {
    /// `v1.3`.
    pub id: String,
    pub effective_date: NaiveDate,
    pub title: String,
    /// Layer authority when no component is scored.
    pub absent_authority: Authority,
    /// An optional tier counts as capability (moderate at most).
    pub optional_tiers_count: bool,
    /// The backend platform vendor is named as counterparty.
    pub backend_vendor_attribution: bool,
    /// A component not exposed as a service under the vendor's SLA is not scored.
    pub exposure_boundary: bool,
    /// A managed service behind a standard interface is Delegated (else Retained).
    pub managed_service_delegated: bool,
    /// Layer 2C's status for a single agent-governance building block.
    pub twoc_single_block_status: Status,
    /// The methodology note printed in the brief.
    pub note: String,
}

#[derive(Deserialize)]
struct RulesetRow {
    ruleset: String,
    effective_date: String,
    title: String,
    absent_authority: String,
    optional_tiers_count: String,
    backend_vendor_attribution: String,
    exposure_boundary: String,
    managed_service_delegated: String,
    twoc_single_block_status: String,
    note: String,
}

/// One of the eight layers of the 4+1 model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerInfo {
    pub layer_id: String,
    pub seq: u32,
    /// `Layer 3 (+1)`.
    pub label: String,
    pub name: String,
    /// The function line printed under a layer's title.
    pub function_description: String,
    /// `Data plane`.
    pub plane: String,
}

fn yes(field: &str, value: &str) -> Result<bool, String> {
    match value.trim() {
        "Y" | "y" => Ok(true),
        "N" | "n" => Ok(false),
        other => Err(format!("{field}: expected Y or N, found `{other}`")),
    }
}

fn parse_rulesets(text: &str) -> Result<Vec<Ruleset>, String> {
    let mut out = Vec::new();
    for (i, row) in csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
    {
        let r: RulesetRow = row.map_err(|e| format!("rulesets.csv row {}: {e}", i + 2))?;
        let ctx = |e: String| format!("rulesets.csv row {} ({}): {e}", i + 2, r.ruleset);
        out.push(Ruleset {
            effective_date: NaiveDate::parse_from_str(&r.effective_date, "%Y-%m-%d")
                .map_err(|e| ctx(format!("effective_date: {e}")))?,
            absent_authority: Authority::parse(&r.absent_authority)
                .ok_or_else(|| ctx("absent_authority: not an authority".into()))?,
            optional_tiers_count: yes("optional_tiers_count", &r.optional_tiers_count)
                .map_err(ctx)?,
            backend_vendor_attribution: yes(
                "backend_vendor_attribution",
                &r.backend_vendor_attribution,
            )
            .map_err(ctx)?,
            exposure_boundary: yes("exposure_boundary", &r.exposure_boundary).map_err(ctx)?,
            managed_service_delegated: yes(
                "managed_service_delegated",
                &r.managed_service_delegated,
            )
            .map_err(ctx)?,
            twoc_single_block_status: Status::parse(&r.twoc_single_block_status)
                .ok_or_else(|| ctx("twoc_single_block_status: not a status".into()))?,
            id: r.ruleset,
            title: r.title,
            note: r.note,
        });
    }
    if out.is_empty() {
        return Err("rulesets.csv holds no ruleset".into());
    }
    Ok(out)
}

/// A fingerprint of the embedded rulesets and layers data, for build manifests.
pub(crate) fn data_fingerprint() -> String {
    use sha2::{Digest, Sha256};
    format!(
        "{:x}",
        Sha256::digest(format!("{RULESETS_CSV}\u{0}{LAYERS_CSV}"))
    )
}

/// Every shipped ruleset, oldest first.
pub fn all() -> &'static [Ruleset] {
    static RULESETS: OnceLock<Vec<Ruleset>> = OnceLock::new();
    // The CSV is part of the binary and checked by the tests; a broken one is a build defect.
    RULESETS.get_or_init(|| parse_rulesets(RULESETS_CSV).expect("embedded rulesets.csv is valid"))
}

/// The eight layers, in stack order (Layer 0 first).
pub fn layers() -> &'static [LayerInfo] {
    static LAYERS: OnceLock<Vec<LayerInfo>> = OnceLock::new();
    LAYERS.get_or_init(|| {
        let mut rows: Vec<LayerInfo> = csv::Reader::from_reader(LAYERS_CSV.as_bytes())
            .deserialize::<LayerInfo>()
            .map(|r| r.expect("embedded layers.csv is valid"))
            .collect();
        rows.sort_by_key(|l| l.seq);
        rows
    })
}

/// The layer with id `id`.
pub fn layer(id: &str) -> Option<&'static LayerInfo> {
    layers().iter().find(|l| l.layer_id == id)
}

/// Normalises a ruleset name as users type it: `1.3`, `V1.3` and `v1.3` all name `v1.3`.
pub(crate) fn normalize_id(name: &str) -> String {
    let t = name.trim();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    format!("v{t}")
}

/// The ruleset named `name` (`v1.3`, `1.3`).
pub fn find(name: &str) -> Option<&'static Ruleset> {
    let id = normalize_id(name);
    all().iter().find(|r| r.id == id)
}

/// The names of every ruleset, for messages.
pub fn names() -> Vec<&'static str> {
    all().iter().map(|r| r.id.as_str()).collect()
}

/// One entry of the ruleset changelog: a ruleset and how it differs from the one before.
#[derive(Debug, Clone, Serialize)]
pub struct ChangelogEntry {
    pub id: String,
    pub title: String,
    pub effective_date: NaiveDate,
    pub note: String,
    /// The switches that changed against the previous ruleset, in words.
    pub changes: Vec<String>,
}

/// The changelog from the first ruleset up to `upto`, newest first.
pub fn changelog(upto: &Ruleset) -> Vec<ChangelogEntry> {
    let all = all();
    let end = all
        .iter()
        .position(|r| r.id == upto.id)
        .map_or(all.len(), |i| i + 1);
    let mut out: Vec<ChangelogEntry> = (0..end)
        .map(|i| ChangelogEntry {
            id: all[i].id.clone(),
            title: all[i].title.clone(),
            effective_date: all[i].effective_date,
            note: all[i].note.clone(),
            changes: if i == 0 {
                vec!["Baseline ruleset.".into()]
            } else {
                diff(&all[i - 1], &all[i])
            },
        })
        .collect();
    out.reverse();
    out
}

/// The switches that differ between two rulesets, in words.
pub fn diff(from: &Ruleset, to: &Ruleset) -> Vec<String> {
    let yn = |b: bool| if b { "yes" } else { "no" };
    let mut out = Vec::new();
    let mut push = |what: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{what}: {a} → {b}"));
        }
    };
    push(
        "Authority of a layer with no scored component",
        from.absent_authority.to_string(),
        to.absent_authority.to_string(),
    );
    push(
        "Optional, defaulted-away-from tiers count as capability",
        yn(from.optional_tiers_count).into(),
        yn(to.optional_tiers_count).into(),
    );
    push(
        "Backend platform vendor named as counterparty",
        yn(from.backend_vendor_attribution).into(),
        yn(to.backend_vendor_attribution).into(),
    );
    push(
        "Only services the vendor exposes under its SLA are scored",
        yn(from.exposure_boundary).into(),
        yn(to.exposure_boundary).into(),
    );
    let managed = |b: bool| if b { "Delegated" } else { "Retained" };
    push(
        "Managed service behind a standard interface",
        managed(from.managed_service_delegated).into(),
        managed(to.managed_service_delegated).into(),
    );
    push(
        "Layer 2C with a single agent-governance building block",
        from.twoc_single_block_status.to_string(),
        to.twoc_single_block_status.to_string(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rulesets_parse() {
        assert_eq!(names(), ["v1.0", "v1.1", "v1.2", "v1.3"]);
        let v13 = find("1.3").unwrap();
        assert!(v13.managed_service_delegated);
        assert_eq!(v13.twoc_single_block_status, Status::Gap);
        assert_eq!(find("V1.2").unwrap().id, "v1.2");
        assert!(find("v9").is_none());
    }

    #[test]
    fn layers_in_stack_order() {
        let ids: Vec<&str> = layers().iter().map(|l| l.layer_id.as_str()).collect();
        assert_eq!(ids, crate::model::LAYER_IDS);
        assert_eq!(layer("3").unwrap().label, "Layer 3 (+1)");
    }

    #[test]
    fn changelog_names_the_switches() {
        let log = changelog(find("v1.3").unwrap());
        assert_eq!(log[0].id, "v1.3");
        assert_eq!(
            log[0].changes,
            [
                "Managed service behind a standard interface: Retained → Delegated",
                "Layer 2C with a single agent-governance building block: moderate → gap"
            ]
        );
        assert_eq!(log.len(), 4);
    }

    #[test]
    fn bad_rows_are_reported() {
        let text = "ruleset,effective_date,title,absent_authority,optional_tiers_count,backend_vendor_attribution,exposure_boundary,managed_service_delegated,twoc_single_block_status,note\nv9,2026-01-01,x,Retained,maybe,N,N,N,gap,n\n";
        let e = parse_rulesets(text).unwrap_err();
        assert!(e.contains("optional_tiers_count: expected Y or N"), "{e}");
    }
}
