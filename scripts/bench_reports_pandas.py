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
  referrals.csv received_on,agency_kind,agency_id,decided_on,outcome,in_target_group,
                services_established  (every referral of the team with its decision; the
                number of ordinary services established for it)
  episodes.csv  client_id,included_on,closed_on,close_reason,referred_on  (every course of the
                team; referred_on: the day its referral arrived)
  contact_staff.csv contact_id,client_id,occurred_at,kind,met,staff_id  (the period's contacts,
                one row per staff member who took part; one row without staff when none did)
For the teams side by side, every team of the installation:
  teams.csv     position,team_id,name  (in Benk's order: a team's column is its position + 1)
  all_contacts.csv  team_id,occurred_at,kind,met  (every team's contacts in the period)
  all_referrals.csv team_id,received_on,agency_kind,agency_id,decided_on,outcome
  all_episodes.csv  team_id,client_id,included_on,closed_on

Output: one JSON object on standard output:
  {"pandas": version, "python": version,
   "seconds": {report: [seconds of each run]},
   "figures": {report: {"table_id|row|column": value}}}
with values as Benk's CSV export writes them: a count as is, a percentage as
"numerator/denominator", a decimal with one decimal (halves away from zero), a range as
"low..high". Rows and columns count from 1 as in the CSV export; the rows are in the report's
order (contact kinds in Benk's order, levels 1, 2, 3 and none, months in time order,
municipalities sorted, scale questions 1, 3, 7, 8, 10).

What each report computes here (a subset of the report's tables, each figure compared):
  activity   out of the office, contacts by kind / level / month, referrals and decisions in
             the period (not: months in operation, caseload, measures due)
  referrals  by kind of referrer, by quarter, days to decision, outcomes, the target-group
             shares (not: months in operation)
  spor       municipalities, age and years of contact, the five 1-9 questions (not: free text)
  fidelity   per month and for the whole period: people followed at the end, contacts met,
             person-weeks, contacts per person-week, share in the community, share met by more
             than one worker, drop-out (not: days to first contact)
  tandem     taken in over time (not: housing, evictions, treatment)
  cflex      the cohort's size, the target-group and services shares (not: housing, the
             before/after windows, measures, cost)
  teams      per team: people followed, referrals, decisions by outcome and in all, contacts,
             the shares out of the office and met (not: caseload, measures due and done)
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
OUTCOMES = ["accepted", "routed_fact", "routed_other", "guidance", "declined"]
OFFERED = {"accepted", "guidance"}
NOT_AGENCY = {"relative", "self_referral"}
DROPOUT = {"declined_further_help", "lost_contact"}


def oslo_day(s):
    """The day in Norway of UTC instants written as RFC 3339."""
    when = pd.to_datetime(s, utc=True, format="ISO8601")
    return when.dt.tz_convert("Europe/Oslo").dt.tz_localize(None).dt.normalize()


def read_csv(path, dates, **kw):
    """A CSV with date columns as dates (also when a column is empty)."""
    t = pd.read_csv(path, **kw)
    for col in dates:
        t[col] = pd.to_datetime(t[col])
    return t


def read_referrals(d):
    return read_csv(f"{d}/referrals.csv", ["received_on", "decided_on"],
                    dtype={"agency_kind": str, "agency_id": str, "outcome": str})


def read_episodes(d):
    return read_csv(f"{d}/episodes.csv", ["included_on", "closed_on", "referred_on"],
                    dtype={"client_id": str, "close_reason": str})


def months_of(start, end):
    """Benk's monthly intervals of start..end: (label, first day, last day), clipped."""
    return [(p.strftime("%Y-%m"), max(p.start_time, start), min(p.end_time.normalize(), end))
            for p in pd.period_range(start.to_period("M"), end.to_period("M"), freq="M")]


def share(out, key, num, den):
    out[key] = f"{int(num)}/{int(den)}"


def outcome_rows(t, outcomes, out):
    counts, total = outcomes.value_counts(), len(outcomes)
    for r, o in enumerate(OUTCOMES + [None], start=1):
        n = int(counts.get(o, 0)) if o else total
        out[f"{t}|{r}|2"] = str(n)
        share(out, f"{t}|{r}|3", n, total)


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

    rf = read_referrals(d)
    p = rf[(rf["received_on"] >= start) & (rf["received_on"] <= end)]
    agencies = p.loc[~p["agency_kind"].isin(NOT_AGENCY), "agency_id"].dropna().nunique()
    for r, n in enumerate([len(p), agencies, (p["agency_kind"] == "relative").sum(),
                           (p["agency_kind"] == "self_referral").sum()], start=1):
        out[f"activity.referrals|{r}|2"] = str(int(n))
    dec = rf[(rf["decided_on"] >= start) & (rf["decided_on"] <= end)]["outcome"].dropna()
    outcome_rows("activity.decisions", dec, out)
    return out


def referrals(d, start, end):
    out = {}
    rf = read_referrals(d)
    p = rf[(rf["received_on"] >= start) & (rf["received_on"] <= end)].copy()
    kinds = p.groupby("agency_kind").size().sort_index()
    for r, (k, n) in enumerate(kinds.items(), start=1):
        out[f"referrals.by_kind|{r}|2"] = str(int(n))
        share(out, f"referrals.by_kind|{r}|3", n, len(p))
    if len(kinds):
        out[f"referrals.by_kind|{len(kinds) + 1}|2"] = str(len(p))
    p["quarter"] = p["received_on"].dt.year.astype(str) + "-Q" + p["received_on"].dt.quarter.astype(str)
    seen = set()
    for r, (_, q) in enumerate(p.groupby("quarter"), start=1):
        ag = set(q.loc[~q["agency_kind"].isin(NOT_AGENCY), "agency_id"].dropna())
        seen |= ag
        for c, n in enumerate([len(q), len(ag), len(seen)], start=2):
            out[f"referrals.by_quarter|{r}|{c}"] = str(n)
    decided = p.dropna(subset=["decided_on", "outcome"])
    days = (decided["decided_on"] - decided["received_on"]).dt.days.astype(float)
    if len(days):
        out["referrals.days|1|2"] = one_decimal(days.median())
        out["referrals.days|2|2"] = one_decimal(days.mean())
        out["referrals.days|3|2"] = f"{one_decimal(days.min())}..{one_decimal(days.max())}"
        out["referrals.days|4|2"] = str(len(days))
    outcome_rows("referrals.outcomes", decided["outcome"], out)
    tg = p["in_target_group"]
    offered = p[p["outcome"].isin(OFFERED)]
    share(out, "referrals.target_group|1|2", (offered["in_target_group"] == 1).sum(), len(offered))
    share(out, "referrals.target_group|2|2", (p["services_established"] > 0).sum(), len(p))
    share(out, "referrals.target_group|3|2", (tg == 1).sum(), tg.notna().sum())
    return out


def fidelity(d, start, end):
    out = {}
    c = pd.read_csv(f"{d}/contact_staff.csv", dtype={"contact_id": str, "client_id": str, "staff_id": str})
    c["day"] = oslo_day(c["occurred_at"])
    e = read_episodes(d)
    closed = e["closed_on"].fillna(end + pd.Timedelta(days=1))  # open: after the period
    ones = c.drop_duplicates("contact_id")
    rows = months_of(start, end) + [("whole", start, end)]
    for r, (label, a, b) in enumerate(rows, start=1):
        k = ones[(ones["day"] >= a) & (ones["day"] <= b)]
        met = k[k["met"] == 1]
        st = c[(c["day"] >= a) & (c["day"] <= b) & (c["met"] == 1)]
        staff = st.groupby("client_id")["staff_id"].nunique()
        overlap = ((closed.clip(upper=b) - e["included_on"].clip(lower=a)).dt.days + 1).clip(lower=0)
        followed = e.loc[overlap > 0, "client_id"].nunique()
        open_end = e.loc[(e["included_on"] <= b) & (closed >= b), "client_id"].nunique()
        drop = ((e["closed_on"] >= a) & (e["closed_on"] <= b) & e["close_reason"].isin(DROPOUT)).sum()
        weeks = float(overlap.sum()) / 7.0
        community = (~k["kind"].isin(IN_OFFICE)).sum()
        if label == "whole":
            share(out, "fidelity.summary|3|2", community, len(k))
            share(out, "fidelity.summary|4|2", (staff > 1).sum(), met["client_id"].nunique())
            share(out, "fidelity.summary|6|2", drop, followed)
            continue
        out[f"fidelity.people_per_fte|{r}|2"] = str(open_end)
        out[f"fidelity.contacts_per_person_week|{r}|2"] = str(len(met))
        out[f"fidelity.contacts_per_person_week|{r}|3"] = one_decimal(weeks)
        if weeks > 0:
            out[f"fidelity.contacts_per_person_week|{r}|4"] = one_decimal(len(met) / weeks)
        out[f"fidelity.community_percent|{r}|2"] = str(int(community))
        out[f"fidelity.community_percent|{r}|3"] = str(len(k))
        share(out, f"fidelity.community_percent|{r}|4", community, len(k))
        seen = met["client_id"].nunique()
        out[f"fidelity.shared_caseload_percent|{r}|2"] = str(int((staff > 1).sum()))
        out[f"fidelity.shared_caseload_percent|{r}|3"] = str(seen)
        share(out, f"fidelity.shared_caseload_percent|{r}|4", (staff > 1).sum(), seen)
        out[f"fidelity.dropout_percent_year|{r}|2"] = str(int(drop))
        out[f"fidelity.dropout_percent_year|{r}|3"] = str(followed)
        share(out, f"fidelity.dropout_percent_year|{r}|4", drop, followed)
    return out


def tandem(d, start, end):
    out = {}
    e = read_episodes(d)
    first = e.groupby("client_id")["included_on"].min()
    closed = e["closed_on"].fillna(end + pd.Timedelta(days=1))  # open: after the period

    def followed(a, b):
        return e.loc[(e["included_on"] <= b) & (closed >= a), "client_id"].nunique()

    rows = months_of(start, end)
    for r, (_, a, b) in enumerate(rows, start=1):
        for col, n in enumerate([((first >= a) & (first <= b)).sum(), (first <= b).sum(), followed(b, b)], start=2):
            out[f"tandem.intake|{r}|{col}"] = str(int(n))
    r = len(rows) + 1
    whole = [((first >= start) & (first <= end)).sum(), (first <= end).sum(), followed(start, end)]
    for col, n in enumerate(whole, start=2):
        out[f"tandem.intake|{r}|{col}"] = str(int(n))
    return out


def cflex(d, start, end):
    out = {}
    e = read_episodes(d)
    cohort = e[(e["included_on"] >= start) & (e["included_on"] <= end)]
    out["cflex.cohort|1|2"] = str(cohort["client_id"].nunique())
    rf = read_referrals(d)
    offered = rf[rf["outcome"].isin(OFFERED) & (rf["decided_on"] >= start) & (rf["decided_on"] <= end)]
    share(out, "cflex.shares|1|2", (offered["in_target_group"] == 1).sum(), len(offered))
    p = rf[(rf["received_on"] >= start) & (rf["received_on"] <= end)]
    share(out, "cflex.shares|2|2", (p["services_established"] > 0).sum(), len(p))
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


def teams(d, start, end):
    """The teams side by side: per team (a column each, in Benk's order) the activity figures
    people followed, referrals, decisions by outcome and in all, contacts, the share out of the
    office and the share met (not: caseload, measures)."""
    out = {}
    tm = pd.read_csv(f"{d}/teams.csv", dtype={"team_id": str, "name": str})
    c = pd.read_csv(f"{d}/all_contacts.csv", dtype={"team_id": str, "kind": str})
    c["day"] = oslo_day(c["occurred_at"])
    c = c[(c["day"] >= start) & (c["day"] <= end)]
    rf = read_csv(f"{d}/all_referrals.csv", ["received_on", "decided_on"],
                  dtype={"team_id": str, "agency_kind": str, "agency_id": str, "outcome": str})
    e = read_csv(f"{d}/all_episodes.csv", ["included_on", "closed_on"],
                 dtype={"team_id": str, "client_id": str})
    followed = e[(e["included_on"] <= end) & (e["closed_on"].isna() | (e["closed_on"] >= start))]
    people = followed.groupby("team_id")["client_id"].nunique()
    received = rf[(rf["received_on"] >= start) & (rf["received_on"] <= end)].groupby("team_id").size()
    dec = rf[(rf["decided_on"] >= start) & (rf["decided_on"] <= end) & rf["outcome"].notna()]
    by_outcome = dec.groupby(["team_id", "outcome"]).size()
    c = c.assign(out=~c["kind"].isin(IN_OFFICE), met=c["met"].astype(bool))
    per = c.groupby("team_id").agg(n=("met", "size"), met=("met", "sum"), out=("out", "sum"))
    for _, t in tm.iterrows():
        col, team = int(t["position"]) + 1, t["team_id"]
        k = f"teams.figures|{{}}|{col}"
        out[k.format(1)] = str(int(people.get(team, 0)))
        out[k.format(2)] = str(int(received.get(team, 0)))
        total = 0
        for r, o in enumerate(OUTCOMES, start=3):
            n = int(by_outcome.get((team, o), 0))
            total += n
            out[k.format(r)] = str(n)
        out[k.format(3 + len(OUTCOMES))] = str(total)
        n, met, away = (int(per.loc[team, x]) for x in ("n", "met", "out")) if team in per.index else (0, 0, 0)
        out[k.format(4 + len(OUTCOMES))] = str(n)
        out[k.format(5 + len(OUTCOMES))] = f"{away}/{n}"
        out[k.format(6 + len(OUTCOMES))] = f"{met}/{n}"
    return out


REPORTS = {"activity": activity, "referrals": referrals, "spor": spor, "fidelity": fidelity,
           "tandem": tandem, "cflex": cflex, "teams": teams}


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
