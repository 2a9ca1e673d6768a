-- Run health (issue 10): each run is judged when it ends. A listing that yields nothing or far
-- less than recent runs, many pages that are not questions, a jump in unknown labels or
-- repairs, or no new question for too long marks it unhealthy (and emits crawl_unhealthy).
--   health          null: not judged (running, or a kind that is not judged); 'healthy'; 'unhealthy'
--   health_reasons  [{ "code": "listing_empty", "message": "…", … }], empty when healthy
ALTER TABLE crawl_runs ADD COLUMN health text CHECK (health IN ('healthy', 'unhealthy'));
ALTER TABLE crawl_runs ADD COLUMN health_reasons jsonb NOT NULL DEFAULT '[]'::jsonb;
