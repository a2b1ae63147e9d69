//! The lazy task graph, after `dask.delayed`: wrapped functions record nodes
//! instead of running; [`Graph::compute`] runs what the outputs need, once,
//! under the synchronous or the threaded scheduler; [`Graph::to_dot`] draws it.
//!
//! Keys: a call's key is its function's name and a hash of the function's
//! identity and the keys of its arguments, so the same call on the same
//! arguments is the same node and runs once. A literal's key hashes its
//! serialized value. Nodes only take earlier nodes as arguments, so a graph
//! cannot have a cycle.

use std::collections::HashMap;
use std::fmt::{Display, Write as _};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::error::{ExecError, TaskError};
use crate::executor::{Executor, Slots, Strategy, run_catching};
use crate::scheduler::{Failure, Plan, Value, execute};

type NodeFn = Arc<dyn Fn(&[Value]) -> Result<Value, String> + Send + Sync>;
type Fn1<A, R> = Arc<dyn Fn(&A) -> Result<R, String> + Send + Sync>;
type Fn2<A, B, R> = Arc<dyn Fn(&A, &B) -> Result<R, String> + Send + Sync>;
type FnN<A, R> = Arc<dyn Fn(&[&A]) -> Result<R, String> + Send + Sync>;

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
    by_key: HashMap<String, usize>,
    functions: u64,
}

/// A lazy task graph. Cloning gives another handle on the same graph.
///
/// ```
/// use executors::{Executor, Graph, Strategy};
/// let g = Graph::new();
/// let inc = g.delayed1("inc", |x: &i64| Ok::<_, String>(x + 1));
/// let add = g.delayed2("add", |x: &i64, y: &i64| Ok::<_, String>(x + y));
/// let one = g.value(1i64);
/// let two = inc.call(&one);
/// let total = add.call(&two, &inc.call(&one)); // inc(1) is one node, run once
/// assert_eq!(g.len(), 3);
/// let exec = Executor::new(Strategy::Graph, 4)?;
/// assert_eq!(g.compute(&[&total], &exec)?, [4]);
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
    graph: Graph,
    id: usize,
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

/// A wrapped function of one argument; [`Delayed1::call`] records a call.
pub struct Delayed1<A, R> {
    graph: Graph,
    name: String,
    fn_id: u64,
    f: Fn1<A, R>,
}

/// A wrapped function of two arguments; [`Delayed2::call`] records a call.
pub struct Delayed2<A, B, R> {
    graph: Graph,
    name: String,
    fn_id: u64,
    f: Fn2<A, B, R>,
}

/// A wrapped function of any number of arguments of one type.
pub struct DelayedN<A, R> {
    graph: Graph,
    name: String,
    fn_id: u64,
    f: FnN<A, R>,
}

impl<A: Send + Sync + 'static, R: Send + Sync + 'static> Delayed1<A, R> {
    /// Records `f(a)`; the same call twice is one node.
    pub fn call(&self, a: &Delayed<A>) -> Delayed<R> {
        let f = self.f.clone();
        self.graph.add_call(&self.name, self.fn_id, &[a.id], move |args| {
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
    /// Records `f(a, b)`; the same call twice is one node.
    pub fn call(&self, a: &Delayed<A>, b: &Delayed<B>) -> Delayed<R> {
        let f = self.f.clone();
        self.graph.add_call(&self.name, self.fn_id, &[a.id, b.id], move |args| {
            f(downcast::<A>(&args[0]), downcast::<B>(&args[1])).map(|r| Arc::new(r) as Value)
        })
    }
}

impl<A: Send + Sync + 'static, R: Send + Sync + 'static> DelayedN<A, R> {
    /// Records `f(args)`; the same call twice is one node.
    pub fn call(&self, args: &[Delayed<A>]) -> Delayed<R> {
        let f = self.f.clone();
        let ids: Vec<usize> = args.iter().map(|a| a.id).collect();
        self.graph.add_call(&self.name, self.fn_id, &ids, move |values| {
            let typed: Vec<&A> = values.iter().map(|v| downcast::<A>(v)).collect();
            f(&typed).map(|r| Arc::new(r) as Value)
        })
    }
}

fn downcast<T: 'static>(v: &Value) -> &T {
    v.downcast_ref::<T>().expect("node inputs have the types their handles say")
}

/// Direction of a drawing, Graphviz's `rankdir`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RankDir {
    /// Top to bottom.
    #[default]
    TopBottom,
    /// Left to right.
    LeftRight,
}

/// The files [`Graph::visualize`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drawing {
    /// The Graphviz source.
    pub dot: PathBuf,
    /// The SVG, when the `dot` program was found.
    pub svg: Option<PathBuf>,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.lock().nodes.len()
    }

    /// Whether the graph has no node.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A literal value as a node; equal values are one node.
    pub fn value<T: Serialize + Send + Sync + 'static>(&self, v: T) -> Delayed<T> {
        let text = serde_json::to_string(&v).unwrap_or_else(|_| "?".to_owned());
        let mut h = Fnv::new();
        h.write(std::any::type_name::<T>().as_bytes());
        h.write(text.as_bytes());
        let key = format!("literal-{:016x}", h.finish());
        let mut label = text;
        if label.len() > 24 {
            label.truncate(21);
            label.push_str("...");
        }
        let value: Value = Arc::new(v);
        self.add(key, label, true, Vec::new(), Arc::new(move |_| Ok(value.clone())))
    }

    /// Wraps a function of one argument (dask's `delayed(f)`).
    pub fn delayed1<A, R, E: Display>(
        &self,
        name: &str,
        f: impl Fn(&A) -> Result<R, E> + Send + Sync + 'static,
    ) -> Delayed1<A, R> {
        Delayed1 {
            graph: self.clone(),
            name: name.to_owned(),
            fn_id: self.next_fn(),
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
            f: Arc::new(move |a| f(a).map_err(|e| e.to_string())),
        }
    }

    fn next_fn(&self) -> u64 {
        let mut inner = self.lock();
        inner.functions += 1;
        inner.functions
    }

    fn add_call<R>(
        &self,
        name: &str,
        fn_id: u64,
        deps: &[usize],
        f: impl Fn(&[Value]) -> Result<Value, String> + Send + Sync + 'static,
    ) -> Delayed<R> {
        let key = {
            let inner = self.lock();
            let mut h = Fnv::new();
            h.write(name.as_bytes());
            h.write(&fn_id.to_le_bytes());
            for &d in deps {
                h.write(inner.nodes[d].key.as_bytes());
                h.write(&[0]);
            }
            format!("{name}-{:016x}", h.finish())
        };
        self.add(key, name.to_owned(), false, deps.to_vec(), Arc::new(f))
    }

    fn add<T>(
        &self,
        key: String,
        label: String,
        literal: bool,
        deps: Vec<usize>,
        func: NodeFn,
    ) -> Delayed<T> {
        let mut inner = self.lock();
        let id = match inner.by_key.get(&key) {
            Some(&id) => id,
            None => {
                let id = inner.nodes.len();
                inner.by_key.insert(key.clone(), id);
                inner.nodes.push(Node { key, label, literal, deps, func });
                id
            }
        };
        Delayed { graph: self.clone(), id, _type: PhantomData }
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
        let hooks = exec.hooks(outputs.len());
        let run = |t: usize, args: Vec<Value>, worker: usize| -> Result<Value, TaskError> {
            let key = || keys[t].clone();
            hooks.pre(&key, worker);
            let out = run_catching(t, &key, || funcs[t](&args));
            hooks.post(&key, worker, out.is_ok());
            out
        };
        let workers = if exec.strategy() == Strategy::Sequential { 0 } else { exec.workers() };
        let result = execute(&Plan { deps: &deps, outputs }, workers, exec.failure_policy(), &run);
        hooks.finish();
        result.map_err(|failure| match failure {
            Failure::Tasks(errors) => errors_to_exec(errors, exec),
            Failure::Run(e) => e,
        })
    }

    /// The graph the outputs need, in Graphviz's DOT language: calls as
    /// ellipses labelled with their function, literals as boxes, outputs
    /// doubled. Node names are the keys.
    pub fn to_dot(&self, outputs: &[NodeId], rankdir: RankDir) -> String {
        let inner = self.lock();
        let mut needed = vec![false; inner.nodes.len()];
        let mut stack: Vec<usize> = outputs.iter().map(|o| o.0).collect();
        while let Some(t) = stack.pop() {
            if !std::mem::replace(&mut needed[t], true) {
                stack.extend(inner.nodes[t].deps.iter().copied());
            }
        }
        let dir = match rankdir {
            RankDir::TopBottom => "TB",
            RankDir::LeftRight => "LR",
        };
        let mut out = format!("digraph {{\n  rankdir={dir};\n");
        for (id, node) in inner.nodes.iter().enumerate().filter(|(i, _)| needed[*i]) {
            let shape = if node.literal { "box" } else { "ellipse" };
            let peripheries = if outputs.iter().any(|o| o.0 == id) { ", peripheries=2" } else { "" };
            let _ = writeln!(
                out,
                "  \"{}\" [label=\"{}\", shape={shape}{peripheries}];",
                escape(&node.key),
                escape(&node.label)
            );
        }
        for (_, node) in inner.nodes.iter().enumerate().filter(|(i, _)| needed[*i]) {
            for &d in &node.deps {
                let _ = writeln!(out, "  \"{}\" -> \"{}\";", escape(&inner.nodes[d].key), escape(&node.key));
            }
        }
        out.push_str("}\n");
        out
    }

    /// Writes `<stem>.dot` and, when Graphviz's `dot` is on `PATH`,
    /// `<stem>.svg` (dask's `visualize`).
    pub fn visualize(&self, outputs: &[NodeId], rankdir: RankDir, stem: &Path) -> std::io::Result<Drawing> {
        let dot_path = stem.with_extension("dot");
        let source = self.to_dot(outputs, rankdir);
        std::fs::write(&dot_path, &source)?;
        let svg_path = stem.with_extension("svg");
        let svg = std::process::Command::new("dot")
            .arg("-Tsvg")
            .arg(&dot_path)
            .arg("-o")
            .arg(&svg_path)
            .status()
            .ok()
            .filter(|s| s.success())
            .map(|_| svg_path);
        Ok(Drawing { dot: dot_path, svg })
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn errors_to_exec(mut errors: Vec<TaskError>, exec: &Executor) -> ExecError {
    match exec.failure_policy() {
        crate::OnError::Stop => ExecError::Task(errors.swap_remove(0)),
        crate::OnError::KeepGoing => ExecError::Tasks(errors),
    }
}

/// FNV-1a, 64 bits: a stable hash for keys (std's hasher may change).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
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
