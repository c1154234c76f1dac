//! Changes: a text against its earlier wording, word by word.

use super::{ProseChange, Segment, SegmentKind};

/// `old` → `new` word by word, when they differ.
pub(super) fn prose(what: &str, old: &str, new: &str) -> Option<ProseChange> {
    if old.trim() == new.trim() {
        return None;
    }
    Some(ProseChange {
        what: what.to_string(),
        segments: words(old, new),
    })
}

/// The runs of unchanged, deleted and inserted words from `old` to `new`: each word and the
/// whitespace after it joins the run before it when it is of the same kind.
fn words(old: &str, new: &str) -> Vec<Segment> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::configure().diff_words(old, new);
    let mut out: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => SegmentKind::Same,
            ChangeTag::Delete => SegmentKind::Deleted,
            ChangeTag::Insert => SegmentKind::Inserted,
        };
        match out.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => out.push(Segment {
                kind,
                text: change.value().to_string(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_compared_as_words() {
        let s = words(
            "CoreWeave runs the fabric on NVIDIA hardware.",
            "CoreWeave operates the fabric on NVIDIA and AMD hardware.",
        );
        let deleted: String = s
            .iter()
            .filter(|x| x.kind == SegmentKind::Deleted)
            .map(|x| x.text.clone())
            .collect();
        let inserted: String = s
            .iter()
            .filter(|x| x.kind == SegmentKind::Inserted)
            .map(|x| x.text.clone())
            .collect();
        assert_eq!(deleted.trim(), "runs");
        assert!(
            inserted.contains("operates") && inserted.contains("AMD"),
            "{s:?}"
        );
        // The new text is the unchanged and inserted runs, the old the unchanged and deleted.
        let new: String = s
            .iter()
            .filter(|x| x.kind != SegmentKind::Deleted)
            .map(|x| x.text.as_str())
            .collect();
        assert_eq!(
            new,
            "CoreWeave operates the fabric on NVIDIA and AMD hardware."
        );
    }
}
