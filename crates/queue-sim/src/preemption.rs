//! How a customer taken out of service continues (Ciw's preemption
//! options), shared by priorities at a node and by server schedules and
//! slots; `false` or a name in model files.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Preemption by priority at a node (Ciw's options). The customer taken out
/// of service gets an "interrupted service" record and waits at the front
/// of its priority's queue, to be served again with:
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Preemption {
    /// No preemption: a customer of higher priority waits for a free
    /// server, ahead of those of lower priority.
    #[default]
    Off,
    /// a new service time, drawn when its service starts again;
    Resample,
    /// the service time it had, from the start;
    Restart,
    /// what was left of its service time;
    Resume,
    /// no more service here: it is routed on at once, as if its service had
    /// ended (Ciw's `next_node_for_rerouting`), whatever room its
    /// destination has.
    Reroute,
}

impl Preemption {
    /// Ciw's name (`false` for [`Preemption::Off`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "false",
            Self::Resample => "resample",
            Self::Restart => "restart",
            Self::Resume => "resume",
            Self::Reroute => "reroute",
        }
    }

    pub(crate) fn is_off(&self) -> bool {
        *self == Self::Off
    }
}

impl Serialize for Preemption {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Off => s.serialize_bool(false),
            other => s.serialize_str(other.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for Preemption {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Preemption;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("false, \"resample\", \"restart\", \"resume\" or \"reroute\"")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Preemption, E> {
                if v {
                    Err(E::custom(
                        "preemption = true does not say how to preempt: use \"resample\", \"restart\", \"resume\" or \"reroute\"",
                    ))
                } else {
                    Ok(Preemption::Off)
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Preemption, E> {
                match v {
                    "resample" => Ok(Preemption::Resample),
                    "restart" => Ok(Preemption::Restart),
                    "resume" => Ok(Preemption::Resume),
                    "reroute" => Ok(Preemption::Reroute),
                    _ => Err(E::custom(format!(
                        "preemption must be false, \"resample\", \"restart\", \"resume\" or \"reroute\", got {v:?}"
                    ))),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}
