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
    outcome     text,
    primary key (call_id, device_id)
);
create index if not exists ix_calls_job on devicesim.calls (job_id) where job_id is not null;
-- Every time simulated devices ran a method, append-only: one row per recorded delivery, whose device_ids each ran the
-- method once; a device that ran twice is in two rows (or twice in one), never merged. One row a batch, not a device:
-- a row and its index entries per device cost device-sim's record about a third of its statement (docs/benchmarks.md,
-- "device-sim records a batch's executions in one row").
create table if not exists devicesim.execution_batches (
    id          bigint generated always as identity primary key,
    call_id     uuid not null,
    job_id      text collate "C",
    method_name text not null,
    executed_at timestamptz not null,
    device_ids  text[] collate "C" not null
);
create index if not exists ix_execution_batches_job on devicesim.execution_batches (job_id);
-- The row-per-execution table of earlier versions: its rows move into batches, and its name becomes the view below.
do $$
begin
    if to_regclass('devicesim.executions') is not null
       and (select relkind from pg_class where oid = to_regclass('devicesim.executions')) = 'r' then
        insert into devicesim.execution_batches (call_id, job_id, method_name, executed_at, device_ids)
        select call_id, job_id, method_name, executed_at, array_agg(device_id order by id)
          from devicesim.executions group by call_id, job_id, method_name, executed_at;
        drop table devicesim.executions;
    end if;
end $$;
-- What tests count: one row per execution of a method on a device, as the table of earlier versions had.
create or replace view devicesim.executions as
    select b.call_id, d.device_id, b.job_id, b.method_name, b.executed_at
      from devicesim.execution_batches b cross join lateral unnest(b.device_ids) as d(device_id);
-- The outcome is read back only whole, by device-sim: kept as the text it was written, not parsed into jsonb.
do $$
begin
    if (select data_type from information_schema.columns
         where table_schema = 'devicesim' and table_name = 'calls' and column_name = 'outcome') = 'jsonb' then
        alter table devicesim.calls alter column outcome type text;
    end if;
end $$;
-- The log these two replaced, which merged a repeated call into one row and so could not see a second run.
drop table if exists devicesim.invocations;
