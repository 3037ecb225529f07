-- Primal's explore_people ranks accounts by the followers they gained over the last day; a cache that keeps only
-- the current follow graph needs its follower counts of a day ago. The scheduled rankings take a snapshot of the
-- most-followed accounts' counts every hour and keep two days of them.
CREATE TABLE follower_snapshots (
    taken_at  bigint  NOT NULL,
    pubkey    bytea   NOT NULL,
    followers integer NOT NULL,
    PRIMARY KEY (taken_at, pubkey)
);
