import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from './command.ts';

/** The label that marks our stand-ins for the broker's and the database's images. */
const STAND_IN_LABEL = 'mousetrap.stand-in';

/** The compose services that run a third party's image, and the stand-in built where it cannot be pulled. */
const STAND_INS = [
  {
    service: 'rabbitmq',
    containerfile: 'rabbitmq.Containerfile',
    entrypoint: 'rabbitmq-entrypoint.sh',
    carries: "Debian's rabbitmq-server",
  },
  {
    service: 'postgres',
    containerfile: 'postgres.Containerfile',
    entrypoint: 'postgres-entrypoint.sh',
    carries: "Debian's postgresql-15",
  },
] as const;

/** The image a compose file's service runs, fully qualified as podman stores it. */
export async function composeImage(composeFile: string, service: string): Promise<string> {
  const document = parse(await readFile(composeFile, 'utf8')) as {
    services?: Record<string, { image?: string }>;
  };
  const image = document.services?.[service]?.image;
  if (image === undefined) throw new Error(`${composeFile}: no image for the service ${service}`);
  return image.includes('/') ? image : `docker.io/library/${image}`;
}

/**
 * Makes the images `composeFile` names for RabbitMQ and PostgreSQL resolvable: already in the
 * store, pulled, or (our machines reach no registry) built from Debian's packages on the
 * node:20-slim base and tagged with the compose file's names, as that base's stand-in is. Returns
 * one line per image saying which.
 */
export async function ensureServiceStandIns(composeFile: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const folder = join(import.meta.dirname, 'stand-ins');
  const lines: string[] = [];
  for (const standIn of STAND_INS) {
    const image = await composeImage(composeFile, standIn.service);
    // The label names what the stand-in carries and a hash of how it is built, so an edit rebuilds it.
    const hash = createHash('sha256');
    for (const file of [standIn.containerfile, standIn.entrypoint])
      hash.update(await readFile(join(folder, file)));
    const label = `${standIn.carries} ${hash.digest('hex').slice(0, 12)}`;
    const inspected = await run(
      'podman',
      ['image', 'inspect', '--format', `{{index .Labels "${STAND_IN_LABEL}"}}`, image],
      { env, allowFailure: true },
    );
    const found = inspected.stdout.trim();
    if (inspected.code === 0 && (found === '' || found === '<no value>')) {
      lines.push(`${image}: in the store`);
      continue;
    }
    if (inspected.code === 0 && found === label) {
      lines.push(`${image}: stand-in (${standIn.carries}), cached`);
      continue;
    }
    if (inspected.code !== 0) {
      const pulled = await run('podman', ['pull', '--quiet', image], { env, allowFailure: true });
      if (pulled.code === 0) {
        lines.push(`${image}: pulled`);
        continue;
      }
    }
    await run(
      'podman',
      ['build', '--format', 'docker', '--pull=never', '--label', `${STAND_IN_LABEL}=${label}`].concat([
        '--file',
        standIn.containerfile,
        '--tag',
        image,
        '.',
      ]),
      { env, cwd: folder },
    );
    // The stand-in this one replaced, left without a tag.
    await run('podman', ['image', 'prune', '--force', '--filter', `label=${STAND_IN_LABEL}`], {
      env,
      allowFailure: true,
    });
    lines.push(`${image}: no registry to pull from; stand-in built (${standIn.carries})`);
  }
  return lines;
}
