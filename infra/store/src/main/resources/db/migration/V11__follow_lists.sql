-- The follow graph as one row per current contact list: the followed pubkeys in a sorted array, found by a GIN index
-- ("who follows X"). A row per follow cost two B-tree entries of 64-byte keys for every follow of every list
-- (1.65 million follows: 620 MB of heap and indexes, 22 us per follow written); an array row is one heap tuple,
-- and the GIN index takes its entries into a pending list that it merges in bulk (the same graph: 72 MB and 9 MB).
-- Random pubkeys do not compress, so the arrays are stored out of line without trying.
CREATE TABLE follow_lists (
    follower bytea   PRIMARY KEY,
    followed bytea[] NOT NULL CHECK (cardinality(followed) > 0)
);
ALTER TABLE follow_lists ALTER COLUMN followed SET STORAGE EXTERNAL;
INSERT INTO follow_lists (follower, followed)
SELECT follower, array_agg(followed ORDER BY followed) FROM follows GROUP BY follower;
DROP TABLE follows;
CREATE INDEX follow_lists_followed ON follow_lists USING gin (followed);

-- One row per follow, for reading and checking the graph edge by edge. Select from it by follower only: a condition
-- on followed cannot use an index through the view; "who follows X" is follow_lists.followed @> ARRAY[X].
CREATE VIEW follows AS
SELECT l.follower, f.followed FROM follow_lists l CROSS JOIN LATERAL unnest(l.followed) AS f (followed);
