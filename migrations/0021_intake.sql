-- Plans uploaded in the browser (`/plans/import`) and not yet committed: the file as sent, what
-- the person importing supplied or corrected, and the units they mapped to existing ones. A
-- draft belongs to its uploader and expires; committing or cancelling it deletes it.
create table intake_drafts (
    id          bigserial primary key,
    user_id     bigint not null references users (id) on delete cascade,
    file_name   text not null,
    content     bytea not null,
    -- Supplied or corrected by the person importing; null: as the document reads.
    code        text,
    issued_on   date,
    issuer      text,
    title       text,
    -- {"<registry key of a mention>": <unit id>}: mentions mapped to an existing unit.
    mappings    jsonb not null default '{}'::jsonb,
    -- Bumped by every save, so that a form rendered from an older state is known to be stale.
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    expires_at  timestamptz not null default now() + interval '24 hours',
    constraint intake_drafts_file_name_not_blank check (btrim(file_name) <> ''),
    constraint intake_drafts_version_positive check (version > 0),
    constraint intake_drafts_mappings_object check (jsonb_typeof(mappings) = 'object')
);
create trigger intake_drafts_updated_at before update on intake_drafts
    for each row execute function set_updated_at();
create index intake_drafts_user_idx on intake_drafts (user_id, created_at desc);
create index intake_drafts_expires_idx on intake_drafts (expires_at);

-- A mention that a person importing mapped to an existing unit ("UBND các xã/phường" →
-- "UBND các xã, phường"), by the registry key the mention has: later imports resolve a
-- mention of that key to the same unit. The spelling itself is kept in unit_aliases.
create table unit_mappings (
    key         text primary key,
    unit_id     bigint not null references units (id) on delete cascade,
    mapped_by   bigint references users (id) on delete set null,
    created_at  timestamptz not null default now()
);
create index unit_mappings_unit_idx on unit_mappings (unit_id);
