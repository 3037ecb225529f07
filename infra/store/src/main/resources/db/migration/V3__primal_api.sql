-- The Primal cache API ----------------------------------------------------------------------------------------------

-- An open Primal request (notification_counts) lives with the NIP-01 subscriptions, so it counts against the same
-- cap and is found by the same key index; primal_op says to push Primal's answer instead of the matching event.
ALTER TABLE ws_subscriptions ADD COLUMN primal_op text;
ALTER TABLE ws_subscriptions ADD COLUMN primal_pubkey text;

-- Rankings for "trending" and "most zapped", recomputed by the scheduled trendingScores function.
CREATE TABLE trending (
    selector     text             NOT NULL,
    rank         integer          NOT NULL,
    event_id     bytea            NOT NULL,
    score        double precision NOT NULL,
    computed_at  timestamptz      NOT NULL,
    PRIMARY KEY (selector, rank)
);

-- Where each user's notifications were last seen (set_notifications_seen); counts start after it.
CREATE TABLE notifications_seen (
    pubkey      bytea  PRIMARY KEY,
    seen_until  bigint NOT NULL
);
