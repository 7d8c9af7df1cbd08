// deploy/kubernetes, checked offline: every overlay renders, every object passes its kind's schema (the operators'
// kinds included) with unknown fields refused, broken objects are refused, and the objects agree with each other and
// with the services they run (images, probe paths, configuration keys, queue names).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { render, containersOf } from "./render.mjs";
import { schemaErrors, unknownFieldErrors } from "./schemas.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const k8s = join(repo, "deploy/kubernetes");
const overlays = readdirSync(join(k8s, "overlays"));
const rendered = Object.fromEntries(overlays.map((o) => [o, render(join(k8s, "overlays", o))]));
const WORKLOADS = new Set(["Deployment", "StatefulSet"]);
const ref = (o) => `${o.kind}/${o.metadata.name}`;

function sourceText(dir, exts = [".cs", ".json"]) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (["bin", "obj", "node_modules"].includes(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (exts.some((x) => e.name.endsWith(x))) out.push(readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out.join("\n");
}
const serviceDir = (name) => (name === "gateway" ? join(repo, "gateway") : join(repo, "services", name));
const libs = sourceText(join(repo, "libs"));

// The shared libraries' entry points that read a connection string, checked against the libraries themselves below.
const STORE_ENTRY = { postgres: ["AddPostgres("], rabbitmq: ["AddBus("] };

test("the store entry points are the ones that read the connection strings", () => {
  assert.match(readFileSync(join(repo, "libs/ServiceDefaults/Postgres.cs"), "utf8"), /AddPostgres\([\s\S]*GetConnectionString\("postgres"\)|GetConnectionString\("postgres"\)[\s\S]*AddPostgres\(/);
  assert.match(readFileSync(join(repo, "libs/Messaging/Bus.cs"), "utf8"), /AddBus\([\s\S]*GetConnectionString\("rabbitmq"\)/);
});

test("there are overlays, and each renders objects", () => {
  assert.ok(overlays.length >= 2, `overlays: ${overlays}`);
  for (const o of overlays) assert.ok(rendered[o].length > 0, o);
});

for (const overlay of overlays) {
  const objects = rendered[overlay];

  test(`${overlay}: every object passes its kind's schema`, async () => {
    const errors = (await Promise.all(objects.map(schemaErrors))).flat();
    assert.deepEqual(errors, []);
  });

  test(`${overlay}: no object has a field its kind does not define`, () => {
    assert.deepEqual([...unknownFieldErrors(objects).values()].flat(), []);
  });

  test(`${overlay}: both operators' kinds and the autoscaler are there`, () => {
    const kinds = new Set(objects.map((o) => `${o.apiVersion} ${o.kind}`));
    for (const k of ["rabbitmq.com/v1beta1 RabbitmqCluster", "postgresql.cnpg.io/v1 Cluster", "keda.sh/v1alpha1 ScaledObject"]) assert.ok(kinds.has(k), k);
  });

  test(`${overlay}: every Service selects the pods of a workload`, () => {
    const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
    for (const s of objects.filter((o) => o.kind === "Service")) {
      const sel = Object.entries(s.spec.selector ?? {});
      assert.ok(sel.length > 0, `${ref(s)} has no selector`);
      const target = workloads.find((w) => sel.every(([k, v]) => w.spec.template.metadata.labels?.[k] === v));
      assert.ok(target, `${ref(s)} selects no workload's pods`);
      const ports = containersOf(target).flatMap((c) => c.ports ?? []);
      for (const p of s.spec.ports) {
        assert.ok(ports.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort), `${ref(s)} port ${p.name} targets ${p.targetPort}, which ${ref(target)} does not expose`);
      }
    }
  });

  test(`${overlay}: every workload's selector matches its pods, has a disruption budget, and a StatefulSet its governing Service`, () => {
    for (const w of objects.filter((o) => WORKLOADS.has(o.kind))) {
      const labels = w.spec.template.metadata.labels ?? {};
      assert.ok(Object.entries(w.spec.selector.matchLabels).every(([k, v]) => labels[k] === v), `${ref(w)} selector`);
      const pdb = objects.find((o) => o.kind === "PodDisruptionBudget" && Object.entries(o.spec.selector.matchLabels).every(([k, v]) => labels[k] === v));
      assert.ok(pdb, `${ref(w)} has no PodDisruptionBudget`);
      if (w.kind === "StatefulSet") {
        const governing = objects.find((o) => o.kind === "Service" && o.metadata.name === w.spec.serviceName);
        assert.ok(governing && governing.spec.clusterIP === "None", `${ref(w)}: headless Service ${w.spec.serviceName}`);
      }
    }
  });

  test(`${overlay}: every ConfigMap and Secret referenced exists, is made by an operator, or is documented as yours to create`, () => {
    const has = (kind, name) => objects.some((o) => o.kind === kind && o.metadata.name === name);
    // made by the operators for the objects here: CloudNativePG's <cluster>-app (bootstrap.initdb owner), the RabbitMQ
    // Cluster Operator's <cluster>-default-user
    const operatorMade = new Set([
      ...objects.filter((o) => o.kind === "Cluster" && o.apiVersion.startsWith("postgresql.cnpg.io/") && o.spec.bootstrap?.initdb && !o.spec.bootstrap.initdb.secret).map((o) => `${o.metadata.name}-app`),
      ...objects.filter((o) => o.kind === "RabbitmqCluster").map((o) => `${o.metadata.name}-default-user`),
    ]);
    const readme = readFileSync(join(k8s, "README.md"), "utf8");
    const yours = new Set([...readme.matchAll(/^\| `([a-z0-9-]+)` \| Secret \|/gm)].map((m) => m[1]));
    assert.ok(yours.size > 0, "README.md lists the secrets you create");
    const secrets = new Set(), configMaps = new Set();
    for (const o of objects) {
      const pod = o.spec?.template?.spec;
      for (const c of containersOf(o)) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) secrets.add(e.valueFrom.secretKeyRef.name);
          if (e.valueFrom?.configMapKeyRef) {
            configMaps.add(e.valueFrom.configMapKeyRef.name);
            const cm = objects.find((x) => x.kind === "ConfigMap" && x.metadata.name === e.valueFrom.configMapKeyRef.name);
            assert.ok(!cm || e.valueFrom.configMapKeyRef.key in (cm.data ?? {}), `${ref(o)}: ConfigMap ${cm?.metadata.name} has no key ${e.valueFrom.configMapKeyRef.key}`);
          }
        }
        for (const f of c.envFrom ?? []) { if (f.secretRef) secrets.add(f.secretRef.name); if (f.configMapRef) configMaps.add(f.configMapRef.name); }
      }
      for (const v of pod?.volumes ?? []) { if (v.secret) secrets.add(v.secret.secretName); if (v.configMap) configMaps.add(v.configMap.name); }
      for (const t of o.kind === "TriggerAuthentication" ? o.spec.secretTargetRef ?? [] : []) secrets.add(t.name);
    }
    for (const name of configMaps) assert.ok(has("ConfigMap", name), `ConfigMap ${name} is referenced but not rendered`);
    for (const name of secrets) {
      assert.ok(has("Secret", name) || operatorMade.has(name) || yours.has(name), `Secret ${name} is referenced, but neither rendered, made by an operator, nor in README.md's table`);
    }
    for (const name of yours) assert.ok(secrets.has(name), `README.md lists Secret ${name}, which nothing uses`);
  });

  test(`${overlay}: every probe asks a health path the services map, on a port the container exposes`, () => {
    const mapped = new Set([...libs.matchAll(/MapHealthChecks\("([^"]+)"/g)].map((m) => m[1]));
    assert.ok(mapped.has("/health/ready") && mapped.has("/health/live"), `health paths in libs/ServiceDefaults: ${[...mapped]}`);
    for (const o of objects) {
      for (const c of o.spec?.template?.spec?.containers ?? []) {
        for (const kind of ["readinessProbe", "livenessProbe", "startupProbe"]) {
          const get = c[kind]?.httpGet;
          assert.ok(get, `${ref(o)} ${c.name} has no ${kind}`);
          assert.ok(mapped.has(get.path), `${ref(o)} ${kind} path ${get.path}`);
          const port = (c.ports ?? []).find((p) => p.name === get.port || p.containerPort === get.port);
          assert.ok(port, `${ref(o)} ${kind} port ${get.port}`);
          const url = c.env.find((e) => e.name === "ASPNETCORE_URLS").value;
          assert.equal(get.scheme ?? "HTTP", url.startsWith("https://") ? "HTTPS" : "HTTP", `${ref(o)} ${kind} scheme against ASPNETCORE_URLS ${url}`);
          assert.ok(url.endsWith(`:${port.containerPort}`), `${ref(o)} listens on ${url}, probes ${port.containerPort}`);
        }
        assert.ok(c.resources?.requests?.memory && c.resources?.limits?.memory && c.resources?.requests?.cpu, `${ref(o)} ${c.name} resources`);
      }
    }
  });

  test(`${overlay}: every image is one compose.yaml builds, and the overlay names its registry and tag`, () => {
    const compose = parse(readFileSync(join(repo, "compose.yaml"), "utf8"));
    const built = Object.entries(compose.services).filter(([, s]) => s.build).map(([name, s]) => {
      assert.ok(existsSync(join(repo, s.build.context, s.build.dockerfile)), s.build.dockerfile);
      return name;
    });
    const base = render(join(k8s, "base"));
    for (const o of base) for (const c of containersOf(o)) {
      const name = c.image.replace(/:.*$/, "");
      assert.ok(built.some((b) => `${compose.name}-${b}` === name), `${ref(o)} image ${c.image} is not one compose.yaml builds (${compose.name}-<service>)`);
    }
    for (const o of objects) for (const c of containersOf(o)) assert.match(c.image, /^[a-z0-9.-]+\/.+:[\w.-]+$/, `${ref(o)} image ${c.image}`);
  });

  test(`${overlay}: every setting a container gets is one its service reads`, () => {
    const framework = new Set(["ASPNETCORE_URLS", "OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT"]);
    for (const o of objects.filter((x) => WORKLOADS.has(x.kind))) {
      for (const c of o.spec.template.spec.containers) {
        const dir = serviceDir(c.name);
        assert.ok(existsSync(dir), `${ref(o)}: container ${c.name} is not a service of this repository`);
        const own = sourceText(dir);
        const code = own + libs;
        const settings = JSON.parse(readFileSync(join(dir, "appsettings.json"), "utf8"));
        const inSettings = (path) => path.reduce((n, k) => (n && typeof n === "object" ? n[k] : undefined), settings) !== undefined;
        const expanded = (c.env ?? []).map((e) => e.value ?? "").join(" ");
        for (const e of c.env ?? []) {
          if (framework.has(e.name)) continue;
          if (!e.name.includes("__")) { assert.ok(expanded.includes(`$(${e.name})`), `${ref(o)}: ${e.name} is neither a setting nor used by another entry`); continue; }
          const path = e.name.split("__");
          const key = path.join(":");
          // a connection string only for a service whose own code opens that store (through the shared library's
          // entry point, or directly)
          const read = path[0] === "ConnectionStrings"
            ? (STORE_ENTRY[path[1]] ?? []).some((call) => own.includes(call)) || own.includes(`GetConnectionString("${path[1]}")`)
            : code.includes(`"${key}"`) || inSettings(path);
          assert.ok(read, `${ref(o)}: ${e.name} (${key}) is read nowhere in ${dir.slice(repo.length + 1)} or libs`);
        }
      }
    }
  });

  test(`${overlay}: the executor autoscaler watches the executor's own queues and scales the executor Deployment`, () => {
    const so = objects.find((o) => o.kind === "ScaledObject");
    assert.ok(objects.some((o) => o.kind === "Deployment" && o.metadata.name === so.spec.scaleTargetRef.name));
    const executor = sourceText(serviceDir("executor"));
    const queues = so.spec.triggers.filter((t) => t.type === "rabbitmq").map((t) => t.metadata.queueName);
    assert.ok(queues.length > 0);
    for (const q of queues) assert.ok(executor.includes(`QueueDefinition<`) && executor.includes(`("${q}"`), `queue ${q} is not one the executor consumes`);
    assert.ok(so.spec.minReplicaCount <= so.spec.maxReplicaCount);
    // KEDA resolves the host from its own namespace: it must name the broker's Service with the hub's namespace
    const broker = objects.find((o) => o.kind === "RabbitmqCluster");
    for (const t of so.spec.triggers.filter((x) => x.type === "rabbitmq")) {
      assert.equal(new URL(t.metadata.host).hostname, `${broker.metadata.name}.${so.metadata.namespace}.svc`, "trigger host");
    }
    const target = objects.find((o) => o.metadata.name === so.spec.scaleTargetRef.name && o.kind === "Deployment");
    assert.equal(target.spec.replicas, undefined, "the ScaledObject owns the executor's replica count");
  });
}

// ---------------------------------------------------------------- the validation can fail
const sample = rendered[overlays[0]];
const copyOf = (kind) => structuredClone(sample.find((o) => o.kind === kind));

test("a Deployment with a wrong field type is refused", async () => {
  const d = copyOf("Deployment");
  d.spec.replicas = "two";
  assert.match((await schemaErrors(d)).join("\n"), /replicas must be integer/);
});

test("a Deployment whose container lacks its required name is refused", async () => {
  const d = copyOf("Deployment");
  delete d.spec.template.spec.containers[0].name;
  assert.match((await schemaErrors(d)).join("\n"), /required property name/);
});

test("a Deployment with a misspelt field is refused in strict mode", () => {
  const d = copyOf("Deployment");
  d.spec.template.spec.containers[0].readinesProbe = d.spec.template.spec.containers[0].readinessProbe;
  assert.match([...unknownFieldErrors([d]).values()].flat().join("\n"), /'"readinesProbe"' does not exist in type 'IContainer'/);
});

test("a ScaledObject with a field KEDA does not define is refused", () => {
  const s = copyOf("ScaledObject");
  s.spec.minReplicas = 1;
  assert.match([...unknownFieldErrors([s]).values()].flat().join("\n"), /'"minReplicas"' does not exist/);
});

test("a CloudNativePG Cluster with a wrong type, an unknown field or without instances is refused", async () => {
  const wrongType = copyOf("Cluster"); wrongType.spec.instances = "2";
  assert.match((await schemaErrors(wrongType)).join("\n"), /\/spec\/instances must be integer/);
  const unknown = copyOf("Cluster"); unknown.spec.storag = { size: "1Gi" };
  assert.match((await schemaErrors(unknown)).join("\n"), /additional properties 'storag'/);
  const missing = copyOf("Cluster"); delete missing.spec.instances;
  assert.match((await schemaErrors(missing)).join("\n"), /required property 'instances'/);
});

test("a RabbitmqCluster with an unknown field or bad metadata is refused", async () => {
  const unknown = copyOf("RabbitmqCluster"); unknown.spec.replica = 3;
  assert.match((await schemaErrors(unknown)).join("\n"), /additional properties 'replica'/);
  const labels = copyOf("RabbitmqCluster"); labels.metadata.labels = { tier: 1 };
  assert.match((await schemaErrors(labels)).join("\n"), /metadata\/labels\/tier/);
});

test("an object of a kind without a schema is refused", async () => {
  assert.match((await schemaErrors({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).join("\n"), /no schema/);
});

test("the renderer refuses kustomization fields it does not implement", () => {
  assert.throws(() => render(join(repo, "tests/kubernetes/fixtures/unsupported")), /'configMapGenerator' is not supported/);
});

test("the renderer refuses a patch of a list it cannot merge the way kustomize does", () => {
  assert.throws(() => render(join(repo, "tests/kubernetes/fixtures/unsupported-patch")), /a patch of the list 'ports' is not supported/);
});
