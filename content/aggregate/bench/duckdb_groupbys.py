"""The dashboard's main group-bys in DuckDB, for comparison with `aggregate`.

    duckdb_groupbys.py --input EXPORT_DIR [--compare CELLS_CSV]

Reads the five CSV files of an export (explicit column types, header row)
and computes what `content/aggregate/src/aggregate.rs` counts before
suppression: referrals by door, community referrals by referrer type and by
priority tier, door x outcome, days from referral to intake (median and
within 30 days) by door, referrals by door x race, enrolments by status and
retention by door, participant outcomes by month of first enrolment,
average caseload, and diversion-eligible arrests and bookings by race. Every
count is per period: month, quarter, year and all (ROLLUP of year, quarter,
month). Every result is fetched, so the work is really done. No suppression
and no output files: this is the counting only.

Prints one line, `duckdb wall_s=... peak_rss_kib=... rows=...`: wall time
from before `import duckdb` to the last fetch (CSV reads included) and this
process's peak RSS (getrusage, KiB on Linux).

With `--compare`, afterwards (outside the measurement) every count that
cells.csv publishes unsuppressed for the tables computed here is checked
against DuckDB's, and the differences are printed.
"""

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import csv  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

import duckdb  # noqa: E402

REFERRALS = {
    "referral_key": "VARCHAR",
    "person_key": "VARCHAR",
    "referral_date": "DATE",
    "door": "VARCHAR",
    "referrer_type": "VARCHAR",
    "neighborhood": "VARCHAR",
    "race_ethnicity": "VARCHAR",
    "gender": "VARCHAR",
    "age_band": "VARCHAR",
    "priority_tier": "VARCHAR",
    "outcome": "VARCHAR",
    "intake_date": "DATE",
    "roi_date": "DATE",
    "enrolled_date": "DATE",
    "status": "VARCHAR",
    "status_date": "DATE",
}
OUTCOMES = {"person_key": "VARCHAR", "measure": "VARCHAR", "window": "VARCHAR", "value": "UINTEGER"}
CASELOADS = {"month": "VARCHAR", "case_manager_key": "VARCHAR", "active_caseload": "UINTEGER"}
ARRESTS = {
    "month": "VARCHAR",
    "neighborhood": "VARCHAR",
    "race_ethnicity": "VARCHAR",
    "diversion_eligible_arrests": "UINTEGER",
    "booked": "UINTEGER",
    # Optional in the contract; the generator always writes it.
    "charged": "UINTEGER",
}
POPULATION = {"neighborhood": "VARCHAR", "race_ethnicity": "VARCHAR", "population": "UBIGINT"}

# Days after enrolment at which retention is looked at (aggregate.rs).
RETENTION_6M_DAYS = 183
RETENTION_12M_DAYS = 365


def read_csv(path, columns):
    types = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
    quoted = path.replace("'", "''")
    return f"read_csv('{quoted}', header = true, columns = {{{types}}})"


# The period of a row from its month ('YYYY-MM'): ROLLUP(y, q, m) gives the
# month, quarter, year and all-time groups; `period` names the one a row is.
PERIOD_COLUMNS = "substr({m}, 1, 4) AS y, substr({m}, 1, 4) || '-Q' || ((CAST(substr({m}, 6, 2) AS INTEGER) + 2) // 3) AS q, {m} AS m"
PERIOD = "CASE WHEN grouping(m) = 0 THEN m WHEN grouping(q) = 0 THEN q WHEN grouping(y) = 0 THEN y ELSE 'all' END AS period"


def dim(name):
    """A dimension column with its `all` margin named as cells.csv does."""
    return f"CASE WHEN grouping({name}) = 1 THEN 'all' ELSE {name} END AS {name}"


# name -> SQL. Each result's rows: period, dimension values, then counts.
QUERIES = {
    # referrals_by_door, and the referrals / with intake / within 30 days /
    # median of days_to_intake (same groups).
    "days_to_intake": f"""
        SELECT {PERIOD}, {dim('door')},
               count(*) AS referrals,
               count(days) AS referrals_with_intake,
               count(*) FILTER (days <= 30) AS intake_within_30_days,
               median(days) AS median_days_to_intake
        FROM referrals GROUP BY ROLLUP (y, q, m), CUBE (door)""",
    "community_referrals_by_referrer_type": f"""
        SELECT {PERIOD}, {dim('referrer_type')}, count(*) AS referrals
        FROM referrals WHERE door = 'community'
        GROUP BY ROLLUP (y, q, m), CUBE (referrer_type)""",
    "community_referrals_by_priority_tier": f"""
        SELECT {PERIOD}, {dim('priority_tier')}, count(*) AS referrals
        FROM (SELECT y, q, m, coalesce(priority_tier, 'unassigned') AS priority_tier
              FROM referrals WHERE door = 'community')
        GROUP BY ROLLUP (y, q, m), CUBE (priority_tier)""",
    "referral_outcomes": f"""
        SELECT {PERIOD}, {dim('door')}, {dim('outcome')}, count(*) AS referrals
        FROM referrals GROUP BY ROLLUP (y, q, m), CUBE (door, outcome)""",
    "equity_referrals_by_door": f"""
        SELECT {PERIOD}, {dim('door')}, {dim('race_ethnicity')}, count(*) AS referrals
        FROM referrals GROUP BY ROLLUP (y, q, m), CUBE (door, race_ethnicity)""",
    # participants_by_status and retention: enrolments by month enrolled.
    "participants_by_status": f"""
        WITH as_of AS (
            SELECT max(greatest(referral_date, coalesce(intake_date, referral_date),
                                coalesce(roi_date, referral_date), coalesce(enrolled_date, referral_date),
                                coalesce(status_date, referral_date))) AS d
            FROM referrals),
        enrolments AS (
            SELECT door, status, status_date, enrolled_date AS e, {PERIOD_COLUMNS.format(m="strftime(enrolled_date, '%Y-%m')")}
            FROM referrals WHERE outcome = 'enrolled' AND enrolled_date IS NOT NULL)
        SELECT {PERIOD}, {dim('door')},
               count(*) AS participants_enrolled,
               count(*) FILTER (status = 'active') AS participants_active,
               count(*) FILTER (status = 'inactive') AS participants_inactive,
               count(*) FILTER (status IS NULL OR status = 'discharged') AS participants_discharged,
               count(*) FILTER (e + {RETENTION_6M_DAYS} <= d) AS enrolments_followed_6m,
               count(*) FILTER (e + {RETENTION_6M_DAYS} <= d AND (status IN ('active', 'inactive')
                        OR (status = 'discharged' AND status_date >= e + {RETENTION_6M_DAYS}))) AS retained_6m,
               count(*) FILTER (e + {RETENTION_12M_DAYS} <= d) AS enrolments_followed_12m,
               count(*) FILTER (e + {RETENTION_12M_DAYS} <= d AND (status IN ('active', 'inactive')
                        OR (status = 'discharged' AND status_date >= e + {RETENTION_12M_DAYS}))) AS retained_12m
        FROM enrolments, as_of GROUP BY ROLLUP (y, q, m), CUBE (door)""",
    # participant_outcomes: outcomes.csv of enrolled people, by the month of
    # their first enrolment. (A person with two rows for one measure and
    # window takes the larger value here, the last row in aggregate.rs; the
    # synthetic exports have no such duplicates.)
    "participant_outcomes": f"""
        WITH people AS (
            SELECT person_key, min(strftime(enrolled_date, '%Y-%m')) AS month
            FROM referrals WHERE outcome = 'enrolled' AND enrolled_date IS NOT NULL
            GROUP BY person_key),
        wide AS (
            SELECT person_key,
                   max(value) FILTER (measure = 'jail_bookings' AND "window" = 'pre_12m') AS jail_pre,
                   max(value) FILTER (measure = 'jail_bookings' AND "window" = 'post_12m') AS jail_post,
                   max(value) FILTER (measure = 'ed_visits' AND "window" = 'pre_12m') AS ed_pre,
                   max(value) FILTER (measure = 'ed_visits' AND "window" = 'post_12m') AS ed_post,
                   max(value) FILTER (measure = 'housed' AND "window" = 'post_6m') AS housed6,
                   max(value) FILTER (measure = 'housed' AND "window" = 'post_12m') AS housed12
            FROM outcomes GROUP BY person_key),
        joined AS (
            SELECT wide.*, (jail_pre IS NOT NULL AND jail_post IS NOT NULL AND ed_pre IS NOT NULL
                            AND ed_post IS NOT NULL) AS followed12,
                   {PERIOD_COLUMNS.format(m="people.month")}
            FROM people JOIN wide USING (person_key))
        SELECT {PERIOD},
               count(*) FILTER (followed12) AS people_followed_12m,
               coalesce(sum(jail_pre) FILTER (followed12), 0) AS jail_bookings_pre_12m,
               coalesce(sum(jail_post) FILTER (followed12), 0) AS jail_bookings_post_12m,
               coalesce(sum(ed_pre) FILTER (followed12), 0) AS ed_visits_pre_12m,
               coalesce(sum(ed_post) FILTER (followed12), 0) AS ed_visits_post_12m,
               count(housed6) AS people_followed_housing_6m,
               count(*) FILTER (housed6 > 0) AS housed_post_6m,
               count(housed12) AS people_followed_housing_12m,
               count(*) FILTER (housed12 > 0) AS housed_post_12m
        FROM joined GROUP BY ROLLUP (y, q, m)""",
    "average_caseload": f"""
        SELECT {PERIOD}, count(*) AS case_manager_months, sum(active_caseload) AS active_caseload_sum,
               sum(active_caseload) / count(*) AS average_active_caseload
        FROM (SELECT active_caseload, {PERIOD_COLUMNS.format(m="month")} FROM caseloads)
        GROUP BY ROLLUP (y, q, m)""",
    "equity_diversion_eligible_arrests": f"""
        SELECT {PERIOD}, {dim('race_ethnicity')},
               sum(diversion_eligible_arrests) AS diversion_eligible_arrests, sum(booked) AS booked
        FROM (SELECT race_ethnicity, diversion_eligible_arrests, booked, {PERIOD_COLUMNS.format(m="month")}
              FROM arrests)
        GROUP BY ROLLUP (y, q, m), CUBE (race_ethnicity)""",
    "population_by_race": f"""
        SELECT {dim('race_ethnicity')}, sum(population) AS population
        FROM population GROUP BY CUBE (race_ethnicity)""",
}


def run(input_dir):
    con = duckdb.connect()  # in memory, default threads
    path = lambda name: os.path.join(input_dir, name)  # noqa: E731
    # Each file is read once into a table; referrals get their period columns.
    con.execute(
        f"""CREATE TEMP TABLE referrals AS
            SELECT *, intake_date - referral_date AS days,
                   {PERIOD_COLUMNS.format(m="strftime(referral_date, '%Y-%m')")}
            FROM {read_csv(path('referrals.csv'), REFERRALS)}"""
    )
    con.execute(f"CREATE TEMP TABLE outcomes AS SELECT * FROM {read_csv(path('outcomes.csv'), OUTCOMES)}")
    con.execute(f"CREATE TEMP TABLE caseloads AS SELECT * FROM {read_csv(path('caseloads.csv'), CASELOADS)}")
    con.execute(f"CREATE TEMP TABLE arrests AS SELECT * FROM {read_csv(path('arrests.csv'), ARRESTS)}")
    con.execute(f"CREATE TEMP TABLE population AS SELECT * FROM {read_csv(path('population.csv'), POPULATION)}")
    results = {}
    for name, sql in QUERIES.items():
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        results[name] = (columns, cursor.fetchall())
    return results


# Dimension columns of cells.csv, in order.
DIMS = ("door", "referrer_type", "priority_tier", "outcome", "race_ethnicity")
# cells.csv table -> (DuckDB result, measures, the table's dimensions, its
# fixed dimension values, and a filter on the result's rows).
COMPARED = {
    "referrals_by_door": ("days_to_intake", ["referrals"], ["door"], {}, {}),
    "days_to_intake": (
        "days_to_intake",
        ["referrals", "referrals_with_intake", "intake_within_30_days", "median_days_to_intake"],
        ["door"],
        {},
        {},
    ),
    "community_referrals_by_referrer_type": (
        "community_referrals_by_referrer_type",
        ["referrals"],
        ["referrer_type"],
        {"door": "community"},
        {},
    ),
    "community_referrals_by_priority_tier": (
        "community_referrals_by_priority_tier",
        ["referrals"],
        ["priority_tier"],
        {"door": "community"},
        {},
    ),
    "referral_outcomes": ("referral_outcomes", ["referrals"], ["door", "outcome"], {}, {}),
    "equity_referrals_by_door": ("equity_referrals_by_door", ["referrals"], ["door", "race_ethnicity"], {}, {}),
    "participants_by_status": (
        "participants_by_status",
        ["participants_enrolled", "participants_active", "participants_inactive"],
        ["door"],
        {},
        {},
    ),
    "retention": (
        "participants_by_status",
        ["enrolments_followed_6m", "retained_6m", "enrolments_followed_12m", "retained_12m"],
        ["door"],
        {},
        {},
    ),
    "participant_outcomes": (
        "participant_outcomes",
        [
            "people_followed_12m",
            "jail_bookings_pre_12m",
            "jail_bookings_post_12m",
            "ed_visits_pre_12m",
            "ed_visits_post_12m",
            "people_followed_housing_6m",
            "housed_post_6m",
            "people_followed_housing_12m",
            "housed_post_12m",
        ],
        [],
        {},
        {},
    ),
    "average_caseload": ("average_caseload", ["case_manager_months", "active_caseload_sum"], [], {}, {}),
    "equity_diversion_eligible_arrests": (
        "equity_diversion_eligible_arrests",
        ["diversion_eligible_arrests"],
        ["race_ethnicity"],
        {},
        {},
    ),
    "system_bookings": (
        "equity_diversion_eligible_arrests",
        ["diversion_eligible_arrests", "booked"],
        [],
        {},
        {"race_ethnicity": "all"},
    ),
}


def compare(results, cells_path):
    """Checks every unsuppressed count of the compared tables; returns (checked, differences)."""
    ours = {}
    for table, (name, measures, table_dims, fixed, where) in COMPARED.items():
        columns, rows = results[name]
        for row in rows:
            record = dict(zip(columns, row))
            if any(record[d] != v for d, v in where.items()):
                continue
            dims = tuple(record[d] if d in table_dims else fixed.get(d, "") for d in DIMS)
            for measure in measures:
                ours[(table, record["period"], dims, measure)] = record[measure]
    checked, differences = 0, []
    with open(cells_path, newline="") as f:
        for cell in csv.DictReader(f):
            table = cell["table"]
            if table not in COMPARED or cell["measure"] not in COMPARED[table][1]:
                continue
            if cell["suppressed"] == "true" or cell["value"] == "":
                continue
            key = (table, cell["period"], tuple(cell[d] for d in DIMS), cell["measure"])
            # DuckDB has no row for an empty group; aggregate.rs publishes 0
            # (a median of an empty group is not published at all).
            duck = ours.get(key, 0)
            checked += 1
            if duck is None or abs(float(duck) - float(cell["value"])) > 1e-9:
                differences.append((key, cell["value"], duck))
    return checked, differences


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="export directory (referrals.csv, outcomes.csv, ...)")
    parser.add_argument("--compare", help="cells.csv written by `aggregate` from the same export")
    args = parser.parse_args()
    results = run(args.input)
    wall = time.perf_counter() - STARTED
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows = sum(len(r) for _, r in results.values())
    print(f"duckdb {duckdb.__version__} wall_s={wall:.3f} peak_rss_kib={peak_kib} rows={rows}", flush=True)
    if args.compare:
        checked, differences = compare(results, args.compare)
        for key, cell, duck in differences[:20]:
            print(f"compare: {key}: cells.csv {cell}, duckdb {duck}")
        print(f"compare: {checked} unsuppressed counts of cells.csv checked, {len(differences)} differ")
        if differences:
            sys.exit(1)


if __name__ == "__main__":
    main()
