-- A token bucket per WebSocket connection: every client message takes a token; tokens come back at a steady rate
-- up to the burst size. Kept on the connection's row because each message may reach another function container.
ALTER TABLE ws_connections
    ADD COLUMN tokens      double precision,
    ADD COLUMN refilled_at timestamptz NOT NULL DEFAULT clock_timestamp();
