//! View: the 4+1 stack as a picture reads it. The eight layers top (Layer 3 (+1)) to bottom
//! (Layer 0), grouped by plane; each band with its status and its authority as segments in
//! proportion to the components that carry them; the alternative text, Layer 0 first.
//!
//! Policy: one [`Stack`] feeds every drawing of it (the brief's first page, the web edition's
//! brief page) and one [`Band`] per layer feeds the small ones (the portfolio, the email), so
//! the picture says the same on every surface. Shares are whole percentages with a floor, so a
//! segment is always wide enough for its word; the alternative text gives the true counts.

use serde::{Deserialize, Serialize};

use super::labels;
use crate::model::{Authority, Role, Status};
use crate::score::{Part, Profile, Scored, ScoredLayer};

/// The smallest share of a bar a segment gets, in percent: wide enough for its word when a
/// layer splits three ways.
const MIN_SHARE: u32 = 26;

/// One authority of a layer, as a segment of its bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Segment {
    pub(crate) authority: Authority,
    /// The scored components that carry it (0 when an override set it or none is scored).
    pub(crate) components: usize,
    /// Its width in percent of the bar (the segments of a bar add up to 100).
    pub(crate) share: u32,
    /// Who holds what the enterprise delegates or cedes: `NVIDIA`; none when Retained.
    pub(crate) to: Option<String>,
    /// The paths that carry it: `open serving (KServe/KubeFlow on CKS)`.
    pub(crate) paths: Vec<String>,
}

/// One layer of the stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Band {
    pub(crate) id: String,
    /// `Layer 3 (+1)`.
    pub(crate) label: String,
    pub(crate) name: String,
    pub(crate) status: Status,
    /// `Strong`.
    pub(crate) status_word: String,
    /// The authorities of the layer, Retained first; one for a layer that does not split.
    pub(crate) segments: Vec<Segment>,
    /// Authorities held by a sliver only.
    pub(crate) slivers: Vec<Segment>,
    /// No scored component: the ruleset's authority for an absent layer (enterprise-provided).
    pub(crate) absent: bool,
    /// `Layer 0, Compute & Network Fabric: strong, Ceded to NVIDIA`.
    pub(crate) alt: String,
}

/// A plane of the stack and its layers, top to bottom.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Plane {
    pub(crate) name: String,
    pub(crate) bands: Vec<Band>,
}

/// The picture of one assessment.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Stack {
    /// Top (the value plane) to bottom (Layer 0).
    pub(crate) planes: Vec<Plane>,
    pub(crate) profile: Profile,
    /// Its alternative text: the layers from Layer 0 up, then the DAPM profile.
    pub(crate) alt: String,
}

/// The stack of `s`.
pub(crate) fn stack(s: &Scored) -> Stack {
    let bands = bands(s);
    let profile = s.profile();
    let alt = alt_text(&s.assessment.meta.vendor, &bands, &profile);
    let mut planes: Vec<Plane> = Vec::new();
    for b in bands.into_iter().rev() {
        let plane = labels::layer(&b.id).plane;
        match planes.last_mut() {
            Some(p) if p.name == plane => p.bands.push(b),
            _ => planes.push(Plane {
                name: plane,
                bands: vec![b],
            }),
        }
    }
    Stack {
        planes,
        profile,
        alt,
    }
}

/// The bands of `s`, in stack order (Layer 0 first).
pub(crate) fn bands(s: &Scored) -> Vec<Band> {
    s.layers.iter().map(|l| band(s, l)).collect()
}

/// The alternative text of the stack of `vendor`: its `bands` from Layer 0 up, then its
/// DAPM profile.
pub(crate) fn alt_text(vendor: &str, bands: &[Band], profile: &Profile) -> String {
    let layers: Vec<&str> = bands.iter().map(|b| b.alt.as_str()).collect();
    format!(
        "The 4+1 stack of {vendor}, Layer 0 first. {}. {}",
        layers.join("; "),
        profile_sentence(profile),
    )
}

/// "DAPM profile: 13 scored components, 2 Retained, 2 Delegated, 9 Ceded."
fn profile_sentence(p: &Profile) -> String {
    format!(
        "DAPM profile: {} scored component{}, {} Retained, {} Delegated, {} Ceded.",
        p.total,
        if p.total == 1 { "" } else { "s" },
        p.retained,
        p.delegated,
        p.ceded
    )
}

/// The band of layer `l`.
fn band(s: &Scored, l: &ScoredLayer) -> Band {
    let info = labels::layer(&l.layer_id);
    let mut segments: Vec<Segment> = l.parts.iter().map(|p| segment(s, l, p, false)).collect();
    spread(&mut segments);
    let slivers: Vec<Segment> = l.slivers.iter().map(|p| segment(s, l, p, true)).collect();
    let alt = format!(
        "{}, {}: {}, {}",
        info.label,
        info.name,
        l.status.as_str(),
        authority_words(&segments, &slivers, l.absent)
    );
    Band {
        id: l.layer_id.clone(),
        label: info.label,
        name: info.name,
        status: l.status,
        status_word: labels::status_word(l.status).to_string(),
        segments,
        slivers,
        absent: l.absent,
        alt,
    }
}

/// The segment of part `p` of layer `l`: the components that carry it (slivers, or the
/// layer's core, path and optional components) and who they are delegated or ceded to.
fn segment(s: &Scored, l: &ScoredLayer, p: &Part, sliver: bool) -> Segment {
    let mut components = 0;
    let mut to: Vec<&str> = Vec::new();
    for (c, sc) in s.assessment.components.iter().zip(&s.components) {
        let Some(score) = sc.score.as_ref() else {
            continue;
        };
        let carries = match c.role {
            Role::Sliver => sliver,
            Role::Core | Role::Path | Role::Optional => !sliver,
            Role::Info => false,
        };
        if c.layer_id == l.layer_id && carries && score.authority == p.authority {
            components += 1;
            if !to.contains(&score.counterparty.as_str()) {
                to.push(&score.counterparty);
            }
        }
    }
    Segment {
        authority: p.authority,
        components,
        share: 100,
        to: (p.authority != Authority::Retained && !to.is_empty()).then(|| join_and(&to)),
        paths: p.paths.clone(),
    }
}

/// Gives each segment its share of the bar: in proportion to its components, none below
/// [`MIN_SHARE`], adding up to 100.
fn spread(segments: &mut [Segment]) {
    let n = segments.len() as u32;
    if n == 0 {
        return;
    }
    let total: usize = segments.iter().map(|s| s.components).sum();
    let floor = MIN_SHARE.min(100 / n);
    // What is left above the floors goes in proportion to the components.
    let free = 100 - floor * n;
    let mut given = 0;
    for (i, seg) in segments.iter_mut().enumerate() {
        let extra = (free as usize * seg.components)
            .checked_div(total)
            .map_or(free / n, |e| e as u32);
        seg.share = floor + extra;
        given += seg.share;
        if i + 1 == n as usize {
            seg.share += 100 - given;
        }
    }
}

/// "A", "A and B", "A, B and C".
fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "Ceded to NVIDIA"; with its count when the layer splits.
fn segment_words(s: &Segment, counted: bool) -> String {
    let mut out = s.authority.to_string();
    if let Some(to) = &s.to {
        out.push_str(" to ");
        out.push_str(to);
    }
    if counted {
        out.push_str(&format!(
            " ({} component{})",
            s.components,
            if s.components == 1 { "" } else { "s" }
        ));
    }
    out
}

/// The authority of a band in words: `Ceded to NVIDIA`, `split, Delegated to CoreWeave (2
/// components) and Ceded to CoreWeave (1 component)`, `Retained, with a Ceded sliver (to
/// CoreWeave)`, `Retained (enterprise-provided)`.
fn authority_words(segments: &[Segment], slivers: &[Segment], absent: bool) -> String {
    let mut out = match segments {
        _ if absent => format!(
            "{} (enterprise-provided)",
            segments
                .first()
                .map_or(Authority::Retained, |s| s.authority)
        ),
        [one] => segment_words(one, false),
        many => {
            let counted = many.iter().any(|s| s.components > 0);
            let words: Vec<String> = many.iter().map(|s| segment_words(s, counted)).collect();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            format!("split, {}", join_and(&words))
        }
    };
    for s in slivers {
        out.push_str(&format!(", with a {} sliver", s.authority));
        if let Some(to) = &s.to {
            out.push_str(&format!(" (to {to})"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(authority: Authority, components: usize) -> Segment {
        Segment {
            authority,
            components,
            share: 0,
            to: None,
            paths: Vec::new(),
        }
    }

    #[test]
    fn shares_follow_components_above_a_floor_and_add_up_to_100() {
        let mut one = vec![seg(Authority::Ceded, 3)];
        spread(&mut one);
        assert_eq!(one[0].share, 100);
        let mut two = vec![seg(Authority::Retained, 1), seg(Authority::Ceded, 9)];
        spread(&mut two);
        assert_eq!((two[0].share, two[1].share), (30, 70));
        let mut three = vec![
            seg(Authority::Retained, 0),
            seg(Authority::Delegated, 0),
            seg(Authority::Ceded, 0),
        ];
        spread(&mut three);
        assert_eq!(three.iter().map(|s| s.share).sum::<u32>(), 100);
        assert!(three.iter().all(|s| s.share >= 26));
    }

    #[test]
    fn a_split_names_each_part_with_its_count_and_a_sliver_after() {
        let mut a = seg(Authority::Delegated, 2);
        a.to = Some("CoreWeave".into());
        let b = seg(Authority::Ceded, 1);
        assert_eq!(
            authority_words(&[a, b.clone()], &[], false),
            "split, Delegated to CoreWeave (2 components) and Ceded (1 component)"
        );
        assert_eq!(
            authority_words(&[seg(Authority::Retained, 1)], &[b], false),
            "Retained, with a Ceded sliver"
        );
        assert_eq!(
            authority_words(&[seg(Authority::Retained, 0)], &[], true),
            "Retained (enterprise-provided)"
        );
    }
}
