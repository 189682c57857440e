import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type Doc, documents, k8sDir, manifests, parseDocuments } from './deploy-files.ts';
import { schemaProblems } from './k8s-schemas.ts';

/** The manifest of a kind and name, as a copy a test may break. */
function copyOf(kind: string, name: string): Doc {
  const found = manifests.find(({ doc }) => doc.kind === kind && doc.metadata.name === name);
  if (found === undefined) throw new Error(`deploy/k8s has no ${kind} ${name}`);
  return structuredClone(found.doc);
}

/**
 * `kubectl kustomize deploy/k8s`: what `kubectl apply -k` would send. The kubectl this needs reads
 * kustomization.yaml's `labels` (kustomize v4 or later): the machine image's (Google's kubectl 1.32,
 * kustomize v5.5) does, Debian 12's kubernetes-client (1.20, kustomize v2) does not.
 */
function kustomize(): Doc[] {
  const run = spawnSync('kubectl', ['kustomize', k8sDir], { encoding: 'utf8' });
  if (run.error !== undefined)
    throw new Error(
      `kubectl kustomize could not run (${run.error.message}): install a kubectl whose kustomize is v4 or later`,
    );
  if (run.status !== 0) throw new Error(`kubectl kustomize deploy/k8s failed: ${run.stderr}`);
  return parseDocuments(run.stdout, 'kubectl kustomize deploy/k8s');
}

describe('deploy/k8s against the API schemas of Kubernetes and of the operators', () => {
  test('k8s: every object is valid for its kind, with no field its schema does not have', () => {
    for (const { file, doc } of manifests) {
      const object = `${file}: ${doc.kind} ${doc.metadata?.name}`;
      expect({ object, problems: schemaProblems(doc) }).toEqual({ object, problems: [] });
    }
  });

  test('k8s schemas: a misspelled field, a wrong type or a missing required field in one of our objects is reported', () => {
    const misspelled = copyOf('Deployment', 'mousetrap-api');
    misspelled.spec.template.spec.containers[0].readynessProbe = {
      httpGet: { path: '/ready', port: 'http' },
    };
    expect(schemaProblems(misspelled)).toEqual([
      '/spec/template/spec/containers/0/readynessProbe is not a field of the schema',
    ]);

    const noSelector = copyOf('Deployment', 'mousetrap-api');
    delete noSelector.spec.selector;
    expect(schemaProblems(noSelector)).toEqual(['/spec must have required property selector']);

    const scaled = copyOf('ScaledObject', 'mousetrap-fetch-worker');
    scaled.spec.maxReplicaCount = '10';
    expect(schemaProblems(scaled)).toEqual(['/spec/maxReplicaCount must be integer']);

    const database = copyOf('Cluster', 'mousetrap-db');
    database.spec.postgresql.synchronous = { method: 'all', number: 1 };
    expect(schemaProblems(database)).toEqual([
      '/spec/postgresql/synchronous/method must be equal to one of the allowed values',
    ]);

    const broker = copyOf('RabbitmqCluster', 'mousetrap-rabbitmq');
    broker.spec.replica = broker.spec.replicas;
    broker.spec.persistence.storage = '10 GB';
    const term = broker.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    term.topologykey = term.topologyKey;
    delete term.topologyKey;
    expect(schemaProblems(broker)).toEqual([
      '/spec must NOT have additional properties: replica',
      '/spec/persistence/storage must match pattern "^[0-9]+(\\.[0-9]+)?([KMGTPE]i?)?$"',
      '/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0 must have required property topologyKey',
    ]);

    const unknownKind = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(schemaProblems(unknownKind)).toEqual([
      'no schema for example.com/v1 Widget: add its model to development/test/k8s-schemas.ts',
    ]);
  });

  test('kubectl kustomize deploy/k8s: renders every object of the files into the namespace, labelled, with the tagged images, each still valid', () => {
    const [kustomization] = documents(join(k8sDir, 'kustomization.yaml'));
    const rendered = kustomize();
    const id = (doc: Doc) => `${doc.kind} ${doc.metadata.name}`;
    expect(rendered.map(id).sort()).toEqual(manifests.map(({ doc }) => id(doc)).sort());
    const tags = new Map<string, string>(
      (kustomization?.images ?? []).map((image: Doc) => [image.name, image.newTag]),
    );
    for (const doc of rendered) {
      const object = id(doc);
      expect({
        object,
        namespace: doc.kind === 'Namespace' ? doc.metadata.name : doc.metadata.namespace,
        partOf: doc.metadata.labels?.['app.kubernetes.io/part-of'],
        problems: schemaProblems(doc),
      }).toEqual({ object, namespace: kustomization?.namespace, partOf: 'mousetrap', problems: [] });
      for (const container of doc.spec?.template?.spec?.containers ?? []) {
        const [name] = container.image.split(':');
        expect({ object, image: container.image }).toEqual({ object, image: `${name}:${tags.get(name)}` });
      }
    }
  });
});
