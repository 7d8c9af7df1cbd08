-- device-gateway's own records, owned by device-gateway (Methods/GatewayCallLog.cs): no other component has SQL on them.
create schema if not exists devicegateway;
-- Every call a device-gateway instance received, recorded before it runs: a delivery of the same call id again sends
-- nothing to the device and is answered from the recorded outcome (libs/DeviceLayer/DeviceCalls.cs).
create table if not exists devicegateway.calls (
    call_id     uuid not null,
    device_id   text collate "C" not null,
    job_id      text collate "C",
    method_name text not null,
    received_at timestamptz not null,
    outcome     jsonb,
    primary key (call_id, device_id)
);
create index if not exists ix_gateway_calls_job on devicegateway.calls (job_id) where job_id is not null;
create index if not exists ix_gateway_calls_direct on devicegateway.calls (received_at) where job_id is null;
