-- Sessions are kept under a hash of their token (SHA-256), so a copy of
-- the database opens no session, and with the account they belong to, so
-- that a password change, a reset, a role change or disabling an account
-- can end that account's other sessions and each user can see theirs.
-- Sessions kept under their plain token cannot be told apart from hashed
-- ones: they end here, and everyone logs in once more.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN user_id INTEGER;
ALTER TABLE sessions ADD COLUMN created_at TIMESTAMP;
ALTER TABLE sessions ADD COLUMN seen_at TIMESTAMP;
CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;
