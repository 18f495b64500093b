-- The delivery record (every intake page view, GET /api/status and the
-- staff console's ledger) reads the last 30 days of receipts and
-- deliveries: this index holds both, so the read touches only the window.
CREATE INDEX referrals_received ON referrals (received_at, delivered_at);
