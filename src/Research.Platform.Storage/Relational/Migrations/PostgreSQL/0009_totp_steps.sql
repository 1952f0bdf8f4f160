-- The last TOTP time step each user's authenticator code was accepted for (OneTimeAuthenticatorTokenProvider): a code
-- is accepted once. The same table exists in the embedded SQLite store; keep the two in step.
CREATE TABLE research_totp_steps
(
    user_id   text   NOT NULL PRIMARY KEY REFERENCES research_users (id) ON DELETE CASCADE,
    last_step bigint NOT NULL
);
