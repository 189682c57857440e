import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const root = join(__dirname, '..', '..');
const deploy = join(root, 'deploy');
const k8sDir = join(deploy, 'k8s');

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, checked field by field by the tests
type Doc = Record<string, any>;

/** Every document of a YAML file, failing on any parse error. */
function documents(file: string): Doc[] {
  const parsed = parseAllDocuments(readFileSync(file, 'utf8'), { merge: true });
  const list = Array.isArray(parsed) ? parsed : [parsed];
  for (const doc of list) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return list.map((doc) => doc.toJS() as Doc).filter((doc) => doc !== null);
}

const composeFiles = readdirSync(deploy).filter((name) => name.endsWith('.yml'));
const k8sFiles = readdirSync(k8sDir).filter((name) => name.endsWith('.yaml'));
const manifests = k8sFiles
  .filter((name) => name !== 'kustomization.yaml')
  .flatMap((name) => documents(join(k8sDir, name)).map((doc) => ({ file: name, doc })));
const ofKind = (kind: string) => manifests.filter(({ doc }) => doc.kind === kind).map(({ doc }) => doc);
const deployments = ofKind('Deployment');
const byName = (docs: Doc[], name: string) => docs.find((doc) => doc.metadata.name === name);

/** Whether every label a selector requires is on the pod template. */
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** The variables the apps read: every key of the field tables in components/settings. */
const settingsVariables = [
  ...readFileSync(join(root, 'components', 'settings', 'src', 'schemas.ts'), 'utf8').matchAll(
    /\b([A-Z][A-Z0-9_]+)\s*:\s*[a-zA-Z]+\(/g,
  ),
].map((match) => match[1] ?? '');

describe('deploy/: compose files and Kubernetes manifests', () => {
  test('settings: the variable list read from components/settings is not empty', () => {
    expect(settingsVariables).toEqual(
      expect.arrayContaining(['RABBITMQ_URL', 'DATABASE_URL', 'HEALTH_PORT', 'PORT']),
    );
  });

  test('kustomization.yaml: lists every manifest in deploy/k8s, and only those', () => {
    const [kustomization] = documents(join(k8sDir, 'kustomization.yaml'));
    expect([...(kustomization?.resources ?? [])].sort()).toEqual(
      k8sFiles.filter((name) => name !== 'kustomization.yaml').sort(),
    );
  });

  test('k8s: every document has an apiVersion, a kind and a name, and the stack has every kind it needs', () => {
    for (const { file, doc } of manifests) {
      expect({
        file,
        apiVersion: typeof doc.apiVersion,
        kind: typeof doc.kind,
        name: typeof doc.metadata?.name,
      }).toEqual({
        file,
        apiVersion: 'string',
        kind: 'string',
        name: 'string',
      });
    }
    const kinds = manifests.map(({ doc }) => `${doc.apiVersion} ${doc.kind}`);
    expect(kinds.filter((kind) => kind === 'apps/v1 Deployment')).toHaveLength(3);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'v1 Service',
        'v1 ConfigMap',
        'v1 Secret',
        'policy/v1 PodDisruptionBudget',
        'autoscaling/v2 HorizontalPodAutoscaler',
        'keda.sh/v1alpha1 ScaledObject',
        'rabbitmq.com/v1beta1 RabbitmqCluster',
        'postgresql.cnpg.io/v1 Cluster',
      ]),
    );
    expect(ofKind('RabbitmqCluster')[0]?.spec.replicas).toBe(3);
  });

  test('k8s Deployments: selectors match the pod labels, probes hit declared ports, resources set, non-root', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const labels = deployment.spec.template.metadata.labels;
      expect({ name, matches: selects(deployment.spec.selector.matchLabels, labels) }).toEqual({
        name,
        matches: true,
      });
      expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      for (const container of deployment.spec.template.spec.containers) {
        const ports = container.ports.flatMap((port: Doc) => [port.name, port.containerPort]);
        for (const probe of ['livenessProbe', 'readinessProbe']) {
          expect({ name, probe, path: container[probe]?.httpGet?.path }).toEqual({
            name,
            probe,
            path: probe === 'livenessProbe' ? '/health' : '/ready',
          });
          expect(ports).toContain(container[probe].httpGet.port);
        }
        expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources.limits.memory).toEqual(expect.any(String));
      }
    }
  });

  test('k8s Deployments: the port an app is told to listen on (PORT, HEALTH_PORT) is the port it declares', () => {
    const told: string[] = [];
    for (const deployment of deployments) {
      for (const container of deployment.spec.template.spec.containers) {
        const declared = container.ports.map((port: Doc) => port.containerPort);
        for (const variable of container.env ?? []) {
          if (variable.name !== 'PORT' && variable.name !== 'HEALTH_PORT') continue;
          told.push(deployment.metadata.name);
          const port = Number(variable.value);
          expect({ app: deployment.metadata.name, [variable.name]: port }).toEqual({
            app: deployment.metadata.name,
            [variable.name]: declared.includes(port) ? port : `one of ${declared.join(', ')}`,
          });
        }
      }
    }
    expect(told.sort()).toEqual(['mousetrap-api', 'mousetrap-fetch-worker', 'mousetrap-processing-worker']);
  });

  test('k8s: Services, PodDisruptionBudgets and autoscalers point at what exists', () => {
    const labelsOf = deployments.map((deployment) => deployment.spec.template.metadata.labels);
    const operatorPods = ofKind('RabbitmqCluster').map((cluster) => ({
      'app.kubernetes.io/name': cluster.metadata.name,
    }));
    for (const service of ofKind('Service')) {
      const target = deployments.find((d) => selects(service.spec.selector, d.spec.template.metadata.labels));
      expect({ service: service.metadata.name, found: target !== undefined }).toEqual({
        service: service.metadata.name,
        found: true,
      });
      const ports = target?.spec.template.spec.containers.flatMap((c: Doc) =>
        c.ports.map((p: Doc) => p.name),
      );
      for (const port of service.spec.ports) expect(ports).toContain(port.targetPort);
    }
    for (const budget of ofKind('PodDisruptionBudget')) {
      const matched = [...labelsOf, ...operatorPods].some((labels) =>
        selects(budget.spec.selector.matchLabels, labels),
      );
      expect({ budget: budget.metadata.name, matched }).toEqual({
        budget: budget.metadata.name,
        matched: true,
      });
    }
    for (const budgeted of deployments) {
      const covered = ofKind('PodDisruptionBudget').some((b) =>
        selects(b.spec.selector.matchLabels, budgeted.spec.template.metadata.labels),
      );
      expect({ deployment: budgeted.metadata.name, covered }).toEqual({
        deployment: budgeted.metadata.name,
        covered: true,
      });
    }
    const [hpa] = ofKind('HorizontalPodAutoscaler');
    expect(byName(deployments, hpa?.spec.scaleTargetRef.name)).toBeDefined();
    expect(hpa?.spec.metrics[0].resource.name).toBe('cpu');
    const scaledObjects = ofKind('ScaledObject');
    expect(scaledObjects.map((s) => s.spec.triggers[0].metadata.queueName).sort()).toEqual([
      'data_processing',
      'start_fetch',
    ]);
    for (const scaled of scaledObjects) {
      expect(byName(deployments, scaled.spec.scaleTargetRef.name)).toBeDefined();
      expect(scaled.spec.triggers[0].type).toBe('rabbitmq');
      expect(
        byName(ofKind('TriggerAuthentication'), scaled.spec.triggers[0].authenticationRef.name),
      ).toBeDefined();
    }
    // An autoscaled Deployment has no replicas of its own: every apply would reset the count.
    for (const deployment of deployments) expect(deployment.spec.replicas).toBeUndefined();
  });

  test('k8s: the apps read only known variables, from a ConfigMap or Secret of the stack', () => {
    const [configMap] = ofKind('ConfigMap');
    for (const key of Object.keys(configMap?.data ?? {})) expect(settingsVariables).toContain(key);
    // Secrets the operators generate: CloudNativePG's <cluster>-app.
    const secrets = [
      ...ofKind('Secret').map((s) => s.metadata.name),
      ...ofKind('Cluster').map((c) => `${c.metadata.name}-app`),
    ];
    for (const deployment of deployments) {
      for (const container of deployment.spec.template.spec.containers) {
        for (const source of container.envFrom ?? [])
          expect(byName(ofKind('ConfigMap'), source.configMapRef.name)).toBeDefined();
        for (const variable of container.env ?? []) {
          expect(settingsVariables).toContain(variable.name);
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref !== undefined) expect(secrets).toContain(ref.name);
        }
      }
    }
  });

  test('compose: every service has a health check, and every depends_on waits for service_healthy', () => {
    expect(composeFiles).toEqual(expect.arrayContaining(['development.yml', 'local.yml']));
    for (const file of composeFiles) {
      const [compose] = documents(join(deploy, file));
      const services: Record<string, Doc> = compose?.services ?? {};
      for (const [name, service] of Object.entries(services)) {
        expect({ file, name, test: Array.isArray(service.healthcheck?.test) }).toEqual({
          file,
          name,
          test: true,
        });
        for (const [dependency, condition] of Object.entries(service.depends_on ?? {})) {
          expect(Object.keys(services)).toContain(dependency);
          expect({ file, name, dependency, condition }).toEqual({
            file,
            name,
            dependency,
            condition: { condition: 'service_healthy' },
          });
        }
      }
    }
  });

  test('compose local.yml: the three apps run from their images, restart, and the workers can scale', () => {
    const [compose] = documents(join(deploy, 'local.yml'));
    const services: Record<string, Doc> = compose?.services ?? {};
    for (const app of ['api_app', 'fetch_worker_app', 'processing_worker_app']) {
      const service = services[app];
      expect(service?.image).toMatch(new RegExp(`^mousetrap/${app}:`));
      expect(service?.restart).toBe('unless-stopped');
      expect(Object.keys(service?.depends_on ?? {}).sort()).toEqual(['postgres', 'rabbitmq']);
      expect(service?.env_file).toBe('.env');
    }
    for (const worker of ['fetch_worker_app', 'processing_worker_app']) {
      expect(services[worker]?.container_name).toBeUndefined();
      expect(services[worker]?.ports).toBeUndefined();
    }
  });

  test('.env.example: documents every variable the apps read, and holds no real secret', () => {
    const text = readFileSync(join(deploy, '.env.example'), 'utf8');
    const documented = new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]));
    expect(settingsVariables.filter((variable) => !documented.has(variable))).toEqual([]);
    for (const [, key, value] of text.matchAll(/^([A-Z_]*PASSWORD)=(.*)$/gm)) {
      expect({ key, value }).toEqual({ key, value: 'CHANGE_ME' });
    }
  });
});
