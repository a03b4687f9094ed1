"""The course's JupyterHub under a class's load: REST API latency and the memory of a student server.

Starts a real hub on a temporary course copy (tests/hub_fixtures.py: ``python -m grader roster import
--create-accounts`` for N students, ``python -m grader hub`` on 127.0.0.1, a free port), then:

1. idle: bounded request loops against the hub's REST API (and one through the proxy into a
   student's server), p50/p95 per endpoint;
2. ``--servers`` real student servers started together through the REST API; their memory (RSS of
   the server's process tree) idle;
3. under load: all N students run ``nbgrader submit`` as their own Unix user at once while one of the
   servers runs a lesson's cells (its solution) in a kernel, and the same request loops run again;
   the working server's memory after the lesson.

Needs root (Unix accounts, PAM, setuid spawns), configurable-http-proxy and JupyterHub (``bash
grader/hub/install.sh``); prints why and exits 0 otherwise (``make bench`` goes on). Every request
goes to 127.0.0.1. Accounts, processes and the temporary course are removed at the end.

    python benchmarks/bench_hub.py [--students 40] [--servers 4] [--lesson 03_layers] [--requests 100]
"""

import _common  # noqa: F401, I001  (first: it pins the BLAS threads)

import argparse  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # tests/hub_fixtures.py


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def endpoints(hub, users, user_token):
    """(label, callable) of the requests measured: the hub's REST API and one proxied to a server."""
    import requests

    a, b = users[0], users[1]
    return [
        ("GET /hub/api/ (version)", lambda: hub.api("GET", "/")),
        ("GET /hub/api/users/<name>", lambda: hub.api("GET", f"/users/{b}")),
        (f"GET /hub/api/users ({len(users)} users)", lambda: hub.api("GET", "/users")),
        (
            "GET /user/<name>/api/status (proxy)",
            lambda: requests.get(f"{hub.base}/user/{a}/api/status", headers=user_token, timeout=60),
        ),
    ]


def measure(calls, count, stop=None):
    """Seconds per request of each call, ``count`` each, round-robin (fewer if ``stop`` is set)."""
    times = {label: [] for label, _ in calls}
    for _ in range(count):
        if stop is not None and stop.is_set():
            break
        for label, call in calls:
            start = time.perf_counter()
            reply = call()
            elapsed = time.perf_counter() - start
            if reply.status_code != 200:
                raise RuntimeError(f"{label}: HTTP {reply.status_code}")
            times[label].append(elapsed)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--servers", type=int, default=4, help="real student servers (the rest submit only)")
    parser.add_argument("--lesson", default="03_layers", help="the lesson the working server runs")
    parser.add_argument("--requests", type=int, default=100, help="requests per endpoint and phase (at most)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0 or not shutil.which("configurable-http-proxy"):
        print("bench_hub: skipped (needs root and configurable-http-proxy: sudo bash grader/hub/install.sh)")
        return 0
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        print("bench_hub: skipped (JupyterHub is not installed: the hub extra)")
        return 0
    import hub_fixtures as hf

    run = os.urandom(2).hex()  # account names unique to this run
    students = {f"nbn{run}-{i:02d}": f"Bench-pw-{i:02d}" for i in range(args.students)}
    users = list(students)
    lessons = tuple(dict.fromkeys([hf.LESSON, args.lesson]))
    load = os.getloadavg()[0]
    with hf.class_hub(students, {}, lessons=lessons, prefix="nnfs-bench-") as hub:
        ready = hub.timings["ready"]
        clock = time.monotonic()
        threads = [threading.Thread(target=hub.spawn, args=(u,)) for u in users[: args.servers]]
        [t.start() for t in threads]
        [t.join(300) for t in threads]
        spawned = time.monotonic() - clock
        servers = [
            u for u in users[: args.servers] if hub.api("GET", f"/users/{u}").json()["servers"].get("", {}).get("ready")
        ]
        if len(servers) < 1:
            raise SystemExit("bench_hub: no student server started")
        worker = servers[0]
        token = hub.token(worker)
        calls = endpoints(hub, users, token)
        idle = measure(calls, args.requests)
        idle_rss = [hf.server_rss(hub, u)[0] for u in servers]

        # under load: N submissions at once + a lesson in a kernel, the same loops meanwhile
        for user in users:
            hf.place_work(hub, user)
        kernel = hf.start_kernel(hub, worker, token)
        cells = hf.code_cells(hub.root / "solutions" / args.lesson / f"{args.lesson}.ipynb")
        errors, lesson_time = [], []

        def run_lesson():
            begin = time.monotonic()
            errors.extend(hf.execute(hub, worker, token, kernel, cells, 600))
            lesson_time.append(time.monotonic() - begin)

        lesson = threading.Thread(target=run_lesson)
        stop, loaded = threading.Event(), {}
        loop = threading.Thread(target=lambda: loaded.update(measure(calls, args.requests, stop)))
        clock = time.monotonic()
        lesson.start()
        loop.start()
        procs = hf.submit_all(hub, users)
        codes = [p.wait(600) for p in procs]
        submitted = time.monotonic() - clock
        lesson.join(600)
        lesson_s = lesson_time[0] if lesson_time else float("nan")
        stop.set()
        loop.join(120)
        working = hf.server_rss(hub, worker)
        collected = hub.grader("collect", hf.LESSON).stdout.strip().splitlines()[0]

    print(
        f"\nThe course's JupyterHub: {args.students} students, {len(servers)} real servers "
        f"(load average {load:.2f} before, {os.cpu_count()} CPUs); hub ready in {ready:.1f} s, "
        f"{len(servers)} servers started together in {spawned:.1f} s"
    )
    print(
        f"under load: {args.students} concurrent `nbgrader submit` as their users in {submitted:.1f} s "
        f"({codes.count(0)} ok), {args.lesson} run in {worker}'s kernel in {lesson_s:.1f} s "
        f"({len(errors)} cell errors); {collected}\n"
    )
    header = ("request (127.0.0.1)", "idle p50", "idle p95", "load p50", "load p95", "n idle/load")
    rows = []
    for label, _ in calls:
        i, lo = idle[label], loaded.get(label) or [float("nan")]
        rows.append(
            (
                label,
                f"{statistics.median(i) * 1e3:.1f} ms",
                f"{percentile(i, 0.95) * 1e3:.1f} ms",
                f"{statistics.median(lo) * 1e3:.1f} ms",
                f"{percentile(lo, 0.95) * 1e3:.1f} ms",
                f"{len(i)}/{len(loaded.get(label, []))}",
            )
        )
    widths = [max(len(str(r[c])) for r in [header, *rows]) for c in range(len(header))]
    for n, r in enumerate([header, *rows]):
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(
        f"\nstudent server memory (RSS of the server's process tree): idle {statistics.median(idle_rss) / 2**20:.0f} MiB "
        f"(median of {len(idle_rss)}, one process each); working ({args.lesson} run in its kernel) "
        f"{working[0] / 2**20:.0f} MiB in {working[1]} processes"
    )
    return 0 if codes.count(0) == len(codes) and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
