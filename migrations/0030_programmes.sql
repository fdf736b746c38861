-- Programmes (Đề án / Chương trình): the national decision a plan implements, identified by its
-- full reference — number, document type, issuer code AND date — never by the number alone
-- (numbers restart every year). Found at import in the decision's title and legal bases
-- (`domain::programme`), or set by a manager; `programme_choices` marks a decision whose list a
-- manager edited, which a later import then leaves alone.

create table programmes (
    id           bigserial primary key,
    -- "06/QĐ-TTg" as first written; the identity is (number, doc_type, issuer_key, issued_on).
    code         text not null,
    number       text not null,
    doc_type     text not null,
    issuer_code  text not null,
    -- Upper-cased issuer code: "TTg" and "TTG" (an upper-case title) are the same issuer.
    issuer_key   text not null,
    issuer       text not null default '',
    issued_on    date not null,
    title        text not null default '',
    created_at   timestamptz not null default now(),
    constraint programmes_reference_key unique (number, doc_type, issuer_key, issued_on),
    constraint programmes_code_not_blank check (btrim(code) <> '')
);

create table decision_programmes (
    decision_id   bigint not null references decisions (id) on delete cascade,
    programme_id  bigint not null references programmes (id) on delete cascade,
    -- 'import' (read from the document) or 'manager'.
    source        text not null,
    created_at    timestamptz not null default now(),
    primary key (decision_id, programme_id),
    constraint decision_programmes_source_check check (source in ('import', 'manager'))
);
create index decision_programmes_programme_idx on decision_programmes (programme_id);

create table programme_choices (
    decision_id  bigint primary key references decisions (id) on delete cascade,
    edited_by    bigint references users (id) on delete set null,
    edited_at    timestamptz not null default now()
);

-- Plan pages show a decision's programmes, and programme pages its plans: both are kept under
-- the plans counter (migration 0007).
create trigger programmes_bump_plans_version after insert or update or delete or truncate on programmes
    for each statement execute function bump_data_version('plans');
create trigger decision_programmes_bump_plans_version after insert or update or delete or truncate on decision_programmes
    for each statement execute function bump_data_version('plans');
