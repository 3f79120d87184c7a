#!/usr/bin/env python3
"""The working-day calendar data (domain/data/holidays.txt) against a second source.

The data encodes the State Council's yearly notices (国务院办公厅关于YYYY年部分节假日安排的通知):
public holidays and the weekend days made working days (调休). This script compares it with
the `chinesecalendar` package from PyPI, an independent transcription of the same notices.

    python3 scripts/holidays.py            # check: exit 1 and list every difference
    python3 scripts/holidays.py --write    # regenerate the files from the packages

It also checks the lunar dates and 清明 the domain computes for years without a notice
(domain/src/calendar/statutory.rs, issue 16) against a second pair of sources: the `lunardate`
package (Hong Kong Observatory tables, 1900–2099) and chinesecalendar's solar terms. Their
answers for 2008–2099 are kept in domain/tests/data/lunar_cross_check.tsv, which the domain's
test `statutory_cross_check` compares with its own computation, year by year.

`cargo xtask test` runs the check in a venv it creates (~/.cache/jisheng-venv-holidays).
"""
import datetime as dt
import sys
from pathlib import Path

from chinese_calendar import constants

FIRST, LAST = 2014, 2026
DATA = Path(__file__).resolve().parent.parent / "domain" / "data" / "holidays.txt"
LUNAR = Path(__file__).resolve().parent.parent / "domain" / "tests" / "data" / "lunar_cross_check.tsv"
LUNAR_FIRST, LUNAR_LAST = 2008, 2099
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


def lunar_table():
    """除夕, 正月初一, 清明, 端午 (五月初五), 中秋 (八月十五) of each year, from independent sources."""
    import chinese_calendar
    from lunardate import LunarDate

    lines = [
        "# year\t除夕\t春节(正月初一)\t清明\t端午\t中秋 — from PyPI lunardate and chinesecalendar's",
        "# solar terms (scripts/holidays.py --write); the domain's computation is tested against it.",
    ]
    for year in range(LUNAR_FIRST, LUNAR_LAST + 1):
        new_year = LunarDate(year, 1, 1).to_solar_date()
        eve = new_year - dt.timedelta(days=1)
        qingming = [d for d, name in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10)) if name == "清明"][0]
        duanwu = LunarDate(year, 5, 5).to_solar_date()
        zhongqiu = LunarDate(year, 8, 15).to_solar_date()
        lines.append("\t".join(str(x) for x in (year, eve, new_year, qingming, duanwu, zhongqiu)))
    return "\n".join(lines) + "\n"


def check_lunar(write):
    text = lunar_table()
    if write:
        LUNAR.parent.mkdir(parents=True, exist_ok=True)
        LUNAR.write_text(text, encoding="utf-8")
        print(f"wrote {LUNAR}")
        return 0
    have = LUNAR.read_text(encoding="utf-8") if LUNAR.exists() else ""
    if have != text:
        print(f"{LUNAR} differs from lunardate/chinesecalendar: run scripts/holidays.py --write and review")
        return 1
    print(f"lunar_cross_check.tsv agrees with lunardate and chinesecalendar for {LUNAR_FIRST}–{LUNAR_LAST}")
    return 0


def main():
    lunar = check_lunar("--write" in sys.argv)
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
    if missing or extra or lunar:
        return 1
    print(f"holidays.txt agrees with chinesecalendar for {FIRST}–{LAST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
