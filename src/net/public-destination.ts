import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

/** Resolves a host name to all its addresses (the system resolver by default). */
export type HostLookup = (hostname: string) => Promise<string[]>;

export const systemLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** Why an outbound request was not made: said in these words only, never with the network's answer. */
export class BlockedDestination extends Error {
  constructor(readonly reason: 'not-public' | 'unresolvable') {
    super(reason === 'not-public' ? 'address not allowed' : 'host not found');
    this.name = 'BlockedDestination';
  }
}

/**
 * Is this an address on the public internet? Only ipaddr.js's plain `unicast` range is: private, loopback,
 * link-local (169.254.169.254, the cloud metadata service), CGNAT, unique-local, reserved, documentation,
 * multicast and the IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo) are not.
 */
export function isPublicAddress(address: string, allowLoopback = false): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return range === 'unicast' || (allowLoopback && range === 'loopback');
}

/** Names that only mean something inside a network (metadata.google.internal, printer.local, intranet). */
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)$|^[^.]+$/i;

/**
 * An IP literal host (`10.0.0.5`, `[::1]`) must itself be public; returns the host without brackets. Names
 * pass unchecked here (resolvePublic checks what they resolve to).
 */
export function requirePublicLiteral(hostname: string, allowLoopback: boolean): string {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) && !isPublicAddress(bare, allowLoopback)) throw new BlockedDestination('not-public');
  return bare;
}

/**
 * The addresses a request to `hostname` may go to: all of them public (one private answer refuses the whole
 * name, so that a resolver cannot mix one in), or BlockedDestination.
 */
export async function resolvePublic(
  hostname: string,
  lookup: HostLookup,
  allowLoopback: boolean,
): Promise<string[]> {
  const bare = requirePublicLiteral(hostname, allowLoopback);
  if (isIP(bare)) return [bare];
  if (INTERNAL_NAME.test(bare) && !(allowLoopback && bare === 'localhost'))
    throw new BlockedDestination('not-public');
  const addresses = await lookup(bare).catch(() => [] as string[]);
  if (addresses.length === 0) throw new BlockedDestination('unresolvable');
  if (!addresses.every((address) => isPublicAddress(address, allowLoopback)))
    throw new BlockedDestination('not-public');
  return addresses;
}

/**
 * An HTTP client whose every connection goes to an address checked at that very moment: the check and the
 * connection use one resolution, so a name that answers "public" to the check and "private" to the
 * connection (DNS rebinding) cannot slip through. IP literals, which skip the lookup, are checked by the
 * caller with requirePublicLiteral first.
 */
export function publicOnlyAgent(options: {
  lookup: HostLookup;
  allowLoopback: boolean;
  timeoutMs: number;
}): Agent {
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolvePublic(hostname, options.lookup, options.allowLoopback).then(
      (addresses) => {
        const entries = addresses.map((address) => ({ address, family: isIP(address) }));
        if (lookupOptions.all) callback(null, entries);
        else callback(null, entries[0]!.address, entries[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
  return new Agent({
    connect: { lookup, timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    // undici follows no redirect unless a redirect interceptor is composed in: none is.
  });
}
