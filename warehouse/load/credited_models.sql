-- Remember the credits the share tables now hold (load/refresh_credits.sql): the refresh's
-- last file, so that a refresh stopped before it and run again recomputes the same history.
DELETE FROM credited_models WHERE model_id IN (SELECT model_id FROM recredited);
INSERT INTO credited_models SELECT * FROM credits_now WHERE model_id IN (SELECT model_id FROM recredited);
DROP TABLE credits_now;
DROP TABLE recredited;
