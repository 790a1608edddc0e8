"""Print the Markdown result tables of bench/run.py measurements (medians per step).

python bench/report.py bench/data/1m/results.jsonl bench/data/national/results.jsonl
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

STEPS = (
    ("brp_first", "brp_floor", "import brp, first load"),
    ("brp_reload", "brp_floor", "import brp, re-load (all unchanged)"),
    ("inschrijvingen_first", "inschrijvingen_floor", "import inschrijvingen, first load"),
    ("inschrijvingen_reload", "inschrijvingen_floor", "import inschrijvingen, re-load"),
    ("check_first", "check_floor", "absoluut check, first run"),
    ("check_rerun", "check_floor", "absoluut check, re-run"),
)
FLOOR_NAMES = {"pg": "COPY", "sqlite": "executemany"}


def table(runs: list[dict]) -> str:
    db = runs[0]["db"]
    n = len(runs)

    def values(key: str, field: str) -> list[float]:
        return [r[key][field] for r in runs if key in r and field in r[key]]

    def median(key: str, field: str = "seconds") -> float | None:
        found = values(key, field)
        return statistics.median(found) if found else None

    lines = [
        f"| step ({n} run{'s' if n > 1 else ''}, median) | product s | floor s | ratio "
        "| product peak RSS MB | floor peak RSS MB | product runs s |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for key, floor_key, label in STEPS:
        product, floor = median(key), median(floor_key)
        if product is None or floor is None:
            continue
        floor_name = "anti-join" if key.startswith("check") else FLOOR_NAMES[db]
        rss = median(key, "rss_mb")
        floor_rss = median(floor_key, "rss_mb")
        all_runs = ", ".join(f"{v:.1f}" for v in values(key, "seconds"))
        # The ratio pairs each product time with the floor of the same run (the
        # machine is shared, so conditions drift between runs); median of those.
        ratios = [
            r[key]["seconds"] / r[floor_key]["seconds"] for r in runs if key in r and floor_key in r
        ]
        ratio = statistics.median(ratios)
        lines.append(
            f"| {label} | {product:.1f} | {floor:.1f} ({floor_name}) | **{ratio:.1f}×** "
            f"| {'–' if rss is None else f'{rss:.0f}'} "
            f"| {'–' if floor_rss is None else f'{floor_rss:.0f}'} | {all_runs} |"
        )
    return "\n".join(lines)


def main() -> None:
    groups: dict[tuple[str, str, int], list[dict]] = defaultdict(list)
    for name in sys.argv[1:]:
        for line in Path(name).read_text().splitlines():
            run = json.loads(line)
            groups[(run["label"], run["db"], run["persons"])].append(run)
    for (label, db, persons), runs in groups.items():
        database = "PostgreSQL" if db == "pg" else "SQLite"
        print(f"### {database}, {persons:,} persons ({label})\n")
        print(table(runs))
        print()


if __name__ == "__main__":
    main()
