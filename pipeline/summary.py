"""What a daily run reports: headline shares and their change, coverage, how complete the
census was, and the families that moved most. Plain data and markdown, for any front end."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from .census import SnapshotRecord


def headline_rows(con: duckdb.DuckDBPyConnection, top: int = 8) -> list[dict]:
    """The newest day's 365-day new-model country shares, both attributions, with the change
    since 30 days before (None when that day has no shares)."""
    day = con.execute("SELECT max(day) FROM country_share").fetchone()[0]
    if day is None:
        return []
    rows = con.execute(
        """SELECT now_.attribution, now_.country, now_.share, now_.share - before.share AS change
           FROM country_share now_
           LEFT JOIN country_share before
             ON before.day = now_.day - 30 AND before.window_days = now_.window_days
            AND before.attribution = now_.attribution AND before.cohort = now_.cohort
            AND before.excluding_spikes = now_.excluding_spikes AND before.country = now_.country
           WHERE now_.day = ? AND now_.window_days = 365 AND now_.cohort = 'new' AND NOT now_.excluding_spikes
           QUALIFY row_number() OVER (PARTITION BY now_.attribution ORDER BY now_.share DESC, now_.country) <= ?
           ORDER BY now_.attribution DESC, now_.share DESC, now_.country""",
        [day, top],
    ).fetchall()
    return [{"day": str(day), "attribution": a, "country": c, "share": round(s, 4),
             "change_30d": None if d is None else round(d, 4)} for a, c, s, d in rows]


def segment_changes(con: duckdb.DuckDBPyConnection, dimension: str, window_days: int):
    """Each segment of `dimension` over the newest window (all models, raw downloads), with
    its share over the window just before: `share_before` is NULL when the segment had none
    there, `earlier_window` false when that window has no data at all. A polars frame."""
    return con.execute(
        """SELECT now_.segment, now_.share, before.share AS share_before,
                  EXISTS (SELECT 1 FROM segment_share s WHERE s.day = now_.day - ?) AS earlier_window
           FROM segment_share now_
           LEFT JOIN segment_share before
             ON before.day = now_.day - ? AND before.window_days = now_.window_days
            AND before.dimension = now_.dimension AND before.cohort = now_.cohort
            AND before.excluding_spikes = now_.excluding_spikes AND before.segment = now_.segment
           WHERE now_.day = (SELECT max(day) FROM segment_share) AND now_.window_days = ?
             AND now_.dimension = ? AND now_.cohort = 'all' AND NOT now_.excluding_spikes
             AND now_.segment <> '(other)'""",
        [window_days, window_days, window_days, dimension],
    ).pl()


def top_movers(con: duckdb.DuckDBPyConnection, count: int = 5) -> list[tuple[str, float, float]]:
    """Families whose 7-day share moved most against the 7 days before: (family, share, change)."""
    changes = segment_changes(con, "family", 7).filter(pl.col("earlier_window"))
    return (
        changes.select("segment", "share", change=pl.col("share") - pl.col("share_before").fill_null(0))
        .sort([pl.col("change").abs(), pl.col("segment")], descending=[True, False])
        .head(count)
        .rows()
    )


def daily_summary(con: duckdb.DuckDBPyConnection, record: SnapshotRecord, coverage: dict[str, float]) -> str:
    """The markdown summary of one daily run."""
    previous = con.execute(
        "SELECT snapshot_date, models FROM snapshots WHERE complete AND snapshot_date < ? "
        "ORDER BY snapshot_date DESC LIMIT 1",
        [date.fromisoformat(record.snapshot_date)],
    ).fetchone()
    state = "complete" if record.complete else f"**INCOMPLETE** ({record.incomplete_reason}; kept out of the metrics)"
    lines = [
        f"# hubcensus {record.snapshot_date}",
        "",
        f"- Census: {state}, {record.models:,} models in {record.pages:,} pages, {record.retries} retries, "
        f"{record.quarantined} item(s) quarantined.",
    ]
    if previous:
        change = record.models - previous[1]
        lines.append(f"- Against the census of {previous[0]}: {change:+,} models ({change / previous[1]:+.2%}).")
    lines.append("- Coverage (share of 30-day downloads with a known country): "
                 + ", ".join(f"{attribution} {share:.1%}" for attribution, share in coverage.items()))
    headline = headline_rows(con)
    if headline:
        lines += ["", f"## Share of downloads of new models, 365 days to {headline[0]['day']}", "",
                  "| attribution | country | share | change over 30 days |", "|---|---|---|---|"]
        for row in headline:
            change = "n/a" if row["change_30d"] is None else f"{row['change_30d'] * 100:+.1f} pts"
            lines.append(f"| {row['attribution']} | {row['country']} | {row['share']:.1%} | {change} |")
    movers = top_movers(con)
    if movers:
        lines += ["", "## Top movers: families, share of the last 7 days against the 7 before", "",
                  "| family | share | change |", "|---|---|---|"]
        lines += [f"| {family} | {share:.2%} | {change * 100:+.2f} pts |" for family, share, change in movers]
    return "\n".join(lines)

