-- A task's folded text moves to its own table, with the trigram index. In `tasks`, every change
-- of state (never a HOT update: `state` and `completed_on` are in the as-of indexes) put the
-- task's trigrams again into the search index's pending list, which one write statement now
-- and then had to merge into the index: statements of up to 210 ms, and a write p99 three times
-- what it is without (bench/writers.sh, 100,000 tasks: 90–95 ms with it in `tasks`, 32–34 ms
-- without). The text changes only when a plan is imported again.
create table task_texts (
    task_id     bigint primary key references tasks (id) on delete cascade,
    search_text text not null
);

insert into task_texts (task_id, search_text) select id, search_text from tasks;

-- Drops tasks_search_trgm_idx with it.
alter table tasks drop column search_text;

create index task_texts_trgm_idx on task_texts using gin (search_text gin_trgm_ops);
