//! Mail: a message per reader. Each recipient is served the version the sent log says they
//! last received; one who holds an earlier version gets a message that opens with what
//! changed since then, and a brief whose changes section is against their version.
//!
//! Policy: recipients who hold the same version share one message and one PDF. A recipient
//! never served, or holding the brief as it is, gets today's message (the send-once rule then
//! skips one who has it). A version sent before the archive kept records has nothing to
//! compare with: its readers get today's message, and the run says why.

use std::collections::BTreeMap;
use std::path::Path;

use lettre::Address;

use super::log::SentLog;
use super::recipients::address_key;
use crate::build::archive;
use crate::view::record::Record;

/// Readers who hold the same earlier version.
#[derive(Debug, Clone)]
pub(crate) struct Since {
    /// The brief they hold: its hash.
    pub(crate) version_sha256: String,
    /// Its record, from the archive.
    pub(crate) record: Record,
    /// When it was last sent to one of them (RFC 3339).
    pub(crate) sent_at: String,
}

/// Who gets which message of one brief.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Today's message: readers never served, or holding this brief already.
    pub(crate) today: Vec<Address>,
    /// Readers of each earlier version the archive holds.
    pub(crate) since: Vec<(Since, Vec<Address>)>,
    /// Why some readers get today's message although they hold an earlier version.
    pub(crate) notes: Vec<String>,
}

/// The plan for the brief of assessment `id` whose PDF has hash `current`, for `addresses`,
/// from the sent log and the archive of `out`.
pub(crate) fn plan(
    log: &SentLog,
    out: &Path,
    id: &str,
    current: &str,
    addresses: &[Address],
) -> Plan {
    let mut plan = Plan::default();
    let mut records: Option<BTreeMap<String, Record>> = None;
    let mut groups: BTreeMap<String, (Since, Vec<Address>)> = BTreeMap::new();
    for a in addresses {
        let held = log.held(id, &address_key(a));
        let Some((version, sent_at)) = held.filter(|(v, _)| v != current) else {
            plan.today.push(a.clone());
            continue;
        };
        let records = records.get_or_insert_with(|| {
            let (versions, problems) = archive::list(out, id);
            for p in problems {
                eprintln!("{}", crate::model::diag::paint(&p));
            }
            versions.into_iter().map(|v| (v.sha256, v.record)).collect()
        });
        match records.get(&version) {
            Some(record) => {
                let g = groups.entry(version.clone()).or_insert_with(|| {
                    (
                        Since {
                            version_sha256: version.clone(),
                            record: record.clone(),
                            sent_at: sent_at.clone(),
                        },
                        Vec::new(),
                    )
                });
                if g.0.sent_at < sent_at {
                    g.0.sent_at = sent_at;
                }
                g.1.push(a.clone());
            }
            None => {
                plan.notes.push(format!(
                    "note: {a} holds a version of {id} sent on {} ({}) before the archive kept its record: today's message, with no word of what changed",
                    &sent_at[..10.min(sent_at.len())],
                    &version[..12.min(version.len())]
                ));
                plan.today.push(a.clone());
            }
        }
    }
    plan.since = groups.into_values().collect();
    plan
}
