-- The windows the share tables end (marts/window_sums.sql), once marts_from is known
-- (load/refresh_credits.sql): on each day from marts_from on with downloads (every share
-- table has rows there: each credits every model). A daily refresh ends one or two; a
-- rebuild, one per day of the history. Read here once, not from each table's input
-- (concentration's joins the day's downloads with the models).
SET VARIABLE window_end_days = (
    SELECT coalesce(list_sort(list(DISTINCT day)), []) FROM daily_downloads
    WHERE day >= getvariable('marts_from') AND downloads > 0
);
SET VARIABLE window_ends = len(getvariable('window_end_days'));
SET VARIABLE few_window_ends = getvariable('window_ends') <= 7;
-- The newest day with downloads, where the share tables keep their sums: the newest window
-- end, or, for a refresh ending none, from the whole history.
SET VARIABLE last_window_end = (
    SELECT max(day) FROM daily_downloads
    WHERE downloads > 0 AND day >= coalesce(list_max(getvariable('window_end_days')), DATE '0001-01-01')
);
