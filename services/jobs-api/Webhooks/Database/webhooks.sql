-- Webhook subscriptions and their finished deliveries (docs/events.md, "Webhooks").
-- Owned by jobs-api (Webhooks/WebhookStore.cs): no other component has SQL on these tables.
-- A subscription's cursor is the last event position delivered (or given up): sequence and index (Events/EventPosition.cs).
-- Idempotent: jobs-api runs it at start-up.
create schema if not exists webhooks;
create table if not exists webhooks.subscriptions (
    name               text collate "C" primary key,
    url                text not null,
    event_types        text[] not null,
    job_id_prefix      text,
    secret             text not null,
    version            bigint not null default 1,
    created_utc        timestamptz not null,
    updated_utc        timestamptz not null,
    cursor_sequence    bigint not null,
    cursor_index       int not null default 0,
    attempts           int not null default 0,
    first_attempt_utc  timestamptz,
    failing_since      timestamptz,
    next_attempt_utc   timestamptz,
    last_attempt_utc   timestamptz,
    last_status_code   int,
    last_reason        text,
    lease_owner        text,
    lease_until        timestamptz
);
create table if not exists webhooks.deliveries (
    id                 bigint generated always as identity primary key,
    name               text collate "C" not null,
    first_event_id     text not null,
    last_event_id      text not null,
    event_count        int not null,
    status             text not null,
    attempts           int not null,
    status_code        int,
    reason             text,
    first_attempt_utc  timestamptz not null,
    last_attempt_utc   timestamptz not null
);
create index if not exists ix_webhook_deliveries_name on webhooks.deliveries (name, id desc);
create index if not exists ix_webhook_deliveries_age on webhooks.deliveries (last_attempt_utc);
