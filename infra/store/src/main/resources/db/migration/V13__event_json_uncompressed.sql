-- Event JSON is stored out of line without compression. Only events over ~2 kB are ever compressed, and in practice
-- those are contact lists and other lists of random hex keys, which PostgreSQL's pglz cannot shrink: the 5,000
-- contact lists of the benchmark's corpus took 106 MB either way, and inserting them took 2.57 s with the attempt
-- against 0.63 s without (0.51 ms of CPU a list spent for nothing). Long-form articles would compress to about half;
-- they are few. A catalog change only: rows already compressed stay readable as they are.
ALTER TABLE events ALTER COLUMN json SET STORAGE EXTERNAL;
