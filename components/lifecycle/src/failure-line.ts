import { redactUrl } from '@mousetrap/log';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The one line a process prints for a failure: `explain`'s account of it (the error's message
 * unless told), with the credentials of any URL in it masked.
 */
export function failureLine(error: unknown, explain: (error: unknown) => string = messageOf): string {
  return redactUrl(explain(error));
}
