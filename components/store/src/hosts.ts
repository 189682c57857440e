/**
 * A connection URL split around its hosts: `postgres://user@h1:5432,h2:5433/db?…` lists a
 * primary and its standbys, which WHATWG `URL` cannot parse (a port ends at the comma).
 */
interface HostList {
  /** `postgres://user@` */
  head: string;
  /** `h1:5432`, `h2:5433` */
  hosts: string[];
  /** `/db?…` */
  tail: string;
}

// A name or IPv4 address, or a bracketed IPv6 one, with an optional port.
const HOST = /^([^\s:/?#@,[\]]+|\[[0-9a-fA-F:.]+\])(:\d{1,5})?$/;

function split(url: string): HostList | undefined {
  const scheme = /^postgres(ql)?:\/\//.exec(url)?.[0];
  if (scheme === undefined) return undefined;
  const rest = url.slice(scheme.length);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  return {
    head: scheme + authority.slice(0, at + 1),
    hosts: authority.slice(at + 1).split(','),
    tail: end === -1 ? '' : rest.slice(end),
  };
}

/** Whether `url` is a postgres:// or postgresql:// URL, of one host or several comma-separated ones. */
export function isPostgresUrl(url: string): boolean {
  const parts = split(url);
  if (!parts) return false;
  // One host is left to URL to judge (it may be empty: the default host, or a socket folder).
  const listed = parts.hosts.length === 1 || parts.hosts.every((host) => HOST.test(host));
  return listed && URL.canParse(`${parts.head}${parts.hosts[0]}${parts.tail}`);
}

/**
 * The same URL with its hosts listed from the `turn`-th on, wrapping round: postgres.js tries a
 * list's hosts in its order, so each turn starts the search for the primary at another one.
 */
export function withHostsTurned(url: string, turn: number): string {
  const parts = split(url);
  if (!parts || parts.hosts.length < 2) return url;
  const first = turn % parts.hosts.length;
  const hosts = [...parts.hosts.slice(first), ...parts.hosts.slice(0, first)];
  return `${parts.head}${hosts.join(',')}${parts.tail}`;
}
