import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Where a webhook may be sent (no SSRF): outside production only loopback (a developer's
 * receiver, the tests'); in production only public unicast addresses over HTTPS. Every address
 * a name resolves to is checked, and the connection is pinned to the checked address.
 */
export type AddressPolicy = 'loopback-only' | 'public-only';

export const policyFor = (nodeEnv: string): AddressPolicy => (nodeEnv === 'production' ? 'public-only' : 'loopback-only');

/** 16 bytes of an IPv6 address (IPv4-embedded tails included), or null when it is not one. */
export function ipv6Bytes(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.split('%')[0]!.toLowerCase();
  const tail: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted[1]!.split('.').map(Number));
    text = `${text.slice(0, dotted.index)}:0:0`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':').filter((g) => g !== '') : []);
  const left = groups(head);
  const right = groups(rest);
  const words = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = words.flatMap((w) => {
    const n = parseInt(w, 16);
    return [n >> 8, n & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : null;
}

const ipv4Bytes = (address: string): number[] | null => (isIP(address) === 4 ? address.split('.').map(Number) : null);

const inV4 = (b: number[], base: [number, number, number, number], bits: number): boolean => {
  const value = (x: number[]) => ((x[0]! << 24) | (x[1]! << 16) | (x[2]! << 8) | x[3]!) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (value(b) & mask) === (value(base) & mask);
};

// Not the public internet: this host, private networks, CGNAT, link-local (cloud metadata),
// documentation, benchmarking, multicast and reserved ranges.
const V4_BLOCKED: [[number, number, number, number], number][] = [
  [[0, 0, 0, 0], 8],
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10],
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16],
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24],
  [[192, 0, 2, 0], 24],
  [[192, 88, 99, 0], 24],
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15],
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[224, 0, 0, 0], 4],
  [[240, 0, 0, 0], 4],
];

const isPublicV4 = (b: number[]) => !V4_BLOCKED.some(([base, bits]) => inV4(b, base, bits));

const startsWith = (b: number[], prefix: number[], bits: number): boolean => {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const bit = 7 - (i & 7);
    if (((b[byte]! >> bit) & 1) !== ((prefix[byte] ?? 0) >> bit & 1)) return false;
  }
  return true;
};

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedV4(b: number[]): number[] | null {
  const zeros = (n: number) => b.slice(0, n).every((x) => x === 0);
  if (zeros(10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12); // ::ffff:a.b.c.d
  if (zeros(12)) return b.slice(12); // ::a.b.c.d (deprecated), :: and ::1 handled by the caller
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b], 96)) return b.slice(12); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6); // 2002::/16
  return null;
}

/** A public unicast address (IPv4, IPv6, IPv4 carried in IPv6 checked as IPv4). */
export function isPublicAddress(address: string): boolean {
  const v4 = ipv4Bytes(address);
  if (v4) return isPublicV4(v4);
  const b = ipv6Bytes(address);
  if (!b) return false;
  if (b.slice(0, 15).every((x) => x === 0) && b[15]! <= 1) return false; // :: and ::1
  const inner = embeddedV4(b);
  if (inner) return isPublicV4(inner);
  // Only global unicast 2000::/3, minus documentation 2001:db8::/32, and 2001::/23 special use.
  if (!startsWith(b, [0x20], 3)) return false;
  if (startsWith(b, [0x20, 0x01, 0x0d, 0xb8], 32)) return false;
  if (startsWith(b, [0x20, 0x01, 0x00], 23)) return false;
  return true;
}

/** 127.0.0.0/8, ::1, or IPv4 loopback carried in IPv6 (::ffff:127.0.0.1). */
export function isLoopbackAddress(address: string): boolean {
  const v4 = ipv4Bytes(address);
  if (v4) return v4[0] === 127;
  const b = ipv6Bytes(address);
  if (!b) return false;
  if (b.slice(0, 15).every((x) => x === 0) && b[15] === 1) return true;
  const zeros10 = b.slice(0, 10).every((x) => x === 0);
  return zeros10 && b[10] === 0xff && b[11] === 0xff && b[12] === 127;
}

export const addressAllowed = (address: string, policy: AddressPolicy): boolean =>
  policy === 'loopback-only' ? isLoopbackAddress(address) : isPublicAddress(address);

/** Why a URL may not be registered, or null. Names are checked again, resolved, when used. */
export function urlProblem(raw: string, policy: AddressPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute URL';
  }
  if (raw.length > 2000) return 'url must be at most 2000 characters';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url must be https';
  if (url.username || url.password) return 'url must not carry credentials';
  if (url.hash) return 'url must not have a fragment';
  const host = hostOf(url);
  if (policy === 'public-only') {
    if (url.protocol !== 'https:') return 'url must be https';
    if (isIP(host) && !isPublicAddress(host)) return 'url must not point at a private, loopback or reserved address';
    if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return 'url must name a public host';
    return null;
  }
  if (host === 'localhost' || isLoopbackAddress(host)) return null;
  return 'outside production only loopback URLs (http://127.0.0.1:<port>/...) may be registered';
}

/** The URL's host without IPv6 brackets. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

export class AddressRefused extends Error {}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Resolves the URL's host and checks every address it has (a name with one private address
 * among public ones is refused: DNS rebinding picks which one a later lookup returns). The
 * caller connects to the returned address, never to a new lookup of the name.
 */
export async function resolveTarget(url: URL, policy: AddressPolicy, resolve: Resolver = systemResolver): Promise<{ address: string; family: 4 | 6 }> {
  const host = hostOf(url);
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
  if (addresses.length === 0) throw new AddressRefused(`${host} has no address`);
  const refused = addresses.find((a) => !addressAllowed(a.address, policy));
  if (refused) throw new AddressRefused(`${host} resolves to ${refused.address}, which webhooks may not reach`);
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
