/**
 * `npm run image -- <project> <version>` or `npm run image -- --all <version>`: builds
 * `mousetrap/<project>:<version>` from `projects/<project>/Dockerfile` with Docker (buildx,
 * multi-platform, when present) or podman. Options: `--platform linux/amd64,linux/arm64` (buildx),
 * `--push` (buildx: push instead of loading), `--verbose` (show the engine's output).
 * Exit codes: 0 built, 1 a build failed, 2 usage error or no engine.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildImage, detectEngine, imageSize, megabytes } from './engine.ts';
import { SERVICE_IMAGES } from './service-images.ts';

const root = join(import.meta.dirname, '..', '..');
const usage = 'usage: npm run image -- <project>|--all <version> [--platform <list>] [--push] [--verbose]';
const projects = SERVICE_IMAGES.map((image) => image.project as string);

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        all: { type: 'boolean', default: false },
        platform: { type: 'string' },
        push: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${usage}`, 2);
  }
}

const { values, positionals } = parseCommandLine();
const [first, second] = positionals;
const version = values.all ? first : second;
const selected = values.all ? projects : [first ?? ''];
if (version === undefined || positionals.length !== (values.all ? 1 : 2)) fail(usage, 2);
if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(version)) fail(`"${version}" is not a valid image tag`, 2);
const unknown = selected.filter((project) => !projects.includes(project));
if (unknown.length > 0) fail(`no service project "${unknown.join(', ')}"; one of: ${projects.join(', ')}`, 2);

const engine = await detectEngine();
if (engine === undefined) fail('no container engine: neither a Docker daemon nor podman answers', 2);
for (const project of selected) {
  const started = performance.now();
  console.log(
    `building mousetrap/${project}:${version} with ${engine.name}${engine.buildx ? ' buildx' : ''}…`,
  );
  try {
    const image = await buildImage(engine, {
      root,
      project,
      version,
      platforms: values.platform?.split(','),
      push: values.push,
      verbose: values.verbose,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const size = values.push ? '' : `, ${megabytes(await imageSize(engine, image))}`;
    console.log(`built ${image} (${seconds} s${size})`);
  } catch (error) {
    fail(`image of ${project} failed: ${(error as Error).message}`, 1);
  }
}
