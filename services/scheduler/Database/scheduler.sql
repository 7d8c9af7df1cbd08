-- Durable start timers, fan-out cursors and execution deadlines (docs/architecture.md, decisions 2 "Timers live in
-- PostgreSQL" and 3 "Fan-out is a resumable cursor with its own outbox").
-- Owned by the scheduler: no other component has SQL on this table. Idempotent: every replica runs it at start-up.
create schema if not exists scheduler;
create table if not exists scheduler.job_schedules (
    job_id            text collate "C" primary key,
    job               jsonb not null,
    start_at          timestamptz not null,
    state             text not null,
    started_at        timestamptz,
    deadline_at       timestamptz,
    -- the last device id dispatched (keyset cursor over the job's query)
    fanout_cursor     text collate "C",
    dispatched_count  integer not null default 0,
    updated_at        timestamptz not null,
    -- the W3C traceparent of the job's creation, so its start and fan-out join the trace of the PUT
    trace_parent      text,
    -- when the first device command left the scheduler (benchmarks report it from the start time)
    first_dispatch_at timestamptz,
    -- the fan-out's outbox: a chunk's device range (unsent_after, unsent_through] is recorded in the chunk's
    -- transaction and cleared once its commands were published; a crash in between leaves it for a re-send.
    -- unsent_resolved is the final device count when that chunk was the last one.
    unsent_after      text collate "C",
    unsent_through    text collate "C",
    unsent_resolved   integer
);
create index if not exists ix_job_schedules_waiting on scheduler.job_schedules (start_at) where state = 'waiting';
create index if not exists ix_job_schedules_active on scheduler.job_schedules (deadline_at) where state in ('dispatching', 'dispatched');
