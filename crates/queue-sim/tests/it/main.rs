//! Integration tests of the queueing engine: Ciw parity, queueing theory,
//! bad input, determinism, model files, sizes, runs that would never end,
//! the draws routing makes, and priorities and preemption worked by hand.

mod batching;
mod baulking;
mod ciw;
mod ciw_docs;
mod ciw_docs_time;
mod class_change;
mod disciplines;
mod distributions;
mod hostile;
mod individuals_order;
mod model;
mod poisson_intervals;
mod preempt_off_duty;
mod priorities;
mod properties;
mod reneging;
mod reporting;
mod routers;
mod routing;
mod runaway;
mod schedules;
mod server_priority;
mod servers_now;
mod theory;
mod validation;
mod waiting_changes;
