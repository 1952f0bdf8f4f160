-- Backtest and Monte Carlo results: one row per finished job. The series live as Parquet files under the result
-- store (series_folder, with their SHA-256 checksums in series.json, whose own hash is series_sha256).
-- The same table exists in the embedded SQLite store (BacktestResultIndex creates it there); keep the two in step.
CREATE TABLE backtest_results
(
    job_id        text     NOT NULL PRIMARY KEY,
    kind          text     NOT NULL,
    label         text     NOT NULL,
    requested_by  text     NOT NULL,
    spec          text     NOT NULL,
    data_versions text     NOT NULL,
    metrics       text     NOT NULL,
    metrics_sha256 text    NOT NULL,
    series_folder text     NOT NULL,
    series_sha256 text     NOT NULL,
    created_at_ms bigint   NOT NULL,
    pinned        smallint NOT NULL DEFAULT 0,
    starred       smallint NOT NULL DEFAULT 0
);

CREATE INDEX ix_backtest_results_created ON backtest_results (created_at_ms DESC);
