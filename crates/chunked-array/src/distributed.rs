//! Computing across processes (MPI, say): a plan's first layer, where every
//! block is generated, evaluated and reduced to partials, as independent
//! work units that run on any process that built the same arrays; the rest
//! of the graph (merge trees, finishing steps, whatever reads their
//! results) runs where the partials are combined.

use std::sync::Arc;

use executors::{ExecError, Executor, Progress, TaskError};
use ndarray::ArrayD;
use serde::{Deserialize, Serialize};

use crate::array::Array;
use crate::error::ArrayError;
use crate::eval::Piece;
use crate::kernels::Partial;
use crate::plan::{Plan, Unit};

/// One or several arrays computed with their block work spread over
/// processes: [`Distributed::units`] independent work units,
/// [`Distributed::partial`] runs one anywhere and returns a serde value,
/// [`Distributed::combine`] merges them in the same trees as
/// [`crate::compute`], so the results are the same bit for bit.
///
/// The work units are the plan's tasks without inputs: each generates a
/// block of a random (or other source) array, evaluates the element-wise
/// expression over it tile by tile and feeds the block's reductions and
/// matrix-vector products (`mean` and `std` of one array share a unit per
/// block; in `A.dot(B).sum() / A.mean() * B.var()` a unit per block of `A`
/// computes its `dot` share and its moments, reading the segment of `B` it
/// needs, and a unit per block of `B` its moments), or a block pair of a
/// matrix-matrix product. Only partials travel (a block does when the array
/// itself is an output). Every process must build the same expressions,
/// in any order of creation; the units come in the same order everywhere.
///
/// What reads a held intermediate (an array that several consumers read and
/// that cannot be regenerated, such as a product used twice) runs in
/// [`Distributed::combine`], sequentially on the combining process: the
/// results are right, but only the first layer is spread.
///
/// ```
/// use chunked_array::{Distributed, compute_scalars, random};
/// use executors::Executor;
///
/// let x = random::standard_normal(0, &[300, 200], 64)?;
/// let (mean, std) = (x.mean(..)?, x.std(..)?);
/// let work = Distributed::new(&[&mean, &std]);
/// assert_eq!(work.units(), 5 * 4); // a unit per block, both statistics
/// // Any process runs any unit (here: all of them, backwards).
/// let mut parts: Vec<_> = (0..work.units()).rev().map(|u| work.partial(u)).collect::<Result<_, _>>()?;
/// parts.reverse(); // one per unit, in unit order
/// let values = work.combine_scalars(parts)?;
/// assert_eq!(values, compute_scalars(&[&mean, &std], &Executor::sequential())?);
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
#[derive(Clone)]
pub struct Distributed {
    outputs: Vec<Array>,
    units: Vec<Unit>,
}

impl std::fmt::Debug for Distributed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Distributed")
            .field("outputs", &self.outputs.len())
            .field("units", &self.units.len())
            .finish()
    }
}

/// A work unit's result: the partials of its block's reductions and
/// products (and the block, when it is an output). It serializes with serde
/// (bincode keeps every `f64` exactly).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UnitPartial {
    unit: usize,
    task: String,
    block: Option<ArrayD<f64>>,
    partials: Vec<Partial>,
}

impl UnitPartial {
    /// The work unit it comes from.
    pub fn unit(&self) -> usize {
        self.unit
    }

    /// The name of the unit's task, e.g. `normal-dot-moments`.
    pub fn task(&self) -> &str {
        &self.task
    }
}

impl Distributed {
    /// Plans the arrays (as [`crate::compute`] would) and lists the work
    /// units.
    pub fn new(outputs: &[&Array]) -> Self {
        Self { outputs: outputs.iter().map(|&a| a.clone()).collect(), units: Plan::first_layer(outputs) }
    }

    /// The number of work units, numbered from 0.
    pub fn units(&self) -> usize {
        self.units.len()
    }

    /// The name of a unit's task (`normal-moments`, `normal-dot-moments`,
    /// `dot-block`, ...), as in the plan's drawing; `None` beyond the units.
    pub fn unit_name(&self, unit: usize) -> Option<&str> {
        self.units.get(unit).map(|u| u.name.as_str())
    }

    /// Runs work unit `unit` here, on the calling thread: what the graph's
    /// task computes in [`crate::compute`].
    pub fn partial(&self, unit: usize) -> Result<UnitPartial, ArrayError> {
        let u = self.units.get(unit).ok_or(ArrayError::UnitOutOfRange { unit, units: self.units.len() })?;
        let piece = (u.run)(&[]).map_err(|message| {
            ArrayError::Exec(ExecError::Task(TaskError {
                index: unit,
                key: format!("{}-{unit}", u.name),
                message,
                panicked: false,
            }))
        })?;
        let block = piece.block.map(|b| Arc::try_unwrap(b).unwrap_or_else(|shared| (*shared).clone()));
        Ok(UnitPartial { unit, task: u.name.clone(), block, partials: piece.partials })
    }

    /// The outputs, in the order given to [`Distributed::new`], from one
    /// partial per unit in unit order: the plan's merge trees and final
    /// steps run here, sequentially, on the partials instead of the first
    /// layer's tasks. The values equal [`crate::compute`]'s bit for bit.
    pub fn combine(&self, partials: Vec<UnitPartial>) -> Result<Vec<ArrayD<f64>>, ArrayError> {
        if partials.len() != self.units.len() {
            return Err(ArrayError::PartialCount { units: self.units.len(), got: partials.len() });
        }
        let mut pieces = Vec::with_capacity(partials.len());
        for (position, (p, u)) in partials.into_iter().zip(&self.units).enumerate() {
            if p.unit != position {
                return Err(ArrayError::PartialMismatch {
                    position,
                    reason: format!("it is the partial of unit {}", p.unit),
                });
            }
            if p.task != u.name {
                return Err(ArrayError::PartialMismatch {
                    position,
                    reason: format!("it comes from a task {:?}, the unit's task is {:?}", p.task, u.name),
                });
            }
            pieces.push(Piece { block: p.block.map(Arc::new), partials: p.partials });
        }
        let refs: Vec<&Array> = self.outputs.iter().collect();
        Plan::replaying(&refs, pieces)?.compute(&Executor::sequential().progress(Progress::Hidden))
    }

    /// [`Distributed::combine`] for 0-dimensional outputs: their values (an
    /// error names the first output that has dimensions).
    pub fn combine_scalars(&self, partials: Vec<UnitPartial>) -> Result<Vec<f64>, ArrayError> {
        if let Some(a) = self.outputs.iter().find(|a| a.ndim() != 0) {
            return Err(ArrayError::NotScalar { shape: a.shape().to_vec() });
        }
        Ok(crate::scalars(self.combine(partials)?))
    }
}
