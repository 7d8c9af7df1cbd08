-- The device-job ledger: one row per device of a started job, the dispatch record and the queryable devices.jobs.
-- Owned by libs/Dispatch (DeviceJobLedger, DeviceJobClaims): no other component has SQL on this table.
-- pending (fan-out records) -> running (a claim with a lease) -> completed | failed | canceled.
-- Idempotent: every service that uses the ledger runs it at start-up.
create schema if not exists dispatch;
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
    -- retries of a rollout (docs/rollouts.md, "Retries"): each claim is an attempt; a failed attempt that may be retried
    -- goes back to pending with the time its next attempt is due (no claim before it) and the error it failed with.
    attempts           integer not null default 0,
    next_attempt_at    timestamptz,
    -- the scheduler sent the due attempt's command; until this time it is not sent again (a crash in between re-sends it)
    attempt_sent_until timestamptz,
    last_error         jsonb,
    -- an acknowledged twin job's device job, updated, waits until this time for its device to report the desired values
    acknowledge_by     timestamptz,
    primary key (job_id, device_id)
);
-- Upgrades of a ledger made before retries: the same columns, added once.
alter table dispatch.device_jobs add column if not exists attempts integer not null default 0;
alter table dispatch.device_jobs add column if not exists next_attempt_at timestamptz;
alter table dispatch.device_jobs add column if not exists attempt_sent_until timestamptz;
alter table dispatch.device_jobs add column if not exists last_error jsonb;
alter table dispatch.device_jobs add column if not exists acknowledge_by timestamptz;
create index if not exists ix_device_jobs_device on dispatch.device_jobs (device_id);
create index if not exists ix_device_jobs_unfinished on dispatch.device_jobs (job_id, status) where status in ('pending', 'running');
create index if not exists ix_device_jobs_claims on dispatch.device_jobs (claimed_until) where status = 'running';
create index if not exists ix_device_jobs_retries on dispatch.device_jobs (next_attempt_at) where status = 'pending' and next_attempt_at is not null;
create index if not exists ix_device_jobs_acknowledgements on dispatch.device_jobs (acknowledge_by) where status = 'running' and acknowledge_by is not null;

-- Live counts by status (docs/architecture.md, "Counting a running job"): every statement that inserts, updates or
-- deletes device jobs appends, in its own transaction, how many of each job's device jobs entered (+) or left (-) each
-- status. A job's counts are the sums of its rows, a read of a few rows per batch of work instead of one per device;
-- rows are only ever appended (no counter row for writers to wait on), and summed into one row per status by
-- DeviceJobLedger.CompactCounts.
create table if not exists dispatch.device_job_status_changes (
    job_id  text collate "C" not null,
    status  text not null,
    change  bigint not null
);
create index if not exists ix_device_job_status_changes_job on dispatch.device_job_status_changes (job_id);

create or replace function dispatch.record_inserted_statuses() returns trigger language plpgsql as $$
begin
    insert into dispatch.device_job_status_changes (job_id, status, change)
    select job_id, status, count(*) from inserted group by job_id, status;
    return null;
end $$;

create or replace function dispatch.record_updated_statuses() returns trigger language plpgsql as $$
begin
    insert into dispatch.device_job_status_changes (job_id, status, change)
    select job_id, status, sum(change) from (
        select job_id, status, 1 as change from after_update
        union all
        select job_id, status, -1 from before_update) moved
    group by job_id, status having sum(change) <> 0;
    return null;
end $$;

create or replace function dispatch.record_deleted_statuses() returns trigger language plpgsql as $$
begin
    insert into dispatch.device_job_status_changes (job_id, status, change)
    select job_id, status, -count(*) from deleted group by job_id, status;
    return null;
end $$;

-- Created once, counting the rows already there in the same transaction (creating a trigger waits for the table's
-- writers and holds them off until commit), so a ledger from before the counts starts exact; a restart changes nothing.
do $$
begin
    if not exists (select 1 from pg_trigger where tgname = 'device_jobs_inserted_statuses'
                   and tgrelid = 'dispatch.device_jobs'::regclass) then
        create trigger device_jobs_inserted_statuses after insert on dispatch.device_jobs
            referencing new table as inserted for each statement execute function dispatch.record_inserted_statuses();
        create trigger device_jobs_updated_statuses after update on dispatch.device_jobs
            referencing old table as before_update new table as after_update
            for each statement execute function dispatch.record_updated_statuses();
        create trigger device_jobs_deleted_statuses after delete on dispatch.device_jobs
            referencing old table as deleted for each statement execute function dispatch.record_deleted_statuses();
        delete from dispatch.device_job_status_changes;
        insert into dispatch.device_job_status_changes (job_id, status, change)
        select job_id, status, count(*) from dispatch.device_jobs group by job_id, status;
    end if;
end $$;
