-- Console sessions (Research.Data.Security.SessionStore), per-strategy grants (UserStore) and API keys (ApiKeyStore).
-- The same tables exist in the embedded SQLite store; keep the two in step.
CREATE TABLE research_user_grants
(
    user_id  text NOT NULL REFERENCES research_users (id) ON DELETE CASCADE,
    strategy text NOT NULL,
    PRIMARY KEY (user_id, strategy)
);

CREATE TABLE research_sessions
(
    id            text   NOT NULL PRIMARY KEY,
    user_id       text   NOT NULL,
    user_name     text   NOT NULL,
    created_at_ms bigint NOT NULL,
    last_seen_ms  bigint NOT NULL,
    expires_at_ms bigint NOT NULL,
    remote        text   NOT NULL,
    user_agent    text   NOT NULL,
    ticket        bytea  NOT NULL,
    ended_at_ms   bigint NULL,
    end_reason    text   NULL
);
CREATE INDEX research_sessions_user ON research_sessions (user_id, created_at_ms);

CREATE TABLE research_api_keys
(
    id            text   NOT NULL PRIMARY KEY,
    user_id       text   NOT NULL,
    name          text   NOT NULL,
    scopes        text   NOT NULL,
    secret_sha256 text   NOT NULL,
    created_at_ms bigint NOT NULL,
    expires_at_ms bigint NOT NULL,
    revoked_at_ms bigint NULL,
    last_used_ms  bigint NULL
);
CREATE INDEX research_api_keys_user ON research_api_keys (user_id);
