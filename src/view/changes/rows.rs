//! Changes: the assessment's fields, the summary, the overrides and the version history.

use super::{field, prose, ComponentKind, FieldChange, ProseChange, RowChange};
use crate::view::record::Record;

pub(super) fn metadata(old: &Record, new: &Record) -> Vec<FieldChange> {
    let (a, b) = (&old.assessment, &new.assessment);
    let s = |v: &str| Some(v.to_string());
    [
        field("vendor", s(&a.vendor), s(&b.vendor)),
        field(
            "product_name",
            a.product_name.clone(),
            b.product_name.clone(),
        ),
        field("subtitle", a.subtitle.clone(), b.subtitle.clone()),
        field("doc_version", s(&a.doc_version), s(&b.doc_version)),
        field(
            "version_title",
            a.version_title.clone(),
            b.version_title.clone(),
        ),
        field(
            "date_assessed",
            s(&a.date_assessed.to_string()),
            s(&b.date_assessed.to_string()),
        ),
        field(
            "methodology_version",
            s(&a.methodology_version),
            s(&b.methodology_version),
        ),
        field("status", s(a.status.as_str()), s(b.status.as_str())),
        field("publisher", s(&a.publisher), s(&b.publisher)),
        field("author", s(&a.author), s(&b.author)),
        field("sources", a.sources.clone(), b.sources.clone()),
        field(
            "confidentiality",
            a.confidentiality.clone(),
            b.confidentiality.clone(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

pub(super) fn summary(old: &Record, new: &Record) -> Vec<ProseChange> {
    let mut seqs: Vec<i64> = old
        .summary
        .iter()
        .chain(&new.summary)
        .map(|p| p.seq)
        .collect();
    seqs.sort_unstable();
    seqs.dedup();
    let mut out = Vec::new();
    for (n, seq) in seqs.iter().enumerate() {
        let a = old.summary.iter().find(|p| p.seq == *seq);
        let b = new.summary.iter().find(|p| p.seq == *seq);
        let n = n + 1;
        out.extend(prose(
            &format!("paragraph {n} heading"),
            a.and_then(|p| p.heading.as_deref()).unwrap_or(""),
            b.and_then(|p| p.heading.as_deref()).unwrap_or(""),
        ));
        out.extend(prose(
            &format!("paragraph {n}"),
            a.map_or("", |p| p.paragraph.as_str()),
            b.map_or("", |p| p.paragraph.as_str()),
        ));
    }
    out
}

pub(super) fn overrides(old: &Record, new: &Record) -> Vec<RowChange> {
    let text = |o: &crate::model::Override| {
        format!(
            "{} {} {} = {} ({}; {}, {})",
            o.target_type.as_str(),
            o.target_id,
            o.field.as_str(),
            o.value,
            o.justification,
            o.analyst,
            o.ruleset
        )
    };
    let mut out = Vec::new();
    for b in &new.overrides {
        match old
            .overrides
            .iter()
            .find(|a| a.override_id == b.override_id)
        {
            None => out.push(row(
                ComponentKind::Added,
                &b.override_id,
                None,
                Some(text(b)),
            )),
            Some(a) if text(a) != text(b) || a.date != b.date => out.push(row(
                ComponentKind::Changed,
                &b.override_id,
                Some(text(a)),
                Some(text(b)),
            )),
            Some(_) => {}
        }
    }
    for a in &old.overrides {
        if !new.overrides.iter().any(|b| b.override_id == a.override_id) {
            out.push(row(
                ComponentKind::Removed,
                &a.override_id,
                Some(text(a)),
                None,
            ));
        }
    }
    out
}

pub(super) fn history(old: &Record, new: &Record) -> Vec<RowChange> {
    let text = |h: &crate::model::HistoryRow| {
        let mut parts = vec![h.layer_id.clone()];
        if let Some(t) = &h.target_id {
            parts.push(t.clone());
        }
        if let (Some(f), Some(t)) = (&h.from_value, &h.to_value) {
            parts.push(format!("{f} → {t}"));
        }
        if let Some(r) = &h.rule_id {
            parts.push(r.clone());
        }
        if let Some(t) = &h.text {
            parts.push(t.clone());
        }
        parts.join(" · ")
    };
    let key = |h: &crate::model::HistoryRow| format!("{} · {}", h.doc_version, text(h));
    let id = |h: &crate::model::HistoryRow| format!("{} · {}", h.doc_version, h.layer_id);
    let mut out = Vec::new();
    for b in &new.history {
        if !old.history.iter().any(|a| key(a) == key(b)) {
            out.push(row(ComponentKind::Added, &id(b), None, Some(text(b))));
        }
    }
    for a in &old.history {
        if !new.history.iter().any(|b| key(a) == key(b)) {
            out.push(row(ComponentKind::Removed, &id(a), Some(text(a)), None));
        }
    }
    out
}

fn row(kind: ComponentKind, id: &str, from: Option<String>, to: Option<String>) -> RowChange {
    RowChange {
        kind,
        id: id.to_string(),
        from,
        to,
    }
}
