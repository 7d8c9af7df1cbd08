-- Device identities and twins. Owned by libs/Registry (DeviceRegistry, TwinStore, DeviceQuerySource): no other
-- component has SQL on this table. Idempotent: every service that uses the registry runs it at start-up.
create schema if not exists registry;
create table if not exists registry.devices (
    device_id   text collate "C" primary key,
    twin        jsonb not null,
    identity    jsonb not null,
    created_at  timestamptz not null
);
create index if not exists ix_devices_twin on registry.devices using gin (twin jsonb_path_ops);
