import { ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { Cluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import Ajv from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Affinity } from 'kubernetes-models/v1/Affinity';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';

import { ResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { Doc } from './deploy-files.ts';

/*
 * The schemas, and where they come from:
 * - Kubernetes' own kinds: kubernetes-models 4.5 (Kubernetes 1.33's OpenAPI schemas; its 5.x, with
 *   1.34's, needs Node 22).
 * - KEDA's ScaledObject and TriggerAuthentication: @kubernetes-models/keda 0.4 (KEDA's CRDs as of
 *   about 2.11; the fields used here are older than that).
 * - CloudNativePG's Cluster: @kubernetes-models/cloudnative-pg 0.1 (the CRD of CloudNativePG 1.24;
 *   deploy/README.md installs 1.25, so a field new in 1.25 would be reported unknown here).
 * - RabbitmqCluster: no npm package has the RabbitMQ Cluster Operator's CRD, so its spec is checked
 *   against the fields of that CRD which deploy/k8s uses, with the CRD's types (below); its
 *   `affinity` and `resources` are Kubernetes' own types and are checked as those.
 * Their validators are compiled from schemas that allow fields they do not name, whereas the API
 * server rejects an unknown field (kubectl's default strict field validation). So each object is
 * validated through proxies that record which fields the validator reads: a field of an object the
 * schema describes (one the validator read any field of) that it never read is not in the schema.
 */

/** A kubernetes-models class: a prototype whose `validate` checks `this` against the type's schema. */
interface ModelClass {
  prototype: { validate(): void };
}

/** The class of a kind: also its apiVersion and kind. */
interface KindClass extends ModelClass {
  apiVersion: string;
  kind: string;
}

const kinds: KindClass[] = [
  Namespace,
  ConfigMap,
  Secret,
  Service,
  Deployment,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  ScaledObject,
  TriggerAuthentication,
  Cluster,
];
const modelOf = new Map(kinds.map((model) => [`${model.apiVersion} ${model.kind}`, model]));

/** `value`, with every object and array in it wrapped to record in `reads` the keys read from it. */
function tracked(value: unknown, reads: Map<object, Set<string>>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const read = new Set<string>();
  reads.set(value, read);
  return new Proxy(value, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return tracked(Reflect.get(target, key), reads);
    },
    has(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.has(target, key);
    },
  });
}

/** The paths of the fields in `value` that its validator never read, in objects it read others of. */
function unreadFields(value: unknown, reads: Map<object, Set<string>>, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => unreadFields(item, reads, `${path}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  const read = reads.get(value);
  // No field read: a free-form object (x-kubernetes-preserve-unknown-fields), or not reached.
  const described = read !== undefined && read.size > 0;
  return Object.entries(value).flatMap(([key, field]) =>
    described && !read.has(key)
      ? [`${path}/${key} is not a field of the schema`]
      : unreadFields(field, reads, `${path}/${key}`),
  );
}

/** What a model's schema finds wrong with `value` (at `path`): its errors, or else its unknown fields. */
function modelProblems(model: ModelClass, value: unknown, path: string): string[] {
  const reads = new Map<object, Set<string>>();
  try {
    model.prototype.validate.call(tracked(value, reads));
  } catch (error) {
    // kubernetes-models' message: `data/spec/x must be integer, data/spec must have …`.
    return String((error as Error).message)
      .split(', data')
      .map((message, i) => (i === 0 ? message : `data${message}`).replace(/^data/, path));
  }
  return unreadFields(value, reads, path);
}

/**
 * The fields of RabbitmqCluster's spec (rabbitmq.com/v1beta1) that deploy/k8s uses, typed as the
 * operator's CRD types them; any other field is reported, so a new one is added here first.
 */
const rabbitmqClusterSpec = {
  type: 'object',
  additionalProperties: false,
  properties: {
    replicas: { type: 'integer', minimum: 0 },
    image: { type: 'string' },
    resources: { type: 'object' },
    affinity: { type: 'object' },
    persistence: {
      type: 'object',
      additionalProperties: false,
      properties: {
        storageClassName: { type: 'string' },
        // A Quantity: an integer, or a string such as `10Gi`.
        storage: { type: ['integer', 'string'], pattern: '^[0-9]+(\\.[0-9]+)?([KMGTPE]i?)?$' },
      },
    },
    rabbitmq: {
      type: 'object',
      additionalProperties: false,
      properties: {
        additionalConfig: { type: 'string', maxLength: 100_000 },
        advancedConfig: { type: 'string', maxLength: 100_000 },
        envConfig: { type: 'string', maxLength: 100_000 },
        additionalPlugins: { type: 'array', maxItems: 100, items: { type: 'string' } },
      },
    },
  },
};
const validateRabbitmqClusterSpec = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(
  rabbitmqClusterSpec,
);

/** RabbitmqCluster: metadata and the core types by their schemas, the rest of the spec by the fields above. */
function rabbitmqClusterProblems(doc: Doc): string[] {
  const spec = doc.spec ?? {};
  const problems = [
    ...modelProblems(ObjectMeta, doc.metadata, '/metadata'),
    ...(validateRabbitmqClusterSpec(spec)
      ? []
      : (validateRabbitmqClusterSpec.errors ?? []).map(
          (error) =>
            `/spec${error.instancePath} ${error.message}${error.params.additionalProperty ? `: ${error.params.additionalProperty}` : ''}`,
        )),
  ];
  if (spec.resources !== undefined)
    problems.push(...modelProblems(ResourceRequirements, spec.resources, '/spec/resources'));
  if (spec.affinity !== undefined) problems.push(...modelProblems(Affinity, spec.affinity, '/spec/affinity'));
  return problems;
}

/** What Kubernetes' or the operator's schema of its kind finds wrong with a manifest; [] when it is valid. */
export function schemaProblems(doc: Doc): string[] {
  const type = `${doc.apiVersion} ${doc.kind}`;
  if (type === 'rabbitmq.com/v1beta1 RabbitmqCluster') return rabbitmqClusterProblems(doc);
  const model = modelOf.get(type);
  if (model === undefined) return [`no schema for ${type}: add its model to development/test/k8s-schemas.ts`];
  return modelProblems(model, doc, '');
}
