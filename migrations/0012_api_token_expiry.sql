-- API tokens may expire; an account's tokens are listed on its page.
alter table api_tokens add column expires_at timestamptz;
create index api_tokens_user_idx on api_tokens (user_id);
