#!/usr/bin/env python3
"""The pandas side of `benk bench --reports`: the same statistics as Benk's reports, computed
from CSV exports of the person-level rows the reports read, timed end to end (read the CSV
files + compute) for each run.

The bench writes the exports to a temporary directory and runs this script with the venv's
Python; it can also be run by hand on such a directory:

    scripts/bench_reports_pandas.py --dir DIR --from 2025-12-01 --to 2026-11-30 --runs 5

Inputs (one team, the period's rows):
  contacts.csv  client_id,occurred_at,kind,met   (plain CSV: the contacts the activity report
                                                  reads; occurred_at in UTC, RFC 3339; met 0/1)
  levels.csv    client_id,level,from_date        (plain CSV: the team's level-of-effort history,
                                                  in the order Benk reads it)
  spor.csv      Benk's own SPoR import format (docs/import/spor.md): one row per interview,
                q1..q20, the 1-9 answers with a decimal comma

Output: one JSON object on standard output:
  {"pandas": version, "python": version,
   "seconds": {report: [seconds of each run]},
   "figures": {report: {"table_id|row|column": value}}}
with values as Benk's CSV export writes them: a count as is, a percentage as
"numerator/denominator", a decimal with one decimal (halves away from zero), a range as
"low..high". Rows and columns count from 1 as in the CSV export; the rows are in the report's
order (contact kinds in Benk's order, levels 1, 2, 3 and none, months in time order,
municipalities sorted, scale questions 1, 3, 7, 8, 10).

Not computed here: referrals, decisions, caseloads and measures due (their inputs are not
exported), and the free-text answers.
"""

import argparse
import json
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

# Benk's contact kinds, in the report's order (ContactKind::ALL).
KINDS = [
    "home_visit",
    "outreach",
    "office",
    "phone",
    "video",
    "accompany_gp",
    "accompany_nav",
    "accompany_dps",
    "accompany_other",
    "drop_in",
    "responsibility_group",
    "partner_meeting",
]
IN_OFFICE = {"office", "phone", "video"}
SCALE = [1, 3, 7, 8, 10]


def one_decimal(v):
    """One decimal, halves away from zero on the shortest decimal form (Benk's round1)."""
    return str(Decimal(repr(float(v))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def activity(d, start, end):
    out = {}
    c = pd.read_csv(f"{d}/contacts.csv", dtype={"client_id": str, "kind": str})
    lv = pd.read_csv(f"{d}/levels.csv", dtype={"client_id": str})
    when = pd.to_datetime(c["occurred_at"], utc=True, format="ISO8601")
    c["day"] = when.dt.tz_convert("Europe/Oslo").dt.tz_localize(None).dt.normalize()
    c = c[(c["day"] >= start) & (c["day"] <= end)]
    c["met"] = c["met"].astype(bool)
    n_all = len(c)
    met_all = int(c["met"].sum())

    out_n = int((~c["kind"].isin(IN_OFFICE)).sum())
    out["activity.out_of_office|1|1"] = str(out_n)
    out["activity.out_of_office|1|2"] = str(n_all)
    out["activity.out_of_office|1|3"] = f"{out_n}/{n_all}"

    by_kind = c.groupby("kind")["met"].agg(["size", "sum"])
    for r, k in enumerate(KINDS, start=1):
        n, met = (int(by_kind.loc[k, "size"]), int(by_kind.loc[k, "sum"])) if k in by_kind.index else (0, 0)
        t = "activity.contacts_by_kind"
        out[f"{t}|{r}|2"] = str(n)
        out[f"{t}|{r}|3"] = str(met)
        out[f"{t}|{r}|4"] = str(n - met)
        out[f"{t}|{r}|5"] = f"{met}/{n}"
    r = len(KINDS) + 1
    out[f"activity.contacts_by_kind|{r}|2"] = str(n_all)
    out[f"activity.contacts_by_kind|{r}|3"] = str(met_all)
    out[f"activity.contacts_by_kind|{r}|4"] = str(n_all - met_all)
    out[f"activity.contacts_by_kind|{r}|5"] = f"{met_all}/{n_all}"

    # The level on the day of the contact: the person's last level row from that day or before.
    lv["from_date"] = pd.to_datetime(lv["from_date"])
    lv = lv.reset_index().sort_values(["from_date", "index"], kind="stable")
    cs = c.sort_values("day", kind="stable")
    j = pd.merge_asof(cs, lv[["client_id", "from_date", "level"]], left_on="day",
                      right_on="from_date", by="client_id", direction="backward")
    j["level"] = j["level"].fillna(0).astype(int)
    g = j.groupby("level").agg(people=("client_id", "nunique"), n=("met", "size"), met=("met", "sum"))
    for r, level in enumerate([1, 2, 3, 0], start=1):
        people, n, met = (int(g.loc[level, "people"]), int(g.loc[level, "n"]), int(g.loc[level, "met"])) \
            if level in g.index else (0, 0, 0)
        t = "activity.contacts_by_level"
        out[f"{t}|{r}|2"] = str(people)
        out[f"{t}|{r}|3"] = str(n)
        out[f"{t}|{r}|4"] = str(met)
        out[f"{t}|{r}|5"] = f"{met}/{n}"

    months = pd.period_range(start.to_period("M"), end.to_period("M"), freq="M")
    per = c.groupby(c["day"].dt.to_period("M"))["met"].agg(["size", "sum"]).reindex(months, fill_value=0)
    for r, (_, row) in enumerate(per.iterrows(), start=1):
        n, met = int(row["size"]), int(row["sum"])
        t = "activity.contacts_by_month"
        out[f"{t}|{r}|2"] = str(n)
        out[f"{t}|{r}|3"] = str(met)
        out[f"{t}|{r}|4"] = str(n - met)
    return out


def summary(t, r, values, out):
    values = values.dropna()
    n = len(values)
    out[f"{t}|{r}|2"] = str(n)
    if n:
        out[f"{t}|{r}|3"] = one_decimal(values.median())
        out[f"{t}|{r}|4"] = one_decimal(values.mean())
        out[f"{t}|{r}|5"] = f"{one_decimal(values.min())}..{one_decimal(values.max())}"


def spor(d, start, end):
    out = {}
    s = pd.read_csv(f"{d}/spor.csv", dtype=str, keep_default_na=False)
    s["interviewed_on"] = pd.to_datetime(s["interviewed_on"])
    s = s[(s["interviewed_on"] >= start) & (s["interviewed_on"] <= end)]
    n = len(s)
    munis = s.groupby("municipality").size().sort_index()
    for r, (m, k) in enumerate(munis.items(), start=1):
        out[f"spor.municipalities|{r}|2"] = str(int(k))
        out[f"spor.municipalities|{r}|3"] = f"{int(k)}/{n}"
    r = len(munis) + 1
    out[f"spor.municipalities|{r}|2"] = str(n)
    out[f"spor.municipalities|{r}|3"] = f"{n}/{n}"
    summary("spor.background", 1, pd.to_numeric(s["age"]).astype(float), out)
    summary("spor.background", 2, pd.to_numeric(s["contact_years"]).astype(float), out)
    for r, q in enumerate(SCALE, start=1):
        v = pd.to_numeric(s[f"q{q}"].str.replace(",", ".", regex=False).replace("", None))
        summary("spor.questions", r, v.astype(float), out)
    return out


REPORTS = {"activity": activity, "spor": spor}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--from", dest="start", required=True)
    ap.add_argument("--to", dest="end", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--reports", default=",".join(REPORTS))
    a = ap.parse_args()
    start, end = pd.Timestamp(a.start), pd.Timestamp(a.end)
    seconds, figures, skipped = {}, {}, []
    for name in a.reports.split(","):
        f = REPORTS.get(name)
        if f is None:
            skipped.append(name)
            continue
        times = []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            figures[name] = f(a.dir, start, end)
            times.append(time.perf_counter() - t0)
        seconds[name] = times
    json.dump({"pandas": pd.__version__, "python": sys.version.split()[0], "seconds": seconds,
               "figures": figures, "not_computed": skipped}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
