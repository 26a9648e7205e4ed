-- The trailing sums each share table's refresh keeps at the newest window end, so that a
-- daily refresh moves them by a day instead of summing the year behind it again
-- (marts/window_sums.sql). One table per share table, each grouped as its daily input is.
-- Fixed point, in units of 10^-18 (marts/window_sums.sql's to_exact): the daily inputs are
-- fractional (origin weights, country splits), and a moved sum must equal one summed again,
-- to the last digit, and return to exactly 0 when a unit's last day leaves the window.
-- Groups by group_key (marts/window_sums.sql) over each table's labels, listed above it: a
-- list numbers the groups, so a change to it must drop the kept sums (pipeline/warehouse.py's
-- OLDER_KEPT_SUMS; the next refresh sums them again).
CREATE OR REPLACE MACRO country_attributions() AS ['uploader', 'origin'];
CREATE TABLE IF NOT EXISTS country_window_sums (
    day             DATE NOT NULL,
    grp             UTINYINT NOT NULL,
    unit            VARCHAR NOT NULL,
    downloads_7d    HUGEINT NOT NULL,
    downloads_30d   HUGEINT NOT NULL,
    downloads_365d  HUGEINT NOT NULL
);
-- segment_share's dimensions, and family_derivative: the family segments' downloads by
-- derivatives, which family_derivative_share shows beside the families'
CREATE OR REPLACE MACRO segment_dimensions() AS
    ['family', 'origin_organisation', 'origin_parent', 'size', 'task', 'license', 'family_derivative'];
CREATE TABLE IF NOT EXISTS segment_window_sums (
    day             DATE NOT NULL,
    grp             UTINYINT NOT NULL,
    unit            VARCHAR NOT NULL,
    downloads_7d    HUGEINT NOT NULL,
    downloads_30d   HUGEINT NOT NULL,
    downloads_365d  HUGEINT NOT NULL
);
CREATE OR REPLACE MACRO concentration_levels() AS ['model', 'uploader_organisation', 'uploader_country', 'origin_organisation', 'origin_country'];
CREATE TABLE IF NOT EXISTS concentration_window_sums (
    day             DATE NOT NULL,
    grp             UTINYINT NOT NULL,
    unit            UBIGINT NOT NULL,
    downloads_7d    HUGEINT NOT NULL,
    downloads_30d   HUGEINT NOT NULL,
    downloads_365d  HUGEINT NOT NULL
);
-- concentration_window_sums keys its units by DuckDB's hash(), which a DuckDB release may
-- change, and units kept under another hash would never leave their windows: the hash of a
-- fixed string as of their writing, which opening the warehouse compares with this DuckDB's
-- (pipeline/warehouse.py).
CREATE TABLE IF NOT EXISTS concentration_units_hash (
    probe  UBIGINT NOT NULL
);
CREATE OR REPLACE MACRO units_hash_probe() AS hash('hubcensus');
COMMENT ON TABLE country_window_sums IS 'Bookkeeping of the metric refresh: each unit''s downloads in the 7, 30 and 365 days ending on the newest day with downloads, a row per unit, summed from country_daily (units with none in the 365 days have no row). The next day''s refresh of country_share moves them: plus the days entering each window, minus the days leaving it.';
COMMENT ON COLUMN country_window_sums.day IS 'The window end: the newest day with downloads (daily_downloads) at the last refresh.';
COMMENT ON COLUMN country_window_sums.grp IS 'The group the unit is ranked in, as in country_share: group_key(country_attributions(), attribution, cohort, excluding_spikes); group_label(country_attributions(), grp), group_cohort(grp) and group_excluding_spikes(grp) give them back.';
COMMENT ON COLUMN country_window_sums.unit IS 'The country bucket.';
COMMENT ON COLUMN country_window_sums.downloads_7d IS 'The unit''s downloads in the 7 days ending on day, exactly, in units of 10^-18 (from_exact(downloads_7d) gives them; 0 if none).';
COMMENT ON COLUMN country_window_sums.downloads_30d IS 'The unit''s downloads in the 30 days ending on day, exactly, in units of 10^-18 (from_exact(downloads_30d) gives them; 0 if none).';
COMMENT ON COLUMN country_window_sums.downloads_365d IS 'The unit''s downloads in the 365 days ending on day, exactly, in units of 10^-18 (from_exact(downloads_365d) gives them; always positive: a unit with none in the year has no row).';
COMMENT ON TABLE segment_window_sums IS 'Bookkeeping of the metric refresh: each unit''s downloads in the 7, 30 and 365 days ending on the newest day with downloads, a row per unit, summed from segment_daily (units with none in the 365 days have no row), with the family segments'' derivative_downloads under the label family_derivative. The next day''s refresh of segment_share and family_derivative_share moves them: plus the days entering each window, minus the days leaving it.';
COMMENT ON COLUMN segment_window_sums.day IS 'The window end: the newest day with downloads (daily_downloads) at the last refresh.';
COMMENT ON COLUMN segment_window_sums.grp IS 'The group the unit is ranked in, as in segment_share: group_key(segment_dimensions(), dimension, cohort, excluding_spikes), or group_key(segment_dimensions(), ''family_derivative'', ''all'', excluding_spikes) for the derivatives'' part of a family (family_derivative_share); group_label(segment_dimensions(), grp), group_cohort(grp) and group_excluding_spikes(grp) give them back.';
COMMENT ON COLUMN segment_window_sums.unit IS 'The segment (for family and family_derivative, the family''s root model id).';
COMMENT ON COLUMN segment_window_sums.downloads_7d IS 'The unit''s downloads in the 7 days ending on day, exactly, in units of 10^-18 (from_exact(downloads_7d) gives them; 0 if none).';
COMMENT ON COLUMN segment_window_sums.downloads_30d IS 'The unit''s downloads in the 30 days ending on day, exactly, in units of 10^-18 (from_exact(downloads_30d) gives them; 0 if none).';
COMMENT ON COLUMN segment_window_sums.downloads_365d IS 'The unit''s downloads in the 365 days ending on day, exactly, in units of 10^-18 (from_exact(downloads_365d) gives them; always positive: a unit with none in the year has no row).';
COMMENT ON TABLE concentration_window_sums IS 'Bookkeeping of the metric refresh: each unit''s downloads in the 7, 30 and 365 days ending on the newest day with downloads, a row per unit, summed from concentration_daily, and cohort_downloads for the model level (units with none in the 365 days have no row). The next day''s refresh of concentration moves them: plus the days entering each window, minus the days leaving it.';
COMMENT ON COLUMN concentration_window_sums.day IS 'The window end: the newest day with downloads (daily_downloads) at the last refresh.';
COMMENT ON COLUMN concentration_window_sums.grp IS 'The group the unit is ranked in, as in concentration: group_key(concentration_levels(), level, cohort, excluding_spikes); group_label(concentration_levels(), grp), group_cohort(grp) and group_excluding_spikes(grp) give them back.';
COMMENT ON COLUMN concentration_window_sums.unit IS 'hash() of the model, organisation or country: concentration needs no unit''s name, and an integer key moves the sums faster (two units of a group with the same 64-bit hash, under one chance in a million for 5 million units, would count as one).';
COMMENT ON COLUMN concentration_window_sums.downloads_7d IS 'The unit''s downloads in the 7 days ending on day, exactly, in units of 10^-18 (from_exact(downloads_7d) gives them; 0 if none).';
COMMENT ON COLUMN concentration_window_sums.downloads_30d IS 'The unit''s downloads in the 30 days ending on day, exactly, in units of 10^-18 (from_exact(downloads_30d) gives them; 0 if none).';
COMMENT ON COLUMN concentration_window_sums.downloads_365d IS 'The unit''s downloads in the 365 days ending on day, exactly, in units of 10^-18 (from_exact(downloads_365d) gives them; always positive: a unit with none in the year has no row).';
COMMENT ON TABLE concentration_units_hash IS 'Bookkeeping of the metric refresh: how concentration_window_sums'' units were hashed. A warehouse opened by a DuckDB whose hash() differs drops the kept sums, and its next refresh sums them again.';
COMMENT ON COLUMN concentration_units_hash.probe IS 'units_hash_probe() (the hash of a fixed string) when concentration_window_sums was last written.';
