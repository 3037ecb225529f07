-- The whole schema of the cache. Ids, pubkeys and signatures are bytea (32/64 bytes, half the size of hex text in
-- every index). Event JSON is kept as text in its canonical wire form: U+0000 stays escaped there, whereas PostgreSQL
-- text and jsonb values cannot hold it. The SQL stays compatible with PostgreSQL 15.

-- Events -------------------------------------------------------------------------------------------------------

-- Every stored event. Replaceable and addressable kinds keep only their current version here: d_tag is '' for
-- replaceable kinds, the d value for addressable kinds, and NULL for regular kinds, so one partial unique index
-- guarantees a single head per (pubkey, kind, d_tag).
CREATE TABLE events (
    id           bytea   PRIMARY KEY,
    pubkey       bytea   NOT NULL,
    created_at   bigint  NOT NULL,
    kind         integer NOT NULL,
    d_tag        text,
    json         text    NOT NULL,
    expires_at   bigint,                -- NIP-40 expiration, seconds
    reply_to     bytea,                 -- NIP-10 parent of a reply (kind 1)
    root_id      bytea,                 -- NIP-10 thread root
    ref_event    bytea,                 -- what a reaction, repost or zap receipt is about
    ref_pubkey   bytea,                 -- that event's author, or the zap recipient
    received_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_id_len CHECK (octet_length(id) = 32),
    CONSTRAINT events_pubkey_len CHECK (octet_length(pubkey) = 32),
    CONSTRAINT events_kind_range CHECK (kind BETWEEN 0 AND 65535)
);
CREATE UNIQUE INDEX events_replaceable_head ON events (pubkey, kind, d_tag) WHERE d_tag IS NOT NULL;
CREATE INDEX events_created ON events (created_at DESC, id);
CREATE INDEX events_kind_created ON events (kind, created_at DESC, id);
CREATE INDEX events_pubkey_kind_created ON events (pubkey, kind, created_at DESC, id);
CREATE INDEX events_reply_to ON events (reply_to, created_at DESC) WHERE reply_to IS NOT NULL;
CREATE INDEX events_expires ON events (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX events_ref_event ON events (ref_event, kind) WHERE ref_event IS NOT NULL;

-- Single-letter tags by their first value, the only part NIP-01 filters index. created_at and kind are copied so
-- that a tag query is answered newest first from this index alone.
CREATE TABLE event_tags (
    event_id    bytea   NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name        text    NOT NULL,
    value       text    NOT NULL,
    kind        integer NOT NULL,
    created_at  bigint  NOT NULL,
    PRIMARY KEY (event_id, name, value)
);
CREATE INDEX event_tags_lookup ON event_tags (name, value, created_at DESC);
CREATE INDEX event_tags_lookup_kind ON event_tags (name, value, kind, created_at DESC);

-- Full-text search over notes and long-form content (NIP-50 and Primal's search).
CREATE TABLE note_search (
    event_id  bytea    PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    document  tsvector NOT NULL
);
CREATE INDEX note_search_document ON note_search USING gin (document);

-- NIP-09 deletion requests, remembered even when the target has not arrived yet, so that arrival order never
-- resurrects a deleted event. A request only applies to events of the same pubkey.
CREATE TABLE deletions_by_id (
    target_id    bytea  NOT NULL,
    pubkey       bytea  NOT NULL,
    deletion_id  bytea  NOT NULL,
    PRIMARY KEY (target_id, pubkey)
);
CREATE TABLE deletions_by_address (
    pubkey       bytea   NOT NULL,
    kind         integer NOT NULL,
    d_tag        text    NOT NULL,
    deleted_up_to bigint NOT NULL,      -- versions with created_at <= this are deleted
    deletion_id  bytea   NOT NULL,
    PRIMARY KEY (pubkey, kind, d_tag)
);

-- Profiles, follows, relay lists --------------------------------------------------------------------------------

-- Parsed current kind 0 per pubkey. content_is_json is false when the content could not be parsed (kept anyway).
CREATE TABLE profiles (
    pubkey           bytea   PRIMARY KEY,
    event_id         bytea   NOT NULL,
    created_at       bigint  NOT NULL,
    name             text,
    display_name     text,
    picture          text,
    about            text,
    nip05            text,
    lud16            text,
    banner           text,
    website          text,
    content_is_json  boolean NOT NULL,
    search           tsvector NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profiles_search ON profiles USING gin (search);

-- The follow graph of every current kind 3, replaced atomically with its list.
CREATE TABLE follows (
    follower  bytea NOT NULL,
    followed  bytea NOT NULL,
    PRIMARY KEY (follower, followed)
);
CREATE INDEX follows_followed ON follows (followed, follower);

-- NIP-65 relay lists (current kind 10002) flattened; no marker means both read and write.
CREATE TABLE user_relays (
    pubkey  bytea   NOT NULL,
    url     text    NOT NULL,
    read    boolean NOT NULL,
    write   boolean NOT NULL,
    PRIMARY KEY (pubkey, url)
);
CREATE INDEX user_relays_url ON user_relays (url);

-- Statistics, kept exactly equal to a recomputation from the stored events ---------------------------------------

CREATE TABLE user_stats (
    pubkey               bytea  PRIMARY KEY,
    followers_count      bigint NOT NULL DEFAULT 0,
    follows_count        bigint NOT NULL DEFAULT 0,
    note_count           bigint NOT NULL DEFAULT 0,
    reply_count          bigint NOT NULL DEFAULT 0,
    long_form_note_count bigint NOT NULL DEFAULT 0,
    reactions_received   bigint NOT NULL DEFAULT 0,
    reposts_received     bigint NOT NULL DEFAULT 0,
    zaps_received        bigint NOT NULL DEFAULT 0,
    zapped_msats         bigint NOT NULL DEFAULT 0,
    time_joined          bigint
);
CREATE INDEX user_stats_followers ON user_stats (followers_count DESC);

-- A row may exist before its event arrives (a reaction first): author and created_at are then still NULL.
CREATE TABLE event_stats (
    event_id      bytea  PRIMARY KEY,
    author        bytea,
    created_at    bigint,
    replies       bigint NOT NULL DEFAULT 0,
    reactions     bigint NOT NULL DEFAULT 0,
    reposts       bigint NOT NULL DEFAULT 0,
    mentions      bigint NOT NULL DEFAULT 0,
    zaps          bigint NOT NULL DEFAULT 0,
    zapped_msats  bigint NOT NULL DEFAULT 0,
    score         double precision NOT NULL DEFAULT 0,
    score24h      double precision NOT NULL DEFAULT 0
);
CREATE INDEX event_stats_score24h ON event_stats (score24h DESC) WHERE score24h > 0;
CREATE INDEX event_stats_zapped ON event_stats (created_at DESC, zapped_msats DESC) WHERE zapped_msats > 0;

-- Parsed zap receipts (kind 9735): amount from the bolt11 invoice, sender from the zap request.
CREATE TABLE zaps (
    receipt_id    bytea  PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    target_event  bytea,
    recipient     bytea  NOT NULL,
    sender        bytea,
    amount_msats  bigint NOT NULL,
    created_at    bigint NOT NULL
);
CREATE INDEX zaps_target ON zaps (target_event, amount_msats DESC) WHERE target_event IS NOT NULL;
CREATE INDEX zaps_recipient ON zaps (recipient, created_at DESC);

-- Upstream relays ------------------------------------------------------------------------------------------------

CREATE TABLE relays (
    url               text    PRIMARY KEY,
    source            text    NOT NULL CHECK (source IN ('config', 'nip65')),
    enabled           boolean NOT NULL DEFAULT true,
    status            text    NOT NULL DEFAULT 'new',
    since_cursor      bigint,              -- resume point: newest created_at fully received
    last_connected_at timestamptz,
    last_error        text,
    last_error_at     timestamptz,
    events_received   bigint  NOT NULL DEFAULT 0,
    latency_ms        integer,
    discovered_at     timestamptz NOT NULL DEFAULT now()
);

-- Avatars --------------------------------------------------------------------------------------------------------

-- One row per pubkey: where the picture came from and what is stored (variants are content-addressed by sha256).
CREATE TABLE avatars (
    pubkey        bytea   PRIMARY KEY,
    source_url    text    NOT NULL,
    sha256        bytea,
    content_type  text,
    size_bytes    integer,
    width         integer,
    height        integer,
    variants      text[]  NOT NULL DEFAULT '{}',
    status        text    NOT NULL CHECK (status IN ('pending', 'cached', 'failed', 'no_picture')),
    last_error    text,
    attempts      integer NOT NULL DEFAULT 0,
    fetched_at    timestamptz,
    retry_after   timestamptz
);
CREATE INDEX avatars_fetched ON avatars (fetched_at);

CREATE TABLE avatar_jobs (
    job_id      uuid    PRIMARY KEY,
    origin      text    NOT NULL CHECK (origin IN ('batch', 'follows', 'refresh')),
    requested_for bytea,
    total       integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE TABLE avatar_job_items (
    job_id   uuid  NOT NULL REFERENCES avatar_jobs (job_id) ON DELETE CASCADE,
    pubkey   bytea NOT NULL,
    status   text  NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    error    text,
    PRIMARY KEY (job_id, pubkey)
);
CREATE INDEX avatar_job_items_status ON avatar_job_items (job_id, status);

-- WebSocket API state --------------------------------------------------------------------------------------------

CREATE TABLE ws_connections (
    connection_id  text        PRIMARY KEY,
    connected_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    source_ip      text,
    user_agent     text,
    endpoint       text,                 -- where PostToConnection reaches it (domain/stage)
    messages       bigint      NOT NULL DEFAULT 0
);

CREATE TABLE ws_subscriptions (
    connection_id  text        NOT NULL REFERENCES ws_connections (connection_id) ON DELETE CASCADE,
    sub_id         text        NOT NULL,
    filters        text        NOT NULL,  -- the REQ's filters as JSON
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, sub_id)
);

-- What a live event is matched through: one row per (subscription, filter, key). A key is 'k:<kind>', 'a:<author>',
-- 't:<letter>:<value>' or '*' for a filter with none of these; a new event looks up only its own keys.
CREATE TABLE ws_subscription_keys (
    connection_id  text    NOT NULL,
    sub_id         text    NOT NULL,
    key            text    NOT NULL,
    FOREIGN KEY (connection_id, sub_id) REFERENCES ws_subscriptions (connection_id, sub_id) ON DELETE CASCADE
);
CREATE INDEX ws_subscription_keys_key ON ws_subscription_keys (key);
CREATE INDEX ws_subscription_keys_sub ON ws_subscription_keys (connection_id, sub_id);
