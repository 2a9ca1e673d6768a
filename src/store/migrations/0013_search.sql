-- Full-text search over both languages (issue 10: GET /api/questions?q=) and the listing's default order.
-- Runs on PostgreSQL 15+ and PGlite (both ship the french and dutch snowball configurations).

-- array_to_string is only STABLE (it calls the element type's output function), and a generated
-- column needs an IMMUTABLE expression; for text[] the output is fixed, so this wrapper may say so.
CREATE FUNCTION question_keywords_text(keywords text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT array_to_string(keywords, ' ') $$;

-- One tsvector per language, stemmed with that language's configuration, filled on the row of
-- that language only (null on the other): a French query is stemmed as French and matched
-- against French text, a Dutch one against Dutch text. Weights: title and subject A, keywords
-- B, addressee C, question and answer D.
ALTER TABLE question_texts ADD COLUMN search_fr tsvector GENERATED ALWAYS AS (
  CASE WHEN lang = 'fr' THEN
    setweight(to_tsvector('french'::regconfig, coalesce(title, '') || ' ' || coalesce(subject, '')), 'A') ||
    setweight(to_tsvector('french'::regconfig, question_keywords_text(keywords)), 'B') ||
    setweight(to_tsvector('french'::regconfig, coalesce(addressee, '')), 'C') ||
    setweight(to_tsvector('french'::regconfig, question_text || ' ' || coalesce(answer_text, '')), 'D')
  END
) STORED;
ALTER TABLE question_texts ADD COLUMN search_nl tsvector GENERATED ALWAYS AS (
  CASE WHEN lang = 'nl' THEN
    setweight(to_tsvector('dutch'::regconfig, coalesce(title, '') || ' ' || coalesce(subject, '')), 'A') ||
    setweight(to_tsvector('dutch'::regconfig, question_keywords_text(keywords)), 'B') ||
    setweight(to_tsvector('dutch'::regconfig, coalesce(addressee, '')), 'C') ||
    setweight(to_tsvector('dutch'::regconfig, question_text || ' ' || coalesce(answer_text, '')), 'D')
  END
) STORED;
CREATE INDEX question_texts_search_fr ON question_texts USING gin (search_fr);
CREATE INDEX question_texts_search_nl ON question_texts USING gin (search_nl);

-- GET /api/questions lists newest first by default (sent date, then legislature and number as
-- the keyset tie-breakers); a question without a sent date sorts as the oldest.
CREATE INDEX questions_sent_order ON questions ((coalesce(sent_date, '-infinity'::date)), legislature, number);
