-- Follower-count changes of committed contact-list transactions, not yet added to user_stats.followers_count: one row
-- per transaction (its keys in byte order, their changes). A transaction of a few hundred contact lists changes most
-- of the follower counts of the lists' authors' follows (23,000 of the benchmark's 25,000 users per transaction);
-- written into user_stats by each transaction, those rows were most of an import's counter writes and the row locks
-- other writers of user_stats waited on. FollowerCounts folds the rows of many transactions into user_stats in one
-- statement, in key order, and deletes them in the same transaction, so each change is added exactly once.
CREATE TABLE follower_deltas (
    id bigserial PRIMARY KEY,
    pubkeys bytea[] NOT NULL,
    deltas bigint[] NOT NULL,
    logged_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Random keys do not compress: pglz would only spend CPU finding that out.
ALTER TABLE follower_deltas ALTER COLUMN pubkeys SET STORAGE EXTERNAL;
