-- Client addresses are kept only as keyed hashes, and only for 30 days.
-- Login failures were counted per plain address and logins audited with
-- it: the key to hash them is not in the database, so those rows go (the
-- failures only ever counted for 15 minutes).
DELETE FROM login_failures WHERE scope LIKE 'ip:%';
UPDATE audit_log SET detail = '' WHERE action = 'user.login';
-- The background job that forgets comments' address hashes after 30 days
-- reads them from here.
CREATE INDEX comments_addr_kept ON comments (created_at, id) WHERE addr_hash <> '';
