-- How concentrated downloads are: HHI, Gini and top-10 share over trailing windows.
CREATE TABLE IF NOT EXISTS concentration (
    day               DATE NOT NULL,
    window_days       INTEGER NOT NULL,
    level             VARCHAR NOT NULL,
    cohort            VARCHAR NOT NULL,
    excluding_spikes  BOOLEAN NOT NULL,
    units             BIGINT NOT NULL,
    hhi               DOUBLE NOT NULL,
    gini              DOUBLE NOT NULL,
    top10_share       DOUBLE NOT NULL
);
COMMENT ON TABLE concentration IS 'Concentration of the downloads of the window ending on day among models, organisations or countries (the MIT/HF study measures HHI and Gini). Units with no download in the window are not counted.';
COMMENT ON COLUMN concentration.day IS 'Last day of the window.';
COMMENT ON COLUMN concentration.window_days IS '1, 7, 30 or 365 days.';
COMMENT ON COLUMN concentration.level IS 'model; uploader_organisation (the uploader''s top-level organisation, else its namespace); uploader_country (known countries only); origin_organisation (the root''s top-level organisation, else its namespace); origin_country (known countries only).';
COMMENT ON COLUMN concentration.cohort IS 'all, or new: downloads made while the model was less than 365 days old.';
COMMENT ON COLUMN concentration.excluding_spikes IS 'true: without the downloads of spike days.';
COMMENT ON COLUMN concentration.units IS 'Units (models, organisations, countries) with downloads in the window.';
COMMENT ON COLUMN concentration.hhi IS 'Herfindahl-Hirschman index: the sum of the units'' squared shares, from 1/units (even) to 1 (one unit). Multiply by 10,000 for the antitrust scale.';
COMMENT ON COLUMN concentration.gini IS 'Gini coefficient of the units'' downloads: 0 when all are equal, towards 1 when one has all. With x sorted ascending: 2*sum(i*x_i)/(n*sum(x)) - (n+1)/n.';
COMMENT ON COLUMN concentration.top10_share IS 'Share of the window''s downloads going to the 10 largest units.';
