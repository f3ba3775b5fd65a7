-- Identity and access: users, teams, credentials, browser sessions, login throttling, blueprint permissions.
-- Documented in docs/storage-schema.md and docs/security.md.

CREATE TABLE users (
  id             TEXT PRIMARY KEY,                      -- usr_…
  email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name           TEXT,
  roles          TEXT NOT NULL DEFAULT '["Member"]',    -- JSON array: Admin, Member, <blueprint>-moderator
  status         TEXT NOT NULL DEFAULT 'active',        -- active | invited | disabled
  password_hash  TEXT,                                  -- pbkdf2-sha256$<iterations>$<salt>$<hash>, null until set
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  last_login_at  TEXT
);

CREATE TABLE teams (
  name         TEXT PRIMARY KEY,
  description  TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);

CREATE TABLE team_members (
  team     TEXT NOT NULL REFERENCES teams(name) ON DELETE CASCADE,
  user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (team, user_id)
) WITHOUT ROWID;
CREATE INDEX team_members_user ON team_members (user_id);

-- Machine client credentials, personal API tokens and invitations. Secrets are stored as SHA-256 only.
CREATE TABLE credentials (
  id            TEXT PRIMARY KEY,                       -- cred_…
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind          TEXT NOT NULL,                          -- client | personal | invite
  name          TEXT NOT NULL,
  client_id     TEXT UNIQUE,                            -- kind = client only
  secret_hash   TEXT NOT NULL UNIQUE,                   -- hex SHA-256 of the whole secret
  hint          TEXT NOT NULL,                          -- prefix and last 4 characters, for lists
  created_at    TEXT NOT NULL,
  expires_at    TEXT,
  last_used_at  TEXT,
  revoked_at    TEXT
);
CREATE INDEX credentials_user ON credentials (user_id, kind);

CREATE TABLE sessions (
  id_hash       TEXT PRIMARY KEY,                       -- hex SHA-256 of the cookie value
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  last_seen_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins per key (`email:<address>` or `ip:<address>`) in a sliding window.
CREATE TABLE login_failures (
  key           TEXT PRIMARY KEY,
  window_start  INTEGER NOT NULL,                       -- epoch ms
  failures      INTEGER NOT NULL
);

-- Port-shaped permissions per blueprint; absent row = the defaults (see docs/security.md).
CREATE TABLE blueprint_permissions (
  blueprint    TEXT PRIMARY KEY REFERENCES blueprints(identifier) ON DELETE CASCADE,
  permissions  TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  updated_by   TEXT NOT NULL
);
