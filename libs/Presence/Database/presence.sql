-- Which device-gateway instance holds which device's connection, and which instances are alive. Owned by libs/Presence
-- (DevicePresence, GatewayInstances): no other component has SQL on these tables. Idempotent: every service that uses
-- presence runs it at start-up.
create schema if not exists presence;
-- One row per live device-gateway instance; heartbeat_at older than Presence:StaleAfterSeconds means it died.
create table if not exists presence.instances (
    instance     text collate "C" primary key,
    queue        text not null,
    started_at   timestamptz not null,
    heartbeat_at timestamptz not null
);
-- One row per connected device: its holder and the connection (connection_id tells a reconnect from the connection it
-- replaced, so a late disconnect of the old one cannot remove the new one).
create table if not exists presence.connections (
    device_id        text collate "C" primary key,
    instance         text collate "C" not null,
    connection_id    uuid not null,
    connected_at     timestamptz not null,
    last_activity_at timestamptz not null
);
create index if not exists ix_connections_instance on presence.connections (instance);
