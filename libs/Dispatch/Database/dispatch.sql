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
) with (fillfactor = 40);
-- A row is written pending, then claimed, then with its result: its page keeps room for the newer versions (see below).
alter table dispatch.device_jobs set (fillfactor = 40);
-- Upgrades of a ledger made before retries: the same columns, added once.
alter table dispatch.device_jobs add column if not exists attempts integer not null default 0;
alter table dispatch.device_jobs add column if not exists next_attempt_at timestamptz;
alter table dispatch.device_jobs add column if not exists attempt_sent_until timestamptz;
alter table dispatch.device_jobs add column if not exists last_error jsonb;
alter table dispatch.device_jobs add column if not exists acknowledge_by timestamptz;
-- Updates are HOT (docs/architecture.md, "The ledger's row versions"): a claim and a result rewrite the row on its own page
-- without new index entries, which needs room on the page (the fill factor) and no index that names a column they change.
-- So no index names status or claimed_until: a job's rows are found through the primary key, expired claims through
-- dispatch.claim_leases; a retry's and an acknowledgement's times are indexed only while they are set.
create index if not exists ix_device_jobs_device on dispatch.device_jobs (device_id);
drop index if exists dispatch.ix_device_jobs_unfinished;
drop index if exists dispatch.ix_device_jobs_claims;
drop index if exists dispatch.ix_device_jobs_retries;
drop index if exists dispatch.ix_device_jobs_acknowledgements;
create index if not exists ix_device_jobs_next_attempts on dispatch.device_jobs (next_attempt_at) where next_attempt_at is not null;
create index if not exists ix_device_jobs_acknowledge_by on dispatch.device_jobs (acknowledge_by) where acknowledge_by is not null;
-- Every report of a device's properties asks whether a device job of it awaits an acknowledgement: almost always none.
-- This index holds only those that do, so the answer is a look into a nearly empty index, not into each device's rows.
create index if not exists ix_device_jobs_awaiting_devices on dispatch.device_jobs (device_id) where acknowledge_by is not null;

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

-- Where to look for claims that may have expired: one row per claim (the device jobs one statement claimed together), due
-- when the claim's lease ends. The ledger's own claimed_until decides; a due lease whose device jobs are renewed is moved
-- to their new end, and one whose device jobs all ended is removed (DeviceJobLedger.ExpiredClaimsAsync).
-- Created once, with a lease for each job's running claims when the ledger is older than the leases (the only time this
-- reads the whole ledger); from then on every claim writes its own lease.
do $$
begin
    if to_regclass('dispatch.claim_leases') is null then
        create table dispatch.claim_leases (
            id          bigint generated always as identity primary key,
            job_id      text collate "C" not null,
            device_ids  text[] collate "C" not null,
            check_at    timestamptz not null
        );
        create index ix_claim_leases_check_at on dispatch.claim_leases (check_at);
        insert into dispatch.claim_leases (job_id, device_ids, check_at)
        select job_id, array_agg(device_id), min(claimed_until) from dispatch.device_jobs
         where status = 'running' and claimed_until is not null group by job_id;
    end if;
end $$;
