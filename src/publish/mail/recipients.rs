//! Mail: who a message goes to, and how addresses are compared with the sent log's.

use std::collections::BTreeSet;

use lettre::address::Address;
use lettre::message::Mailbox;

use super::headers::{clean_mailbox, header_text};
use super::log::SentTo;
use crate::model::{Recipient, RecipientKind};

/// Who a message goes to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Recipients {
    /// `To:` recipients.
    pub(crate) to: Vec<Mailbox>,
    /// `Cc:` recipients.
    pub(crate) cc: Vec<Mailbox>,
    /// Blind copies: in the draft's `Bcc:` header, reached through the envelope when sent.
    pub(crate) bcc: Vec<Mailbox>,
}

impl Recipients {
    /// The workbook's Distribution sheet, display names folded by [`header_text`].
    pub(crate) fn from_distribution(distribution: &[Recipient]) -> Result<Self, String> {
        let mut r = Self::default();
        for d in distribution {
            let address = d
                .email
                .trim()
                .parse()
                .map_err(|e| format!("invalid address `{}`: {e}", header_text(&d.email)))?;
            let mb = clean_mailbox(&Mailbox::new(d.name.clone(), address));
            match d.kind {
                RecipientKind::To => r.to.push(mb),
                RecipientKind::Cc => r.cc.push(mb),
                RecipientKind::Bcc => r.bcc.push(mb),
            }
        }
        Ok(r)
    }

    /// The name this list gives the address `a`, if any.
    pub(crate) fn name_of(&self, a: &Address) -> Option<String> {
        let key = address_key(a);
        self.to
            .iter()
            .chain(&self.cc)
            .chain(&self.bcc)
            .find(|mb| address_key(&mb.email) == key)
            .and_then(|mb| mb.name.clone())
    }

    /// The same recipients with every display name folded by [`header_text`].
    pub(crate) fn cleaned(&self) -> Self {
        let clean = |list: &[Mailbox]| list.iter().map(clean_mailbox).collect();
        Self {
            to: clean(&self.to),
            cc: clean(&self.cc),
            bcc: clean(&self.bcc),
        }
    }

    /// Every distinct address (To, then Cc, then Bcc), compared without regard to case: one
    /// SMTP transaction each.
    pub(crate) fn addresses(&self) -> Vec<Address> {
        let mut seen = BTreeSet::new();
        self.to
            .iter()
            .chain(&self.cc)
            .chain(&self.bcc)
            .filter(|mb| seen.insert(address_key(&mb.email)))
            .map(|mb| mb.email.clone())
            .collect()
    }

    /// The addresses of those whose key ([`address_key`]) is in `keys`, kind by kind: what
    /// the sent log records.
    pub(crate) fn only(&self, keys: &BTreeSet<String>) -> SentTo {
        let pick = |list: &[Mailbox]| {
            list.iter()
                .filter(|mb| keys.contains(&address_key(&mb.email)))
                .map(|mb| mb.email.to_string())
                .collect()
        };
        SentTo {
            to: pick(&self.to),
            cc: pick(&self.cc),
            bcc: pick(&self.bcc),
        }
    }
}

/// How an address is compared with those in the sent log: lower case.
pub(crate) fn address_key(a: &Address) -> String {
    a.to_string().to_lowercase()
}
