"""Load: officers working at the same time, on gunicorn and PostgreSQL.

    python bench/bench_load.py                           # 10 and 50 users, 3 repetitions
    python bench/bench_load.py --users 10 --reps 1 --seconds 20 --no-write   # a quick look
    python bench/bench_load.py --reuse                   # keep the database of the last run
    python bench/bench_load.py --queries                 # only count the queries per page
    python bench/bench_load.py --reuse --think 3         # a pause of 3 s on average after each answer

What it does, all on 127.0.0.1 on this machine:

1. A fresh PostgreSQL database `rbl_bench_load` with 100,000 youths and 20,000
   cases (`--persons`, `--cases`), built by `bench/population.py` (the same
   generator as the dashboard benchmark), with `--staff` users per officer
   post: an lpa per municipality, the regional kpa and rmc and the
   coordinator, all with the password "demo". The region carries the demo
   marker, so the second factor is optional and the users log in with their
   password alone (README, "Login and security").
2. gunicorn with the README's command line ("Running in production":
   `gunicorn rbl.wsgi:application --workers N --bind 127.0.0.1:PORT
   --forwarded-allow-ips … --timeout 120 --graceful-timeout 30 --max-requests
   2000 --max-requests-jitter 200`, N = `--workers`, default 2 × cores + 1),
   with the product's settings plus one URL for the floor
   (`load_settings.py`, `load_urls.py`). The clients talk plain HTTP to
   gunicorn: the TLS proxy in front of it in production is left out (and with
   it `RBL_BEHIND_PROXY` and `RBL_SECURE_COOKIES`). The code measured is
   that of a commit (`--commit`, default HEAD), unpacked with `git archive`
   under bench/data/load/ and imported by this process and by gunicorn
   instead of the working tree.
3. Virtual users, one thread each with its own connection and cookies (the
   standard library's http.client: no client package to install). Each logs
   in once through the login form; then, without think time, it loops over a
   mix of what officers do: a work list (Mijn werk, Zaken team, Termijn
   verstreken; 25 %), a person page (25 %), a case page (30 %), a search by
   BSN (15 %) and by surname and birth date (5 %). Searches are POSTs of the
   form with the CSRF token, as the browser sends them: a BSN never in a URL.
   Persons, cases and search terms are drawn per user from what that user may
   see (`accounts/access.py`), in a sequence seeded per user and repetition.
   An answer is an error when it is not 200 or does not show what was asked
   (a search must list the person searched for).
4. Per repetition and number of users (`--users`): `--seconds` of the mix
   (after `--warm-up` seconds not counted), then the floor: the same users,
   as many, `--floor-seconds` against `/bench/leeg/` (a trivial view behind
   the whole middleware, session and login included), and as long against a
   static file (`/static/web/rbl.css`, WhiteNoise in the same process). Before
   each, the machine's CPU use by others is sampled for 5 s (`--quiet-wait`
   waits for it to drop below `--quiet` cores).
5. The queries per page type are counted once, in this process, through
   Django's test client with `CaptureQueriesContext` (min–max over a few
   targets: a count that grows with the data would show an N+1).

The table gives, per number of users and page type, the median over the
repetitions of p50, p95 and p99 (nearest rank), throughput and errors, the
floor beside them and the ratio product ÷ floor. The results replace the
generated part of the "## Load" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from population import PG_SERVER, build, busy_seconds, fresh_database, wait_quiet  # noqa: E402

DATA = ROOT / "bench" / "data" / "load"
RESULTS = ROOT / "bench" / "RESULTS.md"
PG_NAME = "rbl_bench_load"
SECRET = "rbl-bench-load-secret-key-not-for-production-0123456789"
SECTION = "## Load: officers at work on gunicorn and PostgreSQL"


def markers(think: float) -> tuple[str, str]:
    """The generated block's markers in RESULTS.md; one block per think time."""
    tag = "bench_load" + (f" think={think:g}" if think else "")
    return f"<!-- {tag}: begin (generated) -->", f"<!-- {tag}: end -->"


TARGET_MS = 300.0
PASSWORD = "demo"
# Page types of the mix and their share of the requests.
MIX = {"lijst": 25, "persoon": 25, "zaak": 30, "zoeken_bsn": 15, "zoeken_naam": 5}
LISTS = {"werk": "/werk/", "team": "/team/", "termijnen": "/termijnen/"}
PAGE_ORDER = ["werk", "team", "termijnen", "persoon", "zaak", "zoeken_bsn", "zoeken_naam"]
FLOORS = {"leeg": "/bench/leeg/", "statisch": "/static/web/rbl.css"}
POOL = 200  # persons and cases drawn per user


def snapshot(commit: str) -> tuple[str, Path]:
    """RBL's code at `commit`, unpacked once under bench/data/load/, and put first
    on the path of this process and of gunicorn. gunicorn starts new workers
    during a run (`--max-requests`), and they must import the code measured, not
    a working tree that is being edited (that gave a run of HTTP 500s)."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", commit], capture_output=True, text=True, check=True
    ).stdout.strip()
    dest = DATA / f"src-{sha[:12]}"
    if not (dest / "rbl" / "__init__.py").exists():
        tmp = DATA / f"src-{sha[:12]}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", sha, "src/rbl"], capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        shutil.rmtree(dest, ignore_errors=True)
        (tmp / "src").rename(dest)
        shutil.rmtree(tmp, ignore_errors=True)
    sys.path.insert(0, str(dest))
    os.environ["PYTHONPATH"] = str(dest)
    return sha, dest


def configure() -> None:
    os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "load_settings"
    os.environ["RBL_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    os.environ["RBL_SECRET_KEY"] = SECRET
    import django

    django.setup()


def database_matches(persons: int, cases: int, staff: int) -> bool:
    """Whether the bench database exists and holds this size (for --reuse)."""
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/{PG_NAME}", connect_timeout=5) as conn:
            got = conn.execute(
                "SELECT (SELECT count(*) FROM registry_person), (SELECT count(*) FROM cases_case),"
                " (SELECT count(*) FROM accounts_user WHERE username LIKE 'coordinator%')"
            ).fetchone()
    except psycopg.Error:
        return False
    return got == (persons, cases, staff)


# --- who does what ------------------------------------------------------------------


@dataclass
class Officer:
    username: str
    lists: list[str]
    cases: list[str] = field(default_factory=list)  # opaque ids
    persons: list[str] = field(default_factory=list)
    bsns: list[tuple[str, str]] = field(default_factory=list)  # (bsn, opaque id)
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (surname, date, id)


def officers(n: int) -> list[str]:
    """The first `n` users in turn over the posts: coordinator, kpa, rmc, the
    nine lpa's, then the second holder of each post, and so on."""
    from rbl.accounts.models import User

    names = set(User.objects.values_list("username", flat=True))
    lpa = sorted(u for u in names if u.startswith("lpa-") and not re.search(r"-\d+$", u))
    order = []
    for k in range(1, 100):
        suffix = f"-{k}" if k > 1 else ""
        batch = [f"{u}{suffix}" for u in ["coordinator", "kpa-regio", "rmc-regio", *lpa]]
        batch = [u for u in batch if u in names]
        if not batch:
            break
        order += batch
    if len(order) < n:
        raise SystemExit(f"{n} gebruikers gevraagd, {len(order)} aanwezig: verhoog --staff")
    return order[:n]


def prepare(usernames: list[str], seed: int) -> list[Officer]:
    """What each user will open: drawn from what that user may see."""
    from rbl.accounts.access import visible_cases, visible_persons
    from rbl.accounts.models import User
    from rbl.web.opaque import encode

    out = []
    for i, name in enumerate(usernames):
        user = User.objects.get(username=name)
        rng = random.Random(seed * 7919 + i)
        owns = user.owned_cases.exists()
        lists = ["werk", "team", "termijnen"] if owns else ["team", "termijnen"]
        case_ids = list(visible_cases(user).values_list("pk", flat=True))
        person_rows = list(
            visible_persons(user).values_list("pk", "bsn", "surname", "birth_date")[:20000]
        )
        cases = rng.sample(case_ids, min(POOL, len(case_ids)))
        persons = rng.sample(person_rows, min(POOL, len(person_rows)))
        out.append(
            Officer(
                username=name,
                lists=lists,
                cases=[encode("case", pk) for pk in cases],
                persons=[encode("person", p[0]) for p in persons],
                bsns=[(p[1], encode("person", p[0])) for p in persons],
                names=[(p[2], p[3].isoformat(), encode("person", p[0])) for p in persons],
            )
        )
    return out


@dataclass
class Step:
    kind: str  # page type
    method: str
    path: str
    form: dict[str, str] | None = None
    expect: bytes = b""  # must be in the answer


def next_step(o: Officer, rng: random.Random) -> Step:
    kind = rng.choices(list(MIX), list(MIX.values()))[0]
    if kind == "lijst":
        name = rng.choice(o.lists)
        return Step(name, "GET", LISTS[name])
    if kind == "persoon":
        return Step(kind, "GET", f"/personen/{rng.choice(o.persons)}/")
    if kind == "zaak":
        return Step(kind, "GET", f"/zaken/{rng.choice(o.cases)}/")
    if kind == "zoeken_bsn":
        bsn, pid = rng.choice(o.bsns)
        return Step(kind, "POST", "/zoeken/", {"bsn": bsn}, f"/personen/{pid}/".encode())
    surname, born, pid = rng.choice(o.names)
    form = {"geslachtsnaam": surname, "geboortedatum": born}
    return Step(kind, "POST", "/zoeken/", form, f"/personen/{pid}/".encode())


# --- the client -------------------------------------------------------------------


class Browser:
    """One user's connection and cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def send(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body, headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for raw in resp.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(raw)
            for key, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        if resp.will_close:
            self.conn.close()
        return resp.status, data, resp.headers.get("Location", "")

    def login(self, username: str) -> None:
        """The login form, as a browser fills it in (no second factor: demo region)."""
        status, page, _ = self.send("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"inlogpagina: HTTP {status}")
        form = {"username": username, "password": PASSWORD}
        form["csrfmiddlewaretoken"] = token.group(1).decode()
        status, _, where = self.send("POST", "/login/", form)
        if status != 302 or "/login" in where:
            raise SystemExit(f"{username}: inloggen mislukt (HTTP {status} → {where})")
        status, _, where = self.send("GET", "/")
        if status not in (200, 302) or "/login" in where:
            raise SystemExit(f"{username}: na inloggen HTTP {status} → {where}")


@dataclass
class Sample:
    kind: str
    ms: float
    error: str = ""


def run_phase(
    browsers: list[Browser],
    plans: list,
    warm_up: float,
    seconds: float,
    think: float = 0.0,
    seed: str = "",
) -> tuple[list[Sample], float, int]:
    """All users at once: each takes its next step as soon as the last one is
    answered (`think` > 0: after a pause drawn from an exponential distribution
    with that mean, in seconds). Samples of the steps started in the measured
    window, its length, and how many steps were answered in all (warm-up
    included)."""
    samples: list[Sample] = []
    answered = [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    begin, end = start + warm_up, start + warm_up + seconds

    def user(b: Browser, plan, pauses: random.Random) -> None:
        own: list[Sample] = []
        count = 0
        while time.perf_counter() < start:
            time.sleep(0.001)
        while True:
            step = plan()
            t0 = time.perf_counter()
            if t0 >= end:
                break
            error = ""
            try:
                status, body, _ = b.send(step.method, step.path, step.form)
                if status != 200:
                    error = f"HTTP {status}"
                elif step.expect and step.expect not in body:
                    error = "gezochte persoon niet in het antwoord"
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
            ms = (time.perf_counter() - t0) * 1000
            if t0 >= begin:
                own.append(Sample(step.kind, ms, error))
            count += 1
            if think:
                time.sleep(min(pauses.expovariate(1 / think), max(0.0, end - time.perf_counter())))
        with lock:
            samples.extend(own)
            answered[0] += count

    threads = [
        threading.Thread(target=user, args=(b, p, random.Random(f"{seed}-{i}")))
        for i, (b, p) in enumerate(zip(browsers, plans, strict=True))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, seconds, answered[0]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), int(round(q * len(ordered)))) - 1)]


def summarise(samples: list[Sample], seconds: float) -> dict:
    by: dict[str, list[Sample]] = {}
    for s in samples:
        by.setdefault(s.kind, []).append(s)
    out = {}
    for kind, group in [*by.items(), ("alle", samples)]:
        ok = [s.ms for s in group if not s.error] or [0.0]
        errors = [s.error for s in group if s.error]
        out[kind] = {
            "n": len(group),
            "p50": pct(ok, 0.50),
            "p95": pct(ok, 0.95),
            "p99": pct(ok, 0.99),
            "rps": len(group) / seconds,
            "errors": len(errors),
            "error_kinds": sorted(set(errors))[:5],
        }
    return out


# --- gunicorn -----------------------------------------------------------------------


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "RBL_ALLOWED_HOSTS": "127.0.0.1",
    }
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"),
        "rbl.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        # The rest of the README's line ("Running in production"):
        *("--forwarded-allow-ips", "127.0.0.1", "--timeout", "120", "--graceful-timeout", "30"),
        *("--max-requests", "2000", "--max-requests-jitter", "200"),
        "--pythonpath",
        str(ROOT / "bench"),
    ]
    log = open(DATA / "gunicorn.log", "a")  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, cwd=DATA)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = Browser(port).send("GET", "/login/")
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("gunicorn kwam niet op; zie bench/data/load/gunicorn.log")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def login_all(browsers: list[Browser], usernames: list[str]) -> float:
    """Every user logs in once (four at a time: each login hashes a password)."""
    started = time.perf_counter()
    pending = list(zip(browsers, usernames, strict=True))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                b, name = pending.pop()
            b.login(name)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


# --- queries per page ----------------------------------------------------------------


def count_queries(plan: list[Officer], seed: int, tries: int = 5) -> dict[str, dict[str, list]]:
    """Queries of each page type for the first coordinator and the first lpa,
    through the test client (same settings, same middleware): {user: {kind: [n…]}}."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rbl.accounts.models import User

    out: dict[str, dict[str, list]] = {}
    picks = [o for o in plan if o.username == "coordinator"]
    picks += [o for o in plan if o.username.startswith("lpa-")][:1]
    for o in picks:
        client = Client()
        client.force_login(User.objects.get(username=o.username))
        client.get("/")
        rng = random.Random(seed)
        steps = [Step(name, "GET", LISTS[name]) for name in o.lists]
        for kind in ("persoon", "zaak", "zoeken_bsn", "zoeken_naam"):
            made = 0
            while made < tries:
                step = next_step(o, rng)
                if step.kind == kind:
                    steps.append(step)
                    made += 1
        counts: dict[str, list] = {}
        for step in steps:
            with CaptureQueriesContext(connection) as ctx:
                if step.method == "GET":
                    response = client.get(step.path)
                else:
                    response = client.post(step.path, step.form)
            if response.status_code != 200:
                raise SystemExit(f"{o.username} {step.path}: HTTP {response.status_code}")
            counts.setdefault(step.kind, []).append(len(ctx.captured_queries))
        out[o.username] = counts
    return out


# --- the run --------------------------------------------------------------------------


def cpu_of(pids: list[int]) -> dict[int, float]:
    """CPU seconds each of `pids` has used so far (missing ones left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[p] = (int(fields[11]) + int(fields[12])) / tick
    return out


def gunicorn_pids(pid: int) -> list[int]:
    try:
        return [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    except OSError:
        return [pid]


def backend_pids() -> list[int]:
    """PostgreSQL backends serving the bench database (gunicorn's connections)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{PG_NAME}", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [PG_NAME],
        ).fetchall()
    return [r[0] for r in rows]


class CpuMeter:
    """CPU seconds of gunicorn's processes and of the database's backends over a
    phase (a backend started during the phase counts from zero)."""

    def __init__(self, gunicorn: int) -> None:
        self.gunicorn = gunicorn
        self.start = {
            "gunicorn": cpu_of(gunicorn_pids(gunicorn)),
            "postgres": cpu_of(backend_pids()),
        }

    def used(self) -> dict[str, float]:
        now = {
            "gunicorn": cpu_of(gunicorn_pids(self.gunicorn)),
            "postgres": cpu_of(backend_pids()),
        }
        return {k: sum(v - self.start[k].get(p, 0.0) for p, v in now[k].items()) for k in now}


def one_rep(rep: int, args, browsers, plan, proc) -> dict:
    """One repetition: for each number of users the mix, then the floors."""
    out = {}
    for n in args.users:
        neighbours = wait_quiet(args.quiet, args.quiet_wait)
        load = os.getloadavg()[0]
        phases = {}
        cpu = {}
        for phase in ["mix", *FLOORS]:
            if phase == "mix":
                rngs = [random.Random(f"{args.seed}-{rep}-{n}-{i}") for i in range(n)]
                plans = [
                    (lambda o=o, r=r: next_step(o, r)) for o, r in zip(plan[:n], rngs, strict=True)
                ]
                seconds = args.seconds
            else:
                step = Step(phase, "GET", FLOORS[phase])
                plans = [(lambda s=step: s)] * n
                seconds = args.floor_seconds
            busy, own, meter = busy_seconds(), time.process_time(), CpuMeter(proc.pid)
            wall = time.perf_counter()
            samples, window, answered = run_phase(
                browsers[:n], plans, args.warm_up, seconds, args.think, f"{rep}-{n}-{phase}"
            )
            wall = time.perf_counter() - wall
            phases[phase] = summarise(samples, window)
            used = meter.used()
            done = max(1, answered)
            cpu[phase] = {
                "machine": (busy_seconds() - busy) / wall,
                "client": (time.process_time() - own) / wall,
                "gunicorn": used["gunicorn"] / wall,
                "postgres": used["postgres"] / wall,
                "gunicorn_ms": used["gunicorn"] * 1000 / done,
                "postgres_ms": used["postgres"] * 1000 / done,
            }
            a = phases[phase]["alle"]
            print(
                f"   rep {rep + 1} users {n} {phase}: {a['n']} requests, "
                f"p50 {a['p50']:.0f} p95 {a['p95']:.0f} p99 {a['p99']:.0f} ms, "
                f"{a['rps']:.1f}/s, errors {a['errors']} {a['error_kinds']}; "
                f"cores: machine {cpu[phase]['machine']:.2f}, gunicorn "
                f"{cpu[phase]['gunicorn']:.2f}, postgres {cpu[phase]['postgres']:.2f}, client "
                f"{cpu[phase]['client']:.2f}; CPU per request: gunicorn "
                f"{cpu[phase]['gunicorn_ms']:.0f} ms, postgres {cpu[phase]['postgres_ms']:.0f} ms",
                flush=True,
            )
        out[str(n)] = {
            "neighbours": neighbours,
            "load": [load, os.getloadavg()[0]],
            "phases": phases,
            "cpu": cpu,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=40, help="measured seconds of the mix")
    parser.add_argument("--floor-seconds", type=float, default=15)
    parser.add_argument("--warm-up", type=float, default=5)
    parser.add_argument(
        "--think", type=float, default=0, help="mean pause in seconds after each answer (0: none)"
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--staff", type=int, default=5, help="users per officer post")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep a database of this size")
    parser.add_argument("--queries", action="store_true", help="only count queries per page")
    parser.add_argument("--quiet", type=float, default=0.5)
    parser.add_argument("--quiet-wait", type=float, default=0)
    parser.add_argument("--no-write", action="store_true", help="leave RESULTS.md as it is")
    parser.add_argument("--commit", default="HEAD", help="the commit whose code is measured")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    commit, code = snapshot(args.commit)
    configure()
    import rbl

    if Path(rbl.__file__).resolve().parent != (code / "rbl").resolve():
        raise SystemExit(f"rbl komt uit {rbl.__file__}, niet uit {code}")
    print(f"== code of commit {commit[:12]} ({code})", flush=True)
    started = time.perf_counter()
    if args.reuse and database_matches(args.persons, args.cases, args.staff):
        made = {"reused": True}
    else:
        print(f"== fresh database: {args.persons:,} persons, {args.cases:,} cases …", flush=True)
        fresh_database(PG_NAME)
        made = build(args.persons, args.cases, args.seed, staff=args.staff)
    build_s = time.perf_counter() - started
    usernames = officers(max(args.users))
    plan = prepare(usernames, args.seed)
    queries = count_queries(plan, args.seed)
    print(f"   ready in {build_s:.0f} s; queries per page: {json.dumps(queries)}", flush=True)
    if args.queries:
        return
    from django.db import connections

    connections.close_all()
    proc = start_gunicorn(args.port, args.workers)
    try:
        browsers = [Browser(args.port) for _ in usernames]
        login_s = login_all(browsers, usernames)
        print(f"   {len(browsers)} users logged in in {login_s:.1f} s", flush=True)
        reps = [one_rep(rep, args, browsers, plan, proc) for rep in range(args.reps)]
    finally:
        stop(proc)
    result = {
        "at": time.time(),
        "commit": commit,
        "args": vars(args),
        "made": made,
        "queries": queries,
        "login_s": login_s,
        "reps": reps,
    }
    with open(DATA / "results.jsonl", "a") as fh:
        fh.write(json.dumps(result) + "\n")
    block = report(result)
    print(block)
    if not args.no_write:
        write_results(block, args.think)


# --- reporting ---------------------------------------------------------------------------


def machine_note(args) -> str:
    import django
    import psycopg

    cpu = "?"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with psycopg.connect(f"{PG_SERVER}/{PG_NAME}") as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        shared = conn.execute("SHOW shared_buffers").fetchone()[0]
    gunicorn = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), shared with other work; {gunicorn} with "
        f"{args['workers']} sync workers; PostgreSQL {version} (shared_buffers {shared}); "
        f"Python {platform.python_version()}, Django {django.__version__}"
    )


def _med(values) -> float:
    values = list(values)
    return statistics.median(values) if values else 0.0


def _span(values) -> str:
    values = list(values)
    return f"{min(values):.2f}–{max(values):.2f}" if values else "–"


def report(result: dict) -> str:
    args = result["args"]
    reps = result["reps"]
    cmd = (
        f"python bench/bench_load.py --users {' '.join(map(str, args['users']))} "
        f"--reps {args['reps']} --seconds {args['seconds']:g} --floor-seconds "
        f"{args['floor_seconds']:g} --staff {args['staff']}"
        + (f" --think {args['think']:g}" if args.get("think") else "")
    )
    begin, end = markers(args.get("think", 0))
    lines = [
        begin,
        "",
        f"`{cmd}` on {dt.date.today():%Y-%m-%d}, the code of commit "
        f"{result.get('commit', '?')[:12]}, {args['persons']:,} persons and "
        f"{args['cases']:,} cases. {machine_note(args)}. "
        f"Logging in all {max(args['users'])} users took {result['login_s']:.1f} s "
        "(not measured below).",
        "",
        "Machine during the runs (per number of users, over the repetitions): load "
        "average (1 min) at the start of each, the cores the neighbours used in the 5 s "
        "before, and the cores in use during the mix (whole machine / gunicorn's processes / "
        "the client threads); then the CPU time gunicorn and the bench database's "
        "PostgreSQL backends spent per answered request (from /proc, warm-up included):",
        "",
    ]
    for n in args["users"]:
        runs = [r[str(n)] for r in reps]
        lines.append(
            f"- {n} users: load {_span(r['load'][0] for r in runs)}, neighbours "
            f"{_span(r['neighbours'] for r in runs)} cores; during the mix machine "
            f"{_span(r['cpu']['mix']['machine'] for r in runs)}, gunicorn "
            f"{_span(r['cpu']['mix']['gunicorn'] for r in runs)}, client "
            f"{_span(r['cpu']['mix']['client'] for r in runs)} cores. CPU per request "
            f"(median): the mix gunicorn {_med(r['cpu']['mix']['gunicorn_ms'] for r in runs):.0f} "
            f"ms + PostgreSQL {_med(r['cpu']['mix']['postgres_ms'] for r in runs):.0f} ms, the "
            f"trivial view {_med(r['cpu']['leeg']['gunicorn_ms'] for r in runs):.0f} + "
            f"{_med(r['cpu']['leeg']['postgres_ms'] for r in runs):.0f} ms."
        )
    lines += [
        "",
        f"Milliseconds, median over {len(reps)} repetitions of each repetition's p50, p95 "
        f"and p99 (nearest rank) and of its requests per second; requests and errors "
        f"summed over the repetitions' measured {args['seconds']:g} s each (floors "
        f"{args['floor_seconds']:g} s); "
        + (
            f"after each answer a pause of {args['think']:g} s on average (exponential), "
            "in the floors too. "
            if args.get("think")
            else "no think time. "
        )
        + "Ratio = the page's p95 ÷ the floor's p95 (the trivial view, same "
        "users, same repetition), median over the repetitions. Queries: per request, "
        "coordinator / first lpa, min–max over the targets tried.",
        "",
        "| users | page | requests | p50 | p95 | p99 | runs' p95 min–max | req/s | errors | "
        "p95 ÷ floor | queries |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    q = result["queries"]

    def qcell(kind: str) -> str:
        cells = []
        for counts in q.values():
            got = counts.get(kind)
            cells.append(f"{min(got)}–{max(got)}" if got else "–")
        return " / ".join(cells)

    verdicts = []
    for n in args["users"]:
        runs = [r[str(n)]["phases"] for r in reps]
        kinds = [k for k in PAGE_ORDER if any(k in r["mix"] for r in runs)]
        rows = [("mix", k, k) for k in kinds] + [("mix", "alle", "**mix, all pages**")]
        rows += [(f, "alle", f"floor: {f}") for f in FLOORS]
        for phase, kind, label in rows:
            got = [r[phase][kind] for r in runs if kind in r[phase]]
            floor = [r["leeg"]["alle"]["p95"] for r in runs if kind in r[phase]]
            ratio = _med(g["p95"] / f for g, f in zip(got, floor, strict=True) if f)
            p95s = [g["p95"] for g in got]
            lines.append(
                f"| {n} | {label} | {sum(g['n'] for g in got):,} | {_med(g['p50'] for g in got):.0f} "
                f"| {_med(p95s):.0f} | {_med(g['p99'] for g in got):.0f} | "
                f"{min(p95s):.0f}–{max(p95s):.0f} | {_med(g['rps'] for g in got):.1f} | "
                f"{sum(g['errors'] for g in got)} | "
                f"{'' if phase != 'mix' else f'{ratio:.1f}×'} | "
                f"{qcell(kind) if phase == 'mix' and kind != 'alle' else ''} |"
            )
        mix = [r["mix"]["alle"] for r in runs]
        p95 = _med(m["p95"] for m in mix)
        errors = sum(m["errors"] for m in mix)
        kinds_err = sorted({e for m in mix for e in m["error_kinds"]})
        verdicts.append(
            f"- {n} users: p95 of the mix {p95:.0f} ms "
            f"({'under' if p95 < TARGET_MS else '**over**'} {TARGET_MS:.0f} ms), "
            f"{errors} errors{' (' + ', '.join(kinds_err) + ')' if kinds_err else ''}"
            + (
                f" — target {'**met**' if p95 < TARGET_MS and not errors else '**missed**'}."
                if n == 10
                else " (recorded; no target)."
            )
        )
    lines += ["", *verdicts, "", end]
    return "\n".join(lines)


def write_results(block: str, think: float) -> None:
    """Replaces this think time's generated block, or adds it (after the
    section's heading, which is written once)."""
    begin, end = markers(think)
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    elif SECTION in text:
        text = text.rstrip("\n") + f"\n\n{block}\n"
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{block}\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
