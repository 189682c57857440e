import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUEUE_NAMES } from '@mousetrap/job_queue';
import {
  type Env,
  loadApiSettings,
  loadFetchWorkerSettings,
  loadProcessingWorkerSettings,
} from '@mousetrap/settings';
import { SERVICE_NODE_FLAGS } from '@mousetrap/test_kit';
import { SERVICE_IMAGES } from '../images/service-images.ts';
import { type Doc, deploy, documents, k8sDir, k8sFiles, manifests, root } from './deploy-files.ts';

const composeFiles = readdirSync(deploy).filter((name) => name.endsWith('.yml'));
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

/** Each image's settings loader: what its app would make of an environment (throws on a bad value). */
const loaders: Record<string, (env: Env) => { healthPort?: number; http?: { port: number } }> = {
  api_app: loadApiSettings,
  fetch_worker_app: loadFetchWorkerSettings,
  processing_worker_app: loadProcessingWorkerSettings,
};
/** The project an image reference runs: `mousetrap/<project>[:tag]`. */
const projectOf = (image: string) => /^mousetrap\/([a-z_]+)/.exec(image)?.[1] ?? image;

/**
 * How much longer than SHUTDOWN_GRACE_MS an app's stop may take, from the bounds each part keeps
 * on its own stop: after the drain, the API's relay and sweeper end their sweep within a publish's
 * confirm wait (5 s); then the broker's unconfirmed publishes (5 s) and its close (5 s), and the
 * pool's close (5 s). A worker's is 5 s less.
 */
const stopOverrunMs = 20_000;

/** The uncommented `KEY=value` lines of deploy/.env.example: what a copied deploy/.env holds. */
const envExample = (): Record<string, string> =>
  Object.fromEntries(
    [...readFileSync(join(deploy, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(
      (match) => [match[1] ?? '', match[2] ?? ''],
    ),
  );

/** Whether a .dockerignore excludes `path` (Docker's rules: the last matching line wins; a match of a parent excludes). */
function dockerIgnores(patterns: string[], path: string): boolean {
  const toRegExp = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/^\//, '')
        .split('**/')
        .map((part) =>
          part
            .split('**')
            .map((piece) =>
              piece
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replaceAll('*', '[^/]*')
                .replaceAll('?', '[^/]'),
            )
            .join('.*'),
        )
        .join('(?:.*/)?')}(?:/.*)?$`,
    );
  let ignored = false;
  for (const line of patterns) {
    const negated = line.startsWith('!');
    if (toRegExp(negated ? line.slice(1) : line).test(path)) ignored = !negated;
  }
  return ignored;
}

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

  test('k8s Cluster: a commit waits for a replica (synchronous replication), so a failover loses no accepted job', () => {
    for (const cluster of ofKind('Cluster')) {
      const { synchronous } = cluster.spec.postgresql;
      // No dataDurability: `required`, its default, is what keeps the promise.
      expect(synchronous).toEqual({ method: 'any', number: 1 });
      expect(cluster.spec.instances).toBeGreaterThan(synchronous.number + 1);
    }
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

  test("compose: every service has a health check (ours: their image's), and every depends_on waits for service_healthy", () => {
    expect(composeFiles).toEqual(expect.arrayContaining(['development.yml', 'local.yml']));
    const imageChecks = (image: string) =>
      /^HEALTHCHECK\s/m.test(readFileSync(join(root, 'projects', projectOf(image), 'Dockerfile'), 'utf8'));
    for (const file of composeFiles) {
      const [compose] = documents(join(deploy, file));
      const services: Record<string, Doc> = compose?.services ?? {};
      for (const [name, service] of Object.entries(services)) {
        const ours = String(service.image ?? '').startsWith('mousetrap/');
        const test = ours
          ? service.healthcheck === undefined && imageChecks(service.image)
          : Array.isArray(service.healthcheck?.test);
        expect({ file, name, test }).toEqual({
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
  test('k8s: each app accepts the environment its Deployment gives it (ConfigMap, literals, Secrets)', () => {
    const [configMap] = ofKind('ConfigMap');
    // The Secrets as an operator applies them: a value that is only the placeholder replaced.
    const filledIn = (data: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(data).map(([key, value]) => [
          key,
          value === 'CHANGE_ME' ? 'a-secret-of-32-characters-length' : value,
        ]),
      );
    const secretValues: Record<string, Record<string, string>> = Object.fromEntries(
      ofKind('Secret').map((secret) => [secret.metadata.name, filledIn(secret.stringData ?? {})]),
    );
    // What CloudNativePG puts in <cluster>-app under `uri`.
    for (const cluster of ofKind('Cluster')) {
      const { database, owner } = cluster.spec.bootstrap.initdb;
      secretValues[`${cluster.metadata.name}-app`] = {
        uri: `postgresql://${owner}:secret@${cluster.metadata.name}-rw.mousetrap:5432/${database}`,
      };
    }
    for (const deployment of deployments) {
      for (const container of deployment.spec.template.spec.containers) {
        const env: Record<string, string | undefined> = { ...(configMap?.data ?? {}) };
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          env[variable.name] = ref === undefined ? variable.value : secretValues[ref.name]?.[ref.key];
        }
        const load = loaders[projectOf(container.image)];
        expect({ image: container.image, known: load !== undefined }).toEqual({
          image: container.image,
          known: true,
        });
        expect(() => load?.(env)).not.toThrow();
      }
    }
  });

  test("k8s: the API refuses to start with secret.yaml's API_KEY placeholder left in", () => {
    const apiKey = byName(ofKind('Secret'), 'mousetrap-secrets')?.stringData.API_KEY;
    expect(apiKey).toBe('CHANGE_ME');
    expect(() => loadApiSettings({ API_KEY: apiKey })).toThrow('API_KEY is the placeholder CHANGE_ME');
  });

  test('k8s: RABBITMQ_URL names the RabbitmqCluster Service by its namespaced name (KEDA resolves from its own namespace)', () => {
    const [kustomization] = documents(join(k8sDir, 'kustomization.yaml'));
    const namespace = kustomization?.namespace;
    const clusters = ofKind('RabbitmqCluster').map((cluster) => cluster.metadata.name);
    const url = new URL(byName(ofKind('Secret'), 'mousetrap-secrets')?.stringData.RABBITMQ_URL);
    expect(url.protocol).toBe('amqp:');
    expect(url.port).toBe('5672');
    expect(
      clusters.flatMap((name) => [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`]),
    ).toContain(url.hostname);
    // The default vhost: no path, `/` or `/%2F`.
    expect(['', '/', '/%2F']).toContain(url.pathname);
    for (const auth of ofKind('TriggerAuthentication')) {
      expect(auth.spec.secretTargetRef).toEqual([
        { parameter: 'host', name: 'mousetrap-secrets', key: 'RABBITMQ_URL' },
      ]);
    }
  });

  test("k8s: the KEDA triggers watch the queues the workers consume, under the stack's QUEUE_PREFIX", () => {
    const prefix = ofKind('ConfigMap')[0]?.data?.QUEUE_PREFIX ?? '';
    const consumes: Record<string, string> = {
      fetch_worker_app: 'start_fetch',
      processing_worker_app: 'data_processing',
    };
    expect(Object.values(consumes).sort()).toEqual([...QUEUE_NAMES].sort());
    for (const scaled of ofKind('ScaledObject')) {
      const target = byName(deployments, scaled.spec.scaleTargetRef.name);
      const project = projectOf(target?.spec.template.spec.containers[0].image ?? '');
      expect({ scaled: scaled.metadata.name, queueName: scaled.spec.triggers[0].metadata.queueName }).toEqual(
        {
          scaled: scaled.metadata.name,
          queueName: `${prefix}${consumes[project]}`,
        },
      );
      // The amqp protocol reads only the queue length.
      expect(scaled.spec.triggers[0].metadata).toEqual(
        expect.objectContaining({ protocol: 'amqp', mode: 'QueueLength', value: expect.any(String) }),
      );
    }
  });

  test("k8s: the kubelet waits for an app's whole stop (preStop, SHUTDOWN_GRACE_MS, closing) before it kills", () => {
    const graceMs = Number(ofKind('ConfigMap')[0]?.data?.SHUTDOWN_GRACE_MS ?? 10_000);
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const preStop = pod.containers[0].lifecycle?.preStop?.exec?.command ?? [];
      const preStopMs = preStop[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
      const needed = preStopMs + graceMs + stopOverrunMs;
      const given = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
      expect({ deployment: deployment.metadata.name, enough: given >= needed }).toEqual({
        deployment: deployment.metadata.name,
        enough: true,
      });
    }
  });

  test('k8s: pods run as the uid the images create and switch to', () => {
    for (const deployment of deployments) {
      const project = projectOf(deployment.spec.template.spec.containers[0].image);
      const dockerfile = readFileSync(join(root, 'projects', project, 'Dockerfile'), 'utf8');
      const uid = Number(/^USER\s+(\d+)/m.exec(dockerfile)?.[1]);
      expect(deployment.spec.template.spec.securityContext.runAsUser).toBe(uid);
    }
  });

  test('Dockerfiles: EXPOSE, the HEALTHCHECK fallback and the settings default are the same port', () => {
    for (const image of SERVICE_IMAGES) {
      const dockerfile = readFileSync(join(root, 'projects', image.project, 'Dockerfile'), 'utf8');
      expect({ project: image.project, expose: Number(/^EXPOSE\s+(\d+)/m.exec(dockerfile)?.[1]) }).toEqual({
        project: image.project,
        expose: image.defaultPort,
      });
      expect(dockerfile).toContain(`process.env.${image.portVariable} || ${image.defaultPort}}/ready`);
      const settings = loaders[image.project]?.({});
      expect(settings?.healthPort ?? settings?.http?.port).toBe(image.defaultPort);
    }
  });

  test("Dockerfiles and npm start: a service starts with the node flags the tests and benchmarks use (test_kit's SERVICE_NODE_FLAGS)", () => {
    for (const image of SERVICE_IMAGES) {
      const dockerfile = readFileSync(join(root, 'projects', image.project, 'Dockerfile'), 'utf8');
      const cmd = JSON.parse(/^CMD\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
      const manifest = JSON.parse(
        readFileSync(join(root, 'projects', image.project, 'package.json'), 'utf8'),
      );
      const start = String(manifest.scripts?.start ?? '').split(' ');
      expect({ project: image.project, cmd, start }).toEqual({
        project: image.project,
        cmd: ['node', '--enable-source-maps', ...SERVICE_NODE_FLAGS, 'main.js'],
        start: ['node', ...SERVICE_NODE_FLAGS, 'dist/main.js'],
      });
    }
  });

  test('.dockerignore: keeps every .env (deploy/.env holds the passwords) and host builds out of the context', () => {
    const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const path of [
      '.env',
      'deploy/.env',
      'deploy/.env.local',
      'node_modules/x',
      'projects/api_app/dist/main.js',
    ])
      expect({ path, ignored: dockerIgnores(patterns, path) }).toEqual({ path, ignored: true });
    for (const path of [
      'package.json',
      'package-lock.json',
      'components/settings/src/schemas.ts',
      'projects/poly/bin/poly.js',
    ])
      expect({ path, ignored: dockerIgnores(patterns, path) }).toEqual({ path, ignored: false });
  });

  test('compose local.yml: each app accepts its environment, finds the compose services, and is health-checked on its port', () => {
    const [compose] = documents(join(deploy, 'local.yml'));
    const services: Record<string, Doc> = compose?.services ?? {};
    const fromFile = envExample();
    for (const app of ['api_app', 'fetch_worker_app', 'processing_worker_app']) {
      const service = services[app] ?? {};
      const env: Env = { ...fromFile, ...service.environment };
      const settings = loaders[app]?.(env) as ReturnType<typeof loadApiSettings> & { healthPort?: number };
      expect(Object.keys(services)).toContain(new URL(settings.broker.url).hostname);
      expect(Object.keys(services)).toContain(new URL(settings.database.url).hostname);
      // The image's HEALTHCHECK asks /ready on the port its variable names: the one the app listens on.
      const port = settings.healthPort ?? settings.http.port;
      const image = SERVICE_IMAGES.find((candidate) => candidate.project === app);
      const variable = image?.portVariable ?? '';
      expect({ app, healthcheck: Number(service.environment?.[variable]) }).toEqual({
        app,
        healthcheck: port,
      });
      // The engine kills a stop that outlasts stop_grace_period: it must cover the app's own deadline.
      const graceMs = Number(env.SHUTDOWN_GRACE_MS ?? 10_000);
      const stopSeconds = Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '10s')?.[1]);
      expect({ app, enough: stopSeconds * 1000 >= graceMs + stopOverrunMs }).toEqual({ app, enough: true });
    }
  });

  test('compose local.yml and .env.example: the image tag is the one npm run image builds, not latest', () => {
    const text = readFileSync(join(deploy, 'local.yml'), 'utf8');
    expect(text).not.toMatch(/MOUSETRAP_VERSION:-latest/);
    const [kustomization] = documents(join(k8sDir, 'kustomization.yaml'));
    const tags = new Set((kustomization?.images ?? []).map((image: Doc) => image.newTag));
    expect([...tags]).toEqual([envExample().MOUSETRAP_VERSION]);
  });
});
