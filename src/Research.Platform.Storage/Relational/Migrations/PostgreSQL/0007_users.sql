-- Console users for ASP.NET Core Identity (Research.Data.Security.UserStore). The same tables exist in the embedded
-- SQLite store; keep the two in step. Recovery codes are stored as SHA-256 hashes, ';'-joined.
CREATE TABLE research_users
(
    id                   text     NOT NULL PRIMARY KEY,
    user_name            text     NOT NULL,
    normalized_user_name text     NOT NULL UNIQUE,
    password_hash        text     NULL,
    security_stamp       text     NOT NULL,
    concurrency_stamp    text     NOT NULL,
    lockout_end_ms       bigint   NULL,
    lockout_enabled      smallint NOT NULL,
    access_failed_count  integer  NOT NULL,
    two_factor_enabled   smallint NOT NULL,
    authenticator_key    text     NULL,
    recovery_codes       text     NOT NULL,
    disabled             smallint NOT NULL,
    must_change_password smallint NOT NULL,
    created_at_ms        bigint   NOT NULL
);

CREATE TABLE research_user_roles
(
    user_id text NOT NULL REFERENCES research_users (id) ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('viewer', 'researcher', 'operator', 'admin')),
    PRIMARY KEY (user_id, role)
);
