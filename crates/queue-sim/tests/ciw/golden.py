"""Writes the Ciw 3.2.7 records that the Ciw-compatibility tests compare with.

`network(model)` turns a parsed model file into a Ciw network; the engine
benchmark imports it to time Ciw on the same model.

Run from this folder with Ciw installed (pip install ciw==3.2.7), on
CPython 3.11 (from 3.12, `sum` of floats compensates rounding, which changes
the last digits of Ciw's utilisation):
    python golden.py
Each MODEL.toml gives MODEL.csv: Ciw's records for ciw.seed(SEED), max_time
MAX_TIME, floats in repr (shortest round-trip) form, classes by their index
among the sorted class names (Ciw's numbering). utilisation.csv has each
run's `server_utilisation` per node; overtime.csv each scheduled node's
`overtime` list; counts.csv what runs to a number of
customers leave, for every method of `simulate_until_max_customers`.
"""
import csv
import glob
import math
import tomllib

import ciw

SEED = 7
MAX_TIME = 200.0
COUNT = 300
# Models whose runs to a count of customers are not compared, and why.
NO_COUNTS = {
    # queue-sim refuses to run to a count of customers when a class can
    # reach a node it can never leave (here a node with zero servers): the
    # count might never be reached. Ciw runs on.
    "zero_servers": ["Complete"],
    # Deadlocked networks never complete or accept more customers: Ciw runs
    # for ever (queue-sim stops with SimError::Deadlock).
    "deadlock_single": ["Complete", "Accept"],
    "deadlock_pair": ["Complete", "Accept"],
    # Three blocking nodes routing among themselves: they jam within a few
    # hundred customers, and Ciw then runs for ever.
    "simultaneous_joins": ["Complete", "Finish", "Accept"],
}


def dist(d):
    t = d["type"]
    D = ciw.dists
    if t == "exponential":
        return D.Exponential(rate=d["rate"])
    if t == "uniform":
        return D.Uniform(lower=d["lower"], upper=d["upper"])
    if t == "deterministic":
        return D.Deterministic(value=d["value"])
    if t == "triangular":
        return D.Triangular(lower=d["lower"], mode=d["mode"], upper=d["upper"])
    if t == "gamma":
        return D.Gamma(shape=d["shape"], scale=d["scale"])
    if t == "weibull":
        return D.Weibull(scale=d["scale"], shape=d["shape"])
    if t == "normal":
        return D.Normal(mean=d["mean"], sd=d["sd"])
    if t == "lognormal":
        return D.Lognormal(mean=d["mean"], sd=d["sd"])
    if t == "erlang":
        return D.Erlang(rate=d["rate"], num_phases=d["phases"])
    if t == "hyper_exponential":
        return D.HyperExponential(rates=d["rates"], probs=d["probs"])
    if t == "empirical":
        return D.Empirical(observations=d["observations"])
    if t == "sequential":
        return D.Sequential(sequence=d["values"])
    if t == "pmf":
        return D.Pmf(values=d["values"], probs=d["probs"])
    if t == "phase_type":
        return D.PhaseType(initial_state=d["initial_state"], absorbing_matrix=d["absorbing_matrix"])
    if t == "coxian":
        return D.Coxian(rates=d["rates"], probs=d["probs"])
    if t == "hyper_erlang":
        return D.HyperErlang(rates=d["rates"], probs=d["probs"], phase_lengths=d["phase_lengths"])
    if t == "mixture":
        return D.MixtureDistribution(dists=[dist(x) for x in d["dists"]], probs=d["probs"])
    if t == "combined":
        import operator
        op = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}[d["op"]]
        return op(dist(d["first"]), dist(d["second"]))
    # Drawn from Ciw's numpy stream (batch sizes; batching_numpy.toml).
    if t == "poisson":
        return D.Poisson(rate=d["rate"])
    if t == "geometric":
        return D.Geometric(prob=d["prob"])
    if t == "binomial":
        return D.Binomial(n=d["n"], prob=d["prob"])
    # Draws every date when made: a Poisson count per interval from numpy's
    # stream, then uniform dates from Python's (poisson_intervals.toml).
    if t == "poisson_intervals":
        return D.PoissonIntervals(rates=d["rates"], endpoints=d["endpoints"], max_sample_date=d["max_sample_date"])
    raise ValueError(t)


D1 = ciw.dists.Deterministic(value=1)


def jockey(d):
    """A reneging destination: a node number from 0, or None for the exit."""
    return None if d == "exit" else d


class Jockeying(ciw.routing.TransitionMatrix):
    """A transition matrix whose reneging customers go to given nodes."""

    def __init__(self, matrix, destinations):
        super().__init__(transition_matrix=matrix)
        self.destinations = destinations

    def next_node_for_jockeying(self, ind, node_id):
        d = self.destinations[node_id - 1]
        return self.simulation.nodes[-1] if d is None else self.simulation.nodes[d + 1]


def whole(d):
    """A batch distribution with Python ints, as Ciw requires of batch sizes."""
    d = dict(d)
    for key in ("value",):
        if key in d:
            d[key] = int(d[key])
    for key in ("values", "observations"):
        if key in d:
            d[key] = [int(v) for v in d[key]]
    return d


def router(r):
    """One of Ciw's routers from a router table (nodes from 0 in the file)."""
    R, t = ciw.routing, r["type"]
    if t == "probabilistic":
        return R.Probabilistic(destinations=[d + 1 for d in r["destinations"]], probs=[float(p) for p in r["probs"]])
    if t == "direct":
        return R.Leave() if r["to"] == "exit" else R.Direct(to=r["to"] + 1)
    if t == "leave":
        return R.Leave()
    if t in ("join_shortest_queue", "load_balancing"):
        kind = R.JoinShortestQueue if t == "join_shortest_queue" else R.LoadBalancing
        return kind(destinations=[d + 1 for d in r["destinations"]], tie_break=r.get("tie_break", "random"))
    if t == "cycle":
        return R.Cycle(cycle=[d + 1 for d in r["cycle"]])
    raise ValueError(t)


def routers(routing):
    """A transition matrix as it is, or a list of router tables as NetworkRouting."""
    if routing and isinstance(routing[0], dict):
        return ciw.routing.NetworkRouting(routers=[router(r) for r in routing])
    return routing


def table(probs):
    """A baulking function: probs[n] with n present, the last beyond."""
    return lambda n, Q=None, next_ind=None, next_node=None: probs[min(n, len(probs) - 1)]


def number_of_servers(s):
    if s == "inf":
        return float("inf")
    if isinstance(s, dict) and "schedule" in s:
        d = s["schedule"]
        return ciw.Schedule(
            numbers_of_servers=d["numbers_of_servers"],
            shift_end_dates=d["shift_end_dates"],
            preemption=d.get("preemption", False),
            offset=float(d.get("offset", 0.0)),
        )
    if isinstance(s, dict) and "slotted" in s:
        d = s["slotted"]
        return ciw.Slotted(
            slots=d["slots"],
            slot_sizes=d["slot_sizes"],
            capacitated=d.get("capacitated", False),
            preemption=d.get("preemption", False),
            offset=float(d.get("offset", 0.0)),
        )
    return s


def network(model):
    nodes = model["nodes"]
    n = len(nodes)
    classes = {c["name"]: c for c in model["classes"]}
    servers = [number_of_servers(s["servers"]) for s in nodes]
    caps = [s.get("queue_capacity", float("inf")) for s in nodes]
    arrivals = {k: [dist(a["arrival"]) if "arrival" in a else None for a in c["nodes"]] for k, c in classes.items()}
    services = {k: [dist(a["service"]) for a in c["nodes"]] for k, c in classes.items()}
    routing = {k: routers(c.get("routing") or [[0.0] * n for _ in range(n)]) for k, c in classes.items()}
    extra = {}
    priorities = {k: c.get("priority", 0) for k, c in classes.items()}
    preemption = [s.get("priority_preemption", False) for s in nodes]
    if any(p != 0 for p in priorities.values()) or any(preemption):
        extra["priority_classes"] = (priorities, preemption) if any(preemption) else priorities
    if any("baulking" in a for c in classes.values() for a in c["nodes"]):
        extra["baulking_functions"] = {
            k: [table(a["baulking"]["probs"]) if "baulking" in a else None for a in c["nodes"]]
            for k, c in classes.items()
        }
    if any("batch" in a for c in classes.values() for a in c["nodes"]):
        extra["batching_distributions"] = {
            k: [dist(whole(a["batch"])) if "batch" in a else D1 for a in c["nodes"]]
            for k, c in classes.items()
        }
    if any("class_after_service" in a for c in classes.values() for a in c["nodes"]):
        matrices = []
        for i in range(n):
            if not any("class_after_service" in c["nodes"][i] for c in classes.values()):
                matrices.append({})
                continue
            matrix = {}
            for k, c in classes.items():
                row = c["nodes"][i].get("class_after_service", {k: 1.0})
                matrix[k] = {to: row.get(to, 0.0) for to in classes}
            matrices.append(matrix)
        extra["class_change_matrices"] = matrices
    if any("reneging" in a for c in classes.values() for a in c["nodes"]):
        extra["reneging_time_distributions"] = {
            k: [dist(a["reneging"]) if "reneging" in a else None for a in c["nodes"]] for k, c in classes.items()
        }
        routing = {
            k: Jockeying(routing[k], [jockey(a.get("reneging_destination", "exit")) for a in c["nodes"]])
            for k, c in classes.items()
        }
    if any("discipline" in s for s in nodes):
        named = {"fifo": ciw.disciplines.FIFO, "lifo": ciw.disciplines.LIFO, "siro": ciw.disciplines.SIRO}
        extra["service_disciplines"] = [named[s.get("discipline", "fifo")] for s in nodes]
    if any("server_priority" in s for s in nodes):
        named = {
            "lowest_id": None,
            "highest_id": lambda srv, ind: -srv.id_number,
            "least_busy": lambda srv, ind: srv.busy_time,
        }
        extra["server_priority_functions"] = [named[s.get("server_priority", "lowest_id")] for s in nodes]
    if any("class_change_while_waiting" in c for c in classes.values()):
        extra["class_change_time_distributions"] = {
            k: {to: dist(d) for to, d in c["class_change_while_waiting"].items()}
            for k, c in classes.items()
            if "class_change_while_waiting" in c
        }
    if model.get("_process"):
        R = ciw.routing
        routing = {
            "A": R.ProcessBased(lambda ind, sim: [2, 3] if ind.id_number % 2 else [3]),
            "B": R.FlexibleProcessBased(lambda ind, sim: [[2, 3], [1, 3]], rule="any", choice="random"),
            "C": R.FlexibleProcessBased(lambda ind, sim: [[2, 3]], rule="all", choice="jsq"),
        }
    if "system_capacity" in model:
        extra["system_capacity"] = model["system_capacity"]
    if any("ps_threshold" in s for s in nodes):
        extra["ps_thresholds"] = [s.get("ps_threshold", 1) for s in nodes]
    return ciw.create_network(
        arrival_distributions=arrivals,
        service_distributions=services,
        number_of_servers=servers,
        queue_capacities=caps,
        routing=routing,
        **extra,
    )


def simulation(model, **options):
    """A Ciw simulation of the model: processor-sharing nodes are PSNodes."""
    if any(s.get("processor_sharing") for s in model["nodes"]):
        options["node_class"] = [ciw.PSNode if s.get("processor_sharing") else ciw.Node for s in model["nodes"]]
    return ciw.Simulation(network(model), **options)


def field(x):
    if x is None or x is False or (isinstance(x, float) and math.isnan(x)):
        return ""
    return repr(x)


# Models whose state trackers are compared (trackers.csv), and the trackers
# by the names `cargo xtask sim --tracker` takes.
TRACKED = ["blocking_tandem", "heavy_blocking", "reneging", "waiting_change", "processor_sharing", "priorities",
           "downstream_class_change"]
TRACKERS = {
    "system": lambda: ciw.trackers.SystemPopulation(),
    "node": lambda: ciw.trackers.NodePopulation(),
    "subset:1,0": lambda: ciw.trackers.NodePopulationSubset([1, 0]),
    "groups:0;1": lambda: ciw.trackers.GroupedNodePopulation([[0], [1]]),
    "node_class": lambda: ciw.trackers.NodeClassMatrix(),
    "naive_blocking": lambda: ciw.trackers.NaiveBlocking(),
    "matrix_blocking": lambda: ciw.trackers.MatrixBlocking(),
}


def trackers():
    """trackers.csv: for each model of TRACKED and each tracker, Ciw's
    history (time, state) and state_probabilities over (0, 200) and
    (50, 150), seed SEED, max_time MAX_TIME."""
    rows = []
    for name in TRACKED:
        with open(name + ".toml", "rb") as f:
            model = tomllib.load(f)
        model["_process"] = False
        for label, make in TRACKERS.items():
            ciw.seed(SEED)
            Q = simulation(model, tracker=make())
            Q.simulate_until_max_time(MAX_TIME)
            for t, state in Q.statetracker.history:
                rows.append([name, label, "history", repr(t), str(state)])
            for period in [(0, MAX_TIME), (50, 150)]:
                for state, p in Q.statetracker.state_probabilities(observation_period=period).items():
                    rows.append([name, label, f"probability {period[0]:g} {period[1]:g}", str(state), repr(p)])
    with open("trackers.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "tracker", "kind", "key", "value"])
        w.writerows(rows)


def deadlocks():
    """deadlock.csv: for the deadlock_* models and seeds 0 to 99, Ciw's
    time of deadlock (simulate_until_deadlock with a StateDigraph detector
    and a NodePopulation tracker), and for seeds 0 to 4 its
    times_to_deadlock, in its order."""
    rows = []
    for name in ["deadlock_single", "deadlock_pair"]:
        with open(name + ".toml", "rb") as f:
            model = tomllib.load(f)
        for seed in range(100):
            ciw.seed(seed)
            Q = ciw.Simulation(
                network(model), deadlock_detector=ciw.deadlock.StateDigraph(), tracker=ciw.trackers.NodePopulation()
            )
            Q.simulate_until_deadlock()
            # The time of deadlock: Ciw's current_time has moved on to the
            # next event's date; the time to deadlock from time 0 is it.
            rows.append([name, seed, "time", "", repr(max(Q.times_to_deadlock.values()))])
            if seed < 5:
                for state, t in Q.times_to_deadlock.items():
                    rows.append([name, seed, "state", str(state), repr(t)])
    with open("deadlock.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "seed", "kind", "state", "value"])
        w.writerows(rows)


def servers_and_individuals():
    """servers.csv: after simulate_until_max_time(MAX_TIME), seed SEED, each
    node's servers (Ciw's Server: id, start_date, busy_time, total_time) for
    a few models; individuals.csv: get_all_individuals() in order, each
    customer's id, node (-1 for the exit) and number of records."""
    servers, people = [], []
    for name in ["mm3", "blocking_tandem", "priorities", "preempt_resume", "server_priority",
                 "schedule_overtime", "schedule_resume", "mixed_network", "reneging", "processor_sharing",
                 "schedule_server_priority"]:
        with open(name + ".toml", "rb") as f:
            model = tomllib.load(f)
        model["_process"] = False
        ciw.seed(SEED)
        Q = simulation(model)
        Q.simulate_until_max_time(MAX_TIME)
        for nd in Q.transitive_nodes:
            if hasattr(nd, "servers") and not isinstance(nd, ciw.PSNode):
                for srv in nd.servers:
                    servers.append([name, nd.id_number, srv.id_number, repr(srv.start_date),
                                    repr(srv.busy_time), repr(srv.total_time)])
        for ind in Q.get_all_individuals():
            node = -1 if ind.node == -1 or ind.node == len(Q.transitive_nodes) + 1 else ind.node
            people.append([name, ind.id_number, node, len(ind.data_records)])
    with open("servers.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "node", "id", "start_date", "busy_time", "total_time"])
        w.writerows(servers)
    with open("individuals.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "id", "node", "records"])
        w.writerows(people)


def simultaneous():
    """simultaneous.csv: Ciw's test_simultaneous_events_example (Det(10)
    arrivals, Det(5) services fed back to node 1 with two servers, max_time
    36) for seeds 0 to 1999: each run's records as id:arrival:exit, in
    get_all_records order, whole and paused at 15 and 25 then continued to
    36 (Ciw redraws a pending tie at the start of every simulate call)."""
    N = ciw.create_network(
        arrival_distributions=[ciw.dists.Deterministic(10.0), None],
        service_distributions=[ciw.dists.Deterministic(5.0), ciw.dists.Deterministic(5.0)],
        routing=[[1.0, 0.0], [0.0, 0.0]],
        number_of_servers=[2, 1],
    )

    def runs(Q):
        return " ".join(f"{r.id_number}:{r.arrival_date!r}:{r.exit_date!r}" for r in Q.get_all_records())

    rows = []
    for seed in range(2000):
        ciw.seed(seed)
        Q = ciw.Simulation(N)
        Q.simulate_until_max_time(36)
        whole = runs(Q)
        ciw.seed(seed)
        Q = ciw.Simulation(N)
        for t in (15, 25, 36):
            Q.simulate_until_max_time(t)
        rows.append([seed, whole, runs(Q)])
    with open("simultaneous.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["seed", "records", "paused_records"])
        w.writerows(rows)


def write_records(out, Q, names):
    """Q's records, in get_all_records order, to the file `out`."""
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id_number", "customer_class", "node", "arrival_date", "waiting_time",
                    "service_start_date", "service_time", "service_end_date", "time_blocked",
                    "exit_date", "destination", "queue_size_at_arrival", "queue_size_at_departure",
                    "server_id", "record_type", "original_customer_class"])
        for r in Q.get_all_records():
            w.writerow([r.id_number, names.index(r.customer_class), r.node, field(r.arrival_date),
                        field(r.waiting_time), field(r.service_start_date), field(r.service_time),
                        field(r.service_end_date), field(r.time_blocked), field(r.exit_date),
                        field(r.destination), r.queue_size_at_arrival, field(r.queue_size_at_departure),
                        field(r.server_id), r.record_type, names.index(r.original_customer_class)])


# Models run paused (MODEL_paused.csv), and where: just before instants
# with simultaneous events, where Ciw draws its choice again at the start
# of every simulate call.
PAUSED = ["ties_deterministic", "ties_schedules"]
PAUSES = [10.5, 11.5, 20.5, 35.5, 50.5, 99.5, 150.5, MAX_TIME]


def paused():
    """MODEL_paused.csv for each model of PAUSED: its records (as MODEL.csv)
    after ciw.seed(SEED) and simulate_until_max_time at each of PAUSES in
    turn, in one simulation."""
    for name in PAUSED:
        with open(name + ".toml", "rb") as f:
            model = tomllib.load(f)
        model["_process"] = False
        names = sorted(c["name"] for c in model["classes"])
        ciw.seed(SEED)
        Q = simulation(model)
        for t in PAUSES:
            Q.simulate_until_max_time(t)
        write_records(name + "_paused.csv", Q, names)


def main():
    """Writes every golden file of this folder."""
    utilisation = []
    overtime = []
    counts = []
    for path in sorted(glob.glob("*.toml")):
        with open(path, "rb") as f:
            model = tomllib.load(f)
        # The process-based model's routes are functions (see its file).
        model["_process"] = path == "process_routes.toml"
        names = sorted(c["name"] for c in model["classes"])
        ciw.seed(SEED)
        Q = simulation(model)
        Q.simulate_until_max_time(MAX_TIME)
        out = path.replace(".toml", ".csv")
        write_records(out, Q, names)
        print(out, len(Q.get_all_records()), "records")
        model_name = path.replace(".toml", "")
        for i, nd in enumerate(Q.transitive_nodes):
            utilisation.append([model_name, i + 1, field(nd.server_utilisation)])
            for k, t in enumerate(nd.overtime):
                overtime.append([model_name, i + 1, k, repr(t)])
        # Runs to a number of customers: record count, rejections, the sum of
        # the waits added smallest first, the longest wait, and the clock.
        for method in ["Complete", "Finish", "Arrive", "Accept"]:
            if method in NO_COUNTS.get(model_name, []):
                continue
            ciw.seed(SEED)
            Q = simulation(model)
            Q.simulate_until_max_customers(COUNT, method=method)
            recs = Q.get_all_records()
            waits = sorted(r.waiting_time for r in recs if r.record_type == "service")
            rejections = sum(r.record_type == "rejection" for r in recs)
            counts.append([model_name, SEED, method, COUNT, len(recs), rejections, repr(sum(waits)),
                           repr(max(waits)), repr(Q.current_time)])

    simultaneous()
    paused()
    trackers()
    deadlocks()
    servers_and_individuals()

    with open("utilisation.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "node", "utilisation"])
        w.writerows(utilisation)
    with open("overtime.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "node", "index", "overtime"])
        w.writerows(overtime)
    with open("counts.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "seed", "method", "count", "records", "rejections", "sum_sorted_waits",
                    "max_wait", "current_time"])
        w.writerows(counts)


if __name__ == "__main__":
    main()
