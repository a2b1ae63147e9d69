//! Lowering: the expressions asked for become one executors task graph,
//! fused and streamed.
//!
//! - Element-wise chains, transposes and rechunks fuse into the task that
//!   consumes them: a task evaluates its expression over its block tile by
//!   tile (row strips of about 64 KiB), so sources are generated where they
//!   are used and no intermediate block is written.
//! - A block's reductions and vector products ("sinks") run in the task
//!   that makes the block: `mean` and `std` of one array share one task per
//!   block (and one tree), and in `A.dot(B).sum() / A.mean()` every block of
//!   `A` is generated once and feeds both its `dot` share and its moments.
//!   Partials are tree-reduced, four at a time.
//! - An array is materialized (its blocks become graph values) only when it
//!   is an output, or is needed by several consumers and cannot be
//!   regenerated. Sources, and element-wise expressions of sources, are
//!   regenerated rather than stored: recomputing costs less than holding an
//!   array larger than memory.
//! - Consumers are created after their producers, so the threaded scheduler
//!   (newest ready task first) runs them as soon as their inputs exist and
//!   drops every value after its last consumer.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use executors::{Delayed, Drawing, ExecError, Executor, Graph, NodeId, RankDir};
use ndarray::{ArrayD, Ix1, Ix2, IxDyn};

use crate::array::{Array, Op, Stat};
use crate::chunks::Grid;
use crate::error::ArrayError;
use crate::eval::{BlockIndex, Leaves, Piece, eval, is_leaf, leaf_blocks, lens};
use crate::kernels::{Acc, Partial, SinkKind, SinkState};

/// Elements per tile of a block task (64 KiB of `f64`s).
const TILE: usize = 8192;

/// How many partials a combine task merges.
const FAN_IN: usize = 4;

/// The task graph of one or several arrays, ready to draw and to compute
/// (dask's collections-to-graph step). Computing a plan twice runs it twice.
///
/// ```
/// use chunked_array::{Plan, random};
/// use executors::{Executor, RankDir, Strategy};
/// let x = random::standard_normal(0, &[100, 100], 50)?;
/// let (mean, std) = (x.mean(..)?, x.std(..)?);
/// let plan = Plan::new(&[&mean, &std]);
/// // Four blocks, each generated once and reduced to moments in one task,
/// // one combine, then the two results.
/// assert_eq!(plan.len(), 4 + 1 + 2);
/// assert!(plan.to_dot(RankDir::LeftRight).contains("normal-moments"));
/// let values = plan.compute(&Executor::new(Strategy::Graph, 2)?)?;
/// assert!(values[0][[]].abs() < 0.05 && (values[1][[]] - 1.0).abs() < 0.05);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Plan {
    graph: Graph,
    outputs: Vec<Output>,
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("tasks", &self.graph.len())
            .field("outputs", &self.outputs.len())
            .finish()
    }
}

struct Output {
    shape: Vec<usize>,
    grid: Grid,
    blocks: Vec<Delayed<Piece>>,
}

impl Plan {
    /// Lowers the arrays into one graph: what they share is computed once.
    pub fn new(outputs: &[&Array]) -> Plan {
        Lowering::new(outputs).build(outputs).0
    }

    /// Lowers the arrays and returns the tasks without inputs, in creation
    /// order (the same order on every process that built the same arrays).
    pub(crate) fn first_layer(outputs: &[&Array]) -> Vec<Unit> {
        let mut lowering = Lowering::new(outputs);
        lowering.first_layer = FirstLayer::Collect(Vec::new());
        let (_, first_layer) = lowering.build(outputs);
        match first_layer {
            FirstLayer::Collect(units) => units,
            _ => unreachable!("the lowering keeps its first-layer mode"),
        }
    }

    /// Lowers the arrays with the tasks without inputs returning `pieces`
    /// (in creation order) instead of computing them: the rest of the graph
    /// is the ordinary plan's.
    pub(crate) fn replaying(outputs: &[&Array], pieces: Vec<Piece>) -> Result<Plan, ArrayError> {
        let mut lowering = Lowering::new(outputs);
        lowering.first_layer = FirstLayer::Replay(pieces.into_iter());
        let (plan, first_layer) = lowering.build(outputs);
        match first_layer {
            FirstLayer::Replay(rest) if rest.as_slice().is_empty() => Ok(plan),
            _ => Err(internal("more pieces than tasks without inputs")),
        }
    }

    /// The executors graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The number of tasks.
    pub fn len(&self) -> usize {
        self.graph.len()
    }

    /// Whether the plan has no task (never: every output has a block).
    pub fn is_empty(&self) -> bool {
        self.graph.is_empty()
    }

    /// The graph nodes of the outputs' blocks, for drawing.
    pub fn output_nodes(&self) -> Vec<NodeId> {
        self.outputs.iter().flat_map(|o| o.blocks.iter().map(Delayed::node)).collect()
    }

    /// The graph in Graphviz's DOT language (dask's `visualize`): tasks are
    /// named after what they do (`normal-moments` generates a block of a
    /// normal array and reduces it to moments; `moments-combine` merges
    /// partials; `mean`, `std` finish), outputs are doubled.
    pub fn to_dot(&self, rankdir: RankDir) -> String {
        self.graph.to_dot(&self.output_nodes(), rankdir)
    }

    /// Writes `<stem>.dot` and, when Graphviz is installed, `<stem>.svg`.
    pub fn visualize(&self, rankdir: RankDir, stem: &Path) -> std::io::Result<Drawing> {
        self.graph.visualize(&self.output_nodes(), rankdir, stem)
    }

    /// Runs the graph on `exec` and returns the outputs, in order, as
    /// in-memory arrays. Any strategy and worker count give the same values,
    /// bit for bit.
    pub fn compute(&self, exec: &Executor) -> Result<Vec<ArrayD<f64>>, ArrayError> {
        let refs: Vec<&Delayed<Piece>> = self.outputs.iter().flat_map(|o| o.blocks.iter()).collect();
        let mut pieces = self.graph.compute(&refs, exec)?.into_iter();
        let mut out = Vec::with_capacity(self.outputs.len());
        for o in &self.outputs {
            let blocks: Vec<Piece> = pieces.by_ref().take(o.blocks.len()).collect();
            out.push(assemble(o, blocks)?);
        }
        Ok(out)
    }
}

impl Plan {
    /// Runs the graph with every output block handed to `writer` as soon as
    /// it is computed, then dropped.
    pub(crate) fn store(
        &self,
        writer: Arc<dyn crate::writer::BlockWriter>,
        exec: &Executor,
    ) -> Result<(), ArrayError> {
        let mut stores = Vec::new();
        for o in &self.outputs {
            for (flat, block) in o.blocks.iter().enumerate() {
                let region = o.grid.region(&o.grid.unflatten(flat));
                let w = writer.clone();
                let f = self.graph.delayed1("store", move |p: &Piece| -> Result<Piece, String> {
                    let block = p.block.as_ref().ok_or("no block to store")?;
                    w.write_block(&region, block.view())?;
                    Ok(Piece::default())
                });
                stores.push(f.call(block));
            }
        }
        let refs: Vec<&Delayed<Piece>> = stores.iter().collect();
        self.graph.compute(&refs, exec)?;
        Ok(())
    }
}

fn internal(message: &str) -> ArrayError {
    ArrayError::Exec(ExecError::Graph(format!("chunked-array: {message}")))
}

/// Puts an output's blocks together.
fn assemble(o: &Output, blocks: Vec<Piece>) -> Result<ArrayD<f64>, ArrayError> {
    if blocks.len() == 1 {
        let block = blocks.into_iter().next().and_then(|p| p.block).ok_or_else(|| internal("no block"))?;
        let array = Arc::try_unwrap(block).unwrap_or_else(|shared| (*shared).clone());
        if array.shape() != o.shape.as_slice() {
            return Err(internal("a block of the wrong shape"));
        }
        return Ok(array);
    }
    let mut out = ArrayD::zeros(IxDyn(&o.shape));
    for (flat, piece) in blocks.into_iter().enumerate() {
        let block = piece.block.ok_or_else(|| internal("no block"))?;
        let region = o.grid.region(&o.grid.unflatten(flat));
        let mut view = out.slice_each_axis_mut(|ax| ndarray::Slice::from(region[ax.axis.index()].clone()));
        if view.shape() != block.shape() {
            return Err(internal("a block of the wrong shape"));
        }
        view.assign(&*block);
    }
    Ok(out)
}

/// How a parent uses an array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// An operand of an element-wise node, transpose or rechunk.
    Fused,
    /// The input of a reduction.
    ReduceInput,
    /// The operand whose blocks a vector product runs over.
    DotPrimary,
    /// The other operand of a vector product (read in the primary's tasks).
    DotSecondary,
    /// An operand of a blockwise product task.
    ProductOperand,
}

struct Use {
    parent: Array,
    role: Role,
}

/// A sink of a root array: what its block tasks feed besides the block.
#[derive(Clone)]
struct SinkSpec {
    kind: SinkKind,
    /// The other operand of a vector product.
    other: Option<Array>,
    key: SinkKey,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum SinkKey {
    /// Reductions of one kind share one sink (mean and std: moments).
    Reduce(SinkKind),
    /// A vector product, by the product's id.
    Dot(u64),
}

struct Lowering {
    graph: Graph,
    /// Every array needed, children before parents.
    order: Vec<Array>,
    outputs: HashSet<u64>,
    materialized: Arc<HashSet<u64>>,
    sinks: HashMap<u64, Vec<SinkSpec>>,
    /// Graph values holding each block of an array.
    blocks: HashMap<u64, Vec<Delayed<Piece>>>,
    /// The block tasks of arrays with sinks.
    root_tasks: HashMap<u64, Vec<Delayed<Piece>>>,
    /// Reduction trees already built: (array, sink slot, output block).
    trees: HashMap<(u64, usize, usize), (Delayed<Piece>, usize)>,
    /// What becomes of the tasks without inputs.
    first_layer: FirstLayer,
}

/// A task's function: its inputs' pieces to its piece.
pub(crate) type TaskFn = Arc<dyn Fn(&[&Piece]) -> Result<Piece, String> + Send + Sync>;

/// A task without inputs (a block generated, evaluated and reduced), which
/// can run on any process that built the same arrays.
#[derive(Clone)]
pub(crate) struct Unit {
    /// The task's name in the graph, e.g. `normal-dot-moments`.
    pub(crate) name: String,
    /// The task's function, called with no inputs.
    pub(crate) run: TaskFn,
}

/// What the lowering does with the tasks that have no inputs (the first
/// layer of the graph, where the blocks are generated and reduced).
enum FirstLayer {
    /// They run in the graph (an ordinary plan).
    Run,
    /// They run in the graph and are listed, in creation order.
    Collect(Vec<Unit>),
    /// They return pieces computed elsewhere, given in creation order.
    Replay(std::vec::IntoIter<Piece>),
}

fn fusable(a: &Array) -> bool {
    !matches!(a.op(), Op::Reduce { .. } | Op::Dot(..) | Op::Blockwise(..) | Op::Select { .. })
}

fn children(a: &Array) -> Vec<&Array> {
    match a.op() {
        Op::Random { .. } | Op::Full(_) | Op::Arange { .. } | Op::FromArray(_) | Op::Npy(_) => vec![],
        Op::Unary(_, x) | Op::Transpose(x, _) | Op::Rechunk(x) | Op::Index(x, _) | Op::Reshape(x) => vec![x],
        Op::Concat(inputs, _) => inputs.iter().collect(),
        Op::Reduce { input, .. } => vec![input],
        Op::Binary(_, x, y) | Op::Dot(x, y) => vec![x, y],
        Op::Where(c, x, y) => vec![c, x, y],
        Op::Blockwise(inputs, _) => inputs.iter().collect(),
        Op::Select { input, .. } => vec![input],
    }
}

/// Whether the block tasks of a vector product can run over `primary`'s
/// blocks: the other operand must not need them.
fn depends_on(a: &Array, id: u64, memo: &mut HashMap<u64, bool>) -> bool {
    if a.id() == id {
        return true;
    }
    if let Some(&d) = memo.get(&a.id()) {
        return d;
    }
    let d = children(a).into_iter().any(|c| depends_on(c, id, memo));
    memo.insert(a.id(), d);
    d
}

/// How a `dot` is computed: by sinks in the primary operand's tasks, or by
/// a task per pair of operand blocks.
enum DotMode {
    Sink { primary: Array, secondary: Array, kind: SinkKind },
    Product,
}

fn dot_mode(x: &Array, y: &Array) -> DotMode {
    let (primary, secondary, kind) = match (x.ndim(), y.ndim()) {
        (2, 1) => (x, y, SinkKind::MatVec),
        (1, 2) => (y, x, SinkKind::VecMat),
        (1, 1) => (x, y, SinkKind::Inner),
        _ => return DotMode::Product,
    };
    if depends_on(secondary, primary.id(), &mut HashMap::new()) {
        return DotMode::Product;
    }
    DotMode::Sink { primary: primary.clone(), secondary: secondary.clone(), kind }
}

/// The sink of a reduction of `input` over `axes` (sorted, distinct).
fn reduce_kind(input: &Array, axes: &[usize], stat: Stat) -> SinkKind {
    let acc = Acc::of(stat);
    match (input.ndim(), axes) {
        (n, _) if axes.len() == n => SinkKind::All(acc),
        (2, [0]) => SinkKind::Columns(acc),
        (2, [1]) => SinkKind::Rows(acc),
        _ => SinkKind::Axes(acc, axes.iter().fold(0u64, |m, &a| m | 1 << a)),
    }
}

impl Lowering {
    fn new(outputs: &[&Array]) -> Self {
        // Children before parents, each array once.
        let mut order = Vec::new();
        let mut seen = HashSet::new();
        for o in outputs {
            visit(o, &mut seen, &mut order);
        }
        let mut uses: HashMap<u64, Vec<Use>> = HashMap::new();
        let mut push = |child: &Array, parent: &Array, role: Role| {
            uses.entry(child.id()).or_default().push(Use { parent: parent.clone(), role });
        };
        for a in &order {
            match a.op() {
                Op::Random { .. } | Op::Full(_) | Op::Arange { .. } | Op::FromArray(_) | Op::Npy(_) => {}
                Op::Unary(_, x) | Op::Transpose(x, _) | Op::Rechunk(x) | Op::Index(x, _) | Op::Reshape(x) => {
                    push(x, a, Role::Fused)
                }
                Op::Concat(inputs, _) => {
                    for x in inputs {
                        push(x, a, Role::Fused);
                    }
                }
                Op::Binary(_, x, y) => {
                    push(x, a, Role::Fused);
                    push(y, a, Role::Fused);
                }
                Op::Where(c, x, y) => {
                    for o in [c, x, y] {
                        push(o, a, Role::Fused);
                    }
                }
                Op::Blockwise(inputs, _) => {
                    for x in inputs {
                        push(x, a, Role::ProductOperand);
                    }
                }
                Op::Select { input, .. } => push(input, a, Role::ProductOperand),
                Op::Reduce { input, .. } => push(input, a, Role::ReduceInput),
                Op::Dot(x, y) => match dot_mode(x, y) {
                    DotMode::Sink { primary, secondary, .. } => {
                        push(&primary, a, Role::DotPrimary);
                        push(&secondary, a, Role::DotSecondary);
                    }
                    DotMode::Product => {
                        push(x, a, Role::ProductOperand);
                        push(y, a, Role::ProductOperand);
                    }
                },
            }
        }
        let outputs: HashSet<u64> = outputs.iter().map(|o| o.id()).collect();
        // Regenerable: sources and element-wise expressions of sources.
        let mut regenerable: HashMap<u64, bool> = HashMap::new();
        for a in &order {
            let r = fusable(a) && children(a).iter().all(|c| regenerable[&c.id()]);
            regenerable.insert(a.id(), r);
        }
        let mut materialized = HashSet::new();
        let mut sinks: HashMap<u64, Vec<SinkSpec>> = HashMap::new();
        for a in &order {
            let list = uses.get(&a.id()).map(Vec::as_slice).unwrap_or(&[]);
            if fusable(a) {
                let is_output = outputs.contains(&a.id());
                let single = list.len() + usize::from(is_output) == 1;
                let inline = regenerable[&a.id()] || single;
                let read_elsewhere = list
                    .iter()
                    .any(|u| matches!(u.role, Role::Fused | Role::DotSecondary | Role::ProductOperand));
                if is_output || (read_elsewhere && !inline) {
                    materialized.insert(a.id());
                }
            }
            let mut specs: Vec<SinkSpec> = Vec::new();
            for u in list {
                let spec = match (u.role, u.parent.op()) {
                    (Role::ReduceInput, Op::Reduce { axes, stat, .. }) => {
                        let kind = reduce_kind(a, axes, *stat);
                        SinkSpec { kind, other: None, key: SinkKey::Reduce(kind) }
                    }
                    (Role::DotPrimary, Op::Dot(x, y)) => match dot_mode(x, y) {
                        DotMode::Sink { secondary, kind, .. } => {
                            SinkSpec { kind, other: Some(secondary), key: SinkKey::Dot(u.parent.id()) }
                        }
                        DotMode::Product => continue,
                    },
                    _ => continue,
                };
                if !specs.iter().any(|s| s.key == spec.key) {
                    specs.push(spec);
                }
            }
            if !specs.is_empty() {
                sinks.insert(a.id(), specs);
            }
        }
        Self {
            graph: Graph::new(),
            order,
            outputs,
            materialized: Arc::new(materialized),
            sinks,
            blocks: HashMap::new(),
            root_tasks: HashMap::new(),
            trees: HashMap::new(),
            first_layer: FirstLayer::Run,
        }
    }

    /// A task of the graph; one without inputs is listed or replayed as the
    /// first layer asks.
    fn task(&mut self, name: &str, inputs: &[Delayed<Piece>], run: TaskFn) -> Delayed<Piece> {
        if inputs.is_empty() {
            match &mut self.first_layer {
                FirstLayer::Run => {}
                FirstLayer::Collect(units) => units.push(Unit { name: name.to_owned(), run: run.clone() }),
                FirstLayer::Replay(pieces) => {
                    let piece = pieces.next();
                    let f = self.graph.delayed_n(name, move |_: &[&Piece]| {
                        piece.clone().ok_or_else(|| "no piece was supplied for this task".to_owned())
                    });
                    return f.call(&[]);
                }
            }
        }
        let f = self.graph.delayed_n(name, move |args: &[&Piece]| run(args));
        f.call(inputs)
    }

    /// Builds the graph; returns the plan and what became of the first layer.
    fn build(mut self, outputs: &[&Array]) -> (Plan, FirstLayer) {
        let order = std::mem::take(&mut self.order);
        for a in &order {
            match a.op() {
                Op::Reduce { input, axes, stat } => self.reduce(a, input, axes, *stat),
                Op::Dot(x, y) => self.dot(a, x, y),
                Op::Blockwise(inputs, f) => self.blockwise(a, inputs, f.clone()),
                Op::Select { input, q, skip_nan } => self.select(a, input, *q, *skip_nan),
                _ => {}
            }
            let is_root =
                self.sinks.contains_key(&a.id()) || (fusable(a) && self.materialized.contains(&a.id()));
            if is_root {
                self.root(a);
            }
        }
        debug_assert!(self.outputs.iter().all(|id| self.blocks.contains_key(id)));
        let outputs = outputs
            .iter()
            .map(|o| Output {
                shape: o.shape().to_vec(),
                grid: o.grid().clone(),
                blocks: self.blocks.get(&o.id()).cloned().unwrap_or_default(),
            })
            .collect();
        (Plan { graph: self.graph, outputs }, self.first_layer)
    }

    /// The graph values for a list of leaf blocks, deduplicated, and their
    /// positions.
    fn inputs(&self, needed: Vec<(Array, usize)>) -> (Vec<Delayed<Piece>>, BlockIndex) {
        let mut index = HashMap::new();
        let mut inputs = Vec::new();
        for (a, flat) in needed {
            if index.contains_key(&(a.id(), flat)) {
                continue;
            }
            if let Some(d) = self.blocks.get(&a.id()).and_then(|b| b.get(flat)) {
                index.insert((a.id(), flat), inputs.len());
                inputs.push(d.clone());
            }
        }
        (inputs, index)
    }

    /// The block tasks of a root: each evaluates the array over its block
    /// tile by tile, feeds the sinks, and keeps the block if it is
    /// materialized.
    fn root(&mut self, a: &Array) {
        let specs = self.sinks.get(&a.id()).cloned().unwrap_or_default();
        let materialize = fusable(a) && self.materialized.contains(&a.id());
        let mut name = a.op_name().to_owned();
        for s in &specs {
            name.push('-');
            name.push_str(s.kind.name());
        }
        let grid = a.grid().clone();
        let mut tasks = Vec::with_capacity(grid.len());
        for flat in 0..grid.len() {
            let region = grid.region(&grid.unflatten(flat));
            let mut needed = Vec::new();
            if fusable(a) {
                root_leaf_blocks(a, &region, &self.materialized, &mut needed);
            } else {
                needed.push((a.clone(), flat));
            }
            let other_regions: Vec<Option<Vec<Range<usize>>>> = specs
                .iter()
                .map(|s| {
                    let r = match s.kind {
                        SinkKind::MatVec => vec![region.get(1)?.clone()],
                        SinkKind::VecMat | SinkKind::Inner => vec![region.first()?.clone()],
                        _ => return None,
                    };
                    Some(r)
                })
                .collect();
            for (s, r) in specs.iter().zip(&other_regions) {
                if let (Some(other), Some(r)) = (&s.other, r) {
                    leaf_blocks(other, r, &self.materialized, &mut needed);
                }
            }
            let (inputs, index) = self.inputs(needed);
            let task = BlockTask {
                array: a.clone(),
                region,
                materialize,
                sinks: specs.iter().map(|s| (s.kind, s.other.clone())).collect(),
                other_regions,
                materialized: self.materialized.clone(),
                index,
            };
            tasks.push(self.task(&name, &inputs, Arc::new(move |args: &[&Piece]| task.run(args))));
        }
        if materialize {
            self.blocks.insert(a.id(), tasks.clone());
        }
        if !specs.is_empty() {
            self.root_tasks.insert(a.id(), tasks);
        }
    }

    /// The slot of a sink among a root's sinks.
    fn slot(&self, root: &Array, key: SinkKey) -> usize {
        self.sinks.get(&root.id()).and_then(|s| s.iter().position(|x| x.key == key)).unwrap_or(0)
    }

    /// A reduction: the input's block tasks feed a sink; partials are
    /// tree-merged per output block and finished.
    fn reduce(&mut self, r: &Array, input: &Array, axes: &[usize], stat: Stat) {
        let kind = reduce_kind(input, axes, stat);
        let slot = self.slot(input, SinkKey::Reduce(kind));
        let in_grid = input.grid().clone();
        let out_of = |idx: &[usize]| -> Vec<usize> {
            idx.iter().enumerate().filter(|(d, _)| !axes.contains(d)).map(|(_, &i)| i).collect()
        };
        let roots = self.trees_for(input, slot, kind.name(), &in_grid, r.grid(), out_of);
        let mut blocks = Vec::with_capacity(roots.len());
        for (root, s) in roots {
            let f = self.graph.delayed1(stat.name(), move |p: &Piece| finish(p, s, stat));
            blocks.push(f.call(&root));
        }
        self.blocks.insert(r.id(), blocks);
    }

    /// Builds (or reuses) the merge trees of a sink of `input`, one per
    /// block of the output grid; returns each tree's root and its slot.
    fn trees_for(
        &mut self,
        input: &Array,
        slot: usize,
        acc_name: &str,
        in_grid: &Grid,
        out_grid: &Grid,
        out_of: impl Fn(&[usize]) -> Vec<usize>,
    ) -> Vec<(Delayed<Piece>, usize)> {
        let tasks = self.root_tasks.get(&input.id()).cloned().unwrap_or_default();
        let mut groups: Vec<Vec<(Delayed<Piece>, usize)>> = vec![Vec::new(); out_grid.len()];
        for (flat, task) in tasks.into_iter().enumerate() {
            let out = out_grid.flatten(&out_of(&in_grid.unflatten(flat)));
            groups[out].push((task, slot));
        }
        let name = format!("{acc_name}-combine");
        groups
            .into_iter()
            .enumerate()
            .map(|(out, items)| {
                let key = (input.id(), slot, out);
                if let Some(t) = self.trees.get(&key) {
                    return t.clone();
                }
                let t = self.tree(&name, items);
                self.trees.insert(key, t.clone());
                t
            })
            .collect()
    }

    /// Merges partials `FAN_IN` at a time until one is left.
    fn tree(&self, name: &str, mut level: Vec<(Delayed<Piece>, usize)>) -> (Delayed<Piece>, usize) {
        while level.len() > 1 {
            let mut next = Vec::with_capacity(level.len().div_ceil(FAN_IN));
            for group in level.chunks(FAN_IN) {
                if group.len() == 1 {
                    next.push(group[0].clone());
                    continue;
                }
                let slots: Vec<usize> = group.iter().map(|(_, s)| *s).collect();
                let inputs: Vec<Delayed<Piece>> = group.iter().map(|(d, _)| d.clone()).collect();
                let f = self.graph.delayed_n(name, move |args: &[&Piece]| {
                    let parts = args
                        .iter()
                        .zip(&slots)
                        .map(|(p, &s)| p.partials.get(s).ok_or("a partial is missing"))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok::<_, String>(Piece { block: None, partials: vec![Partial::merge(&parts)?] })
                });
                next.push((f.call(&inputs), 0));
            }
            level = next;
        }
        level.pop().unwrap_or_else(|| unreachable!("a tree has at least one leaf"))
    }

    /// A product: by sinks in the primary operand's block tasks, or by a
    /// task per pair of blocks; partial products are tree-summed.
    fn dot(&mut self, d: &Array, x: &Array, y: &Array) {
        let roots = match dot_mode(x, y) {
            DotMode::Sink { primary, kind, .. } => {
                let slot = self.slot(&primary, SinkKey::Dot(d.id()));
                let in_grid = primary.grid().clone();
                let out_of = move |idx: &[usize]| -> Vec<usize> {
                    match kind {
                        SinkKind::MatVec => vec![idx[0]],
                        SinkKind::VecMat => vec![idx[1]],
                        _ => vec![],
                    }
                };
                self.trees_for(&primary, slot, "dot", &in_grid, d.grid(), out_of)
            }
            DotMode::Product => self.products(d, x, y),
        };
        let mut blocks = Vec::with_capacity(roots.len());
        for (root, s) in roots {
            let f = self.graph.delayed1(d.op_name(), move |p: &Piece| finish(p, s, Stat::Sum));
            blocks.push(f.call(&root));
        }
        self.blocks.insert(d.id(), blocks);
    }

    /// A task per output block: the inputs' regions of the first input's
    /// block, evaluated, then the function.
    fn blockwise(&mut self, out: &Array, inputs: &[Array], f: crate::node::BlockFn) {
        let in_grid = inputs[0].grid().clone();
        let out_grid = out.grid().clone();
        let mut blocks = Vec::with_capacity(out_grid.len());
        for flat in 0..out_grid.len() {
            let region = in_grid.region(&in_grid.unflatten(flat));
            let want = lens(&out_grid.region(&out_grid.unflatten(flat)));
            let mut needed = Vec::new();
            for x in inputs {
                leaf_blocks(x, &region, &self.materialized, &mut needed);
            }
            let (deps, index) = self.inputs(needed);
            let (inputs, f, mat) = (inputs.to_vec(), f.clone(), self.materialized.clone());
            let run: TaskFn = Arc::new(move |args: &[&Piece]| {
                let cx = Leaves::new(&mat, args, &index);
                let values = inputs.iter().map(|x| eval(x, &region, &cx)).collect::<Result<Vec<_>, _>>()?;
                let views: Vec<_> = values.iter().map(ArrayD::view).collect();
                let block = f(&views)?;
                if block.shape() != want.as_slice() {
                    return Err(format!(
                        "the block function returned shape {:?} for block {flat}, whose shape is {want:?}",
                        block.shape()
                    ));
                }
                let block =
                    if block.is_standard_layout() { block } else { block.as_standard_layout().into_owned() };
                Ok(Piece { block: Some(Arc::new(block)), partials: Vec::new() })
            });
            blocks.push(self.task("blockwise", &deps, run));
        }
        self.blocks.insert(out.id(), blocks);
    }

    /// A task per output block and block of the contracted axis (the left
    /// operand's last-axis blocks), each evaluating both operands' regions.
    fn products(&mut self, d: &Array, x: &Array, y: &Array) -> Vec<(Delayed<Piece>, usize)> {
        let out_grid = d.grid().clone();
        let k_axis = x.ndim() - 1;
        let k_blocks = x.chunks()[k_axis].len();
        let mut roots = Vec::with_capacity(out_grid.len());
        for out in 0..out_grid.len() {
            let oreg = out_grid.region(&out_grid.unflatten(out));
            let mut items = Vec::with_capacity(k_blocks);
            for kb in 0..k_blocks {
                let start = x.grid().start(k_axis, kb);
                let k = start..start + x.chunks()[k_axis][kb];
                let (xr, yr) = match (x.ndim(), y.ndim()) {
                    (1, 1) => (vec![k.clone()], vec![k]),
                    (2, 1) => (vec![oreg[0].clone(), k.clone()], vec![k]),
                    (1, 2) => (vec![k.clone()], vec![k, oreg[0].clone()]),
                    _ => (vec![oreg[0].clone(), k.clone()], vec![k, oreg[1].clone()]),
                };
                let mut needed = Vec::new();
                leaf_blocks(x, &xr, &self.materialized, &mut needed);
                leaf_blocks(y, &yr, &self.materialized, &mut needed);
                let (inputs, index) = self.inputs(needed);
                let (x, y, mat) = (x.clone(), y.clone(), self.materialized.clone());
                let run: TaskFn = Arc::new(move |args: &[&Piece]| {
                    let cx = Leaves::new(&mat, args, &index);
                    let a = eval(&x, &xr, &cx)?;
                    let b = eval(&y, &yr, &cx)?;
                    Ok(Piece { block: None, partials: vec![Partial::Sum(product(a, b)?)] })
                });
                items.push((self.task("dot-block", &inputs, run), 0));
            }
            roots.push(self.tree("dot-combine", items));
        }
        roots
    }
}

fn visit(a: &Array, seen: &mut HashSet<u64>, order: &mut Vec<Array>) {
    if !seen.insert(a.id()) {
        return;
    }
    for c in children(a) {
        visit(c, seen, order);
    }
    order.push(a.clone());
}

/// The leaf blocks a root's own expression reads (the root itself is
/// evaluated, not read, even when materialized).
fn root_leaf_blocks(
    a: &Array,
    region: &[Range<usize>],
    materialized: &HashSet<u64>,
    out: &mut Vec<(Array, usize)>,
) {
    if !is_leaf(a, materialized) {
        leaf_blocks(a, region, materialized, out);
        return;
    }
    let without: HashSet<u64> = materialized.iter().copied().filter(|&id| id != a.id()).collect();
    leaf_blocks(a, region, &without, out);
}

/// The finished value of a merged partial, as a block.
fn finish(p: &Piece, slot: usize, stat: Stat) -> Result<Piece, String> {
    let partial = p.partials.get(slot).ok_or("a partial is missing")?;
    Ok(Piece { block: Some(Arc::new(partial.finish(stat)?)), partials: Vec::new() })
}

/// `a.dot(b)` of two evaluated operand blocks (1 or 2 dimensions each).
fn product(a: ArrayD<f64>, b: ArrayD<f64>) -> Result<ArrayD<f64>, String> {
    let err = |e: ndarray::ShapeError| e.to_string();
    Ok(match (a.ndim(), b.ndim()) {
        (1, 1) => {
            let v = a
                .into_dimensionality::<Ix1>()
                .map_err(err)?
                .dot(&b.into_dimensionality::<Ix1>().map_err(err)?);
            ArrayD::from_elem(IxDyn(&[]), v)
        }
        (2, 1) => a
            .into_dimensionality::<Ix2>()
            .map_err(err)?
            .dot(&b.into_dimensionality::<Ix1>().map_err(err)?)
            .into_dyn(),
        (1, 2) => a
            .into_dimensionality::<Ix1>()
            .map_err(err)?
            .dot(&b.into_dimensionality::<Ix2>().map_err(err)?)
            .into_dyn(),
        _ => a
            .into_dimensionality::<Ix2>()
            .map_err(err)?
            .dot(&b.into_dimensionality::<Ix2>().map_err(err)?)
            .into_dyn(),
    })
}

/// The tiles of a block of three or more dimensions, in row-major order:
/// slabs along the first axis whose trailing extent fits a tile, each cut
/// along that axis into pieces of about `TILE` elements.
fn tiles(region: &[Range<usize>]) -> Vec<Vec<Range<usize>>> {
    // The first axis `k` whose trailing axes (k + 1..) fit a tile; a tile
    // spans `step` indices of axis k and one of every axis before it.
    let mut k = region.len() - 1;
    let mut trailing = 1usize;
    while k > 0 && trailing.saturating_mul(region[k].len()) <= TILE {
        trailing *= region[k].len();
        k -= 1;
    }
    let step = (TILE / trailing.max(1)).max(1);
    let mut out = Vec::new();
    let lead = &region[..k];
    if region.iter().any(|r| r.is_empty()) {
        return vec![region.to_vec()];
    }
    let mut idx: Vec<usize> = lead.iter().map(|r| r.start).collect();
    loop {
        let mut at = region[k].start;
        while at < region[k].end {
            let end = (at + step).min(region[k].end);
            let mut t: Vec<Range<usize>> = idx.iter().map(|&i| i..i + 1).collect();
            t.push(at..end);
            t.extend(region[k + 1..].iter().cloned());
            out.push(t);
            at = end;
        }
        let mut d = lead.len();
        loop {
            if d == 0 {
                return out;
            }
            d -= 1;
            idx[d] += 1;
            if idx[d] < lead[d].end {
                break;
            }
            idx[d] = lead[d].start;
        }
    }
}

/// Tiles of about `TILE` elements for a block that is only reduced: the
/// last axis whole if it fits, then the reduced axes (last first), then the
/// others, each taken whole while the tile fits and the first that does not
/// fit cut; the tiles follow in row-major order of the tile grid.
fn reduction_tiles(region: &[Range<usize>], reduced: u64) -> Vec<Vec<Range<usize>>> {
    let n = region.len();
    let lens: Vec<usize> = region.iter().map(Range::len).collect();
    if lens.contains(&0) {
        return vec![region.to_vec()];
    }
    let mut ext = vec![1usize; n];
    let mut size = 1usize;
    let last = n - 1;
    let order = std::iter::once(last)
        .chain((0..last).rev().filter(|&d| reduced >> d & 1 == 1))
        .chain((0..last).rev().filter(|&d| reduced >> d & 1 == 0));
    for d in order {
        let room = (TILE / size).max(1);
        ext[d] = lens[d].min(room);
        size *= ext[d];
        if ext[d] < lens[d] {
            break;
        }
    }
    let mut out = Vec::new();
    let mut at: Vec<usize> = region.iter().map(|r| r.start).collect();
    loop {
        out.push((0..n).map(|d| at[d]..(at[d] + ext[d]).min(region[d].end)).collect());
        let mut d = n;
        loop {
            if d == 0 {
                return out;
            }
            d -= 1;
            at[d] += ext[d];
            if at[d] < region[d].end {
                break;
            }
            at[d] = region[d].start;
        }
    }
}

/// One block task of a root.
struct BlockTask {
    array: Array,
    region: Vec<Range<usize>>,
    materialize: bool,
    sinks: Vec<(SinkKind, Option<Array>)>,
    other_regions: Vec<Option<Vec<Range<usize>>>>,
    materialized: Arc<HashSet<u64>>,
    index: BlockIndex,
}

impl BlockTask {
    fn run(&self, args: &[&Piece]) -> Result<Piece, String> {
        let cx = Leaves::new(&self.materialized, args, &self.index);
        // The root itself is evaluated, not read from its own blocks.
        let own: HashSet<u64>;
        let root_cx = if fusable(&self.array) && self.materialized.contains(&self.array.id()) {
            own = self.materialized.iter().copied().filter(|&id| id != self.array.id()).collect();
            Leaves::new(&own, args, &self.index)
        } else {
            Leaves::new(&self.materialized, args, &self.index)
        };
        let shape = lens(&self.region);
        let mut states = Vec::with_capacity(self.sinks.len());
        for ((kind, other), r) in self.sinks.iter().zip(&self.other_regions) {
            let other = match (other, r) {
                (Some(o), Some(r)) => eval(o, r, &cx)?.into_iter().collect(),
                _ => Vec::new(),
            };
            states.push(SinkState::new(*kind, &shape, other));
        }
        let mut data = Vec::with_capacity(if self.materialize { shape.iter().product() } else { 0 });
        let mut feed = |tile: &[Range<usize>], at: usize| -> Result<(), String> {
            let t = eval(&self.array, tile, &root_cx)?;
            let values = t.as_slice().ok_or("a tile is not contiguous")?;
            let (h, w) = match tile {
                [rows, cols] => (rows.len(), cols.len()),
                [r] => (1, r.len()),
                _ => (1, 1),
            };
            for s in &mut states {
                if s.wants_region() {
                    let local: Vec<Range<usize>> = tile
                        .iter()
                        .zip(&self.region)
                        .map(|(t, b)| t.start - b.start..t.end - b.start)
                        .collect();
                    s.feed_region(values, &local);
                } else {
                    s.feed(values, h, w, at);
                }
            }
            if self.materialize {
                data.extend_from_slice(values);
            }
            Ok(())
        };
        match self.region.as_slice() {
            [] => feed(&[], 0)?,
            [r] => {
                let mut at = r.start;
                loop {
                    let end = (at + TILE).min(r.end);
                    feed(std::slice::from_ref(&(at..end)), at - r.start)?;
                    at = end;
                    if at >= r.end {
                        break;
                    }
                }
            }
            [rows, cols] => {
                let step = (TILE / cols.len().max(1)).max(1);
                let mut at = rows.start;
                while at < rows.end {
                    let end = (at + step).min(rows.end);
                    feed(&[at..end, cols.clone()], at - rows.start)?;
                    at = end;
                }
            }
            region => {
                // A block that is only reduced may be tiled in any order:
                // tiles then run along the reduced axes, so that each of
                // a tile's lanes receives many elements.
                let reduced = self.sinks.iter().fold(0u64, |m, (k, _)| match k {
                    SinkKind::Axes(_, mask) => m | mask,
                    _ => m,
                });
                let tiles = if self.materialize || reduced == 0 {
                    tiles(region)
                } else {
                    reduction_tiles(region, reduced)
                };
                for tile in tiles {
                    feed(&tile, 0)?;
                }
            }
        }
        let block = if self.materialize {
            Some(Arc::new(ArrayD::from_shape_vec(IxDyn(&shape), data).map_err(|e| e.to_string())?))
        } else {
            None
        };
        Ok(Piece { block, partials: states.into_iter().map(SinkState::finish).collect() })
    }
}

mod select;

#[cfg(test)]
mod tests;
