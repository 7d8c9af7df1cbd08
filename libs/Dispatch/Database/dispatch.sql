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
    primary key (job_id, device_id)
);
create index if not exists ix_device_jobs_device on dispatch.device_jobs (device_id);
create index if not exists ix_device_jobs_unfinished on dispatch.device_jobs (job_id, status) where status in ('pending', 'running');
create index if not exists ix_device_jobs_claims on dispatch.device_jobs (claimed_until) where status = 'running';
