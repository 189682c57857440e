import { copyFile, cp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from './command.ts';
import { NODE_BASE } from './engine.ts';

/** Options of {@link ensureNodeBase}. */
export interface NodeBaseOptions {
  /** The environment podman runs in (its config paths). */
  env: NodeJS.ProcessEnv;
  /** Scratch space for the root filesystem while it is built. */
  workDir: string;
  /** Prints one line of progress. */
  progress: (line: string) => void;
}

/** The label that marks our stand-in, with the host Node version it carries. */
const STAND_IN_LABEL = 'mousetrap.stand-in-node';
const EXTRA_CA_DIR = '/usr/local/share/ca-certificates';
const EXTRA_CA_BUNDLE = `${EXTRA_CA_DIR}/mousetrap-extra-ca.pem`;

/** The host's Debian mirror (from its apt sources), so debootstrap fetches from where apt does. */
async function debianMirror(): Promise<string> {
  const sources: string[] = [];
  for (const file of ['/etc/apt/sources.list', '/etc/apt/sources.list.d/debian.sources']) {
    sources.push(await readFile(file, 'utf8').catch(() => ''));
  }
  const text = sources.join('\n');
  const deb822 = /^URIs:\s*(\S+)/m.exec(text)?.[1];
  const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text)?.[1];
  return (oneLine ?? deb822 ?? 'http://deb.debian.org/debian').replace(/-security\/?$/, '');
}

/**
 * Makes `node:20-slim` resolvable: pulled from the registry when there is one, else (our
 * machines have none) built: a Debian bookworm minbase root filesystem
 * (debootstrap) trimmed like the slim images, with the host's Node 20 and npm, imported into
 * podman and tagged as `docker.io/library/node:20-slim`. The host's extra CA certificates (this
 * network intercepts TLS) go into this stand-in only, with NODE_EXTRA_CA_CERTS, so a build stage's
 * `npm install` works here while the Dockerfiles stay as they would be anywhere. A real
 * node:20-slim already in the store is left alone; the stand-in is rebuilt when the host's Node
 * version changes. Returns where the base image came from.
 */
export async function ensureNodeBase(
  options: NodeBaseOptions,
): Promise<'pulled' | 'real' | 'cached' | 'created'> {
  const inspected = await run(
    'podman',
    ['image', 'inspect', '--format', `{{index .Labels "${STAND_IN_LABEL}"}}`, NODE_BASE],
    {
      env: options.env,
      allowFailure: true,
    },
  );
  const label = inspected.stdout.trim();
  if (inspected.code === 0 && (label === '' || label === '<no value>')) return 'real';
  if (inspected.code === 0 && label === process.version) return 'cached';
  if (inspected.code !== 0) {
    const pulled = await run('podman', ['pull', '--quiet', NODE_BASE], {
      env: options.env,
      allowFailure: true,
    });
    if (pulled.code === 0) return 'pulled';
    options.progress(`no registry to pull node:20-slim from (${pulled.stderr.trim().split('\n').at(-1)})`);
  }
  if (!process.version.startsWith('v20.')) {
    throw new Error(`the stand-in for node:20-slim needs the host's Node 20; this is ${process.version}`);
  }

  const rootfs = join(options.workDir, `rootfs-${process.pid}`);
  const tarball = `${rootfs}.tar`;
  try {
    const mirror = await debianMirror();
    options.progress(`stand-in for node:20-slim: debootstrap bookworm from ${mirror}`);
    await run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror]);
    for (const folder of [
      'var/cache/apt',
      'var/lib/apt/lists',
      'usr/share/doc',
      'usr/share/man',
      'usr/share/locale',
      'usr/share/info',
    ]) {
      await rm(join(rootfs, folder), { recursive: true, force: true });
      await mkdir(join(rootfs, folder), { recursive: true });
    }

    options.progress(`stand-in for node:20-slim: adding Node ${process.version} and npm from the host`);
    await mkdir(join(rootfs, 'usr/local/bin'), { recursive: true });
    await copyFile(process.execPath, join(rootfs, 'usr/local/bin/node'));
    const globalModules = (await run('npm', ['root', '--global'])).stdout.trim();
    await cp(join(globalModules, 'npm'), join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true });
    await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
    await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));

    const certificates = (await readdir(EXTRA_CA_DIR).catch(() => [])).filter((name) =>
      name.endsWith('.crt'),
    );
    const changes = ['CMD ["node"]', `LABEL ${STAND_IN_LABEL}=${process.version}`];
    if (certificates.length > 0) {
      const pem = await Promise.all(certificates.map((name) => readFile(join(EXTRA_CA_DIR, name), 'utf8')));
      await mkdir(dirname(join(rootfs, EXTRA_CA_BUNDLE)), { recursive: true });
      await writeFile(join(rootfs, EXTRA_CA_BUNDLE), pem.join('\n'));
      changes.push(`ENV NODE_EXTRA_CA_CERTS=${EXTRA_CA_BUNDLE}`);
    }

    options.progress('stand-in for node:20-slim: importing into podman');
    await run('tar', ['-C', rootfs, '-cf', tarball, '.']);
    await run(
      'podman',
      ['import', ...changes.flatMap((change) => ['--change', change]), tarball, NODE_BASE],
      {
        env: options.env,
      },
    );
    return 'created';
  } finally {
    await rm(rootfs, { recursive: true, force: true });
    await rm(tarball, { force: true });
  }
}
