// A small kustomize renderer for the subset deploy/kubernetes uses: resources (files and folders with a
// kustomization.yaml), namespace, images, replicas, and patches given by path (strategic merge, matched by
// apiVersion, kind and name). Any other kustomization field is refused, so a manifest that needs more of kustomize
// fails here instead of being rendered differently from `kubectl kustomize`.
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

const SUPPORTED = new Set(["apiVersion", "kind", "namespace", "resources", "images", "replicas", "patches"]);
// Kinds kustomize's `replicas:` field changes (its default replica field specs).
const REPLICATED = new Set(["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"]);
// Cluster-scoped kinds the manifests use: `namespace:` leaves them alone.
const CLUSTER_SCOPED = new Set(["Namespace"]);
// Lists of built-in kinds that strategic merge merges item by item, with their patchMergeKey in the Kubernetes API.
// A patch of a built-in kind with any other list is refused: strategic merge would merge some of them (ports, by
// containerPort) where this renderer would replace. Custom resources have no merge keys: their lists are replaced.
const MERGE_KEYS = { containers: "name", initContainers: "name", volumes: "name", env: "name", volumeMounts: "mountPath" };
const CUSTOM_GROUPS = ["rabbitmq.com/", "postgresql.cnpg.io/", "keda.sh/"];

export function readYamlDocuments(file) {
  return parseAllDocuments(readFileSync(file, "utf8")).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${file} (document ${i + 1}): ${doc.errors[0].message}`);
    return doc.toJS();
  }).filter((o) => o !== null && o !== undefined);
}

export function render(dir) {
  const file = join(dir, "kustomization.yaml");
  const [k] = readYamlDocuments(file);
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) throw new Error(`${file}: kustomization field '${key}' is not supported by tests/kubernetes/render.mjs`);
  }
  let objects = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${file}: resource ${entry} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? render(path) : readYamlDocuments(path)));
  }
  for (const patch of k.patches ?? []) {
    if (Object.keys(patch).some((key) => key !== "path")) throw new Error(`${file}: only patches with a path are supported`);
    for (const p of readYamlDocuments(resolve(dir, patch.path))) {
      const target = objects.find((o) => o.apiVersion === p.apiVersion && o.kind === p.kind && o.metadata?.name === p.metadata?.name);
      if (!target) throw new Error(`${file}: patch ${patch.path} targets ${p.kind}/${p.metadata?.name}, which is not in the resources`);
      const custom = CUSTOM_GROUPS.some((g) => p.apiVersion.startsWith(g));
      objects[objects.indexOf(target)] = merge(target, p, undefined, custom, `${patch.path} ${p.kind}/${p.metadata.name}`);
    }
  }
  for (const r of k.replicas ?? []) {
    const targets = objects.filter((o) => REPLICATED.has(o.kind) && o.metadata?.name === r.name);
    if (targets.length === 0) throw new Error(`${file}: replicas for ${r.name}, which is not a workload in the resources`);
    for (const t of targets) t.spec.replicas = r.count;
  }
  for (const image of k.images ?? []) {
    let used = false;
    for (const o of objects) {
      for (const c of containersOf(o)) {
        const { name } = splitImage(c.image);
        if (name !== image.name) continue;
        used = true;
        const current = splitImage(c.image);
        const newName = image.newName ?? current.name;
        if (image.digest) c.image = `${newName}@${image.digest}`;
        else c.image = `${newName}${image.newTag !== undefined ? ":" + image.newTag : current.suffix}`;
      }
    }
    if (!used) throw new Error(`${file}: image ${image.name} is used by no container`);
  }
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  return objects;
}

export function containersOf(o) {
  const pod = o.spec?.template?.spec;
  return pod ? [...(pod.initContainers ?? []), ...(pod.containers ?? [])] : [];
}

function splitImage(image) {
  const at = image.indexOf("@");
  if (at >= 0) return { name: image.slice(0, at), suffix: image.slice(at) };
  const colon = image.lastIndexOf(":");
  if (colon > image.lastIndexOf("/")) return { name: image.slice(0, colon), suffix: image.slice(colon) };
  return { name: image, suffix: "" };
}

// Strategic merge as kustomize applies it: maps merge, null deletes a key; in built-in kinds the lists of MERGE_KEYS
// merge item by item on their key; in custom resources (JSON merge patch semantics) lists are replaced.
function merge(target, patch, key, custom, where) {
  if (Array.isArray(patch)) {
    if (custom) return structuredClone(patch);
    const mergeKey = MERGE_KEYS[key];
    if (!mergeKey) throw new Error(`${where}: a patch of the list '${key}' is not supported by tests/kubernetes/render.mjs`);
    const result = Array.isArray(target) ? target.map((item) => structuredClone(item)) : [];
    for (const item of patch) {
      const i = result.findIndex((t) => t[mergeKey] === item[mergeKey]);
      if (i >= 0) result[i] = merge(result[i], item, undefined, custom, where);
      else result.push(structuredClone(item));
    }
    return result;
  }
  if (patch === null || typeof patch !== "object") return patch;
  const result = target !== null && typeof target === "object" && !Array.isArray(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = merge(result[k], v, k, custom, where);
  }
  return result;
}
