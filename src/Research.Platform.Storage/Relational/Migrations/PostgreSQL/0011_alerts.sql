-- Alerts: rules, delivery channels (their secrets never leave the store but to the sender), alerts, one delivery per
-- alert and channel (and a second for an escalation), and every delivery attempt. The alert grain is the one writer.
-- The same tables exist in the embedded SQLite store (AlertStore creates them there); keep the two in step.
CREATE TABLE alert_rules
(
    name          text   NOT NULL PRIMARY KEY,
    definition    text   NOT NULL,
    updated_by    text   NOT NULL,
    updated_at_ms bigint NOT NULL
);

CREATE TABLE alert_channels
(
    name          text   NOT NULL PRIMARY KEY,
    kind          text   NOT NULL,
    settings      text   NOT NULL,
    secret        text,
    updated_by    text   NOT NULL,
    updated_at_ms bigint NOT NULL
);

CREATE TABLE alerts
(
    alert_id       bigint           NOT NULL PRIMARY KEY,
    rule           text             NOT NULL,
    condition      text             NOT NULL,
    subject        text             NOT NULL,
    severity       text             NOT NULL,
    value          double precision NOT NULL,
    threshold      double precision NOT NULL,
    detail         text,
    raised_at_ms   bigint           NOT NULL,
    state          text             NOT NULL,
    resolved_at_ms bigint,
    ack_by         text,
    ack_at_ms      bigint,
    comment        text,
    escalated      bigint           NOT NULL,
    folded         bigint           NOT NULL
);

CREATE INDEX ix_alerts_rule_subject ON alerts (rule, subject, raised_at_ms);

CREATE TABLE alert_deliveries
(
    alert_id      bigint NOT NULL,
    channel       text   NOT NULL,
    escalation    bigint NOT NULL,
    status        text   NOT NULL,
    attempts      bigint NOT NULL,
    last_reason   text,
    not_before_ms bigint NOT NULL,
    sent_at_ms    bigint,
    PRIMARY KEY (alert_id, channel, escalation)
);

CREATE TABLE alert_attempts
(
    alert_id   bigint NOT NULL,
    channel    text   NOT NULL,
    escalation bigint NOT NULL,
    attempt    bigint NOT NULL,
    at_ms      bigint NOT NULL,
    delivered  bigint NOT NULL,
    reason     text,
    PRIMARY KEY (alert_id, channel, escalation, attempt)
);
