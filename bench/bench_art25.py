"""The art. 25 figures (R-30) of a school year at national size on PostgreSQL,
beside hand-written SQL of the same counts.

    python bench/bench_art25.py                       # scale 1: generate, then 7 runs
    python bench/bench_art25.py --reuse               # the database as the last run left it
    python bench/bench_art25.py --scale 0.05 --runs 3 --no-write
    python bench/bench_art25.py --reuse --explain     # also EXPLAIN ANALYZE the slowest
    python bench/bench_art25.py --quiet-wait 300      # wait for a quiet machine per run

A fresh PostgreSQL database (rbl_bench_art25 on 127.0.0.1:5432) is migrated
and filled by bench/generate_art25.py (COPY; its docstring says what: 342
municipalities in 35 regions, 2.5 million youth with their residences,
enrolments and diplomas, a school year of about 130,000 cases of all types with
their principal periods, 250,000 reports, Halt/PV, leave, exemptions, VSV),
unless --reuse. Three views of school year 2024-2025 are measured:

- the largest region (by residents on 1 October): its municipalities' codes;
- a median region;
- the whole country: every municipality (``codes=None``).

Per run and view, after one warm-up of each:
1. the product: ``count_year(SchoolYear(2024), codes)`` through the ORM, with
   the time of each of its parts (population, reports, cases, decisions,
   thuiszitters, RMC) taken from wrappers around them;
2. the floor: the six hand-written statements of bench/art25_floor.py on a
   bare psycopg connection (autocommit, jit off as the product's settings, no
   prepared statements, as Django),
   every row fetched, interleaved with the product.
Every run compares every count of the product with the floor's, per
municipality and for the region, and stops at the first difference: the floor
computes the same numbers.

The table gives the median and p95 (nearest rank; with 7 runs the slowest)
over the runs; ratio = product ÷ floor. The targets: a region under 2 s, the
country at most 1.5× the floor. The results replace the generated part of the
"## Art. 25 figures (R-30) on PostgreSQL" section of bench/RESULTS.md.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import art25_floor  # noqa: E402
import generate_art25 as gen  # noqa: E402
from population import busy_seconds, wait_quiet  # noqa: E402

DATA = ROOT / "bench" / "data" / "art25"
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Art. 25 figures (R-30) on PostgreSQL"
BEGIN = "<!-- bench_art25: begin (generated) -->"
END = "<!-- bench_art25: end -->"
REGION_TARGET_S = 2.0
COUNTRY_TARGET_RATIO = 1.5
DB_NAME = gen.PG_NAME
PARTS = ("_population", "_reports", "_cases", "_decisions", "_thuiszitters", "_rmc")


def bare_connection():
    import psycopg

    # prepare_threshold=None: psycopg prepares a statement run five times, after
    # which PostgreSQL may plan it once for any parameters (a generic plan, not
    # knowing whether the codes are nine municipalities or all of them): the
    # country's deelnemers then took 12-14 s instead of 3-5 s. Django does not
    # prepare statements either.
    return psycopg.connect(
        f"{gen.PG_SERVER}/{DB_NAME}",
        autocommit=True,
        options="-c jit=off",
        prepare_threshold=None,
    )


class PartTimers:
    """Wrappers around the parts of `count_year` that record their seconds."""

    def __init__(self) -> None:
        from rbl.reporting import figures

        self.last: dict[str, float] = {}
        for name in PARTS:
            setattr(figures, name, self._wrap(name, getattr(figures, name)))

    def _wrap(self, name: str, func):
        @functools.wraps(func)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.last[name.lstrip("_")] = time.perf_counter() - started

        return timed


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def views() -> list[tuple[str, list[str] | None, list[str], int]]:
    """(label, codes for count_year, codes for the floor, residents on 1 October)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.region_id, m.code, count(r.id) FROM organisation_municipality m "
            "LEFT JOIN registry_residence r ON r.municipality_id = m.code "
            'AND (r.start IS NULL OR r.start <= %s) AND (r."end" IS NULL OR r."end" > %s) '
            "GROUP BY m.region_id, m.code",
            [gen.COUNT_DAY, gen.COUNT_DAY],
        )
        rows = cursor.fetchall()
    regions: dict[int, list[str]] = {}
    residents: dict[int, int] = {}
    for region, code, n in rows:
        regions.setdefault(region, []).append(code)
        residents[region] = residents.get(region, 0) + n
    ranked = sorted(regions, key=lambda r: residents[r], reverse=True)
    largest, median = ranked[0], ranked[len(ranked) // 2]
    every = sorted(code for _, code, _ in rows)
    return [
        (
            f"largest region ({len(regions[largest])} municipalities)",
            sorted(regions[largest]),
            sorted(regions[largest]),
            residents[largest],
        ),
        (
            f"median region ({len(regions[median])} municipalities)",
            sorted(regions[median]),
            sorted(regions[median]),
            residents[median],
        ),
        (f"country ({len(every)} municipalities)", None, every, sum(residents.values())),
    ]


def compare(product, floor: dict, label: str) -> None:
    """Stops at the first count where the product and the floor differ."""
    from rbl.reporting.definitions import COUNTS, REGION_ONLY

    for code, values in product.municipalities.items():
        for f in COUNTS:
            if f.key in REGION_ONLY:
                continue
            if values[f.key] != floor["per"][code][f.key]:
                raise SystemExit(
                    f"{label}: {code} {f.key}: product {values[f.key]} "
                    f"floor {floor['per'][code][f.key]}"
                )
    for f in COUNTS:
        if product.region[f.key] != floor["region"][f.key]:
            raise SystemExit(
                f"{label}: region {f.key}: product {product.region[f.key]} "
                f"floor {floor['region'][f.key]}"
            )


def measure(conn, timers: PartTimers, runs: int, args) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from rbl.reporting.definitions import SchoolYear
    from rbl.reporting.figures import count_year

    year = SchoolYear(2024)
    today = dt.date.today()
    vs = views()
    out: dict = {"views": []}
    for label, codes, _, residents in vs:
        with CaptureQueriesContext(connection) as ctx:
            count_year(year, codes)
        sql = [q["sql"] for q in ctx.captured_queries]
        reset_queries()
        out["views"].append(
            {"label": label, "residents": residents, "queries": len(sql), "sql": sql, "runs": []}
        )
    # Warm-up: one of each.
    for label, codes, floor_codes, _ in vs:
        floor = art25_floor.floor(conn, year, floor_codes, today, codes is None)[0]
        compare(count_year(year, codes), floor, label)
    out["cpu"] = []
    for run in range(runs):
        before = wait_quiet(args.quiet, args.quiet_wait)
        busy, own, wall = busy_seconds(), time.process_time(), time.perf_counter()
        for (label, codes, floor_codes, _), view in zip(vs, out["views"], strict=True):
            timers.last.clear()
            started = time.perf_counter()
            product = count_year(year, codes)
            product_s = time.perf_counter() - started
            parts = dict(timers.last)
            started = time.perf_counter()
            floor, statements = art25_floor.floor(conn, year, floor_codes, today, codes is None)
            floor_s = time.perf_counter() - started
            compare(product, floor, label)
            view["runs"].append(
                {"product": product_s, "floor": floor_s, "parts": parts, "statements": statements}
            )
            print(
                f"   run {run + 1}/{runs} {label}: product {product_s:.2f} s, floor "
                f"{floor_s:.2f} s ({product_s / floor_s:.2f}×); parts "
                + ", ".join(f"{k} {v:.2f}" for k, v in parts.items())
                + "; statements "
                + ", ".join(f"{ms / 1000:.2f}" for ms in statements),
                flush=True,
            )
        wall = time.perf_counter() - wall
        out["cpu"].append(
            {
                "neighbours_before": before,
                "machine_cores": (busy_seconds() - busy) / wall,
                "own_cores": (time.process_time() - own) / wall,
            }
        )
    return out


def explain(conn, view: dict, top: int) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the `top` slowest statements of `count_year`."""
    timings = []
    with conn.cursor() as cur:
        for sql in view["sql"]:
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                cur.execute(sql)
                cur.fetchall()
                runs.append((time.perf_counter() - t0) * 1000)
            timings.append((statistics.median(runs), sql))
        timings.sort(reverse=True)
        parts = [
            "statements of count_year run bare (ms, median of 3): "
            + ", ".join(f"{ms:.0f}" for ms, _ in timings)
        ]
        for ms, sql in timings[:top]:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cur.fetchall())
            parts.append(f"-- {ms:.1f} ms (median of 3)\n{sql}\n{plan}")
    return "\n\n".join(parts)


# --- reporting --------------------------------------------------------------------


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
        workers = conn.execute("SHOW max_parallel_workers_per_gather").fetchone()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), shared with other work; PostgreSQL {version} "
        f"(shared_buffers {shared}, work_mem {work_mem}, max_parallel_workers_per_gather "
        f"{workers}, jit off) over TCP to 127.0.0.1; Python {platform.python_version()}, "
        f"Django {django.__version__}, psycopg {psycopg.__version__}"
    )


def _span(values) -> str:
    values = list(values)
    return f"{min(values):.1f}–{max(values):.1f}"


def report(made: dict, result: dict, args, command: str) -> str:
    m = made
    lines = [
        BEGIN,
        "",
        f"`{command}` on {dt.date.today():%Y-%m-%d}. {machine_note()}.",
        "",
        f"- Data (bench/generate_art25.py, scale {m['scale']:g}, seed {m['seed']}): "
        f"{m['municipalities']} municipalities in {m['regions']} regions; "
        f"{m['persons']:,} youth aged 4–23 with {m['residences']:,} residences "
        f"({m['moved_in_year']:,} moved within the school year, {m['left_in_year']:,} left the "
        f"country, {m['arrived_in_year']:,} arrived), {m['enrolments']:,} enrolments, "
        f"{m['diplomas']:,} diplomas; {m['cases']:,} cases ({m['cases_in_year']:,} opened in "
        f"2024-2025, {m['handed_over']:,} handed over to another municipality) with "
        f"{m['principal_periods']:,} principal periods; {m['verzuimmeldingen']:,} reports "
        f"({m['verzuimmeldingen_in_year']:,} linked ones dated in 2024-2025, "
        f"{m['verzuimmeldingen_unlinked']:,} without a case), {m['handhaving']:,} Halt/PV, "
        f"{m['leave_requests']:,} leave requests, {m['exemptions']:,} exemptions, "
        f"{m['vsv_meldingen']:,} VSV reports; database {m['db_mb']:,} MB. Generated in "
        f"{m['seconds']:.0f} s (COPY, keys and indexes built afterwards"
        + "".join(
            f"{'; of which ' if i == 0 else ', '}{k} {v:.0f} s"
            for i, (k, v) in enumerate((k, v) for k, v in m["timings"].items() if v >= 5)
        )
        + ").",
    ]
    cpu = result["cpu"]
    lines.append(
        f"- The machine's {os.cpu_count()} cores were busy "
        f"{_span(c['machine_cores'] for c in cpu)} cores per run (this process "
        f"{_span(c['own_cores'] for c in cpu)}, the rest its PostgreSQL backends and the "
        f"neighbours); the neighbours alone, in the 5 s before each run: "
        f"{_span(c['neighbours_before'] for c in cpu)} cores."
    )
    lines += [
        "",
        f"Seconds, median and p95 over {args.runs} runs (after one warm-up); product = "
        "`count_year(SchoolYear(2024), codes)`, floor = the six statements of "
        "bench/art25_floor.py on a bare connection, interleaved with the product; every "
        "count of both compared in every run (identical); ratio = product ÷ floor.",
        "",
        "| view | residents 1 Oct | queries | product median | product p95 | floor median "
        "| floor p95 | ratio median | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for v in result["views"]:
        prod = [r["product"] for r in v["runs"]]
        flo = [r["floor"] for r in v["runs"]]
        ratio = statistics.median(p / f for p, f in zip(prod, flo, strict=True))
        if v["label"].startswith("country"):
            target, met = f"≤ {COUNTRY_TARGET_RATIO}× floor", ratio <= COUNTRY_TARGET_RATIO
        else:
            target, met = f"< {REGION_TARGET_S:g} s", p95(prod) < REGION_TARGET_S
        lines.append(
            f"| {v['label']} | {v['residents']:,} | {v['queries']} | "
            f"{statistics.median(prod):.2f} | {p95(prod):.2f} | {statistics.median(flo):.2f} | "
            f"{p95(flo):.2f} | **{ratio:.2f}×** | {target} | {'yes' if met else '**no**'} |"
        )
    lines += [
        "",
        "Where the time goes (seconds, medians over the runs): the parts of `count_year` "
        "and the floor's statements.",
        "",
        "| view | "
        + " | ".join(p.lstrip("_") for p in PARTS)
        + " | floor: "
        + " | ".join(name for name, _ in art25_floor.STATEMENTS)
        + " |",
        "|---|" + "---:|" * (len(PARTS) + len(art25_floor.STATEMENTS)),
    ]
    for v in result["views"]:
        parts = [statistics.median(r["parts"][p.lstrip("_")] for r in v["runs"]) for p in PARTS]
        statements = [
            statistics.median(r["statements"][i] for r in v["runs"]) / 1000
            for i in range(len(art25_floor.STATEMENTS))
        ]
        lines.append(
            f"| {v['label']} | "
            + " | ".join(f"{x:.2f}" for x in parts)
            + " | "
            + " | ".join(f"{x:.2f}" for x in statements)
            + " |"
        )
    lines += ["", END]
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
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is")
    parser.add_argument(
        "--quiet", type=float, default=0.5, help="quiet: the neighbours use fewer cores than this"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0,
        help="seconds to wait at most for a quiet machine before each run (0: measure only)",
    )
    parser.add_argument("--db", default=gen.PG_NAME, help="the database (dropped unless --reuse)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest")
    parser.add_argument("--no-write", action="store_true", help="leave RESULTS.md as it is")
    args = parser.parse_args()
    global DB_NAME
    DB_NAME = args.db
    DATA.mkdir(parents=True, exist_ok=True)
    gen.configure(DB_NAME)
    made_file = DATA / f"made-{DB_NAME}.json"
    if args.reuse:
        made = json.loads(made_file.read_text())
        print(f"== reusing {DB_NAME}: {json.dumps(made)}", flush=True)
    else:
        print(f"== scale {args.scale:g}: fresh database {DB_NAME} …", flush=True)
        gen.fresh_database(DB_NAME)
        made = gen.build(args.scale, args.seed)
        made_file.write_text(json.dumps(made, indent=1) + "\n")
        print(f"   built in {made['seconds']:.0f} s: {json.dumps(made)}", flush=True)
    timers = PartTimers()
    conn = bare_connection()
    result = measure(conn, timers, args.runs, args)
    if args.explain:
        plans = "\n\n".join(f"### {v['label']}\n\n{explain(conn, v, 3)}" for v in result["views"])
        (DATA / "explain.txt").write_text(plans + "\n", encoding="utf-8")
        print(plans, flush=True)
    conn.close()
    for v in result["views"]:
        v.pop("sql")
    with open(DATA / "results.jsonl", "a") as fh:
        fh.write(json.dumps({"at": time.time(), "made": made, **result}) + "\n")
    command = "python bench/bench_art25.py " + " ".join(sys.argv[1:])
    block = report(made, result, args, command.strip())
    print(block)
    if not args.no_write:
        write_results(block)


if __name__ == "__main__":
    sys.exit(main())
