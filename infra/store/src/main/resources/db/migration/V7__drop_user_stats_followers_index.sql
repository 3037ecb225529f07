-- No query reads user_stats in followers_count order through this index (they order a join's result), and it made
-- every counter update non-HOT: maintaining it was half of what a contact list's counter upserts cost (measured:
-- 543,000 upserts from 2,000 lists took 8.4 s of PostgreSQL time with it, 4.7 s without).
DROP INDEX IF EXISTS user_stats_followers;
