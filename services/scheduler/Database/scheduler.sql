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
    unsent_resolved   integer,
    -- rollouts (docs/rollouts.md): every target is recorded first; then commands go out at the rollout's pace, in
    -- device-id order up to dispatch_cursor, wave by wave, only while not paused and inside a maintenance window.
    target_count           integer,
    dispatch_cursor        text collate "C",
    rollout_dispatched     integer not null default 0,
    rate_per_minute        double precision,
    rate_tokens            double precision not null default 0,
    rate_at                timestamptz,
    wave                   integer not null default 0,
    wave_state             text,
    wave_start_cursor      text collate "C",
    wave_until             timestamptz,
    approved_wave          integer not null default -1,
    paused                 boolean not null default false,
    next_check_at          timestamptz,
    -- the rollout's endTime: the row is looked at then, whatever it waits for
    end_at                 timestamptz,
    -- when the last pause or resume was decided (jobs-api's time): an older one arriving later changes nothing
    pause_changed_at       timestamptz,
    -- a stopped rollout (wave_state 'stopping'): why, whether the job ends cancelled, how many devices were canceled;
    -- told to jobs-api by the pass after the commit that canceled them
    stop_reason            text,
    stop_cancels           boolean,
    stop_canceled          integer
);
-- Upgrades of a database made before rollouts: the same columns, added once.
alter table scheduler.job_schedules add column if not exists target_count integer;
alter table scheduler.job_schedules add column if not exists dispatch_cursor text collate "C";
alter table scheduler.job_schedules add column if not exists rollout_dispatched integer not null default 0;
alter table scheduler.job_schedules add column if not exists rate_per_minute double precision;
alter table scheduler.job_schedules add column if not exists rate_tokens double precision not null default 0;
alter table scheduler.job_schedules add column if not exists rate_at timestamptz;
alter table scheduler.job_schedules add column if not exists wave integer not null default 0;
alter table scheduler.job_schedules add column if not exists wave_state text;
alter table scheduler.job_schedules add column if not exists wave_start_cursor text collate "C";
alter table scheduler.job_schedules add column if not exists wave_until timestamptz;
alter table scheduler.job_schedules add column if not exists approved_wave integer not null default -1;
alter table scheduler.job_schedules add column if not exists paused boolean not null default false;
alter table scheduler.job_schedules add column if not exists next_check_at timestamptz;
alter table scheduler.job_schedules add column if not exists end_at timestamptz;
alter table scheduler.job_schedules add column if not exists pause_changed_at timestamptz;
alter table scheduler.job_schedules add column if not exists stop_reason text;
alter table scheduler.job_schedules add column if not exists stop_cancels boolean;
alter table scheduler.job_schedules add column if not exists stop_canceled integer;
create index if not exists ix_job_schedules_waiting on scheduler.job_schedules (start_at) where state = 'waiting';
create index if not exists ix_job_schedules_active on scheduler.job_schedules (deadline_at) where state in ('dispatching', 'dispatched', 'rolling');
create index if not exists ix_job_schedules_rolling on scheduler.job_schedules (next_check_at) where state = 'rolling';
-- recurring jobs (docs/rollouts.md, "Recurrence"): a template's next occurrence; at each one jobs-api is asked to create
-- a child job. active -> cancelled (the template was cancelled) | finished (the cron fires no more).
create table if not exists scheduler.job_recurrences (
    job_id      text collate "C" primary key,
    cron        text not null,
    time_zone   text not null,
    next_at     timestamptz,
    state       text not null,
    updated_at  timestamptz not null
);
create index if not exists ix_job_recurrences_due on scheduler.job_recurrences (next_at) where state = 'active';
