-- Primal's user_zaps_sent (a profile's "zaps" tab): the zaps a pubkey sent, newest first.
CREATE INDEX zaps_sender ON zaps (sender, created_at DESC) WHERE sender IS NOT NULL;
