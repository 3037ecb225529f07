-- An event's quotes (notes whose q tags name it; Primal's "mentions") as a counter the ingest keeps, as it keeps
-- replies: a feed counted them per note with a correlated count over event_tags, 20 index probes for a feed's 20
-- notes, and that statement was a third of a feed's database time (docs/benchmarks.md, fifteenth).
ALTER TABLE event_stats ADD COLUMN quotes bigint NOT NULL DEFAULT 0;

INSERT INTO event_stats (event_id, quotes)
SELECT decode(value, 'hex'), count(*) FROM event_tags
WHERE name = 'q' AND kind = 1 AND value ~ '^[0-9a-f]{64}$'
GROUP BY value
ON CONFLICT (event_id) DO UPDATE SET quotes = EXCLUDED.quotes;
