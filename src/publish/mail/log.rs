//! Mail: the sent log, what was delivered to whom, so a brief is sent once.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::build::output::{open_lock_file, write_atomic};

/// Recipient addresses of one delivery, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentTo {
    /// `To:` addresses served.
    pub to: Vec<String>,
    /// `Cc:` addresses served.
    pub cc: Vec<String>,
    /// Blind-copy addresses served.
    pub bcc: Vec<String>,
}

impl SentTo {
    /// The keys ([`address_key`]) of every address.
    pub fn keys(&self) -> BTreeSet<String> {
        self.to
            .iter()
            .chain(&self.cc)
            .chain(&self.bcc)
            .map(|a| a.to_lowercase())
            .collect()
    }
}

/// One delivered message in the sent log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// The `Message-ID` header sent.
    pub message_id: String,
    /// The workbook's assessment_id.
    pub assessment_id: String,
    /// The draft, as the command printed its path.
    pub eml: String,
    /// SHA-256 of the attached PDF (the brief, or its variant for these readers: with a
    /// changes section).
    pub pdf_sha256: String,
    /// SHA-256 of the brief the readers now hold, when the attached PDF is a variant of it;
    /// absent, the attached PDF is the brief.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_sha256: Option<String>,
    /// The recipients the server accepted (refused ones are not listed).
    pub recipients: SentTo,
    /// When, RFC 3339 in UTC.
    pub sent_at: String,
    /// The resend counter the Message-ID was derived from (0 for a first sending).
    pub resend: u32,
}

impl Sent {
    /// The brief the readers now hold: its hash.
    pub fn version(&self) -> &str {
        self.version_sha256.as_deref().unwrap_or(&self.pdf_sha256)
    }
}

/// What the sent log knows about one assessment's PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Keys ([`address_key`]) of every recipient who already has this PDF.
    pub served: BTreeSet<String>,
    /// The latest delivery's time.
    pub last_sent_at: Option<String>,
    /// The highest resend counter used.
    pub resend: Option<u32>,
}

const SENT_FORMAT: u32 = 1;

/// The sent log of an output folder: every delivered message, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentLog {
    format: u32,
    /// The deliveries.
    pub messages: Vec<Sent>,
}

impl Default for SentLog {
    fn default() -> Self {
        Self {
            format: SENT_FORMAT,
            messages: Vec::new(),
        }
    }
}

impl SentLog {
    /// Reads the log at `path`; a missing file is an empty log. An unreadable or corrupt one is
    /// an error: treating it as empty would send every brief again.
    pub fn load(path: &Path) -> Result<Self, String> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(format!("{}: unreadable ({e})", path.display())),
        };
        match serde_json::from_slice::<SentLog>(&bytes) {
            Ok(log) if log.format == SENT_FORMAT => Ok(log),
            Ok(log) => Err(format!(
                "{}: a sent log of format {}, which this version does not read",
                path.display(),
                log.format
            )),
            Err(e) => Err(format!("{}: not a sent log ({e})", path.display())),
        }
    }

    /// Writes the log atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        write_atomic(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// What was already sent of this assessment's brief (by the brief's hash: a variant of
    /// it sent counts as the brief).
    pub fn history(&self, assessment_id: &str, pdf_sha256: &str) -> History {
        let mut h = History::default();
        for m in self
            .messages
            .iter()
            .filter(|m| m.assessment_id == assessment_id && m.version() == pdf_sha256)
        {
            h.served.extend(m.recipients.keys());
            if h.last_sent_at.as_deref() < Some(m.sent_at.as_str()) {
                h.last_sent_at = Some(m.sent_at.clone());
            }
            h.resend = h.resend.max(Some(m.resend));
        }
        h
    }

    /// The version of this assessment the address last received: the brief's hash, and
    /// when it was sent.
    pub fn held(&self, assessment_id: &str, address_key: &str) -> Option<(String, String)> {
        self.messages
            .iter()
            .filter(|m| {
                m.assessment_id == assessment_id && m.recipients.keys().contains(address_key)
            })
            .max_by(|a, b| a.sent_at.cmp(&b.sent_at))
            .map(|m| (m.version().to_string(), m.sent_at.clone()))
    }

    /// Adds one delivery.
    pub fn record(&mut self, sent: Sent) {
        self.messages.push(sent);
    }
}

/// Now, RFC 3339 in UTC to the second, e.g. `2026-11-30T10:00:00Z`.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The lock a sending run holds on an output folder: `.layerbrief-sent.lock`, beside the log.
/// Held from before the sent log is read until the run ends, so two `mail --send` runs into
/// one folder take turns: the second reads what the first sent and sends none of it again.
/// Released when dropped (or when the process ends, however it ends).
pub struct SendingLock {
    _file: std::fs::File,
}

impl SendingLock {
    /// Takes the lock of the folder of `log`, waiting for a run that holds it (and saying
    /// so). A file system without locks gets no exclusion, as before.
    pub fn take(log: &Path) -> Result<Self, String> {
        let path = log.with_extension("lock");
        let file = open_lock_file(&path)
            .map_err(|e| format!("{}: cannot open the sending lock ({e})", path.display()))?;
        if let Err(std::fs::TryLockError::WouldBlock) = file.try_lock() {
            eprintln!(
                "waiting for another `mail --send` into {} to finish",
                path.parent().unwrap_or(Path::new(".")).display()
            );
            let _ = file.lock();
        }
        Ok(Self { _file: file })
    }
}
