//! Strategies for running many independent tasks, and lazy task graphs, as
//! the talk does with loops, `multiprocessing` and `dask.delayed`.
//!
//! - [`Executor::map`] runs a batch (a starmap) under a [`Strategy`]:
//!   sequential, a work queue built from first principles, a rayon pool, or
//!   the graph scheduler. Results come back in input order and are the same,
//!   bit for bit, under every strategy and worker count.
//! - [`Graph`] is `dask.delayed`: wrapped functions record nodes with keys
//!   (impure calls each a node, pure ones shared), [`Delayed`] values
//!   support `+ - * / %` and [`Graph::sum`], [`Graph::compute`] runs them
//!   (shared parts once) on the synchronous or threaded scheduler,
//!   [`Graph::to_dot`] draws them.
//! - Failures name the task ([`TaskError`]); a run stops promptly by
//!   default or keeps going ([`OnError`]); panics are caught.
//! - [`Callback`]s run around every task and at a run's start and finish;
//!   [`Profiler`] records the tasks, [`ResourceProfiler`] samples CPU and
//!   memory; [`task_stream_svg`] draws both, [`Report`] gathers pictures
//!   into one self-contained HTML file; a progress bar appears for long
//!   runs on a terminal.
//! - [`checkpoint`] appends finished results to a file so that a killed
//!   sweep resumes where it stopped; [`output`] writes result files whole
//!   or not at all, checked before the work starts.
//!
//! ```
//! use executors::{Executor, Strategy};
//! let exec = Executor::new(Strategy::WorkQueue, 2)?;
//! let out = exec.map(vec![1u32, 2, 3], |x| if x < 10 { Ok(x * 10) } else { Err("too big") })?;
//! assert_eq!(out, [10, 20, 30]);
//! # Ok::<(), executors::ExecError>(())
//! ```

mod callback;
pub mod checkpoint;
mod drawing;
mod error;
mod executor;
mod graph;
mod key;
mod map;
#[cfg(feature = "mpi")]
pub mod mpi;
mod ops;
pub mod output;
mod report;
mod resource;
mod scheduler;
mod spawn;
mod stream;
mod work_queue;

pub use callback::{Callback, Profiler, Progress, TaskSpan};
pub use drawing::{DrawError, DrawFormat, DrawOptions, Drawing, Layout, NodeColor, RankDir};
pub use error::{ExecError, TaskError};
pub use executor::{Executor, OnError, Strategy};
pub use graph::{Delayed, Delayed1, Delayed2, DelayedN, Graph, IntoDelayed, NodeId};
pub use ops::Operand;
pub use report::Report;
pub use resource::{DEFAULT_INTERVAL, ResourceError, ResourceProfiler, ResourceSample};
pub use stream::{PALETTE, StreamLayout, escape, key_kind, task_stream_svg};
