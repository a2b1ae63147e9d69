//! What an event does: the closed set of event kinds the engine handles.

/// What an event does.
#[derive(Clone, Copy, Debug)]
pub(super) enum EventKind {
    /// An external arrival of one (node, class) stream.
    Arrival { stream: u32 },
    /// The end of a customer's service where it is.
    ServiceEnd { customer: u32 },
    /// A waiting customer gives up (stale once its service starts).
    Renege { customer: u32 },
    /// A waiting customer changes class (stale once its service starts).
    ClassChange { customer: u32 },
    /// The servers of a scheduled node change shift.
    ShiftChange { node: u32 },
    /// A slot of a slotted node starts services.
    Slot { node: u32 },
}
