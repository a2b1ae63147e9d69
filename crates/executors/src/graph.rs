//! The lazy task graph, after `dask.delayed`: wrapped functions record nodes
//! instead of running; [`Graph::compute`] runs what the outputs need, once,
//! under the synchronous or the threaded scheduler; `drawing.rs` draws it
//! ([`Graph::to_dot`], [`Graph::visualize`]).
//!
//! Purity, as in dask: a call is impure by default, so every call is a node
//! of its own (its key is the function's name and a unique hash). A
//! function marked pure ([`Delayed1::pure`], dask's `delayed(f, pure=True)`)
//! gives the same node, run once, for the same arguments. Equal literals are
//! one node. Sharing compares the full identity, never just a hash (see the
//! `key` module). Nodes only take earlier nodes as arguments, so a graph
//! cannot have a cycle.

use std::collections::HashMap;
use std::fmt::Display;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::error::{ExecError, TaskError};
use crate::executor::{Executor, Slots, Strategy, run_catching};
use crate::key::{FnIdentity, Fnv, Identity, Keys, literal_label};
use crate::scheduler::{Failure, Plan, Value, execute};

type NodeFn = Arc<dyn Fn(&[Value]) -> Result<Value, String> + Send + Sync>;
type Fn1<A, R> = Arc<dyn Fn(&A) -> Result<R, String> + Send + Sync>;
type Fn2<A, B, R> = Arc<dyn Fn(&A, &B) -> Result<R, String> + Send + Sync>;
type FnN<A, R> = Arc<dyn Fn(&[&A]) -> Result<R, String> + Send + Sync>;

/// A node as a drawing shows it (see `Graph::subgraph`).
pub(crate) struct DrawnNode {
    /// Its key, the drawing's node name.
    pub(crate) key: String,
    /// Its function's name or its literal's text.
    pub(crate) label: String,
    /// Whether it is a literal.
    pub(crate) literal: bool,
    /// Whether it is one of the outputs drawn.
    pub(crate) output: bool,
    /// Its arguments' keys.
    pub(crate) deps: Vec<String>,
}

struct Node {
    key: String,
    /// The function's name, or the literal's text, for drawings.
    label: String,
    literal: bool,
    deps: Vec<usize>,
    func: NodeFn,
}

#[derive(Default)]
struct Inner {
    nodes: Vec<Node>,
    keys: Keys,
    functions: u64,
    /// The literals by identity (type and bytes), with their values, to
    /// find one equal to a new literal.
    literals: HashMap<Identity, Vec<(usize, Value)>>,
}

/// A lazy task graph. Cloning gives another handle on the same graph.
///
/// ```
/// use executors::{Executor, Graph, Strategy};
/// let g = Graph::new();
/// let inc = g.delayed1("inc", |x: &i64| Ok::<_, String>(x + 1)).pure();
/// let add = g.delayed2("add", |x: &i64, y: &i64| Ok::<_, String>(x + y));
/// let two = inc.call(1);
/// let total = add.call(&two, &inc.call(1)); // inc is pure: inc(1) is one node, run once
/// assert_eq!(g.len(), 3); // the literal 1, inc(1), add
/// let exec = Executor::new(Strategy::Graph, 4)?;
/// assert_eq!(g.compute(&[&total], &exec)?, [4]);
/// // add is impure (the default): the same call again is another node.
/// add.call(&two, &two);
/// add.call(&two, &two);
/// assert_eq!(g.len(), 5);
/// # Ok::<(), executors::ExecError>(())
/// ```
#[derive(Clone, Default)]
pub struct Graph {
    inner: Arc<Mutex<Inner>>,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph").field("nodes", &self.len()).finish()
    }
}

/// A value the graph will compute: a handle on one node.
pub struct Delayed<T> {
    pub(crate) graph: Graph,
    pub(crate) id: usize,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Delayed<T> {
    fn clone(&self) -> Self {
        Self { graph: self.graph.clone(), id: self.id, _type: PhantomData }
    }
}

impl<T> std::fmt::Debug for Delayed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Delayed").field(&self.key()).finish()
    }
}

/// An untyped reference to a node, for drawing several outputs of any types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeId(usize);

impl NodeId {
    /// The node's position in creation order, which names it in
    /// [`TaskError::index`] and [`ExecError::WorkerLost`].
    pub fn index(self) -> usize {
        self.0
    }
}

impl<T> Delayed<T> {
    /// The node's key.
    pub fn key(&self) -> String {
        self.graph.lock().nodes[self.id].key.clone()
    }

    /// The node, untyped.
    pub fn node(&self) -> NodeId {
        NodeId(self.id)
    }
}

impl<T: Clone + Send + Sync + 'static> Delayed<T> {
    /// Computes this value alone.
    pub fn compute(&self, exec: &Executor) -> Result<T, ExecError> {
        Ok(self.graph.compute(&[self], exec)?.remove(0))
    }
}

/// An argument of a delayed call: a borrowed delayed value, or a plain
/// value, which becomes a literal node ([`Graph::value`]).
pub trait IntoDelayed<T> {
    /// This argument as a node; a plain value is added to `graph`.
    fn into_delayed(self, graph: &Graph) -> Delayed<T>;
}

impl<T> IntoDelayed<T> for &Delayed<T> {
    fn into_delayed(self, _: &Graph) -> Delayed<T> {
        self.clone()
    }
}

impl<T: Serialize + PartialEq + Send + Sync + 'static> IntoDelayed<T> for T {
    fn into_delayed(self, graph: &Graph) -> Delayed<T> {
        graph.value(self)
    }
}

/// A wrapped function of one argument; [`Delayed1::call`] records a call.
pub struct Delayed1<A, R> {
    graph: Graph,
    name: String,
    fn_id: u64,
    pure: bool,
    f: Fn1<A, R>,
}

/// A wrapped function of two arguments; [`Delayed2::call`] records a call.
pub struct Delayed2<A, B, R> {
    graph: Graph,
    name: String,
    fn_id: u64,
    pure: bool,
    f: Fn2<A, B, R>,
}

/// A wrapped function of any number of arguments of one type.
pub struct DelayedN<A, R> {
    graph: Graph,
    name: String,
    fn_id: u64,
    pure: bool,
    f: FnN<A, R>,
}

macro_rules! purity {
    ($($wrapper:ident<$($p:ident),*>),*) => {$(
        impl<$($p),*> $wrapper<$($p),*> {
            /// Marks the function pure (dask's `delayed(f, pure=True)`): its
            /// calls on the same arguments are then one node, run once.
            /// Without it every call is a node of its own.
            #[must_use]
            pub fn pure(mut self) -> Self {
                self.pure = true;
                self
            }

            /// Whether the function was marked pure.
            pub fn is_pure(&self) -> bool {
                self.pure
            }
        }
    )*};
}
purity!(Delayed1<A, R>, Delayed2<A, B, R>, DelayedN<A, R>);

impl<A: Send + Sync + 'static, R: Send + Sync + 'static> Delayed1<A, R> {
    /// Records `f(a)`: a new node, or for a pure function the node of the
    /// same call if there is one.
    pub fn call(&self, a: impl IntoDelayed<A>) -> Delayed<R> {
        let a = a.into_delayed(&self.graph);
        let f = self.f.clone();
        let func = FnIdentity::Wrapped(self.fn_id);
        self.graph.add_call(&self.name, func, self.pure, &[(&a.graph, a.id)], move |args| {
            f(downcast::<A>(&args[0])).map(|r| Arc::new(r) as Value)
        })
    }
}

impl<A, B, R> Delayed2<A, B, R>
where
    A: Send + Sync + 'static,
    B: Send + Sync + 'static,
    R: Send + Sync + 'static,
{
    /// Records `f(a, b)`: a new node, or for a pure function the node of the
    /// same call if there is one.
    pub fn call(&self, a: impl IntoDelayed<A>, b: impl IntoDelayed<B>) -> Delayed<R> {
        let a = a.into_delayed(&self.graph);
        let b = b.into_delayed(&self.graph);
        let f = self.f.clone();
        let func = FnIdentity::Wrapped(self.fn_id);
        self.graph.add_call(&self.name, func, self.pure, &[(&a.graph, a.id), (&b.graph, b.id)], move |args| {
            f(downcast::<A>(&args[0]), downcast::<B>(&args[1])).map(|r| Arc::new(r) as Value)
        })
    }
}

impl<A: Send + Sync + 'static, R: Send + Sync + 'static> DelayedN<A, R> {
    /// Records `f(args)`: a new node, or for a pure function the node of
    /// the same call if there is one.
    pub fn call(&self, args: &[Delayed<A>]) -> Delayed<R> {
        let f = self.f.clone();
        let deps: Vec<(&Graph, usize)> = args.iter().map(|a| (&a.graph, a.id)).collect();
        let func = FnIdentity::Wrapped(self.fn_id);
        self.graph.add_call(&self.name, func, self.pure, &deps, move |values| {
            let typed: Vec<&A> = values.iter().map(|v| downcast::<A>(v)).collect();
            f(&typed).map(|r| Arc::new(r) as Value)
        })
    }
}

pub(crate) fn downcast<T: 'static>(v: &Value) -> &T {
    v.downcast_ref::<T>().expect("node inputs have the types their handles say")
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The nodes the outputs need, in creation order, for drawings: each
    /// with its key, label, whether it is a literal, whether it is an
    /// output, and its arguments' positions in this list.
    pub(crate) fn subgraph(&self, outputs: &[NodeId]) -> Vec<DrawnNode> {
        let inner = self.lock();
        let mut needed = vec![false; inner.nodes.len()];
        let mut stack: Vec<usize> = outputs.iter().map(|o| o.0).collect();
        while let Some(t) = stack.pop() {
            if !std::mem::replace(&mut needed[t], true) {
                stack.extend(inner.nodes[t].deps.iter().copied());
            }
        }
        inner
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| needed[*i])
            .map(|(id, node)| DrawnNode {
                key: node.key.clone(),
                label: node.label.clone(),
                literal: node.literal,
                output: outputs.iter().any(|o| o.0 == id),
                deps: node.deps.iter().map(|&d| inner.nodes[d].key.clone()).collect(),
            })
            .collect()
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.lock().nodes.len()
    }

    /// Whether the graph has no node.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A literal value as a node. Values of one type that are equal (`==`)
    /// and serialize (bincode) to the same bytes are one node: every bit of
    /// a float counts, so inf and -0.0 are distinct values; a value holding
    /// a NaN (never `==` to anything) is a node of its own, and so are two
    /// values whose serializations agree but which differ (a field left out
    /// by `#[serde(skip)]`). A value that cannot be serialized is a node of
    /// its own.
    pub fn value<T: Serialize + PartialEq + Send + Sync + 'static>(&self, v: T) -> Delayed<T> {
        let type_name = std::any::type_name::<T>();
        let bytes = bincode::serialize(&v).ok();
        let label = literal_label(&v, type_name, bytes.as_deref());
        let value = Arc::new(v);
        let mut inner = self.lock();
        let mut h = Fnv::new();
        h.write(type_name.as_bytes());
        let identity = bytes.map(|bytes| {
            h.write(&bytes);
            Identity::Literal { ty: std::any::TypeId::of::<T>(), bytes: bytes.into() }
        });
        // Among the literals with these bytes, one equal (`==`) to this value.
        // Equal bytes but different values happen when the serialization
        // leaves something out; a value not equal to itself (holding a NaN)
        // is never shared, since `==` cannot tell it from another.
        let candidates =
            identity.as_ref().and_then(|i| inner.literals.get(i)).map(Vec::as_slice).unwrap_or(&[]);
        let equal = candidates.iter().find(|(_, x)| x.downcast_ref::<T>().is_some_and(|x| *x == *value));
        if let Some(&(found, _)) = equal {
            return Delayed { graph: self.clone(), id: found, _type: PhantomData };
        }
        if identity.is_none() || !candidates.is_empty() {
            h.write(b"\0unshared");
            h.write(&inner.keys.next_serial().to_le_bytes());
        }
        let as_value: Value = value;
        let output = as_value.clone();
        let func: NodeFn = Arc::new(move |_| Ok(output.clone()));
        let id = inner.insert(None, "literal", &h, label, true, Vec::new(), func);
        if let Some(identity) = identity {
            inner.literals.entry(identity).or_default().push((id, as_value));
        }
        Delayed { graph: self.clone(), id, _type: PhantomData }
    }

    /// Wraps a function of one argument (dask's `delayed(f)`); its calls
    /// are impure (each a node of its own) unless it is marked
    /// [`Delayed1::pure`].
    pub fn delayed1<A, R, E: Display>(
        &self,
        name: &str,
        f: impl Fn(&A) -> Result<R, E> + Send + Sync + 'static,
    ) -> Delayed1<A, R> {
        Delayed1 {
            graph: self.clone(),
            name: name.to_owned(),
            fn_id: self.next_fn(),
            pure: false,
            f: Arc::new(move |a| f(a).map_err(|e| e.to_string())),
        }
    }

    /// Wraps a function of two arguments.
    pub fn delayed2<A, B, R, E: Display>(
        &self,
        name: &str,
        f: impl Fn(&A, &B) -> Result<R, E> + Send + Sync + 'static,
    ) -> Delayed2<A, B, R> {
        Delayed2 {
            graph: self.clone(),
            name: name.to_owned(),
            fn_id: self.next_fn(),
            pure: false,
            f: Arc::new(move |a, b| f(a, b).map_err(|e| e.to_string())),
        }
    }

    /// Wraps a function of a list of arguments of one type.
    pub fn delayed_n<A, R, E: Display>(
        &self,
        name: &str,
        f: impl Fn(&[&A]) -> Result<R, E> + Send + Sync + 'static,
    ) -> DelayedN<A, R> {
        DelayedN {
            graph: self.clone(),
            name: name.to_owned(),
            fn_id: self.next_fn(),
            pure: false,
            f: Arc::new(move |a| f(a).map_err(|e| e.to_string())),
        }
    }

    fn next_fn(&self) -> u64 {
        let mut inner = self.lock();
        inner.functions += 1;
        inner.functions
    }

    /// Records a call of `func` (named `name`) on the nodes `args`. An
    /// argument from another graph makes a node that fails when run, naming
    /// the call.
    pub(crate) fn add_call<R>(
        &self,
        name: &str,
        func: FnIdentity,
        pure: bool,
        args: &[(&Graph, usize)],
        f: impl Fn(&[Value]) -> Result<Value, String> + Send + Sync + 'static,
    ) -> Delayed<R> {
        let id = self.add_call_node(name, func, pure, args, Arc::new(f));
        Delayed { graph: self.clone(), id, _type: PhantomData }
    }

    fn add_call_node(
        &self,
        name: &str,
        func: FnIdentity,
        pure: bool,
        args: &[(&Graph, usize)],
        f: NodeFn,
    ) -> usize {
        if let Some(i) = args.iter().position(|(g, _)| !Arc::ptr_eq(&g.inner, &self.inner)) {
            let message = format!("argument {i} of a call of {name} belongs to another graph");
            return self.add_call_node(name, func, false, &[], Arc::new(move |_| Err(message.clone())));
        }
        let deps: Vec<usize> = args.iter().map(|&(_, id)| id).collect();
        let mut inner = self.lock();
        let mut h = Fnv::new();
        h.write(name.as_bytes());
        match func {
            FnIdentity::Wrapped(serial) => h.write(&serial.to_le_bytes()),
            FnIdentity::Operator(op, _) => h.write(op.as_bytes()),
        }
        for &d in &deps {
            h.write(inner.nodes[d].key.as_bytes());
            h.write(&[0]);
        }
        let identity = if pure {
            Some(Identity::Call { func, deps: deps.clone().into() })
        } else {
            h.write(&inner.keys.next_serial().to_le_bytes());
            None
        };
        inner.insert(identity, name, &h, name.to_owned(), false, deps, f)
    }

    fn check_owned(&self, graph: &Graph) -> Result<(), ExecError> {
        if Arc::ptr_eq(&self.inner, &graph.inner) {
            Ok(())
        } else {
            Err(ExecError::Graph("an output belongs to another graph".to_owned()))
        }
    }

    /// Computes the outputs in one run: what they share runs once.
    /// [`Strategy::Sequential`] uses the synchronous scheduler (in the
    /// caller, for debugging); every other strategy the threaded one with
    /// the executor's workers.
    pub fn compute<T: Clone + Send + Sync + 'static>(
        &self,
        outputs: &[&Delayed<T>],
        exec: &Executor,
    ) -> Result<Vec<T>, ExecError> {
        for o in outputs {
            self.check_owned(&o.graph)?;
        }
        let ids: Vec<usize> = outputs.iter().map(|o| o.id).collect();
        let values = self.run(&ids, exec)?;
        Ok(values.iter().map(|v| downcast::<T>(v).clone()).collect())
    }

    /// Computes two outputs of different types in one run.
    pub fn compute2<A, B>(&self, a: &Delayed<A>, b: &Delayed<B>, exec: &Executor) -> Result<(A, B), ExecError>
    where
        A: Clone + Send + Sync + 'static,
        B: Clone + Send + Sync + 'static,
    {
        self.check_owned(&a.graph)?;
        self.check_owned(&b.graph)?;
        let values = self.run(&[a.id, b.id], exec)?;
        Ok((downcast::<A>(&values[0]).clone(), downcast::<B>(&values[1]).clone()))
    }

    fn run(&self, outputs: &[usize], exec: &Executor) -> Result<Vec<Value>, ExecError> {
        // Snapshot the nodes so that the graph can grow while this runs.
        let (deps, funcs, keys): (Vec<Vec<usize>>, Vec<NodeFn>, Vec<String>) = {
            let inner = self.lock();
            let mut deps = Vec::with_capacity(inner.nodes.len());
            let mut funcs = Vec::with_capacity(inner.nodes.len());
            let mut keys = Vec::with_capacity(inner.nodes.len());
            for n in &inner.nodes {
                deps.push(n.deps.clone());
                funcs.push(n.func.clone());
                keys.push(n.key.clone());
            }
            (deps, funcs, keys)
        };
        let plan = Plan { deps: &deps, outputs };
        // The progress bar counts the tasks the run has, not its outputs.
        let hooks = exec.hooks(plan.needed().iter().filter(|&&n| n).count());
        let run = |t: usize, args: Vec<Value>, worker: usize| -> Result<Value, TaskError> {
            let key = || keys[t].clone();
            hooks.pre(&key, worker);
            let out = run_catching(t, &key, || funcs[t](&args));
            hooks.post(&key, worker, out.is_ok());
            out
        };
        let workers = if exec.strategy() == Strategy::Sequential { 0 } else { exec.workers() };
        let result = execute(&plan, workers, exec.failure_policy(), &run);
        hooks.finish(result.is_err());
        result.map_err(|failure| match failure {
            Failure::Tasks(errors) => errors_to_exec(errors, exec),
            Failure::Run(e) => e,
        })
    }
}

impl Inner {
    /// The node with this identity, or a new one keyed `<prefix>-<hash>`.
    #[allow(clippy::too_many_arguments)]
    fn insert(
        &mut self,
        identity: Option<Identity>,
        prefix: &str,
        hash: &Fnv,
        label: String,
        literal: bool,
        deps: Vec<usize>,
        func: NodeFn,
    ) -> usize {
        if let Some(id) = identity.as_ref().and_then(|i| self.keys.find(i)) {
            return id;
        }
        let id = self.nodes.len();
        let key = self.keys.claim(prefix, hash);
        if let Some(identity) = identity {
            self.keys.insert(identity, id);
        }
        self.nodes.push(Node { key, label, literal, deps, func });
        id
    }
}

fn errors_to_exec(mut errors: Vec<TaskError>, exec: &Executor) -> ExecError {
    match exec.failure_policy() {
        crate::OnError::Stop => ExecError::Task(errors.swap_remove(0)),
        crate::OnError::KeepGoing => ExecError::Tasks(errors),
    }
}

/// The graph strategy of [`Executor::map`]: a node per input, no edges, run
/// by the threaded scheduler.
pub(crate) fn run_batch<T, R>(
    inputs: Vec<(usize, T)>,
    exec: &Executor,
    task: &(dyn Fn(usize, T, usize) -> Option<Result<R, TaskError>> + Sync),
) -> Result<Slots<R>, ExecError>
where
    T: Send,
    R: Send,
{
    let n = inputs.len();
    // The scheduler runs the newest ready node first, so node `t` holds
    // input `n - 1 - t`: inputs then start in order, as in the other strategies.
    let cells: Vec<Mutex<Option<(usize, T)>>> =
        inputs.into_iter().rev().map(|x| Mutex::new(Some(x))).collect();
    let slots: Vec<Mutex<Option<Result<R, TaskError>>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let deps: Vec<Vec<usize>> = vec![Vec::new(); n];
    let outputs: Vec<usize> = (0..n).collect();
    let unit: Value = Arc::new(());
    let run = |t: usize, _: Vec<Value>, worker: usize| -> Result<Value, TaskError> {
        let (index, input) =
            cells[t].lock().unwrap_or_else(|e| e.into_inner()).take().expect("each task runs once");
        let out = task(index, input, worker);
        *slots[t].lock().unwrap_or_else(|e| e.into_inner()) = out;
        Ok(unit.clone())
    };
    // Failures are recorded in the slots (the task closure applies the
    // executor's policy), so the scheduler itself sees only successes.
    match execute(&Plan { deps: &deps, outputs: &outputs }, exec.workers(), crate::OnError::KeepGoing, &run) {
        Ok(_) | Err(Failure::Tasks(_)) => {}
        Err(Failure::Run(e)) => return Err(e),
    }
    Ok(slots.into_iter().rev().map(|s| s.into_inner().unwrap_or_else(|e| e.into_inner())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_whose_hashes_collide_stay_apart_with_distinct_keys() {
        let g = Graph::new();
        g.lock().keys.collide = true;
        let a = g.value(1u32);
        let b = g.value(2u32);
        assert_eq!(a.key(), "literal-0000000000000000");
        assert_eq!(b.key(), "literal-0000000000000000-2");
        let inc = g.delayed1("inc", |x: &u32| Ok::<_, String>(x + 1)).pure();
        let (ia, ib) = (inc.call(&a), inc.call(&b));
        assert_ne!(ia.key(), ib.key());
        // Sharing still works, by identity.
        assert_eq!(inc.call(&a).key(), ia.key());
        assert_eq!(g.value(2u32).key(), b.key());
        assert_eq!(g.len(), 4);
        assert_eq!(g.compute(&[&ia, &ib], &Executor::sequential()).unwrap(), [2, 3]);
    }
}
