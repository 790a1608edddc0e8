"""The live dashboard (R-34) on PostgreSQL, beside its own SQL run bare.

    python bench/bench_dashboard.py                       # 10,000/2,000 and 100,000/20,000
    python bench/bench_dashboard.py --sizes 100000:20000 --runs 3 --requests 50
    python bench/bench_dashboard.py --sizes 2000:400 --runs 1 --requests 10 --no-write
    python bench/bench_dashboard.py --explain             # also EXPLAIN ANALYZE the slowest
    python bench/bench_dashboard.py --quiet-wait 300      # wait for a quiet machine per run

For each size PERSONS:CASES a fresh PostgreSQL database (rbl_bench_dashboard
on 127.0.0.1:5432) is migrated and filled with bulk inserts
(`bench/population.py`, shared with `bench_load.py`): the nine Achterhoek
municipalities (reference data of the demo), the staff (a
coordinator for all of them, an lpa per municipality, a regional kpa and rmc,
a beleid user for the largest municipality), PERSONS youths aged 4–23, CASES
cases over all types with opened_on in the last two years (about 30 % open:
the younger the case, the likelier open), owned by the officer of the youth's
age and municipality (a few unassigned), with open and done tasks (about a
third of the open tasks overdue), absence reports (one per report-based case,
a second, recent one for a fifth of the open ones, some this week, and some
unlinked) and absoluut signals over the last year; then VACUUM ANALYZE.

Three views are measured, each with its own logged-in test client:

- coordinator, all municipalities (every number a link, with the caseload);
- coordinator, ``?gemeente=<largest>``;
- beleid user of that municipality (figures only, small counts hidden).

Per run and view: 5 warm-up requests, then `--requests` rounds, each
interleaving
1. the product: GET /cijfers/ through Django's test client (middleware,
   session, auth, the view, the template), with the time spent inside
   `build_dashboard` and in `render` taken from wrappers around the view's
   names;
2. the floor: the SQL statements `build_dashboard` executes for this view
   (captured with CaptureQueriesContext; Django's psycopg client-side binding
   sends them with the parameters inlined, so the captured text is what the
   server gets), executed in order on a bare psycopg connection to the same
   database (autocommit, jit off as the product's settings) with every row
   fetched: the database work alone;
3. every SELECT of the whole request run the same way (session, user,
   grants, municipality names as well): what the request costs the database.

Per run: median and p95 (nearest rank) of each; ratio = product ÷ floor (1).
Before each run the machine's CPU use is sampled for 5 s while this process
is idle (the neighbours' load; `--quiet-wait` waits up to that many seconds
for it to drop below `--quiet` cores), and during the run the CPU use of the
whole machine and of this process is recorded.
The table gives the median over the runs. The number of queries of the
request and of `build_dashboard` is counted once per view and size: it must
be the same at every size. The results replace the generated part of the
"## Dashboard (R-34) on PostgreSQL" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from population import PG_SERVER, build, busy_seconds, fresh_database, wait_quiet  # noqa: E402

DATA = ROOT / "bench" / "data" / "dashboard"
RESULTS = ROOT / "bench" / "RESULTS.md"
PG_NAME = "rbl_bench_dashboard"
SECTION = "## Dashboard (R-34) on PostgreSQL"
BEGIN = "<!-- bench_dashboard: begin (generated) -->"
END = "<!-- bench_dashboard: end -->"
TARGET_MS = 300.0
WARM_UP = 5


def configure() -> None:
    os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rbl.settings")
    os.environ["RBL_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()


# --- measuring -------------------------------------------------------------------


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


class Timers:
    """Wrappers around the view's `build_dashboard` and `render` that record their time."""

    def __init__(self) -> None:
        from rbl.reporting.views import dashboard as view

        self.last: dict[str, float] = {}
        for name in ("build_dashboard", "render"):
            setattr(view, name, self._wrap(name, getattr(view, name)))

    def _wrap(self, name: str, func):
        @functools.wraps(func)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.last[name] = (time.perf_counter() - started) * 1000

        return timed


@dataclass
class View:
    label: str
    username: str
    path: str
    gemeente: str
    client: object = None
    data_sql: list[str] = field(default_factory=list)  # what build_dashboard executes
    request_sql: list[str] = field(default_factory=list)  # every SELECT of the request
    counts: dict[str, int] = field(default_factory=dict)


def prepare_views(largest: str) -> list[View]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from rbl.accounts.models import User
    from rbl.organisation.models import Municipality
    from rbl.reporting.dashboard import build_dashboard, scope_for

    name = Municipality.objects.get(code=largest).name
    views = [
        View("coördinator, alle gemeenten (links, caseload)", "coordinator", "/cijfers/", ""),
        View(
            f"coördinator, ?gemeente={largest} ({name})",
            "coordinator",
            f"/cijfers/?gemeente={largest}",
            largest,
        ),
        View(f"beleid, {name} (kleine aantallen verborgen)", "beleid", "/cijfers/", ""),
    ]
    for v in views:
        user = User.objects.get(username=v.username)
        v.client = Client()
        v.client.force_login(user)
        v.client.get(v.path)  # the session and every cache warm
        with CaptureQueriesContext(connection) as request_ctx:
            response = v.client.get(v.path)
        if response.status_code != 200 or b"Dashboard" not in response.content:
            raise SystemExit(f"{v.label}: HTTP {response.status_code}")
        user = User.objects.get(username=v.username)  # a fresh object: grants not cached
        scope = scope_for(user, v.gemeente)
        with CaptureQueriesContext(connection) as data_ctx:
            build_dashboard(scope, timezone.localdate())
        v.data_sql = [q["sql"] for q in data_ctx.captured_queries]
        v.request_sql = [
            q["sql"]
            for q in request_ctx.captured_queries
            if q["sql"].lstrip().upper().startswith("SELECT")
        ]
        v.counts = {
            "request": len(request_ctx.captured_queries),
            "request_select": len(v.request_sql),
            "build": len(data_ctx.captured_queries),
        }
    return views


def bare_connection():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/{PG_NAME}", autocommit=True, options="-c jit=off")


def run_bare(conn, statements: list[str], per_statement: list[list[float]] | None = None) -> float:
    """Runs `statements` in order, fetching every row; milliseconds in all."""
    started = time.perf_counter()
    with conn.cursor() as cur:
        for i, sql in enumerate(statements):
            t0 = time.perf_counter()
            cur.execute(sql)
            cur.fetchall()
            if per_statement is not None:
                per_statement[i].append((time.perf_counter() - t0) * 1000)
    return (time.perf_counter() - started) * 1000


def measure_view(v: View, conn, timers: Timers, requests: int) -> dict:
    def product() -> tuple[float, float, float]:
        timers.last.clear()
        started = time.perf_counter()
        response = v.client.get(v.path)
        ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{v.label}: HTTP {response.status_code}")
        return ms, timers.last.get("build_dashboard", 0.0), timers.last.get("render", 0.0)

    for _ in range(WARM_UP):
        product()
        run_bare(conn, v.data_sql)
        run_bare(conn, v.request_sql)
    series: dict[str, list[float]] = {
        k: [] for k in ("product", "build", "render", "floor", "request_sql")
    }
    per_statement: list[list[float]] = [[] for _ in v.data_sql]
    for _ in range(requests):
        ms, build_ms, render_ms = product()
        series["product"].append(ms)
        series["build"].append(build_ms)
        series["render"].append(render_ms)
        series["floor"].append(run_bare(conn, v.data_sql, per_statement))
        series["request_sql"].append(run_bare(conn, v.request_sql))
    out = {k: {"median": statistics.median(s), "p95": p95(s)} for k, s in series.items() if s}
    out["statements"] = [statistics.median(s) for s in per_statement]
    return out


def explain(v: View, conn, top: int) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the `top` slowest statements of `build_dashboard`."""
    timings = []
    with conn.cursor() as cur:
        for sql in v.data_sql:
            runs = []
            for _ in range(5):
                t0 = time.perf_counter()
                cur.execute(sql)
                cur.fetchall()
                runs.append((time.perf_counter() - t0) * 1000)
            timings.append((statistics.median(runs), sql))
        timings.sort(reverse=True)
        parts = []
        for ms, sql in timings[:top]:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cur.fetchall())
            parts.append(f"-- {ms:.1f} ms (median of 5)\n{sql}\n{plan}")
    return "\n\n".join(parts)


def short(sql: str) -> str:
    """What a statement of build_dashboard counts, for the tables."""
    s = sql.upper()
    if "CASES_CASE" not in s and "ABSOLUUT_SIGNAL" in s:
        return "signals this week"
    if "CASES_CASESETTINGS" in s:
        return "case settings"
    if "ACCOUNTS_USER" in s and "CASES_CASE" not in s:
        return "owners' names"
    if "DATE_TRUNC" in s:
        return "new cases per month"
    if "CASES_VERZUIMMELDING" in s:
        return "this week: new cases and reports"
    if "CASES_TASK" in s:
        return "open with overdue task"
    if "COUNT(DISTINCT" in s:
        return "thuiszitters" + ("" if "GROUP BY" in s else ", total")
    if "REGISTRY_PERSON" in s:
        return "open by type, duration, age"
    if '"CASES_CASE"."STATUS" AS "STATUS"' in s:
        return "caseload by owner and status"
    return sql[:60]


def one_size(persons: int, cases: int, args: argparse.Namespace) -> dict:
    from django.db import connection

    print(f"== {persons:,} persons, {cases:,} cases: fresh database …", flush=True)
    started = time.perf_counter()
    fresh_database(PG_NAME)
    made = build(persons, cases, args.seed)
    build_s = time.perf_counter() - started
    print(f"   built in {build_s:.0f} s: {json.dumps(made)}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        made["db_mb"] = cursor.fetchone()[0] / 1024 / 1024
    views = prepare_views(made["largest"])
    timers = Timers()
    conn = bare_connection()
    load = [os.getloadavg()[0]]
    runs: dict[str, list[dict]] = {v.label: [] for v in views}
    cpu: list[dict] = []
    for run in range(args.runs):
        before = wait_quiet(args.quiet, args.quiet_wait)
        busy, own, wall = busy_seconds(), time.process_time(), time.perf_counter()
        for v in views:
            result = measure_view(v, conn, timers, args.requests)
            runs[v.label].append(result)
            print(
                f"   run {run + 1}/{args.runs} {v.label}: product median "
                f"{result['product']['median']:.1f} p95 {result['product']['p95']:.1f} ms; "
                f"floor median {result['floor']['median']:.1f} p95 "
                f"{result['floor']['p95']:.1f} ms",
                flush=True,
            )
        wall = time.perf_counter() - wall
        cpu.append(
            {
                "neighbours_before": before,
                "machine_cores": (busy_seconds() - busy) / wall,
                "own_cores": (time.process_time() - own) / wall,
            }
        )
    load.append(os.getloadavg()[0])
    plans = ""
    if args.explain:
        plans = "\n\n".join(f"### {v.label}\n\n{explain(v, conn, 2)}" for v in views)
        (DATA / f"explain-{persons}.txt").write_text(plans + "\n", encoding="utf-8")
        print(plans, flush=True)
    conn.close()
    return {
        "persons": persons,
        "cases": cases,
        "made": made,
        "build_s": build_s,
        "load": load,
        "cpu": cpu,
        "views": [
            {
                "label": v.label,
                "counts": v.counts,
                "statements": [short(s) for s in v.data_sql],
                "runs": runs[v.label],
            }
            for v in views
        ],
    }


# --- reporting --------------------------------------------------------------------


def med(runs: list[dict], key: str, stat: str) -> float:
    return statistics.median(r[key][stat] for r in runs)


def _span(values) -> tuple[float, float]:
    values = list(values)
    return min(values), max(values)


def machine_note() -> str:
    import django
    import psycopg

    cpu = "?"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with bare_connection() as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        shared = conn.execute("SHOW shared_buffers").fetchone()[0]
        work_mem = conn.execute("SHOW work_mem").fetchone()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), shared with other work; PostgreSQL {version} "
        f"(shared_buffers {shared}, work_mem {work_mem}, jit off) over TCP to 127.0.0.1; "
        f"Python {platform.python_version()}, Django {django.__version__}, "
        f"psycopg {psycopg.__version__}"
    )


def report(sizes: list[dict], args: argparse.Namespace) -> str:
    cmd = "python bench/bench_dashboard.py --sizes " + " ".join(
        f"{s['persons']}:{s['cases']}" for s in sizes
    )
    cmd += f" --runs {args.runs} --requests {args.requests}"
    if args.quiet_wait:
        cmd += f" --quiet {args.quiet} --quiet-wait {args.quiet_wait:g}"
    lines = [
        BEGIN,
        "",
        f"`{cmd}` on {dt.date.today():%Y-%m-%d}. {machine_note()}.",
        "",
    ]
    for s in sizes:
        m = s["made"]
        busy = "–".join(f"{x:.1f}" for x in _span(c["machine_cores"] for c in s["cpu"]))
        own = "–".join(f"{x:.1f}" for x in _span(c["own_cores"] for c in s["cpu"]))
        idle = "–".join(f"{x:.1f}" for x in _span(c["neighbours_before"] for c in s["cpu"]))
        lines.append(
            f"- {s['persons']:,} persons / {s['cases']:,} cases: {m['open_cases']:,} open, "
            f"{m['tasks']:,} tasks ({m['overdue_tasks']:,} overdue), {m['meldingen']:,} "
            f"absence reports ({m['meldingen_this_week']:,} this week), {m['signals']:,} "
            f"signals ({m['signals_this_week']:,} this week), {m['new_this_week']:,} cases "
            f"opened this week; database {m['db_mb']:.0f} MB, built in {s['build_s']:.0f} s. "
            f"Load average (1 min) {s['load'][0]:.1f} at the start, {s['load'][1]:.1f} at the "
            f"end; the machine's {os.cpu_count()} cores were busy {busy} cores per run (all processes: this "
            f"one {own}, its PostgreSQL backends and the neighbours); the neighbours alone, in the "
            f"5 s before each run: {idle} cores."
        )
    lines += [
        "",
        f"Milliseconds, median over {args.runs} runs of each run's median and p95 of "
        f"{args.requests} requests (after {WARM_UP} warm-up); the floor is the dashboard's "
        "own SQL run bare on the same database, interleaved with the requests; ratio = "
        "product ÷ floor; the target is p95 < 300 ms.",
        "",
        "| size | view | queries (request / dashboard) | product median | product p95 | "
        "runs' p95 min–max | floor median | floor p95 | ratio median | ratio p95 | "
        "p95 < 300 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in sizes:
        for v in s["views"]:
            r = v["runs"]
            pm, pp = med(r, "product", "median"), med(r, "product", "p95")
            fm, fp = med(r, "floor", "median"), med(r, "floor", "p95")
            spread = [x["product"]["p95"] for x in r]
            lines.append(
                f"| {s['persons']:,} / {s['cases']:,} | {v['label']} | "
                f"{v['counts']['request']} / {v['counts']['build']} | {pm:.1f} | {pp:.1f} | "
                f"{min(spread):.1f}–{max(spread):.1f} | {fm:.1f} | {fp:.1f} | "
                f"**{pm / fm:.1f}×** | **{pp / fp:.1f}×** | "
                f"{'yes' if pp < TARGET_MS else '**no**'} |"
            )
    lines += [
        "",
        "Where the time of a request goes (medians over the runs of each run's median, ms): "
        "inside `build_dashboard` (its SQL and the Python around it), in `render` (the "
        "template), the rest (test client, middleware, session, user, grants, the "
        "municipality names); beside them every SELECT of the request run bare, and the "
        "dashboard's slowest statements run bare.",
        "",
        "| size | view | request | build_dashboard | render | rest | all SQL of the request, "
        "bare | slowest statements, bare |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for s in sizes:
        for v in s["views"]:
            r = v["runs"]
            pm = med(r, "product", "median")
            bm, rm = med(r, "build", "median"), med(r, "render", "median")
            per = [
                statistics.median(x["statements"][i] for x in r)
                for i in range(len(v["statements"]))
            ]
            top = sorted(zip(per, v["statements"], strict=True), reverse=True)[:3]
            slowest = "; ".join(f"{name} {ms:.1f}" for ms, name in top)
            lines.append(
                f"| {s['persons']:,} / {s['cases']:,} | {v['label']} | {pm:.1f} | {bm:.1f} | "
                f"{rm:.1f} | {pm - bm - rm:.1f} | {med(r, 'request_sql', 'median'):.1f} | "
                f"{slowest} |"
            )
    counts = {}
    for s in sizes:
        for v in s["views"]:
            counts.setdefault(v["label"], set()).add((v["counts"]["request"], v["counts"]["build"]))
    same = all(len(c) == 1 for c in counts.values())
    lines += [
        "",
        "Query count: "
        + (
            "the same at every size for every view."
            if same
            else "**differs between sizes**: "
            + json.dumps({k: sorted(c) for k, c in counts.items()})
        ),
        "",
        END,
    ]
    return "\n".join(lines)


def write_results(block: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{block}\n"
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=["10000:2000", "100000:20000"],
        help="PERSONS:CASES, one fresh database each",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--quiet", type=float, default=0.5, help="quiet: the neighbours use fewer cores than this"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0,
        help="seconds to wait at most for a quiet machine before each run (0: measure only)",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest")
    parser.add_argument("--no-write", action="store_true", help="leave RESULTS.md as it is")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    configure()
    sizes = []
    for spec in args.sizes:
        persons, cases = (int(x) for x in spec.split(":"))
        sizes.append(one_size(persons, cases, args))
        with open(DATA / "results.jsonl", "a") as fh:
            fh.write(json.dumps({"at": time.time(), **sizes[-1]}) + "\n")
    block = report(sizes, args)
    print(block)
    if not args.no_write:
        write_results(block)


if __name__ == "__main__":
    sys.exit(main())
