-- Capacity-honest intake. The case system reports caseloads (PUT
-- /api/capacity, signed per Standard Webhooks with the shared secret), or a
-- manager enters them. The report with the newest `as_of` is what the
-- policy's capacity rule reads at every intake request.
CREATE TABLE capacity_reports (
  id                TEXT PRIMARY KEY,          -- the webhook-id: a replayed report is refused by it
  average_caseload  REAL NOT NULL,
  highest_caseload  REAL NOT NULL,
  as_of             INTEGER NOT NULL,          -- ms: when the caseloads were counted
  received_at       INTEGER NOT NULL,          -- ms
  reported_by       TEXT NOT NULL              -- 'case_system', or the manager who entered it
) WITHOUT ROWID;
CREATE INDEX capacity_reports_as_of ON capacity_reports (as_of);
