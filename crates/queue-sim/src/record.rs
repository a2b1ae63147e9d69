//! The data records a simulation writes, with Ciw's fields, and their CSV form.

use std::io::Write;

use serde::Serialize;

/// What a record describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecordType {
    /// A completed service.
    Service,
    /// An external arrival turned away from a full node.
    Rejection,
    /// A service cut short by a customer of higher priority (Ciw's
    /// "interrupted service"): no service end, no time blocked; the exit
    /// date is the time of the interruption, the service time the one the
    /// service had, and the destination, when preemption reroutes, where the
    /// customer went.
    InterruptedService,
    /// An external arrival that chose not to join (Ciw's "baulk").
    Baulk,
    /// A customer who gave up waiting (Ciw's "renege"): its waiting time is
    /// how long it waited; no service.
    Renege,
}

impl RecordType {
    /// Ciw's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Rejection => "rejection",
            Self::InterruptedService => "interrupted service",
            Self::Baulk => "baulk",
            Self::Renege => "renege",
        }
    }
}

/// One record, field for field Ciw's `DataRecord`. Nodes are numbered from 1
/// and a destination of -1 is the exit, as in Ciw; fields that do not apply
/// (the service fields of a rejection) are NaN or `None`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Record {
    /// The customer's number, from 1 in order of arrival to the system.
    pub id_number: u64,
    /// Class during this visit.
    pub customer_class: u32,
    /// Class on arrival at this node.
    pub original_customer_class: u32,
    /// The node, from 1.
    pub node: u32,
    /// Arrival at the node.
    pub arrival_date: f64,
    /// `service_start_date - arrival_date`.
    pub waiting_time: f64,
    /// Start of service.
    pub service_start_date: f64,
    /// `service_end_date - service_start_date`.
    pub service_time: f64,
    /// End of service.
    pub service_end_date: f64,
    /// `exit_date - service_end_date`: time spent blocked after service.
    pub time_blocked: f64,
    /// Departure from the node.
    pub exit_date: f64,
    /// Next node (from 1), -1 for the exit; `None` for a rejection.
    pub destination: Option<i32>,
    /// Customers at the node just before this one arrived.
    pub queue_size_at_arrival: u32,
    /// Customers left at the node just after this one left; `None` for a rejection.
    pub queue_size_at_departure: Option<u32>,
    /// The server, from 1; `None` at infinite-server nodes and for rejections.
    pub server_id: Option<u32>,
    /// What the record describes.
    pub record_type: RecordType,
}

/// The CSV header, Ciw's field names in Ciw's order.
pub const CSV_HEADER: [&str; 16] = [
    "id_number",
    "customer_class",
    "original_customer_class",
    "node",
    "arrival_date",
    "waiting_time",
    "service_start_date",
    "service_time",
    "service_end_date",
    "time_blocked",
    "exit_date",
    "destination",
    "queue_size_at_arrival",
    "queue_size_at_departure",
    "server_id",
    "record_type",
];

/// Writes records as CSV with [`CSV_HEADER`]. Floats are written in shortest
/// round-trip form; NaN and `None` as empty fields. Classes are written by
/// name when `class_names` covers them, else by number.
pub fn write_csv<W: Write>(records: &[Record], class_names: &[String], out: W) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    for r in records {
        w.write_record(fields(r, class_names))?;
    }
    w.flush()?;
    Ok(())
}

/// Writes records as CSV rows without a header, each after the fields of
/// `lead` (a sweep writes its server count and seed there), so that the
/// records of many runs stream into one file.
pub fn write_csv_rows<W: Write>(
    records: &[Record],
    class_names: &[String],
    lead: &[String],
    out: W,
) -> csv::Result<()> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(out);
    for r in records {
        w.write_record(lead.iter().cloned().chain(fields(r, class_names)))?;
    }
    w.flush()?;
    Ok(())
}

/// A record's fields in [`CSV_HEADER`]'s order.
fn fields(r: &Record, class_names: &[String]) -> [String; 16] {
    let class = |c: u32| class_names.get(c as usize).cloned().unwrap_or_else(|| c.to_string());
    let float = |x: f64| if x.is_nan() { String::new() } else { x.to_string() };
    let opt = |x: Option<String>| x.unwrap_or_default();
    [
        r.id_number.to_string(),
        class(r.customer_class),
        class(r.original_customer_class),
        r.node.to_string(),
        float(r.arrival_date),
        float(r.waiting_time),
        float(r.service_start_date),
        float(r.service_time),
        float(r.service_end_date),
        float(r.time_blocked),
        float(r.exit_date),
        opt(r.destination.map(|d| d.to_string())),
        r.queue_size_at_arrival.to_string(),
        opt(r.queue_size_at_departure.map(|d| d.to_string())),
        opt(r.server_id.map(|d| d.to_string())),
        r.record_type.as_str().to_owned(),
    ]
}

/// Mean waiting time over the service records, summed in record order as
/// Ciw users compute it (`sum(waits) / len(waits)`); NaN with no records.
pub fn mean_wait(records: &[Record]) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for r in records.iter().filter(|r| r.record_type == RecordType::Service) {
        sum += r.waiting_time;
        n += 1;
    }
    if n == 0 { f64::NAN } else { sum / n as f64 }
}
