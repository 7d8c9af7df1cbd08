-- Device twins and identities. Owned by libs/Registry (DeviceRegistry, TwinStore, DeviceQuerySource, DeviceConnections):
-- no other component has SQL on these tables. Idempotent: every service that uses the registry runs it at start-up.
create schema if not exists registry;
-- Only the twin's tags are indexed, through a copy of them in a generated column: a write that leaves the tags as they
-- were (a desired patch, a report, a connection) then changes no indexed column, and with the room a fill factor of 50
-- leaves on each page PostgreSQL writes it as a heap-only tuple, with no index entry at all. An index over the whole twin
-- took every key of each new version again (docs/architecture.md, "Who owns which table"; docs/benchmarks.md, "Tags
-- alone indexed; only the sections an edit touches").
create table if not exists registry.devices (
    device_id   text collate "C" primary key,
    twin        jsonb not null,
    created_at  timestamptz not null,
    tags        jsonb generated always as (twin->'tags') stored
) with (fillfactor = 50);
do $$
begin
    if not exists (select 1 from pg_attribute where attrelid = 'registry.devices'::regclass and attname = 'tags' and not attisdropped) then
        -- The fill factor first: adding the column rewrites the table, and the rewrite leaves that room on each page.
        alter table registry.devices set (fillfactor = 50);
        alter table registry.devices add column tags jsonb generated always as (twin->'tags') stored;
    end if;
end $$;
create index if not exists ix_devices_tags on registry.devices using gin (tags jsonb_path_ops);
drop index if exists registry.ix_devices_twin;

-- A device's identity (status, keys, connection state) in a row of its own: a twin is written far more often (every job's
-- patch, every reported property), and in the twin's row the identity was copied with each write (docs/architecture.md,
-- "Who owns which table"). DeviceRegistry writes and deletes a device's two rows in one statement.
-- Created once; a registry from before, whose identities were a column of registry.devices, has them moved here then.
do $$
begin
    if to_regclass('registry.identities') is null then
        create table registry.identities (
            device_id   text collate "C" primary key,
            identity    jsonb not null
        );
        if exists (select 1 from pg_attribute where attrelid = 'registry.devices'::regclass and attname = 'identity' and not attisdropped) then
            insert into registry.identities (device_id, identity) select device_id, identity from registry.devices;
            alter table registry.devices drop column identity;
        end if;
    end if;
end $$;
