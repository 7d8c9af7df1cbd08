// Schema validation of rendered objects, offline:
// - built-in kinds and KEDA's with the kubernetes-models classes (their validators are generated from the Kubernetes
//   and KEDA OpenAPI schemas): types, formats, required fields, enums;
// - unknown fields of those kinds with TypeScript's excess-property check against the same packages' interfaces
//   (the generated validators accept any extra field, the API server's strict field validation does not);
// - RabbitmqCluster and CloudNativePG's Cluster with ajv against the openAPIV3Schema of the operators' CRDs in
//   deploy/kubernetes/schemas, made strict the way the API server is: an object schema with properties and without
//   x-kubernetes-preserve-unknown-fields takes no other field.
import { readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import Ajv from "ajv";
import { readYamlDocuments } from "./render.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const schemaDir = join(here, "../../deploy/kubernetes/schemas");

// apiVersion → module folder of the models
const BUILT_IN = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
};

function crdValidators() {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validators = new Map();
  for (const file of ["rabbitmq.com_rabbitmqclusters.yaml", "postgresql.cnpg.io_clusters.yaml"]) {
    for (const crd of readYamlDocuments(join(schemaDir, file))) {
      for (const version of crd.spec.versions) {
        const schema = strictify(structuredClone(version.schema.openAPIV3Schema));
        validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
      }
    }
  }
  return validators;
}

function strictify(schema) {
  if (schema === null || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map(strictify);
  for (const [k, v] of Object.entries(schema)) {
    // x-kubernetes-int-or-string: ajv does not know it; the API server takes an integer or a string there
    if (k === "x-kubernetes-int-or-string" && v === true) { delete schema.type; schema.anyOf ??= [{ type: "integer" }, { type: "string" }]; }
    schema[k] = strictify(v);
  }
  if (schema.properties && schema.additionalProperties === undefined && !schema["x-kubernetes-preserve-unknown-fields"]) {
    schema.additionalProperties = false;
  }
  // metadata is checked with ObjectMeta's validator instead (the CRD only says "object")
  if (schema.properties?.metadata) schema.properties.metadata = { type: "object" };
  return schema;
}

let crds;
let objectMeta;
const modelCache = new Map();

async function modelClass(apiVersion, kind) {
  const folder = BUILT_IN[apiVersion];
  if (!folder) return undefined;
  const key = `${folder}/${kind}`;
  if (!modelCache.has(key)) {
    try { modelCache.set(key, (await import(key))[kind]); } catch { modelCache.set(key, undefined); }
  }
  return modelCache.get(key);
}

function describe(errors) {
  return errors.map((e) => `${e.instancePath || "/"} ${e.message ?? `${e.keyword} ${JSON.stringify(e.params)}`}${e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : ""}`);
}

/** Errors of one object against its kind's schema (types, formats, required fields); [] when valid. */
export async function schemaErrors(o) {
  crds ??= crdValidators();
  objectMeta ??= (await import("@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta")).validate;
  const name = `${o.kind}/${o.metadata?.name}`;
  const Model = await modelClass(o.apiVersion, o.kind);
  if (Model) {
    try { new Model(o).validate(); return []; } catch (e) { return [`${name}: ${e.message}`]; }
  }
  const crd = crds.get(`${o.apiVersion}/${o.kind}`);
  if (!crd) return [`${name}: no schema for ${o.apiVersion} ${o.kind}`];
  const errors = [];
  if (!crd(o)) errors.push(...describe(crd.errors).map((m) => `${name}: ${m}`));
  if (!objectMeta(o.metadata ?? {})) errors.push(...describe(objectMeta.errors).map((m) => `${name}: metadata${m}`));
  if (!o.metadata?.name) errors.push(`${name}: metadata.name is required`);
  return errors;
}

/**
 * Unknown fields in built-in and KEDA objects: each object becomes a typed constant in a TypeScript file, and tsc's
 * excess-property check names every field the interface does not declare. Returns errors per object index.
 */
export function unknownFieldErrors(objects) {
  const lines = [];
  const imports = new Map();
  const index = [];
  objects.forEach((o, i) => {
    const folder = BUILT_IN[o.apiVersion];
    if (!folder) return; // CRDs: ajv's strict schema covers them
    const type = `${o.kind}_${Object.keys(BUILT_IN).indexOf(o.apiVersion)}`;
    imports.set(type, `import type { I${o.kind} as ${type} } from "${folder}/${o.kind}";`);
    index.push(i);
    lines.push(`export const o${i}: ${type} = ${JSON.stringify(o)};`);
  });
  const dir = join(here, ".strict-check");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const header = [...imports.values()];
  writeFileSync(join(dir, "objects.ts"), [...header, ...lines].join("\n") + "\n");
  const errors = new Map();
  try {
    execFileSync(join(here, "node_modules/.bin/tsc"), ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext",
      "--skipLibCheck", "--types", "", "--pretty", "false", join(dir, "objects.ts")], { cwd: here, encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    const out = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    for (const line of out.split("\n")) {
      const m = /objects\.ts\((\d+),\d+\): error (TS\d+: .*)/.exec(line);
      if (!m) { if (line.trim()) errors.set(-1, [...(errors.get(-1) ?? []), line]); continue; }
      const i = index[Number(m[1]) - 1 - header.length];
      const name = i === undefined ? "?" : `${objects[i].kind}/${objects[i].metadata?.name}`;
      errors.set(i ?? -1, [...(errors.get(i ?? -1) ?? []), `${name}: ${m[2]}`]);
    }
    if (errors.size === 0) errors.set(-1, [`tsc failed: ${out || e.message}`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return errors;
}
