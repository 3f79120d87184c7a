#!/usr/bin/env python3
"""The working-day calendar data (domain/data/holidays.txt) against a second source.

The data encodes the State Council's yearly notices (国务院办公厅关于YYYY年部分节假日安排的通知):
public holidays and the weekend days made working days (调休). This script compares it with
the `chinesecalendar` package from PyPI, an independent transcription of the same notices.

    python3 scripts/holidays.py            # check: exit 1 and list every difference
    python3 scripts/holidays.py --write    # regenerate the file from chinesecalendar

`cargo xtask test` runs the check in a venv it creates (~/.cache/jisheng-venv-holidays).
"""
import datetime as dt
import sys
from pathlib import Path

from chinese_calendar import constants

FIRST, LAST = 2014, 2026
DATA = Path(__file__).resolve().parent.parent / "domain" / "data" / "holidays.txt"
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def expected():
    """{year: (holiday spans [(name, first, last)], make-up workdays [date])}"""
    out = {}
    for year in range(FIRST, LAST + 1):
        days = sorted((d, h) for d, h in constants.holidays.items() if d.year == year)
        spans = []
        for d, name in days:
            zh = NAMES[name]
            if spans and spans[-1][0] == zh and spans[-1][2] + dt.timedelta(days=1) == d:
                spans[-1] = (zh, spans[-1][1], d)
            else:
                spans.append((zh, d, d))
        work = sorted(d for d in constants.workdays if d.year == year)
        out[year] = (spans, work)
    return out


def render(data):
    lines = [
        "# 法定节假日与调休上班日 — 国务院办公厅关于各年部分节假日安排的通知 (2014–2026).",
        "# Generated and cross-checked by scripts/holidays.py against PyPI chinesecalendar.",
        "# <year> holiday <name> <first>[..<last>]   a rest day span (weekends inside included)",
        "# <year> workday <date>                     a weekend day made a working day (调休)",
    ]
    for year, (spans, work) in data.items():
        lines.append(f"# 国务院办公厅关于{year}年部分节假日安排的通知")
        for name, first, last in spans:
            when = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
            lines.append(f"{year} holiday {name} {when}")
        for d in work:
            lines.append(f"{year} workday {d.isoformat()}")
    return "\n".join(lines) + "\n"


def main():
    text = render(expected())
    if "--write" in sys.argv:
        DATA.write_text(text, encoding="utf-8")
        print(f"wrote {DATA}")
        return 0
    have = DATA.read_text(encoding="utf-8").splitlines()
    want = text.splitlines()
    data_lines = lambda ls: {l for l in ls if l and not l.startswith("#")}
    missing = sorted(data_lines(want) - data_lines(have))
    extra = sorted(data_lines(have) - data_lines(want))
    for l in missing:
        print(f"missing from holidays.txt: {l}")
    for l in extra:
        print(f"not in chinesecalendar:    {l}")
    if missing or extra:
        return 1
    print(f"holidays.txt agrees with chinesecalendar for {FIRST}–{LAST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
