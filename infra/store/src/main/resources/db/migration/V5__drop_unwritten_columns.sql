-- Columns nothing ever wrote: Primal's note scores are answered as 0 and its "mentions" are counted from q tags at
-- query time (PrimalQueries), the join time of a user is not known to a cache, and the per-connection message count
-- gave way to the token bucket of V2.
DROP INDEX IF EXISTS event_stats_score24h;
ALTER TABLE event_stats
    DROP COLUMN score,
    DROP COLUMN score24h,
    DROP COLUMN mentions;
ALTER TABLE user_stats DROP COLUMN time_joined;
ALTER TABLE ws_connections DROP COLUMN messages;
