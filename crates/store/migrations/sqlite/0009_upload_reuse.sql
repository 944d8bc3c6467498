-- A document verified in another member city of a regional cluster, counted as provided for a
-- later application of the same person: a row of that application, verified, that names the
-- original (`reused_from`) and the city whose officer verified it. The bytes are the original's
-- (content-addressed). One reuse of an original per application.
ALTER TABLE uploads ADD COLUMN reused_from BLOB REFERENCES uploads (id);
ALTER TABLE uploads ADD COLUMN reused_city TEXT;
CREATE UNIQUE INDEX uploads_reuse ON uploads (application_id, reused_from)
    WHERE reused_from IS NOT NULL;
