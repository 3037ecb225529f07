-- A home feed (notes and reposts of the follows, replies left out: Primal's default) walks the events newest first
-- and keeps those of followed authors. Through events_created it stepped over every other kind and every reply on the
-- way (2,207 rows for 20 notes of 498 follows on the benchmark's corpus); through this index only over root notes
-- and reposts (1,102 rows, 94 buffers). Measured on the busiest feed of that corpus, 10 clients, alternating:
-- PostgreSQL's CPU per feed 1.07-1.27 ms with it against 1.27-1.52 ms without.
CREATE INDEX events_root_notes ON events (created_at DESC, id) WHERE kind IN (1, 6) AND reply_to IS NULL;
