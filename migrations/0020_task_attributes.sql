-- Columns of a plan's table that the importer has no meaning for (a target, a funding source,
-- a status at issue, a monitoring unit, remarks …) are kept with the task, under their own
-- names, in the order of the table: [{"name": …, "value": …}].
alter table tasks add column attributes jsonb not null default '[]'::jsonb;
