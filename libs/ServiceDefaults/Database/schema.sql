-- The project's own tables (Marten creates its event store and documents in schema "jobs" itself).
-- Idempotent: every service runs it at start-up under an advisory lock.

create schema if not exists registry;
-- Device identities and twins. jobs-api writes; scheduler resolves job queries; device-sim reads its devices.
create table if not exists registry.devices (
    device_id   text collate "C" primary key,
    twin        jsonb not null,
    identity    jsonb not null,
    created_at  timestamptz not null
);
create index if not exists ix_devices_twin on registry.devices using gin (twin jsonb_path_ops);

create schema if not exists dispatch;
-- One row per device of a started job: the dispatch ledger and the queryable devices.jobs record.
-- pending (scheduler inserts) -> running (an executor claims it) -> completed | failed | canceled (jobs-api records).
create table if not exists dispatch.device_jobs (
    job_id            text collate "C" not null,
    device_id         text collate "C" not null,
    job_type          text not null,
    status            text not null,
    created_utc       timestamptz not null,
    start_utc         timestamptz,
    end_utc           timestamptz,
    last_updated_utc  timestamptz not null,
    claimed_by        text,
    claimed_until     timestamptz,
    outcome           jsonb,
    error             jsonb,
    primary key (job_id, device_id)
);
create index if not exists ix_device_jobs_device on dispatch.device_jobs (device_id);
create index if not exists ix_device_jobs_unfinished on dispatch.device_jobs (job_id, status) where status in ('pending', 'running');
create index if not exists ix_device_jobs_claims on dispatch.device_jobs (claimed_until) where status = 'running';

create schema if not exists scheduler;
-- Durable start timers, fan-out cursors and execution deadlines (design decision 2).
create table if not exists scheduler.job_schedules (
    job_id            text collate "C" primary key,
    job               jsonb not null,
    start_at          timestamptz not null,
    state             text not null,
    started_at        timestamptz,
    deadline_at       timestamptz,
    fanout_cursor     text collate "C",
    dispatched_count  integer not null default 0,
    updated_at        timestamptz not null
);
-- The W3C traceparent of the job's creation, so its start and fan-out join the trace of the PUT.
alter table scheduler.job_schedules add column if not exists trace_parent text;
-- When the first device command left the scheduler (benchmarks report it from the start time).
alter table scheduler.job_schedules add column if not exists first_dispatch_at timestamptz;
-- The fan-out outbox: a chunk's device range (unsent_after, unsent_through] is recorded in the chunk's transaction
-- and cleared once its commands were published after the commit; a crash in between leaves it for a re-send.
alter table scheduler.job_schedules add column if not exists unsent_after text collate "C";
alter table scheduler.job_schedules add column if not exists unsent_through text collate "C";
alter table scheduler.job_schedules add column if not exists unsent_resolved integer;
create index if not exists ix_job_schedules_waiting on scheduler.job_schedules (start_at) where state = 'waiting';
create index if not exists ix_job_schedules_active on scheduler.job_schedules (deadline_at) where state in ('dispatching', 'dispatched');

create schema if not exists devicesim;
-- Every call device-sim received, recorded before it runs: a delivery of the same call id again runs nothing and is
-- answered from the recorded outcome (services/device-sim/Methods/SimulatedCalls.cs).
create table if not exists devicesim.calls (
    call_id     uuid not null,
    device_id   text collate "C" not null,
    job_id      text collate "C",
    method_name text not null,
    received_at timestamptz not null,
    outcome     jsonb,
    primary key (call_id, device_id)
);
create index if not exists ix_calls_job on devicesim.calls (job_id) where job_id is not null;
-- Every time a simulated device ran a method, append-only: what tests count to prove a device ran at most once.
create table if not exists devicesim.executions (
    id          bigint generated always as identity primary key,
    call_id     uuid not null,
    device_id   text collate "C" not null,
    job_id      text collate "C",
    method_name text not null,
    executed_at timestamptz not null
);
create index if not exists ix_executions_job on devicesim.executions (job_id, device_id);
create index if not exists ix_executions_device on devicesim.executions (device_id) where job_id is null;
-- The log these two replaced, which merged a repeated call into one row and so could not see a second run.
drop table if exists devicesim.invocations;
