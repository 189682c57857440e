import { join } from 'node:path';
import { run, succeeds } from './command.ts';
import { imageName } from './service-images.ts';

/** The container engine that builds the images: a Docker daemon (with buildx when present) or podman. */
export interface Engine {
  name: 'docker' | 'podman';
  /** Docker's buildx plugin answers, so one build can target several platforms. */
  buildx: boolean;
  /** The environment the engine's commands run in (podman reads its config paths from it). */
  env: NodeJS.ProcessEnv;
}

/** The base image every Dockerfile starts from. */
export const NODE_BASE = 'docker.io/library/node:20-slim';

/**
 * The engine to build with: Docker when its daemon answers (a docker client without a daemon does
 * not count), else podman; undefined when neither can build.
 */
export async function detectEngine(env: NodeJS.ProcessEnv = process.env): Promise<Engine | undefined> {
  if (await succeeds('docker', ['info'], env)) {
    return { name: 'docker', buildx: await succeeds('docker', ['buildx', 'version'], env), env };
  }
  if (await succeeds('podman', ['info'], env)) return { name: 'podman', buildx: false, env };
  return undefined;
}

/** Options of {@link buildImage}. */
export interface BuildImageOptions {
  /** The workspace root: the build context. */
  root: string;
  /** The project under projects/ whose Dockerfile is built. */
  project: string;
  /** The image tag: the image is `mousetrap/<project>:<version>`. */
  version: string;
  /**
   * Target platforms of a buildx build (ignored by podman and plain docker, which build for the
   * host). @default ['linux/amd64', 'linux/arm64']
   */
  platforms?: readonly string[];
  /** Push the image instead of loading it into the local store (buildx only). @default false */
  push?: boolean;
  /** Show the engine's output as it builds instead of only on failure. @default false */
  verbose?: boolean;
}

/** The engine's command line that builds one project's image. */
export async function buildCommand(engine: Engine, options: BuildImageOptions): Promise<string[]> {
  const image = imageName(options.project, options.version);
  const common = [
    '--file',
    join('projects', options.project, 'Dockerfile'),
    '--tag',
    image,
    // A label, not a build argument: podman's layer cache ignores build arguments' values.
    '--label',
    `org.opencontainers.image.version=${options.version}`,
  ];
  if (engine.name === 'podman') {
    // The docker format keeps HEALTHCHECK (OCI drops it). A base image already in the store (such
    // as test:images' stand-in for node:20-slim) is used as it is, never replaced by a pull.
    const local = await succeeds('podman', ['image', 'exists', NODE_BASE], engine.env);
    return ['build', '--format', 'docker', `--pull=${local ? 'never' : 'missing'}`, ...common, '.'];
  }
  if (!engine.buildx) return ['build', ...common, '.'];
  const platforms = options.platforms ?? ['linux/amd64', 'linux/arm64'];
  return [
    'buildx',
    'build',
    '--platform',
    platforms.join(','),
    options.push ? '--push' : '--load',
    ...common,
    '.',
  ];
}

/** Builds `mousetrap/<project>:<version>` from `projects/<project>/Dockerfile`; returns the image name. */
export async function buildImage(engine: Engine, options: BuildImageOptions): Promise<string> {
  if (options.push && !engine.buildx) {
    throw new Error(`--push needs docker buildx; with ${engine.name}, push the built image yourself`);
  }
  await run(engine.name, await buildCommand(engine, options), {
    env: engine.env,
    cwd: options.root,
    inherit: options.verbose ?? false,
  });
  return imageName(options.project, options.version);
}

/** The size of a local image in bytes, as the engine reports it. */
export async function imageSize(engine: Engine, image: string): Promise<number> {
  const { stdout } = await run(engine.name, ['image', 'inspect', '--format', '{{.Size}}', image], {
    env: engine.env,
  });
  return Number(stdout.trim());
}

/** Bytes as the engines print them: `202 MB`. */
export const megabytes = (bytes: number) => `${Math.round(bytes / 1_000_000)} MB`;
