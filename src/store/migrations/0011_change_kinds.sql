-- Change history (issue 9): a text that differs only in whitespace is stored as the page prints
-- it, but it is formatting churn, not a change. It gets a changes row of its own kind so that
-- replaying a question's changes from question_origins still reproduces its row exactly;
-- `history` and the events leave it out.
--   kind 'reformatted': old_value → new_value was stored and the two are equal once runs of
--        whitespace are made one space.
ALTER TABLE changes DROP CONSTRAINT changes_kind_check;
ALTER TABLE changes ADD CONSTRAINT changes_kind_check CHECK (kind IN ('changed', 'source_field_missing', 'reformatted'));
