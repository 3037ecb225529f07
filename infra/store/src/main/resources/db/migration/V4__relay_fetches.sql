-- Back-fill and catch-up ---------------------------------------------------------------------------------------------

-- How far the first-contact back-fill of each relay has come (the operator's view; the jobs below hold the truth).
ALTER TABLE relays ADD COLUMN backfill_planned_at timestamptz;   -- set once the first-contact back-fill was planned
ALTER TABLE relays ADD COLUMN backfill_oldest     bigint;        -- oldest created_at any fetch of this relay reached
ALTER TABLE relays ADD COLUMN fetched_events      bigint NOT NULL DEFAULT 0;

-- A range of one relay's history to fetch, paged backward with an inclusive `until`: everything newer than
-- until_next has reached a queue. A restart resumes at until_next; a lease keeps two workers off one job.
CREATE TABLE relay_fetches (
    id            bigserial   PRIMARY KEY,
    relay_url     text        NOT NULL REFERENCES relays (url) ON DELETE CASCADE,
    reason        text        NOT NULL CHECK (reason IN ('backfill', 'catch-up', 'on-demand')),
    kinds         integer[]   NOT NULL,
    since         bigint      NOT NULL,
    until_first   bigint      NOT NULL,
    until_next    bigint      NOT NULL,
    events        bigint      NOT NULL DEFAULT 0,
    pages         integer     NOT NULL DEFAULT 0,
    lease_owner   text,
    lease_until   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    note          text
);
CREATE INDEX relay_fetches_open ON relay_fetches (relay_url, id) WHERE finished_at IS NULL;
