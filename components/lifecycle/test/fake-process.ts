import { EventEmitter } from 'node:events';

/** A stand-in for `process`: signals are events, exit and stderr are recorded. */
export function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  let stderr = '';
  const exited = new Promise<number>((resolve) => {
    emitter.on('exit-called', resolve);
  });
  const proc = {
    on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
    exit: (code?: number) => {
      exits.push(code ?? 0);
      emitter.emit('exit-called', code ?? 0);
    },
    stderr: {
      write: (text: string) => {
        stderr += text;
        return true;
      },
    },
  };
  return {
    proc: proc as unknown as NodeJS.Process,
    signal: (name: NodeJS.Signals) => emitter.emit(name, name),
    exits,
    exited,
    stderr: () => stderr,
  };
}
