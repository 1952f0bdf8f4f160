-- Alpha research: stored signal definitions (name and version never change meaning) and the trial ledger (every
-- evaluation of a signal, so that multiple-testing corrections count what was tried, not what is shown).
-- The same tables exist in the embedded SQLite store (AlphaLedger creates them there); keep the two in step.
CREATE TABLE alpha_signals
(
    name          text   NOT NULL,
    version       integer NOT NULL,
    definition    text   NOT NULL,
    sha256        text   NOT NULL,
    created_by    text   NOT NULL,
    created_at_ms bigint NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE TABLE alpha_trials
(
    trial_id          text             NOT NULL PRIMARY KEY,
    trial_key         text             NOT NULL,
    question          text             NOT NULL,
    signal            text             NOT NULL,
    definition_sha256 text             NOT NULL,
    definition        text             NOT NULL,
    parameters        text             NOT NULL,
    period_from       text             NOT NULL,
    period_to         text             NOT NULL,
    universe          text             NOT NULL,
    data_versions     text             NOT NULL,
    statistics        text             NOT NULL,
    p_value           double precision NOT NULL,
    spread_sharpe     double precision NOT NULL,
    horizon           integer          NOT NULL,
    periods           integer          NOT NULL,
    skewness          double precision NOT NULL,
    kurtosis          double precision NOT NULL,
    requested_by      text             NOT NULL,
    created_at_ms     bigint           NOT NULL
);

CREATE INDEX ix_alpha_trials_question ON alpha_trials (question, created_at_ms);
