-- The per-connection message budget moved into the memory of the processes that handle a connection's messages (no
-- write per message); the connection's row keeps what every process must know: whether it asked Primal's protocol
-- for compression, so that its answers may come as EVENTS batches.
ALTER TABLE ws_connections
    DROP COLUMN tokens,
    DROP COLUMN refilled_at,
    ADD COLUMN primal_batches boolean NOT NULL DEFAULT false;
