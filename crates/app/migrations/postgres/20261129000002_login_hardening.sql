-- Login throttling keyed by (address, name) and by name alone, reserved before a
-- password or TOTP code is checked. Keys are SHA-256 hashes, so names typed at the
-- login form (which may be a mistyped password) are never stored in clear.
CREATE TABLE login_throttle (
    key           TEXT PRIMARY KEY,
    failures      BIGINT NOT NULL,
    locked_until  BIGINT NOT NULL,  -- Unix seconds; 0 or past = not locked
    last_attempt  BIGINT NOT NULL   -- Unix seconds
);
-- Rows past their quiet period are pruned by the next reservation.
CREATE INDEX login_throttle_last_attempt ON login_throttle (last_attempt);

-- API tokens expire; tokens made before this column existed expire by their age.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
