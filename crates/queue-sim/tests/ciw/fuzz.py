"""Differential fuzzing of Ciw mode against Ciw 3.2.7 on random models.

Draws random networks that combine the features the model files describe
(schedules, slots, processor sharing, priorities with preemption,
baulking, reneging, batches, class changes, disciplines, server
priorities, capacities, blocking, deterministic and discrete times that
tie), runs each in Ciw (through `golden.network`) and in queue-sim
(`xtask sim --rng ciw --records`), and compares every record field by
field. Each model runs in one of several modes (`--modes`): to a time
(`time`), to a number of customers counted one of Ciw's four ways
(`count`), to a time with one of Ciw's state trackers whose state
probabilities are compared too (`tracker`), or, on networks drawn to jam
(small queues routing into each other), until deadlock, comparing the time
of deadlock and the records (`deadlock`). `--plain` draws only networks
of none of the optional features, which the engine runs through a loop of
their own (`engine/plain.rs`). A model that differs is written
to `fuzz-failures/` with the verdict, to become a golden model once
understood.

Run from this folder, with Ciw installed and a release xtask built:
    cargo build --release -p xtask
    python fuzz.py [--models N] [--seed S] [--xtask PATH] [--max-time T]
                   [--modes time,count,tracker,deadlock] [--plain]
It is a tool, not a test: the tests compare committed goldens only.
"""
import argparse
import csv
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import tomllib

import ciw

import golden

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))


def toml_value(v):
    """`v` in TOML's inline syntax."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int,)):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def to_toml(model):
    """The model as a model file."""
    lines = []
    for k, v in model.items():
        if k not in ("nodes", "classes"):
            lines.append(f"{k} = {toml_value(v)}")
    for node in model["nodes"]:
        lines.append("\n[[nodes]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in node.items()]
    for c in model["classes"]:
        lines.append("\n[[classes]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in c.items()]
    return "\n".join(lines) + "\n"


def time_dist(r, mean, tie):
    """A positive time around `mean`; deterministic or discrete when `tie`."""
    if tie:
        kind = r.choice(["deterministic", "pmf", "sequential"])
        if kind == "deterministic":
            return {"type": "deterministic", "value": float(r.choice([0.5, 1.0, 2.0]) * mean)}
        if kind == "pmf":
            return {"type": "pmf", "values": [0.5 * mean, mean, 2.0 * mean], "probs": [0.25, 0.5, 0.25]}
        return {"type": "sequential", "values": [mean, 0.5 * mean, 1.5 * mean]}
    kind = r.choice(["exponential", "exponential", "uniform", "erlang", "gamma", "triangular"])
    if kind == "exponential":
        return {"type": "exponential", "rate": 1.0 / mean}
    if kind == "uniform":
        return {"type": "uniform", "lower": 0.5 * mean, "upper": 1.5 * mean}
    if kind == "erlang":
        return {"type": "erlang", "rate": 2.0 / mean, "phases": 2}
    if kind == "gamma":
        return {"type": "gamma", "shape": 2.0, "scale": mean / 2.0}
    return {"type": "triangular", "lower": 0.2 * mean, "mode": mean, "upper": 1.8 * mean}


def increasing(r, count, steps):
    """`count` increasing dates, each a random step after the one before."""
    dates, t = [], 0.0
    for _ in range(count):
        t += float(r.choice(steps))
        dates.append(t)
    return dates


def random_model(r, extra):
    """A random model using a random subset of the features. Features added
    to the fuzzer later draw from `extra`, a stream of their own, so that
    the models of an older run's seed are drawn again the same."""
    n = r.randint(1, 3)
    k = r.randint(1, 3)
    names = r.sample(["Alpha", "Beta", "Gamma", "Delta", "Eps"], k)
    tie = r.random() < 0.4
    use = lambda p: r.random() < p
    priorities = use(0.3) and k > 1
    nodes = []
    for i in range(n):
        node = {}
        kind = r.random()
        if kind < 0.15:
            shifts = r.randint(1, 3)
            ends = increasing(r, shifts, [5, 10, 20])
            sched = {"numbers_of_servers": [r.randint(0, 3) for _ in range(shifts)], "shift_end_dates": ends}
            if use(0.6):
                sched["preemption"] = r.choice([False, "resample", "restart", "resume", "reroute"])
            if use(0.3):
                sched["offset"] = float(r.choice([1, 3]))
            node["servers"] = {"schedule": sched}
        elif kind < 0.25:
            count = r.randint(1, 3)
            slots = increasing(r, count, [1, 2, 3])
            sl = {"slots": slots, "slot_sizes": [r.randint(1, 3) for _ in range(count)]}
            if use(0.5):
                sl["capacitated"] = True
                if use(0.5):
                    sl["preemption"] = r.choice([False, "resample", "restart", "resume"])
            node["servers"] = {"slotted": sl}
        elif kind < 0.3:
            node["servers"] = "inf"
        else:
            node["servers"] = r.randint(0 if use(0.05) else 1, 4)
        plain = isinstance(node["servers"], int) or node["servers"] == "inf"
        if use(0.25) and node["servers"] != "inf":
            node["queue_capacity"] = r.randint(0, 4)
        if priorities and use(0.5) and isinstance(node["servers"], int):
            node["priority_preemption"] = r.choice(["resample", "restart", "resume", "reroute"])
        if use(0.15) and isinstance(node["servers"], int) and node["servers"] > 0:
            node["discipline"] = r.choice(["fifo", "lifo", "siro"])
        if use(0.15) and isinstance(node["servers"], int) and node["servers"] > 1:
            node["server_priority"] = r.choice(["lowest_id", "highest_id", "least_busy"])
        if (
            use(0.1)
            and plain
            and isinstance(node["servers"], int)
            and node["servers"] > 0
            and not priorities
            and "queue_capacity" not in node
            and "discipline" not in node
        ):
            node["processor_sharing"] = True
            if use(0.5):
                node["ps_threshold"] = r.randint(1, 3)
        nodes.append(node)
    # Known differences, each in the README, kept out of the draw: a
    # customer blocked after its service is never interrupted here (so no
    # blocking where anything preempts).
    timed = [isinstance(nd["servers"], dict) for nd in nodes]
    preempting = any(
        "priority_preemption" in nd
        or (isinstance(nd["servers"], dict) and next(iter(nd["servers"].values())).get("preemption"))
        for nd in nodes
    )
    # Nor where a schedule has a shift without servers (Ciw routes a
    # customer who ends its service in overtime then again, see the README).
    empty_shift = any(
        isinstance(nd["servers"], dict) and 0 in nd["servers"].get("schedule", {}).get("numbers_of_servers", [])
        for nd in nodes
    )
    if preempting or empty_shift:
        for nd in nodes:
            nd.pop("queue_capacity", None)
    ps_nodes = [i for i, nd in enumerate(nodes) if nd.get("processor_sharing")]
    classes = []
    any_arrival = False
    for ci, name in enumerate(names):
        c = {"name": name}
        if priorities:
            c["priority"] = r.randint(0, 1)
        rows = []
        for i in range(n):
            weights = [r.random() if use(0.5) else 0.0 for _ in range(n)]
            total = sum(weights)
            leave = r.uniform(0.3, 1.0)
            rows.append([round(w / total * (1 - leave), 3) if total > 0 else 0.0 for w in weights])
        c["routing"] = rows
        per_node = []
        for i in range(n):
            a = {}
            if use(0.6) or (i == 0 and not any_arrival and ci == k - 1):
                a["arrival"] = time_dist(r, r.choice([1.0, 2.0, 4.0]), tie and use(0.5))
                any_arrival = True
                if extra.random() < 0.1:
                    count = extra.randint(1, 3)
                    a["arrival"] = {
                        "type": "poisson_intervals",
                        "rates": [extra.choice([0.0, 0.25, 0.5, 1.5]) for _ in range(count)],
                        "endpoints": increasing(extra, count, [1, 3, 6]),
                        "max_sample_date": float(extra.choice([10, 40, 100])),
                    }
            a["service"] = time_dist(r, r.choice([0.5, 1.0, 2.0]), tie and use(0.6))
            if i not in ps_nodes:
                if use(0.1) and "arrival" in a:
                    a["baulking"] = {"probs": [0.0, 0.2, 0.5, 1.0]}
                if use(0.1) and "arrival" in a:
                    a["batch"] = {"type": "pmf", "values": [1, 2, 3], "probs": [0.6, 0.3, 0.1]}
                if use(0.12) and nodes[i]["servers"] != "inf":
                    a["reneging"] = {"type": "exponential", "rate": 0.5}
                    if use(0.5):
                        a["reneging_destination"] = r.randint(0, n - 1)
                if use(0.12) and k > 1 and not priorities:
                    shares = [0.5, 0.5] if k == 2 else [0.5, 0.25, 0.25]
                    a["class_after_service"] = dict(zip(r.sample(names, k), shares))
            per_node.append(a)
        c["nodes"] = per_node
        # Ciw 3.2.7 fails (AttributeError) on a change of class while
        # waiting at a scheduled or slotted node, and whenever two nodes
        # have servers (a node's next change is read before it has one).
        finite = sum(1 for nd in nodes if nd["servers"] != "inf")
        if use(0.08) and k > 1 and not ps_nodes and not any(timed) and finite == 1:
            other = r.choice([x for x in names if x != name])
            c["class_change_while_waiting"] = {other: {"type": "exponential", "rate": 0.3}}
        classes.append(c)
    # Another known difference: a customer rerouted by preemption to the
    # node it was interrupted at (no self-loops where a node reroutes).
    for i, nd in enumerate(nodes):
        how = nd.get("priority_preemption")
        if isinstance(nd["servers"], dict):
            how = how or next(iter(nd["servers"].values())).get("preemption")
        if how == "reroute":
            for c in classes:
                c["routing"][i][i] = 0.0
    # And: a customer whose service is interrupted after its patience ran
    # out reneges at once here (Ciw reneges it in the past): no patience
    # where services are interrupted.
    for i, nd in enumerate(nodes):
        interrupts = "priority_preemption" in nd or (
            isinstance(nd["servers"], dict) and next(iter(nd["servers"].values())).get("preemption")
        )
        if interrupts:
            for c in classes:
                c["nodes"][i].pop("reneging", None)
                c["nodes"][i].pop("reneging_destination", None)
    if priorities and all(c["priority"] == 1 for c in classes):
        # Ciw numbers priorities from 0 (an IndexError otherwise).
        classes[0]["priority"] = 0
    model = {}
    if use(0.1):
        model["system_capacity"] = r.randint(3, 10)
    model["nodes"] = nodes
    model["classes"] = classes
    return model


# Seconds a run may take on either side before it counts as running for
# ever (Ciw runs for ever to a count a deadlock never reaches).
PATIENCE = 20


class TooLong(Exception):
    """Ciw ran past PATIENCE seconds."""


def _too_long(signum, frame):
    raise TooLong()


TRACKERS = ["system", "node", "node_class", "naive_blocking", "matrix_blocking", "subset", "groups"]


def ciw_tracker(label):
    """Ciw's tracker for an `xtask sim --tracker` label."""
    if label.startswith("subset:"):
        return ciw.trackers.NodePopulationSubset([int(i) for i in label[7:].split(",")])
    if label.startswith("groups:"):
        groups = [[int(i) for i in g.split(",")] for g in label[7:].split(";")]
        return ciw.trackers.GroupedNodePopulation(groups)
    return {
        "system": ciw.trackers.SystemPopulation,
        "node": ciw.trackers.NodePopulation,
        "node_class": ciw.trackers.NodeClassMatrix,
        "naive_blocking": ciw.trackers.NaiveBlocking,
        "matrix_blocking": ciw.trackers.MatrixBlocking,
    }[label]()


def ciw_run(model, seed, case):
    """Ciw's records of the model (rows of strings, ours' columns) and what
    the case compares besides: the state probabilities (state text to
    probability text) or the time of deadlock."""
    ciw.seed(seed)
    options = {}
    if case["mode"] == "tracker":
        options["tracker"] = ciw_tracker(case["tracker"])
    if case["mode"] == "deadlock":
        options["deadlock_detector"] = ciw.deadlock.StateDigraph()
        options["tracker"] = ciw.trackers.NodePopulation()
    Q = golden.simulation(model, **options)
    signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(PATIENCE)
    try:
        if case["mode"] == "count":
            Q.simulate_until_max_customers(case["customers"], method=case["method"])
        elif case["mode"] == "deadlock":
            Q.simulate_until_deadlock()
        else:
            Q.simulate_until_max_time(case["max_time"])
    finally:
        signal.alarm(0)
    extra = None
    if case["mode"] == "tracker":
        # `xtask sim` observes the whole run, to its max_time.
        period = (0, case["max_time"])
        extra = {str(k): repr(v) for k, v in Q.statetracker.state_probabilities(observation_period=period).items()}
    elif case["mode"] == "deadlock":
        extra = repr(max(Q.times_to_deadlock.values()))
    rows = []
    for rec in Q.get_all_records():
        rows.append([
            str(rec.id_number), rec.customer_class, rec.original_customer_class, str(rec.node),
            golden.field(rec.arrival_date), golden.field(rec.waiting_time),
            golden.field(rec.service_start_date), golden.field(rec.service_time),
            golden.field(rec.service_end_date), golden.field(rec.time_blocked),
            golden.field(rec.exit_date), golden.field(rec.destination),
            str(rec.queue_size_at_arrival), golden.field(rec.queue_size_at_departure),
            golden.field(rec.server_id), rec.record_type,
        ])
    return rows, extra


def run_xtask(cmd):
    """Runs xtask: the finished process and None, or None and the error."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=PATIENCE,
                              env={**os.environ, "RUST_BACKTRACE": "0"})
    except subprocess.TimeoutExpired:
        return None, f"ran longer than {PATIENCE} s"
    if done.returncode != 0:
        return None, done.stderr.strip()
    return done, None


def our_run(xtask, path, seed, case, tmp):
    """Ours, through `xtask sim --records` (with `--state-probabilities` or
    `--until-deadlock`): the records, the extra the case compares, the
    row's mean wait (text), and None; or None, None, None and the error."""
    records = os.path.join(tmp, "r.csv")
    cmd = [xtask, "sim", "--model", path, "--rng", "ciw", "--trials", "1", "--seed", str(seed),
           "--records", records, "--workers", "1"]
    probabilities = os.path.join(tmp, "p.csv")
    if case["mode"] == "count":
        cmd += ["--max-customers", str(case["customers"]), "--count", case["method"].lower()]
    elif case["mode"] == "deadlock":
        cmd += ["--until-deadlock"]
    else:
        cmd += ["--max-time", repr(case["max_time"])]
    if case["mode"] == "tracker":
        cmd += ["--state-probabilities", probabilities, "--tracker", case["tracker"]]
    done, error = run_xtask(cmd)
    if error:
        return None, None, None, error
    with open(records, newline="") as f:
        rows = [row[2:] for row in list(csv.reader(f))[1:]]
    table = list(csv.DictReader(done.stdout.splitlines()))
    extra = None
    if case["mode"] == "tracker":
        with open(probabilities, newline="") as f:
            extra = {row[2]: row[3] for row in list(csv.reader(f))[1:]}
    elif case["mode"] == "deadlock":
        extra = table[0]["time_to_deadlock"]
    return rows, extra, table[0]["mean_wait"], None


def mean_wait(rows):
    """Ciw users' mean wait over records listed as `get_all_records()` lists
    them (`sum(waits) / len(waits)` of the service records), as text; empty
    with no service record, as a row writes it."""
    waits = [float(row[5]) for row in rows if row[15] == "service"]
    return repr(sum(waits) / len(waits)) if waits else ""


def same(a, b):
    """Two fields equal: as floats when both parse, else as text."""
    if a == b:
        return True
    if a in ("", "None") or b in ("", "None"):
        return a in ("", "None") and b in ("", "None")
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return x == y or (math.isnan(x) and math.isnan(y))


def compare(ours, theirs):
    """The first difference of two lists of records, or None."""
    for i, (o, t) in enumerate(zip(ours, theirs)):
        if len(o) != len(t) or not all(same(a, b) for a, b in zip(o, t)):
            return f"record {i}: ours {o} / Ciw {t}"
    if len(ours) != len(theirs):
        return f"{len(ours)} records here, {len(theirs)} in Ciw"
    return None


def compare_extra(ours, theirs):
    """The first difference of the state probabilities (dicts: exactly the
    same states, probabilities equal as floats) or of the times of deadlock
    (texts of floats), or None."""
    if isinstance(theirs, dict):
        if set(ours) != set(theirs):
            return f"states only here {sorted(set(ours) - set(theirs))[:5]}, only in Ciw {sorted(set(theirs) - set(ours))[:5]}"
        for state, p in theirs.items():
            if not same(ours[state], p):
                return f"probability of {state}: ours {ours[state]} / Ciw {p}"
        return None
    if theirs is not None and not same(ours, theirs):
        return f"time to deadlock: ours {ours} / Ciw {theirs}"
    return None


def random_case(r, model, modes, max_time):
    """How to run the model: a mode of `modes` and its settings."""
    mode = r.choice(modes) if len(modes) > 1 else modes[0]
    case = {"mode": mode, "max_time": max_time}
    if mode == "count":
        case["method"] = r.choice(["Complete", "Finish", "Arrive", "Accept"])
        case["customers"] = r.randint(1, 120)
    elif mode == "tracker":
        label = r.choice(TRACKERS)
        n = len(model["nodes"])
        if label == "subset":
            label = "subset:" + ",".join(str(i) for i in r.sample(range(n), r.randint(1, n)))
        elif label == "groups":
            order = list(range(n))
            r.shuffle(order)
            cut = r.randint(1, n)
            groups = [order[:cut]] + ([order[cut:]] if order[cut:] else [])
            label = "groups:" + ";".join(",".join(str(i) for i in g) for g in groups)
        case["tracker"] = label
    return case


def plain_model(r):
    """A network of none of the optional features (the engine's plain
    loop): one to four nodes of finite or infinite servers, some with
    little queue room (blocking), one to three classes of one priority
    with their routing and time distributions."""
    n = r.randint(1, 4)
    names = r.sample(["Alpha", "Beta", "Gamma", "Delta"], r.randint(1, 3))
    nodes = []
    for _ in range(n):
        node = {"servers": r.choice([1, 1, 2, 3, 5, "inf"])}
        if r.random() < 0.3 and node["servers"] != "inf":
            node["queue_capacity"] = r.randint(0, 3)
        nodes.append(node)
    classes = []
    for ci, name in enumerate(names):
        rows = []
        for _ in range(n):
            weights = [r.random() if r.random() < 0.5 else 0.0 for _ in range(n)]
            total, leave = sum(weights), r.uniform(0.3, 1.0)
            rows.append([round(w / total * (1 - leave), 3) if total > 0 else 0.0 for w in weights])
        per_node = []
        for i in range(n):
            a = {}
            if r.random() < 0.6 or (i == 0 and ci == 0):
                a["arrival"] = time_dist(r, r.choice([0.5, 1.0, 2.0]), False)
            a["service"] = time_dist(r, r.choice([0.5, 1.0, 2.0, 4.0]), False)
            per_node.append(a)
        classes.append({"name": name, "routing": rows, "nodes": per_node})
    return {"nodes": nodes, "classes": classes}


def jamming_model(r):
    """A network drawn to deadlock: two to four nodes of one or two servers
    with little queue room, routing into each other."""
    n = r.randint(2, 4)
    nodes = [{"servers": r.randint(1, 2), "queue_capacity": r.randint(0, 2)} for _ in range(n)]
    classes = []
    for ci in range(r.randint(1, 2)):
        rows = []
        for i in range(n):
            weights = [0.0 if j == i else r.random() for j in range(n)]
            total = sum(weights)
            stay = r.uniform(0.6, 0.95)
            rows.append([round(w / total * stay, 3) for w in weights])
        per_node = []
        for i in range(n):
            a = {"service": {"type": "exponential", "rate": r.choice([0.5, 1.0, 2.0])}}
            if i == 0 or r.random() < 0.5:
                a["arrival"] = {"type": "exponential", "rate": r.choice([0.5, 1.0, 2.0])}
            per_node.append(a)
        classes.append({"name": f"Class {ci}", "routing": rows, "nodes": per_node})
    return {"nodes": nodes, "classes": classes}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-time", type=float, default=60.0)
    p.add_argument("--xtask", default=os.path.join(ROOT, "target", "release", "xtask"))
    p.add_argument("--out", default=os.path.join(HERE, "fuzz-failures"))
    p.add_argument("--modes", default="time", help="comma-separated: time, count, tracker, deadlock")
    p.add_argument("--plain", action="store_true",
                   help="draw only models of none of the optional features (the engine's plain loop)")
    args = p.parse_args()
    modes = args.modes.split(",")
    unknown = set(modes) - {"time", "count", "tracker", "deadlock"}
    if unknown:
        p.error(f"unknown modes {sorted(unknown)}")
    r = random.Random(args.seed)
    failures = 0
    refused = 0
    ciw_failed = 0
    # Count runs this crate refuses up front where Ciw runs on (a known
    # difference in the README: a class that can reach a node it never
    # leaves might never let the count be reached).
    trapped = 0
    agreed = {mode: 0 for mode in modes}
    with tempfile.TemporaryDirectory() as tmp:
        for m in range(args.models):
            # One mode draws nothing, so that older runs replay.
            mode = r.choice(modes) if len(modes) > 1 else modes[0]
            extra = random.Random(f"{args.seed} {m}")
            if mode == "deadlock":
                model = jamming_model(r)
            elif args.plain:
                model = plain_model(r)
            else:
                model = random_model(r, extra)
            case = random_case(r, model, [mode], args.max_time)
            text = to_toml(model)
            path = os.path.join(tmp, f"m{m}.toml")
            with open(path, "w") as f:
                f.write(text)
            parsed = tomllib.loads(text)
            parsed["_process"] = False
            seed = r.randint(0, 10_000)
            try:
                theirs, their_extra = ciw_run(parsed, seed, case)
                ciw_error = None
            except TooLong:
                theirs, ciw_error = None, f"ran longer than {PATIENCE} s"
            except Exception as e:  # Ciw refuses or fails on some models
                theirs, ciw_error = None, f"{type(e).__name__}: {e}"
            ours, our_extra, our_mean, our_error = our_run(args.xtask, path, seed, case, tmp)
            if ciw_error and our_error:
                refused += 1
                continue
            if ciw_error:
                # Ciw's own failures (its bugs) are counted, not compared.
                ciw_failed += 1
                print(f"model {m} (seed {seed}): Ciw failed ({ciw_error[:120]}), ours ran", flush=True)
                continue
            if our_error and case["mode"] == "count" and "never leave the network" in our_error:
                trapped += 1
                continue
            if our_error:
                verdict = f"Ciw ran; ours: {our_error}"
            else:
                verdict = compare(ours, theirs) or compare_extra(our_extra, their_extra)
                if verdict is None and not same(our_mean, mean_wait(theirs)):
                    verdict = f"the row's mean wait: ours {our_mean} / Ciw users' {mean_wait(theirs)}"
            if verdict is None:
                agreed[case["mode"]] += 1
                continue
            settings = ", ".join(
                f"{k} {v}" for k, v in case.items() if k != "max_time" or case["mode"] in ("time", "tracker")
            )
            failures += 1
            os.makedirs(args.out, exist_ok=True)
            base = os.path.join(args.out, f"model{m}_seed{seed}")
            with open(base + ".toml", "w") as f:
                why = "\n".join("# " + line for line in verdict[:600].splitlines())
                f.write(f"# seed {seed}, {settings}\n{why}\n" + text)
            print(f"model {m} (seed {seed}, {settings}): {verdict[:300]}", flush=True)
    each = ", ".join(f"{n} {mode}" for mode, n in agreed.items())
    print(f"{args.models} models: {failures} differ, {refused} refused by both, {ciw_failed} failed in Ciw only, "
          f"{trapped} count runs refused here (a trap); agreed: {each}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
