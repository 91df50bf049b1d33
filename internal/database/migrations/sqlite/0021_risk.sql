-- A letter's risk tier (0 none, 1 low, 2 medium, 3 high), from the crisis
-- detector or set by an advisor, and the phrases behind it (for advisors
-- only). High and medium letters also raise the priority that orders the
-- inbox.
ALTER TABLE letters ADD COLUMN risk_tier INTEGER NOT NULL DEFAULT 0;
ALTER TABLE letters ADD COLUMN risk_why TEXT NOT NULL DEFAULT '';
