-- device-sim's own records, owned by device-sim (Methods/DeviceCallLog.cs): no other component has SQL on them.
create schema if not exists devicesim;
-- Every call device-sim received, recorded before it runs: a delivery of the same call id again runs nothing and is
-- answered from the recorded outcome (libs/DeviceLayer/DeviceCalls.cs).
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
