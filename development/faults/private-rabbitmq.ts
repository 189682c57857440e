import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { freePort } from './ports.ts';

const run = promisify(execFile);

// The scripts themselves: /usr/sbin/rabbitmq-server would switch to the rabbitmq user and its cookie.
const BIN = '/usr/lib/rabbitmq/bin';

/** A RabbitMQ node of our own, on free ports, with its data, cookie and logs under `dir`. */
export interface PrivateRabbitMq {
  /** AMQP URL of the node (guest/guest, allowed from loopback). */
  url: string;
  /** The Erlang node name, for `rabbitmqctl -n`. */
  node: string;
  /** Kills the node's VM with SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts the node again on the same data and port; resolves once it accepts AMQP connections. */
  start(): Promise<void>;
  /** `rabbitmqctl close_all_connections`: the broker drops every client connection. */
  closeAllConnections(): Promise<void>;
  /** Stops the node for good (SIGKILL: its data is thrown away afterwards). */
  stop(): Promise<void>;
}

/**
 * Starts a private RabbitMQ node. `HOME` points into `dir`, so the node and our `rabbitmqctl`
 * share a cookie of their own; `RABBITMQ_CONF_ENV_FILE` and `RABBITMQ_CONFIG_FILE` replace the
 * machine's files, which name the shared node and its port.
 */
export async function startPrivateRabbitMq(dir: string): Promise<PrivateRabbitMq> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const distPort = await freePort();
  const node = `faults${process.pid}@localhost`;
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  await writeFile(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${port}\n`);
  await writeFile(join(dir, 'rabbitmq-env.conf'), '');
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'node.pid'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  let script: ChildProcess | undefined;
  let vmPid: number | undefined;

  const start = async () => {
    script = spawn(join(BIN, 'rabbitmq-server'), [], { env, stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const connection = await amqp.connect(url);
        await connection.close();
        break;
      } catch (error) {
        if (Date.now() > deadline || script.exitCode !== null) {
          throw new Error(`the private RabbitMQ node did not start: ${String(error)}`);
        }
        await sleep(250);
      }
    }
    // The script runs the VM as its child; the VM writes its own pid here once booted.
    vmPid = Number((await readFile(env.RABBITMQ_PID_FILE, 'utf8')).trim());
  };

  const kill = async () => {
    if (vmPid !== undefined) killQuietly(vmPid);
    vmPid = undefined;
    const exited = script;
    if (exited && exited.exitCode === null && exited.signalCode === null) {
      await new Promise((resolve) => exited.once('exit', resolve));
    }
  };

  await start();
  return {
    url,
    node,
    kill,
    start,
    async closeAllConnections() {
      await run(join(BIN, 'rabbitmqctl'), ['-n', node, 'close_all_connections', 'fault suite'], { env });
    },
    stop: kill,
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
