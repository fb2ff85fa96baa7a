// Renders every kustomization of deploy/k8s with `kubectl kustomize` and validates each object against the schemas
// of Kubernetes 1.32 (kubernetes-models 4.5), offline. The schemas let unknown fields through, so each object is
// also walked while it is validated: a field the validator never looked at is a field the API does not know
// (a misspelt or misplaced key that the API server would reject, or with kubectl's client-side apply drop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const K8S = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KUSTOMIZATIONS = ['base', 'overlays/demo'];
const INSTALL = 'install kubectl 1.32 (https://kubernetes.io/docs/tasks/tools/; it is not a Debian package), '
  + 'or put it on PATH';

function kubectl() {
  const found = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return found.error ? null : found.stdout;
}

/** The rendered objects of a kustomization, or the test's skip/fail when kubectl is missing. */
function render(dir) {
  const out = spawnSync('kubectl', ['kustomize', path.join(K8S, dir)], { encoding: 'utf8', maxBuffer: 16 << 20 });
  assert.equal(out.status, 0, `kubectl kustomize ${dir} failed:\n${out.stderr}`);
  return parseAllDocuments(out.stdout).map((doc) => {
    assert.deepEqual(doc.errors, [], `YAML of ${dir}`);
    return doc.toJS();
  });
}

async function modelOf(apiVersion, kind) {
  const models = await import(`kubernetes-models/${apiVersion}`).catch(() => null);
  assert.ok(models?.[kind], `no Kubernetes 1.32 schema for ${apiVersion} ${kind}`);
  return models[kind];
}

/** A deep copy of value whose plain objects record every key read from them. */
function watched(value, seen) {
  if (Array.isArray(value)) {
    return value.map((v) => watched(v, seen));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const copy = {};
  for (const [k, v] of Object.entries(value)) {
    copy[k] = watched(v, seen);
  }
  const read = new Set();
  const proxy = new Proxy(copy, {
    get(target, key) {
      read.add(key);
      return target[key];
    },
    has(target, key) {
      read.add(key);
      return key in target;
    },
  });
  seen.push({ object: copy, read });
  return proxy;
}

/** Paths of the keys the validator never read, found by validating a watched copy of object. */
function validate(Model, object) {
  const seen = [];
  const root = watched(object, seen);
  Model.prototype.validate.call(root);
  const unknown = [];
  for (const { object: o, read } of seen) {
    for (const key of Object.keys(o)) {
      if (!read.has(key)) {
        unknown.push(key);
      }
    }
  }
  return unknown;
}

function describe(object) {
  return `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
}

for (const dir of KUSTOMIZATIONS) {
  test(`${dir}: every rendered object is valid Kubernetes 1.32, with no field the API does not know`, async (t) => {
    if (!kubectl()) {
      if (process.env.CI === 'true') {
        assert.fail(`kubectl is missing: ${INSTALL}`);
      }
      t.skip(`kubectl is missing: ${INSTALL}`);
      return;
    }
    const objects = render(dir);
    assert.ok(objects.length > 10, `${dir} renders ${objects.length} objects`);
    for (const object of objects) {
      if (object.kind === 'Secret') {
        // kustomize folds long base64 values over lines; the API server's base64 decoding skips the newlines.
        for (const key of Object.keys(object.data ?? {})) {
          object.data[key] = object.data[key].replace(/\n/g, '');
        }
      }
      const Model = await modelOf(object.apiVersion, object.kind);
      let unknown;
      assert.doesNotThrow(() => { unknown = validate(Model, object); }, describe(object));
      assert.deepEqual(unknown, [], `${describe(object)}: fields the API does not know`);
    }
  });
}

test('the unknown-field check finds a misplaced field, and the schema check a wrong type', async () => {
  const Deployment = await modelOf('apps/v1', 'Deployment');
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', labels: { a: 'b' } },
    spec: {
      selector: { matchLabels: { a: 'b' } },
      template: {
        metadata: { labels: { a: 'b' } },
        spec: { containers: [{ name: 'c', image: 'i', readinessProbe: { path: '/health/ready' } }] },
      },
    },
  };
  assert.deepEqual(validate(Deployment, deployment), ['path']);
  deployment.spec.replicas = 'two';
  assert.throws(() => validate(Deployment, deployment), /replicas must be integer/);
});
