-- The Senate's circuit breaker for every process sharing this database when there is no Redis
-- (in-process crawls on PostgreSQL), as src/crawl/circuit-breaker.ts keeps it in Redis for the
-- fleet (src/store/circuit-state.ts). Unlogged: after a crash the circuit starts closed, which
-- is what a restart means anyway.
CREATE UNLOGGED TABLE circuit_breakers (
  host      text PRIMARY KEY,
  -- closed | open | half-open
  state     text NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half-open')),
  -- confirmed opens since the last close (the cool-down doubles with each)
  opens     integer NOT NULL DEFAULT 0,
  -- open: when the next probe is due; half-open: when the probe's lease ends
  until_at  timestamptz,
  -- the first trip since the last close
  since_at  timestamptz,
  reason    text,
  -- the URLs failing since the last success (page failures count once per URL)
  failing   text[] NOT NULL DEFAULT '{}'
);
