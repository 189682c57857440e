import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
  /**
   * Arms the broker dropping every client connection (what `rabbitmqctl close_all_connections`
   * does): it happens the instant `fire` is called.
   */
  armCloseAllConnections(): Promise<Armed>;
  /**
   * Arms the broker cancelling every consumer of `queue` (a basic.cancel to the client), keeping the
   * queue and its messages: it happens the instant `fire` is called.
   */
  armCancelConsumers(queue: string): Promise<Armed>;
  /**
   * Arms a memory alarm: the node's memory limit set to one byte (what `rabbitmqctl
   * set_vm_memory_high_watermark absolute 1` does), which raises the alarm the instant `fire` is
   * called. `ctl('set_vm_memory_high_watermark', '0.4')` ends it.
   */
  armMemoryAlarm(): Promise<Armed>;
  /** Stops the node as an operator does (`rabbitmqctl stop`); resolves once its VM has exited. */
  shutdown(): Promise<void>;
  /** Freezes the node's VM (SIGSTOP): a hung node, its sockets open and silent. */
  freeze(): void;
  /** Lets a frozen node run again (SIGCONT). */
  thaw(): void;
  /** Runs `rabbitmqctl <args>` against this node; resolves with what it printed. */
  ctl(...args: string[]): Promise<string>;
  /** Stops the node for good (SIGKILL: its data is thrown away afterwards). */
  stop(): Promise<void>;
}

/** Where a node lives: its folder, the `HOME` whose cookie it shares, and its name. */
export interface NodeOptions {
  /** Holds the Erlang cookie: nodes of one cluster share it. Default: `dir`. */
  home?: string;
  /** The Erlang node's short name. Default: `faults<pid>`. */
  name?: string;
  /** More lines of rabbitmq.conf. */
  config?: readonly string[];
}

/** A broker action made ready ahead: `rabbitmqctl` takes half a second to start, the action a few ms. */
export interface Armed {
  /** Runs the action now; resolves with what it returned, as rabbitmqctl prints it. */
  fire(): Promise<string>;
}

/**
 * Starts a private RabbitMQ node. `HOME` points into `dir`, so the node and our `rabbitmqctl`
 * share a cookie of their own; `RABBITMQ_CONF_ENV_FILE` and `RABBITMQ_CONFIG_FILE` replace the
 * machine's files, which name the shared node and its port.
 */
export async function startPrivateRabbitMq(dir: string, options: NodeOptions = {}): Promise<PrivateRabbitMq> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const distPort = await freePort();
  const node = `${options.name ?? `faults${process.pid}`}@localhost`;
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  const config = [`listeners.tcp.default = 127.0.0.1:${port}`, ...(options.config ?? [])];
  await writeFile(join(dir, 'rabbitmq.conf'), `${config.join('\n')}\n`);
  await writeFile(join(dir, 'rabbitmq-env.conf'), '');
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    HOME: options.home ?? dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'node.pid'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    // A node that crashes dumps here, not in the working folder that other nodes share.
    ERL_CRASH_DUMP: join(dir, 'erl_crash.dump'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  let script: ChildProcess | undefined;
  let vmPid: number | undefined;

  // The script runs the VM as its child; spawned as a process group of its own, both can be
  // killed together, even before the VM has written its pid (a start that fails half-way).
  const scriptExited = async () => {
    const exited = script;
    if (exited && exited.exitCode === null && exited.signalCode === null) {
      await new Promise((resolve) => exited.once('exit', resolve));
    }
  };

  const kill = async () => {
    if (vmPid !== undefined) killQuietly(vmPid);
    vmPid = undefined;
    if (script?.pid !== undefined && script.exitCode === null && script.signalCode === null) {
      killQuietly(-script.pid);
    }
    await scriptExited();
  };

  const start = async () => {
    script = spawn(join(BIN, 'rabbitmq-server'), [], { env, stdio: 'ignore', detached: true });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const connection = await amqp.connect(url);
        await connection.close();
        break;
      } catch (error) {
        if (Date.now() > deadline || script.exitCode !== null) {
          await kill();
          throw new Error(`the private RabbitMQ node did not start: ${String(error)}`);
        }
        await sleep(250);
      }
    }
    // The VM writes its own pid here once booted.
    vmPid = Number((await readFile(env.RABBITMQ_PID_FILE, 'utf8')).trim());
  };

  const ctl = async (...args: string[]) =>
    (await run(join(BIN, 'rabbitmqctl'), ['-n', node, ...args], { env, timeout: 60_000 })).stdout;

  const shutdown = async () => {
    await ctl('stop');
    await scriptExited();
    vmPid = undefined;
  };

  const signal = (name: NodeJS.Signals) => {
    if (vmPid === undefined) throw new Error(`${node} is not running`);
    process.kill(vmPid, name);
  };

  await start();
  return {
    url,
    node,
    kill,
    start,
    shutdown,
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    ctl,
    armCloseAllConnections: () =>
      arm(dir, node, env, 'rabbit_networking:close_all_connections("fault suite")'),
    armCancelConsumers: (queue) => arm(dir, node, env, cancelConsumersOf(queue)),
    armMemoryAlarm: () =>
      arm(dir, node, env, 'vm_memory_monitor:set_vm_memory_high_watermark({absolute, 1})'),
    stop: kill,
  };
}

/**
 * Starts `rabbitmqctl eval` with `action` behind a wait: the node writes a file when it is ready,
 * then runs the action as soon as the trigger file appears (polled every 2 ms). Resolves once armed.
 */
async function arm(dir: string, node: string, env: NodeJS.ProcessEnv, action: string): Promise<Armed> {
  const id = randomUUID();
  const ready = join(dir, `armed-${id}`);
  const trigger = join(dir, `fire-${id}`);
  const expression = `
    ok = file:write_file("${ready}", <<>>),
    Wait = fun Loop(N) ->
      case filelib:is_file("${trigger}") of
        true -> ok;
        false when N > 0 -> timer:sleep(2), Loop(N - 1);
        false -> timeout
      end
    end,
    ok = Wait(60000),
    ${action.trim().replace(/\.$/, '')}.`;
  const done = run(join(BIN, 'rabbitmqctl'), ['-n', node, 'eval', expression], { env });
  done.catch(() => {});
  const deadline = Date.now() + 30_000;
  while (!(await stat(ready).catch(() => undefined))) {
    if (Date.now() > deadline) throw new Error('rabbitmqctl eval did not get ready within 30 s');
    await sleep(20);
  }
  return {
    async fire() {
      await writeFile(trigger, '');
      const { stdout } = await done;
      await rm(ready, { force: true });
      await rm(trigger, { force: true });
      return stdout;
    },
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * The Erlang that makes RabbitMQ 3.10 cancel a quorum queue's consumers without deleting the
 * queue; no command does that (a quorum queue cancels its consumers only when it is deleted, which
 * loses its messages). For each consumer, its channel is handed a basic.cancel as if the client had
 * sent it (nowait: the channel drops the consumer, its unsettled messages stay with the channel),
 * `flush` waits for that, and the channel's writer sends the client the basic.cancel a deleted queue
 * would. Internal functions of 3.10: to be checked again after an upgrade of the broker.
 */
function cancelConsumersOf(queue: string): string {
  if (!/^[\w.:-]+$/.test(queue)) throw new Error(`not a queue name the suite makes: ${queue}`);
  return `
    {ok, Q} = rabbit_amqqueue:lookup(rabbit_misc:r(<<"/">>, queue, <<"${queue}">>)),
    WriterOf = fun(Channel) ->
      {dictionary, Dictionary} = erlang:process_info(Channel, dictionary),
      [Supervisor | _] = proplists:get_value(list_to_atom([36 | "ancestors"]), Dictionary),
      [Writer] = supervisor2:find_child(Supervisor, writer),
      Writer
    end,
    Targets = [{Channel, Tag, WriterOf(Channel)} || {Channel, Tag, _, _, _, _, _, _} <- rabbit_amqqueue:consumers(Q)],
    [begin
       ok = rabbit_channel:do(Channel, {'basic.cancel', Tag, true}),
       ok = rabbit_channel:flush(Channel),
       ok = rabbit_writer:send_command(Writer, {'basic.cancel', Tag, true}),
       cancelled
     end || {Channel, Tag, Writer} <- Targets].`;
}
