"""The HTML report: the warehouse's shares as charts, with their definitions beside them.

Charts are Vega-Lite specs made with Altair; the page inlines the Vega libraries from
vl-convert's bundle, so it opens offline, with nothing fetched from the network. The key
charts are also rendered to PNG (vl-convert) for the run's Prefect artifact.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path

import altair as alt
import duckdb
import polars as pl
import vl_convert

from .files import write_atomically
from .summary import segment_changes

TOP_COUNTRIES = 6
WIDTH = 420


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    return con.execute(sql, params or []).pl()


def country_over_time(con) -> alt.Chart:
    data = _frame(con, """
        WITH top AS (
            SELECT attribution, country FROM country_share
            WHERE window_days = 30 AND NOT excluding_spikes AND cohort = 'all'
            GROUP BY attribution, country
            QUALIFY row_number() OVER (PARTITION BY attribution ORDER BY sum(downloads) DESC, country) <= ?
        )
        SELECT s.day, s.attribution, s.cohort, coalesce(t.country, 'other') AS country, sum(s.share) AS share
        FROM country_share s LEFT JOIN top t USING (attribution, country)
        WHERE s.window_days = 30 AND NOT s.excluding_spikes
        GROUP BY ALL ORDER BY ALL""", [TOP_COUNTRIES])
    return alt.Chart(data).mark_area().encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("share:Q", stack="normalize", axis=alt.Axis(format="%"), title="share of downloads (30 days)"),
        color=alt.Color("country:N", title="country"),
        tooltip=["day:T", "country:N", alt.Tooltip("share:Q", format=".1%")],
    ).properties(width=WIDTH, height=180).facet(
        column=alt.Column("attribution:N", title="attribution"), row=alt.Row("cohort:N", title="cohort"))


def headline(con) -> alt.Chart:
    data = _frame(con, """
        WITH top AS (
            SELECT country FROM country_share
            WHERE window_days = 365 AND cohort = 'new' AND attribution = 'uploader' AND NOT excluding_spikes
              AND country NOT IN ('unknown', 'intermediary', 'individual', 'community')
            GROUP BY country ORDER BY sum(downloads) DESC LIMIT 5
        )
        SELECT day, country, share FROM country_share JOIN top USING (country)
        WHERE window_days = 365 AND cohort = 'new' AND attribution = 'uploader' AND NOT excluding_spikes
        ORDER BY ALL""")
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="share of downloads of new models (365 days)"),
        color=alt.Color("country:N", title="developer country"),
        tooltip=["day:T", "country:N", alt.Tooltip("share:Q", format=".1%")],
    ).properties(width=2 * WIDTH, height=260)


def leaders(con, dimension: str, title: str) -> alt.Chart:
    data = (
        segment_changes(con, dimension, 30)
        .filter(pl.col("segment") != "unknown")
        .with_columns(change=pl.col("share") - pl.col("share_before"))
        .sort("share", descending=True)
        .head(10)
    )
    # the change in points beside each bar; n/a without a share 30 days before
    base = alt.Chart(data, title=title).transform_calculate(
        label="datum.change == null ? 'n/a' : format(datum.change * 100, '+.1f') + ' pts'"
    ).encode(
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share of downloads, last 30 days (change over 30 days)"),
        y=alt.Y("segment:N", sort="-x", title=None),
        tooltip=["segment:N", alt.Tooltip("share:Q", format=".1%"),
                 alt.Tooltip("change:Q", format="+.1%", title="change over 30 days")],
    )
    change = base.mark_text(align="left", dx=4).encode(text="label:N")
    return (base.mark_bar() + change).properties(width=WIDTH, height=220)


def derivatives(con) -> alt.Chart:
    data = _frame(con, """
        WITH recent AS (
            SELECT * FROM derivative_repos WHERE day > (SELECT max(day) FROM derivative_repos) - 90
        ),
        top AS (SELECT family FROM recent GROUP BY family ORDER BY sum(repos) DESC LIMIT 10)
        SELECT family, relation, sum(repos) AS repos FROM recent JOIN top USING (family) GROUP BY ALL""")
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("repos:Q", title="new derivative repos, last 90 days"),
        y=alt.Y("family:N", sort="-x", title="built on"),
        color=alt.Color("relation:N", title="relation"),
        tooltip=["family:N", "relation:N", alt.Tooltip("repos:Q", format=",.1f")],
    ).properties(width=2 * WIDTH, height=240)


def trust(con) -> alt.Chart:
    coverage = _frame(con, "SELECT snapshot_date AS day, attribution, share_known FROM coverage ORDER BY ALL")
    censuses = _frame(con, "SELECT snapshot_date AS day, models, complete FROM snapshots ORDER BY ALL")
    known = alt.Chart(coverage, title="Downloads with a known country").mark_line(point=True).encode(
        x=alt.X("day:T", title=None), y=alt.Y("share_known:Q", axis=alt.Axis(format="%"), title="coverage"),
        color=alt.Color("attribution:N"), tooltip=["day:T", "attribution:N", alt.Tooltip("share_known:Q", format=".1%")],
    ).properties(width=WIDTH, height=200)
    complete = alt.Chart(censuses, title="Models per census").mark_point(filled=True, size=60).encode(
        x=alt.X("day:T", title=None), y=alt.Y("models:Q", title="models listed", scale=alt.Scale(zero=False)),
        color=alt.Color("complete:N", scale=alt.Scale(domain=[True, False], range=["#4c78a8", "#e45756"])),
        tooltip=["day:T", alt.Tooltip("models:Q", format=","), "complete:N"],
    ).properties(width=WIDTH, height=200)
    return alt.hconcat(known, complete).resolve_scale(color="independent")


SECTIONS = (
    ("headline", "China, the United States and the others: new models", headline,
     "Share of the downloads of models less than 365 days old (the MIT / Hugging Face study's definition), "
     "over the 365 days ending on each day, credited to the country of the namespace that published the repo."),
    ("countries", "Country shares over time", country_over_time,
     "Share of all downloads (top row: every model; bottom row: new models only) over the 30 days ending on each "
     "day. Uploader: the country of who published the repo; intermediaries, individuals and community accounts "
     "keep their own category. Origin: the country of who made the root base model."),
    ("parents", "Top organisations", lambda con: leaders(con, "origin_parent", "By top-level organisation of the family"),
     "Share of the last 30 days' downloads by the top-level organisation of the root base model (Alibaba for "
     "Qwen, Meta for Llama); hover for the change over 30 days."),
    ("families", "Top families", lambda con: leaders(con, "family", "By root base model"),
     "A family is a root base model and everything built on it; merges are split equally among their roots."),
    ("derivatives", "What new derivatives build on", derivatives,
     "Finetunes, adapters, quantisations and merges created in the last 90 days, by the root model they build on."),
    ("trust", "How much to trust each point", trust,
     "Coverage: the share of each census's 30-day downloads whose country is known, per attribution. Models per "
     "census: incomplete censuses (red) are kept out of the metrics."),
)
PNG_CHARTS = ("headline", "countries")


def build_report(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, Path]:
    """Write `folder/index.html` and PNGs of the key charts; {name: path} of what was written."""
    folder.mkdir(parents=True, exist_ok=True)
    specs, written = {}, {}
    for name, _, make, _ in SECTIONS:
        chart = make(con)
        specs[name] = chart.to_dict()
        if name in PNG_CHARTS:
            written[name] = folder / f"{name}.png"
            write_atomically(written[name], vl_convert.vegalite_to_png(specs[name], scale=1))
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    latest = con.execute("SELECT max(snapshot_date) FROM snapshots WHERE complete").fetchone()[0]
    body = "\n".join(
        f'<section><h2>{html.escape(title)}</h2><p class="definition">{html.escape(text)}</p>'
        f'<div class="chart" id="{name}"></div></section>'
        for name, title, _, text in SECTIONS
    )
    # "<" escaped: a model id holding "</script>" cannot end the script element early.
    inline = {name: json.dumps(spec).replace("<", "\\u003c") for name, spec in specs.items()}
    embeds = "\n".join(
        f"vegaEmbed('#{name}', {spec}, {{actions: false, renderer: 'svg'}});" for name, spec in inline.items()
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hubcensus report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; color: #222; }}
h1 {{ margin-bottom: 0; }} .meta {{ color: #666; margin-top: .3rem; }}
section {{ margin: 2.5rem 0; }} .definition {{ color: #444; max-width: 60rem; }}
</style></head>
<body>
<h1>Who makes the open models the world downloads</h1>
<p class="meta">hubcensus report: censuses up to {latest}, generated {generated}. Every figure is recomputable
from the warehouse; the README defines each one.</p>
{body}
<script>{vl_convert.javascript_bundle()}</script>
<script>{embeds}</script>
</body></html>
"""
    written["html"] = folder / "index.html"
    write_atomically(written["html"], page.encode())
    return written

