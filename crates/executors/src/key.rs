//! Node identity and keys of the task graph. A node that may be shared (a
//! literal, a pure call) is found again by its full identity, compared
//! exactly: a literal by its type and its bincode bytes (which keep every
//! bit of a float, so NaN, inf and -0.0 are three values) and then by `==`
//! among the literals with those bytes (`Graph::value`), a call by its
//! function and its arguments' nodes. A key is a readable name derived from
//! a 64-bit hash of the identity; two different nodes whose hashes collide
//! still get different keys (a suffix `-2`, `-3`... on the later one), so a
//! key names one node and a hash never merges two.

use std::any::TypeId;
use std::collections::{HashMap, HashSet};

/// What a shareable node is, exactly.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Identity {
    /// A literal: its type and its serialized bytes.
    Literal {
        /// The value's type.
        ty: TypeId,
        /// Its bincode serialization.
        bytes: Box<[u8]>,
    },
    /// A pure call: the function and its arguments' nodes, in order.
    Call {
        /// The function.
        func: FnIdentity,
        /// The arguments' node ids.
        deps: Box<[usize]>,
    },
}

/// Which function a call runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum FnIdentity {
    /// A function wrapped by one `Graph::delayed*` call, by its serial.
    Wrapped(u64),
    /// A built-in operator on given operand and result types.
    Operator(&'static str, TypeId),
}

/// The graph's table of identities and keys.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    by_identity: HashMap<Identity, usize>,
    taken: HashSet<String>,
    /// Serial of the last node recorded without an identity.
    serial: u64,
    /// Makes every hash 0, to test collisions.
    #[cfg(test)]
    pub(crate) collide: bool,
}

impl Keys {
    /// The node with this identity, if one was recorded.
    pub(crate) fn find(&self, identity: &Identity) -> Option<usize> {
        self.by_identity.get(identity).copied()
    }

    /// Records that `node` has this identity.
    pub(crate) fn insert(&mut self, identity: Identity, node: usize) {
        self.by_identity.insert(identity, node);
    }

    /// A serial number for a node that must not be shared (an impure call,
    /// a literal that cannot be serialized), to make its key unique.
    pub(crate) fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// A key `<prefix>-<hash as 16 hex digits>` that no other node has.
    pub(crate) fn claim(&mut self, prefix: &str, hash: &Fnv) -> String {
        #[cfg(test)]
        let value = if self.collide { 0 } else { hash.finish() };
        #[cfg(not(test))]
        let value = hash.finish();
        let base = format!("{prefix}-{value:016x}");
        let mut key = base.clone();
        let mut n = 1u64;
        while self.taken.contains(&key) {
            n += 1;
            key = format!("{base}-{n}");
        }
        self.taken.insert(key.clone());
        key
    }
}

/// FNV-1a, 64 bits: a stable hash for keys (std's hasher may change).
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

/// A type's name without module paths:
/// `alloc::vec::Vec<alloc::string::String>` -> `Vec<String>`.
pub(crate) fn without_paths(type_name: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(word.rsplit("::").next().unwrap_or(word));
        word.clear();
    };
    for c in type_name.chars() {
        if matches!(c, '<' | '>' | ',' | ' ' | '(' | ')' | '[' | ']' | ';' | '&') {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A literal's label in drawings: its JSON text, cut to 24 characters; for
/// a value whose serialization is over a kilobyte (or fails), its type and
/// size instead, so that a big literal is not written out for a label.
pub(crate) fn literal_label<T: serde::Serialize>(v: &T, type_name: &str, bytes: Option<&[u8]>) -> String {
    let short_type = without_paths(type_name);
    let text = match bytes {
        Some(b) if b.len() <= 1024 => serde_json::to_string(v).unwrap_or_else(|_| "?".to_owned()),
        Some(b) => return format!("{short_type} ({} bytes)", b.len()),
        None => return short_type,
    };
    if text.chars().count() > 24 {
        let mut label: String = text.chars().take(21).collect();
        label.push_str("...");
        label
    } else {
        text
    }
}
