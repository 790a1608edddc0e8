"""Time a batch of control letters beside its floor: the same letters' HTML
rendered by bare WeasyPrint in as many processes as the batch uses.

    python bench/bench_letters.py                              # 1,000 ×3 pairs, 5,000 ×1 pair
    python bench/bench_letters.py --sizes 1000 --runs 3
    python bench/bench_letters.py --sizes 1000 5000 --runs 3 --large-runs 2
    python bench/bench_letters.py phases --size 1000           # where the batch's parent spends its time
    python bench/bench_letters.py phases --size 1000 --cprofile 30

Data (built once per size, kept in bench/data/letters/ and reused): a SQLite
database made by `rbl regio examples/regio-achterhoek.yaml`, with an assignment
rule per municipality and age group (so every letter has a signer), a small PNG
logo per municipality under MEDIA_ROOT/logos/ (so every letter carries an
image, as in production), the standard letter templates, and N youths in the
nine municipalities with plausible names, parents and addresses (1 % with a
secret address), each with an open absoluut-verzuim signal without control
letter. Rows are bulk-inserted. Before the floor runs of each pair, a child
process composes every letter's HTML with the product's own code as it is then
(`due_letters`, `sort_key`, `letter_html`), outside the timing; three sample
letters are laid out to check that they have as many pages as the batch's.

A run alternates, per size:

- product: a fresh copy of that database and of the media folder, then
  `rbl brieven controlebrief --datum D --pdf F --adressen F --json` as a child
  process (Django start, migration check, composing, rendering in
  RBL_LETTER_PROCESSES workers, storing every PDF as a Document, the
  transaction, the batch PDF, the address list, copying both out);
- floor: a child process that reads the HTML strings, starts a spawn Pool of as
  many processes and renders every letter with
  `HTML(string=html, base_url="/").write_pdf()` in chunks of 4 (as the
  product), returning only the PDF's length; nothing is written;
- the stricter floor ("shared"): the same, with one FontConfiguration and one
  image cache per process, as the batch's workers have (rbl.letters.pdf).

`--src DIR` runs the product from another source tree (old against new code).

For both, the wall time is taken from starting the child to its exit; the CPU
time is that of the child and all its descendants (getrusage of the reaped
children); memory is sampled every 50 ms by a thread that walks /proc for the
child's process tree and sums VmRSS and Pss (smaps_rollup) over it. The
medians are written between markers in the "Letters: control letter batch"
section of bench/RESULTS.md; the text around the markers is kept.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "letters"
RESULTS = ROOT / "bench" / "RESULTS.md"
PY = str(ROOT / ".venv" / "bin" / "python")
RBL = str(ROOT / ".venv" / "bin" / "rbl")
REGION_FILE = ROOT / "examples" / "regio-achterhoek.yaml"
REFERENCE = ROOT / "src" / "rbl" / "demo" / "data" / "achterhoek.csv"
DAY = dt.date(2026, 12, 7)
KIND = "controlebrief"
CHUNK = 4  # letters per task in the floor, as rbl.letters.pdf.CHUNK
SECTION = "## Letters: control letter batch"
BEGIN = "<!-- bench_letters: begin (generated) -->"
END = "<!-- bench_letters: end -->"
#: --src: the product runs from this source tree (for old against new code).
PRODUCT_SRC: Path | None = None


def paths(size: int) -> dict[str, Path]:
    base = DATA / f"n{size}"
    return {
        "base": base,
        "db": base / "template.sqlite3",
        "media": base / "media",
        "html": base / "letters-html.json",
        "run": DATA / "run",
    }


def django_env(db: Path, media: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["RBL_DB"] = str(db)
    env["RBL_MEDIA_ROOT"] = str(media)
    env["DJANGO_SETTINGS_MODULE"] = "rbl.settings"
    return env


def django_setup(db: Path, media: Path) -> None:
    os.environ.update(django_env(db, media))
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


# --- building the data ----------------------------------------------------------


def ensure_built(size: int, seed: int) -> None:
    p = paths(size)
    if p["db"].is_file():
        return
    print(f"building {size:,} letters' data in {p['base']} …", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [PY, __file__, "build", "--size", str(size), "--seed", str(seed)],
        env=django_env(p["db"], p["media"]),
        check=True,
    )
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def build(size: int, seed: int) -> None:
    """In a child process: the database, the logos and the letters' HTML."""
    p = paths(size)
    shutil.rmtree(p["base"], ignore_errors=True)
    (p["media"] / "logos").mkdir(parents=True)
    django_setup(p["db"], p["media"])
    from django.core.management import call_command
    from django.db import connection, transaction

    from rbl.absoluut.models import Signal
    from rbl.accounts.models import User
    from rbl.cases.models import AgeGroup, AssignmentRule
    from rbl.core.bsn import make_bsn
    from rbl.demo import names
    from rbl.law.status import LegalStatus, duty_periods
    from rbl.letters.services.letters import current_template
    from rbl.organisation.models import Municipality, Region
    from rbl.registry.models import Person

    call_command("migrate", verbosity=0)
    call_command("regio", str(REGION_FILE), "--json", stdout=open(os.devnull, "w"))
    rng = random.Random(seed)
    Region.objects.update(office_phone="0314 37 73 77", office_email="leerplicht@example.org")
    lpa = User.objects.get(username="h.wolters")
    kpa = User.objects.get(username="s.elferink")
    munis = list(Municipality.objects.order_by("code"))
    for i, m in enumerate(munis):
        (p["media"] / "logos" / f"{m.code}.png").write_bytes(logo_png(m.name, i))
        m.logo = f"logos/{m.code}.png"
        if not m.address.strip():
            m.address = f"Postbus {10 + 7 * i}\n{7000 + 13 * i} AA  {m.name.upper()}"
        m.save(update_fields=["logo", "address"])
        for group, user in ((AgeGroup.LP, lpa), (AgeGroup.KP, kpa), (AgeGroup.RMC, kpa)):
            AssignmentRule.objects.update_or_create(
                municipality=m, age_group=group, defaults={"user": user}
            )
    current_template(KIND)  # installs the standard letters

    with REFERENCE.open(encoding="utf-8") as fh:
        weights = {
            r["gemeentecode"]: int(r["inwoners_5_15"]) + int(r["inwoners_16_17"])
            for r in csv.DictReader(fh)
        }
    codes = [m.code for m in munis if m.code in weights]
    persons, statuses, seen = [], [], set()
    seed_bsn = 20_000_000
    while len(persons) < size:
        seed_bsn += 17
        bsn = make_bsn(seed_bsn)
        if bsn in seen:
            continue
        seen.add(bsn)
        code = rng.choices(codes, weights=[weights[c] for c in codes])[0]
        birth = DAY - dt.timedelta(days=rng.randint(6 * 365, 17 * 365 + 300))
        status = duty_periods(birth).status_on(DAY)
        if status not in (LegalStatus.LEERPLICHTIG, LegalStatus.KWALIFICATIEPLICHTIG):
            continue
        gender = rng.choice("MV")
        prefix, last = names.surname(rng)
        addr = names.address(rng, code)
        parents = rng.choices((2, 1, 0), weights=(85, 12, 3))[0]
        mother = f"{rng.choice(names.MOTHERS)} {names.full_name('', *names.surname(rng))}"
        father = f"{rng.choice(names.FATHERS)} {names.full_name('', prefix, last)}"
        persons.append(
            Person(
                bsn=bsn,
                surname=last,
                prefix=prefix,
                given_names=names.given_names(rng, gender),
                birth_date=birth,
                gender=gender,
                municipality_id=code,
                street=addr["straat"],
                house_number=addr["huisnummer"],
                house_letter=addr["huisletter"],
                house_number_suffix=addr["huisnummertoevoeging"],
                postcode=addr["postcode"],
                city=addr["woonplaats"],
                settled_on=birth,
                secret=rng.random() < 0.01,
                parent1_name=mother if parents >= 1 else "",
                parent2_name=father if parents == 2 else "",
            )
        )
        statuses.append(str(status))
    with transaction.atomic():
        Person.objects.bulk_create(persons, batch_size=1000)
        ids = dict(Person.objects.values_list("bsn", "pk"))
        Signal.objects.bulk_create(
            [
                Signal(
                    person_id=ids[person.bsn],
                    municipality_id=person.municipality_id,
                    status=status,
                    opened_on=DAY - dt.timedelta(days=rng.randint(3, 40)),
                )
                for person, status in zip(persons, statuses, strict=True)
            ],
            batch_size=1000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    print(f"  {size:,} youths with an open signal", flush=True)


def compose_floor_html(size: int) -> int:
    """The floor's input: every due letter's HTML, composed by the product's code
    as it is now (in a child process, outside any timing), in print order.
    Done before every floor run, so that a change to the letter's layout made
    meanwhile (other work goes on in this tree) reaches the floor too; returns
    the pages of three sample letters, to compare with the batch's pages."""
    p = paths(size)
    subprocess.run(
        [PY, __file__, "compose", "--size", str(size)],
        env=django_env(p["db"], p["media"]),
        check=True,
    )
    from weasyprint import HTML

    htmls = json.loads(p["html"].read_text(encoding="utf-8"))
    sample = [htmls[0], htmls[len(htmls) // 2], htmls[-1]]
    return sum(len(HTML(string=h, base_url="/").render().pages) for h in sample)


def compose(size: int) -> None:
    """In a child process: see compose_floor_html."""
    p = paths(size)
    django_setup(p["db"], p["media"])
    from django.db import connection

    from rbl.letters.compose import letter_html
    from rbl.letters.services.batch import sort_key
    from rbl.letters.services.letters import current_template, due_letters

    template = current_template(KIND)
    letters = sorted(due_letters(KIND, DAY), key=sort_key)
    htmls = [letter_html(letter, template, DAY)[1] for letter in letters]
    p["html"].write_text(json.dumps(htmls), encoding="utf-8")
    connection.close()


def logo_png(name: str, index: int) -> bytes:
    """A small municipal logo (about 5–10 kB): a coloured shield and the name."""
    import io

    from PIL import Image, ImageDraw

    colours = [(21, 66, 115), (0, 115, 60), (160, 20, 40), (200, 120, 0), (90, 40, 120)]
    colour = colours[index % len(colours)]
    img = Image.new("RGB", (480, 160), "white")
    draw = ImageDraw.Draw(img)
    draw.polygon([(10, 10), (130, 10), (130, 90), (70, 150), (10, 90)], fill=colour)
    draw.rectangle([40, 35, 100, 70], fill="white")
    for k in range(6):
        draw.line([(150, 40 + 14 * k), (460, 40 + 14 * k)], fill=colour, width=3 if k else 6)
    draw.text((150, 120), f"Gemeente {name}", fill=colour)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


# --- measuring a process tree ------------------------------------------------------


def _stat(pid: str) -> tuple[int, float] | None:
    """(ppid, CPU seconds) of a process from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    fields = data[data.rindex(b")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks


def _kb(path: str, keys: tuple[bytes, ...]) -> dict[bytes, int]:
    out: dict[bytes, int] = {}
    try:
        with open(path, "rb") as fh:
            for line in fh:
                for key in keys:
                    if line.startswith(key):
                        out[key] = int(line.split()[1])
    except OSError:
        pass
    return out


class TreeMonitor(threading.Thread):
    """Samples the summed memory of a process and all its descendants."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self._stop_event = threading.Event()
        self.started = time.perf_counter()
        self.peak_rss = self.peak_pss = self.peak_root_rss = 0  # kB
        self.peak_procs = 0
        self.procs: dict[int, dict] = {}  # pid → cmd, peak rss/pss (kB), VmHWM, CPU s
        self.timeline: list[tuple] = []  # (s, Σ rss MB, Σ pss MB, processes, root rss MB)

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def tree(self) -> list[int]:
        parent: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                st = _stat(entry)
                if st is not None:
                    parent[int(entry)] = st[0]
        children: dict[int, list[int]] = {}
        for pid, ppid in parent.items():
            children.setdefault(ppid, []).append(pid)
        out, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            if pid in parent:
                out.append(pid)
                todo.extend(children.get(pid, []))
        return out

    def sample(self) -> None:
        rss_sum = pss_sum = root_rss = 0
        pids = self.tree()
        for pid in pids:
            status = _kb(f"/proc/{pid}/status", (b"VmRSS:", b"VmHWM:"))
            rss = status.get(b"VmRSS:", 0)
            pss = _kb(f"/proc/{pid}/smaps_rollup", (b"Pss:",)).get(b"Pss:", 0)
            rss_sum, pss_sum = rss_sum + rss, pss_sum + pss
            info = self.procs.get(pid)
            if info is None:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as fh:
                        cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    cmd = "?"
                info = self.procs[pid] = {"cmd": cmd[:100], "rss": 0, "pss": 0, "hwm": 0}
            info["rss"], info["pss"] = max(info["rss"], rss), max(info["pss"], pss)
            info["hwm"] = max(info["hwm"], status.get(b"VmHWM:", 0))
            st = _stat(str(pid))
            if st is not None:
                info["cpu"] = st[1]
            if pid == self.root:
                root_rss = rss
        self.peak_rss = max(self.peak_rss, rss_sum)
        self.peak_pss = max(self.peak_pss, pss_sum)
        self.peak_root_rss = max(self.peak_root_rss, root_rss)
        self.peak_procs = max(self.peak_procs, len(pids))
        self.timeline.append(
            (
                round(time.perf_counter() - self.started, 2),
                round(rss_sum / 1024),
                round(pss_sum / 1024),
                len(pids),
                round(root_rss / 1024),
            )
        )


def _busy_seconds() -> float:
    """CPU seconds all cores spent outside idle and iowait since boot."""
    with open("/proc/stat") as fh:
        cells = [int(x) for x in fh.readline().split()[1:]]
    return (sum(cells[:8]) - cells[3] - cells[4]) / os.sysconf("SC_CLK_TCK")


def measure(cmd: list[str], env: dict[str, str], label: str) -> tuple[dict, str]:
    """Runs `cmd`; wall and CPU seconds of its tree, peak summed memory (MB), stdout.
    The timeline of memory samples goes to DATA/timeline-LABEL.json."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    busy = _busy_seconds()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    monitor = TreeMonitor(proc.pid)
    monitor.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    monitor.stop()
    busy = _busy_seconds() - busy
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.stderr.write(out.decode()[-2000:] + err.decode()[-4000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    procs = sorted(monitor.procs.items())
    (DATA / f"timeline-{label}.json").write_text(
        json.dumps({"timeline": monitor.timeline, "processes": dict(procs)})
    )
    return {
        "seconds": round(wall, 2),
        "cpu_s": round(cpu, 1),
        "cpu_util": round(cpu / wall, 2),
        "parent_cpu_s": round(monitor.procs.get(proc.pid, {}).get("cpu", 0.0), 1),
        # CPU the rest of the machine used meanwhile (the neighbours), per second
        "others_cpu_util": round(max(0.0, busy - cpu) / wall, 2),
        "peak_sum_rss_mb": round(monitor.peak_rss / 1024),
        "peak_sum_pss_mb": round(monitor.peak_pss / 1024),
        "parent_peak_rss_mb": round(monitor.peak_root_rss / 1024),
        "worker_peak_rss_mb": max(
            (round(i["rss"] / 1024) for p, i in procs if "spawn_main" in i["cmd"]), default=0
        ),
        "processes": monitor.peak_procs,
        "load_1m": round(load, 1),
    }, out.decode()


def fresh_copy(size: int) -> tuple[Path, Path]:
    p = paths(size)
    run = p["run"]
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    shutil.copyfile(p["db"], run / "rbl.sqlite3")
    shutil.copytree(p["media"] / "logos", run / "media" / "logos")
    return run / "rbl.sqlite3", run / "media"


def product_run(size: int, processes: int) -> dict:
    db, media = fresh_copy(size)
    run = db.parent
    env = django_env(db, media)
    env["RBL_LETTER_PROCESSES"] = str(processes)
    if PRODUCT_SRC is not None:  # ahead of the installed (editable) package
        env["PYTHONPATH"] = str(PRODUCT_SRC)
    cmd = [RBL, "brieven", KIND, "--datum", DAY.isoformat(), "--json"]
    cmd += ["--pdf", str(run / "brieven.pdf"), "--adressen", str(run / "adressen.csv")]
    result, out = measure(cmd, env, f"{size}-product")
    made = json.loads(out)
    if made.get("brieven") != size:
        raise SystemExit(f"product made {made.get('brieven')} letters, expected {size}")
    from pypdf import PdfReader

    result["pages"] = len(PdfReader(run / "brieven.pdf").pages)
    result["pdf_mb"] = round((run / "brieven.pdf").stat().st_size / 1e6, 1)
    documents = list((media / "private" / "documents").rglob("*.pdf"))
    result["documents"] = len(documents)
    result["document_kb"] = round(sum(d.stat().st_size for d in documents) / len(documents) / 1e3)
    return result


def floor_run(size: int, processes: int, shared: bool = False) -> dict:
    p = paths(size)
    cmd = [PY, __file__, "floor", "--html", str(p["html"]), "--processes", str(processes)]
    if shared:
        cmd.append("--shared")
    label = f"{size}-floor" + ("-shared" if shared else "")
    result, out = measure(cmd, dict(os.environ), label)
    rendered = json.loads(out)
    if rendered["letters"] != size:
        raise SystemExit(f"floor rendered {rendered['letters']} letters, expected {size}")
    result["pdf_kb"] = round(rendered["bytes"] / size / 1e3)
    return result


# --- the floor (a child process) ------------------------------------------------------


_shared: dict = {}


def _floor_chunk(docs: list[str]) -> list[int]:
    from weasyprint import HTML

    return [len(HTML(string=html, base_url="/").write_pdf()) for html in docs]


def _floor_chunk_shared(docs: list[str]) -> list[int]:
    """As _floor_chunk, with one font configuration and image cache per process."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if not _shared:
        _shared.update(font_config=FontConfiguration(), cache={})
    return [len(HTML(string=html, base_url="/").write_pdf(**_shared)) for html in docs]


def floor(html_file: Path, processes: int, shared: bool) -> None:
    htmls = json.loads(html_file.read_text(encoding="utf-8"))
    chunks = [htmls[i : i + CHUNK] for i in range(0, len(htmls), CHUNK)]
    work = _floor_chunk_shared if shared else _floor_chunk
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        sizes = [n for chunk in pool.imap(work, chunks) for n in chunk]
    print(json.dumps({"letters": len(sizes), "bytes": sum(sizes)}))


# --- where the parent's time goes (in process) ------------------------------------------


def phases(size: int, processes: int, cprofile: int) -> None:
    """One batch in this process with a timer around each step of the parent."""
    db, media = fresh_copy(size)
    django_setup(db, media)
    from django.conf import settings

    from rbl.letters.services import batch as b

    settings.RBL_LETTER_PROCESSES = processes
    spent: dict[str, float] = {}
    calls: dict[str, int] = {}

    def timed(name: str, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t
                calls[name] = calls.get(name, 0) + 1

        return wrapper

    b.due_letters = timed("collect due letters (queries, addressing)", b.due_letters)
    b.letter_html = timed("compose HTML (letter_html)", b.letter_html)
    b.new_document = timed("write PDF file + SHA-256 (new_document)", b.new_document)
    b._progress_to_row = timed("progress updates", b._progress_to_row)
    concatenation = getattr(b, "PdfConcatenation", None)
    if concatenation is not None:  # the batch PDF made while the workers render
        concatenation.add = timed("append to batch PDF (PdfConcatenation.add)", concatenation.add)
        concatenation.finish = timed(
            "finish batch PDF (PdfConcatenation.finish)", concatenation.finish
        )
    b._render_all = timed("render loop (_render_all)", b._render_all)
    b._store = timed("transaction (_store)", b._store)
    b.merge_pdfs = timed("merge (merge_pdfs)", b.merge_pdfs)
    b._write_outputs = timed("outputs (_write_outputs)", b._write_outputs)

    batch = b.start_batch(KIND, day=DAY)
    cpu0, t0 = time.process_time(), time.perf_counter()
    if cprofile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    b.run_batch(batch)
    if cprofile:
        profiler.disable()
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert batch.letters == size, batch.letters
    inner = (
        "compose HTML (letter_html)",
        "write PDF file + SHA-256 (new_document)",
        "append to batch PDF (PdfConcatenation.add)",
    )
    waiting = spent["render loop (_render_all)"] - sum(spent.get(k, 0.0) for k in inner)
    waiting -= spent["progress updates"]
    spent["  of which waiting for the workers"] = waiting
    spent["  of which outputs other than merge"] = spent["outputs (_write_outputs)"] - spent.get(
        "merge (merge_pdfs)", 0.0
    )
    hwm = _kb("/proc/self/status", (b"VmHWM:",)).get(b"VmHWM:", 0) / 1024
    print(f"run_batch: {wall:.1f} s wall, parent CPU {cpu:.1f} s, parent VmHWM {hwm:.0f} MB")
    for name, seconds in spent.items():
        n = calls.get(name, "")
        print(f"  {name:45s} {seconds:7.2f} s  {n}")
    if cprofile:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(cprofile)


# --- the run and the results ------------------------------------------------------------


def machine_note() -> str:
    import platform

    import pypdf
    import weasyprint

    cpu = "?"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = _kb("/proc/meminfo", (b"MemTotal:",)).get(b"MemTotal:", 0) / 1024 / 1024
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, shared with other work; "
        f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
        f"pypdf {pypdf.__version__}, SQLite"
    )


def med(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


#: What a run measures: the product and its floors, with their names in the tables.
LABELS = {
    "product": "batch",
    "floor": "floor (bare WeasyPrint)",
    "floor_shared": "floor, shared fonts and images",
}


def report(results: dict[int, dict[str, list[dict]]], args: argparse.Namespace) -> str:
    cmd = "python bench/bench_letters.py --sizes " + " ".join(map(str, args.sizes))
    cmd += f" --runs {args.runs} --large-runs {args.large_runs}"
    if args.floors != ["bare", "shared"]:
        cmd += " --floors " + " ".join(args.floors)
    if args.src:
        cmd += f" --src {args.src}"
    lines = [
        BEGIN,
        "",
        f"`{cmd}` on {dt.date.today():%Y-%m-%d}; {args.processes} rendering processes for "
        f"each. {machine_note()}.",
        "",
        "| size | run | what | wall s | CPU s (tree) | CPU ÷ wall | parent CPU s | "
        "neighbours' CPU ÷ wall | peak Σ PSS MB | peak Σ RSS MB | parent peak RSS MB | "
        "worker peak RSS MB |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, runs in results.items():
        for what, label in LABELS.items():
            for i, r in enumerate(runs.get(what, []), 1):
                lines.append(
                    f"| {size:,} | {i} | {label} | {r['seconds']:.1f} | {r['cpu_s']:.1f} | "
                    f"{r['cpu_util']:.2f} | {r['parent_cpu_s']:.1f} | "
                    f"{r['others_cpu_util']:.2f} | {r['peak_sum_pss_mb']} | "
                    f"{r['peak_sum_rss_mb']} | {r['parent_peak_rss_mb']} | "
                    f"{r['worker_peak_rss_mb']} |"
                )
    lines += [
        "",
        "Medians; the ratio is median batch ÷ median floor, each run's ratio (batch ÷ the "
        "floor run right after it) in brackets; memory is the highest of the runs:",
        "",
        "| size | what | runs | wall s | CPU s | CPU ÷ wall | neighbours' CPU ÷ wall | "
        "batch ÷ this | peak Σ PSS MB | peak Σ RSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for size, runs in results.items():
        prod = runs["product"]
        for what, label in LABELS.items():
            those = runs.get(what, [])
            if not those:
                continue
            ratio = ""
            if what != "product":
                each = ", ".join(
                    f"{p['seconds'] / f['seconds']:.2f}" for p, f in zip(prod, those, strict=False)
                )
                ratio = f"**{med(prod, 'seconds') / med(those, 'seconds'):.2f}×** ({each})"
            lines.append(
                f"| {size:,} | {label} | {len(those)} | {med(those, 'seconds'):.1f} | "
                f"{med(those, 'cpu_s'):.1f} | {med(those, 'cpu_util'):.2f} | "
                f"{med(those, 'others_cpu_util'):.2f} | {ratio} | "
                f"{max(r['peak_sum_pss_mb'] for r in those)} | "
                f"{max(r['peak_sum_rss_mb'] for r in those)} |"
            )
    some = next(iter(results.values()))["product"][0]
    lines += [
        "",
        f"Pages per letter: {some['pages'] / some['documents']:g}; a letter as stored: "
        f"{some['document_kb']} kB; the batch PDF of the first size: {some['pdf_mb']} MB "
        f"({some['pages']:,} pages).",
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


def wait_quiet(limit: float, most: float) -> float:
    """Waits (at most `most` seconds) until the rest of the machine uses less
    than `limit` cores over 5 s; returns what it used in the last 5 s."""
    deadline = time.monotonic() + most
    while True:
        busy = _busy_seconds()
        time.sleep(5)
        used = (_busy_seconds() - busy) / 5
        if used < limit or time.monotonic() >= deadline:
            return used


def run(args: argparse.Namespace) -> None:
    for size in args.sizes:
        ensure_built(size, args.seed)
    steps = [("product", product_run)]
    if "bare" in args.floors:
        steps.append(("floor", floor_run))
    if "shared" in args.floors:
        steps.append(("floor_shared", lambda n, p: floor_run(n, p, shared=True)))
    results: dict[int, dict[str, list[dict]]] = {}
    log = DATA / "results.jsonl"
    for n, size in enumerate(args.sizes):
        runs = args.runs if n == 0 else args.large_runs
        results[size] = {what: [] for what, _ in steps}
        for i in range(runs):
            pages = None
            for what, fn in steps:
                if what != "product" and pages is None:
                    pages = compose_floor_html(size) / 3
                before = wait_quiet(args.quiet, args.wait) if args.wait else None
                r = fn(size, args.processes)
                r["others_before"] = before
                if what == "product":
                    batch_pages = r["pages"] / r["documents"]
                elif abs(pages - batch_pages) >= 0.5:
                    raise SystemExit(
                        f"the floor's letters have {pages:g} pages, the batch's {batch_pages:g}: "
                        "the letter's layout changed between the two; run again"
                    )
                results[size][what].append(r)
                print(f"{size:>6,} {i + 1} {what:12s} {json.dumps(r)}", flush=True)
                with log.open("a") as fh:
                    fh.write(json.dumps({"size": size, "what": what, "at": time.time(), **r}))
                    fh.write("\n")
    block = report(results, args)
    print(block)
    if not args.no_write:
        write_results(block)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "mode", nargs="?", default="run", choices=["run", "phases", "build", "compose", "floor"]
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3, help="pairs at the first size")
    parser.add_argument("--large-runs", type=int, default=1, help="pairs at the other sizes")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument(
        "--src",
        type=Path,
        help="run the product from this source tree, e.g. an older commit's src/ "
        "(git archive COMMIT src | tar -x -C DIR) to time old against new code",
    )
    parser.add_argument(
        "--floors", nargs="+", default=["bare", "shared"], choices=["bare", "shared"]
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=120,
        help="before each measurement wait up to this many seconds for a quieter machine",
    )
    parser.add_argument(
        "--quiet", type=float, default=0.3, help="quiet: the neighbours use fewer cores than this"
    )
    parser.add_argument("--size", type=int, default=1000, help="phases/build: the size")
    parser.add_argument("--cprofile", type=int, default=0, help="phases: print N functions")
    parser.add_argument("--html", type=Path, help="floor: the letters' HTML (JSON list)")
    parser.add_argument(
        "--shared", action="store_true", help="floor: one font configuration and image cache"
    )
    args = parser.parse_args()
    if args.src:
        global PRODUCT_SRC
        PRODUCT_SRC = args.src.resolve()
    if args.mode == "build":
        build(args.size, args.seed)
    elif args.mode == "compose":
        compose(args.size)
    elif args.mode == "floor":
        floor(args.html, args.processes, args.shared)
    elif args.mode == "phases":
        ensure_built(args.size, args.seed)
        phases(args.size, args.processes, args.cprofile)
    else:
        run(args)


if __name__ == "__main__":
    main()
