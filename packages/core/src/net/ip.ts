import { isIPv4, isIPv6 } from "node:net";

/** Why an address is not fetched: its range (CIDR) and what that range is. */
export interface ForbiddenRange {
  range: string;
  label: string;
  /** This machine itself (127.0.0.0/8, ::1 and their IPv4-mapped forms): the only kind `allowLoopback` opens. */
  loopback: boolean;
}

/** Whether loopback addresses may be fetched (local development only; never link-local or private ranges). */
export interface NetPolicy {
  allowLoopback?: boolean;
}

type Cidr = { bytes: number[]; bits: number; range: string; label: string; loopback?: boolean };

/** The 4 (IPv4) or 16 (IPv6) bytes of an IP literal (brackets and a zone id are ignored), or undefined. */
export const ipBytes = (literal: string): number[] | undefined => {
  const bare = literal.startsWith("[") && literal.endsWith("]") ? literal.slice(1, -1) : literal;
  const zone = bare.indexOf("%");
  const ip = zone >= 0 ? bare.slice(0, zone) : bare;
  if (isIPv4(ip)) return ip.split(".").map(Number);
  if (!isIPv6(ip)) return undefined;
  const halves = ip.split("::");
  const groups = (s: string | undefined): number[] => {
    if (!s) return [];
    return s.split(":").flatMap((g) => {
      if (g.includes(".")) {
        const [a, b, c, d] = g.split(".").map(Number) as [number, number, number, number];
        return [(a << 8) | b, (c << 8) | d];
      }
      return [Number.parseInt(g, 16)];
    });
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const all = halves.length === 2 ? [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail] : head;
  return all.flatMap((g) => [g >> 8, g & 0xff]);
};

const cidr = (range: string, label: string, loopback = false): Cidr => {
  const [addr, bits] = range.split("/") as [string, string];
  return { bytes: ipBytes(addr) as number[], bits: Number(bits), range, label, loopback };
};

const within = (bytes: number[], c: Cidr) => {
  if (bytes.length !== c.bytes.length) return false;
  for (let i = 0; i < c.bits; i += 8) {
    const mask = c.bits - i >= 8 ? 0xff : (0xff << (8 - (c.bits - i))) & 0xff;
    if (((bytes[i / 8] as number) & mask) !== ((c.bytes[i / 8] as number) & mask)) return false;
  }
  return true;
};

/** IPv4 ranges never fetched (RFC 6890 special-purpose registry, plus what cloud platforms put there). */
const V4: Cidr[] = [
  cidr("0.0.0.0/8", "unspecified ('this network')"),
  cidr("10.0.0.0/8", "private (RFC 1918)"),
  cidr("100.64.0.0/10", "shared carrier-grade NAT (RFC 6598)"),
  cidr("127.0.0.0/8", "loopback", true),
  cidr("169.254.0.0/16", "link-local (cloud metadata and credential endpoints such as 169.254.169.254, 169.254.170.2)"),
  cidr("172.16.0.0/12", "private (RFC 1918)"),
  cidr("192.0.0.0/24", "IETF protocol assignments (reserved)"),
  cidr("192.0.2.0/24", "documentation (TEST-NET-1)"),
  cidr("192.88.99.0/24", "6to4 relay anycast (deprecated)"),
  cidr("192.168.0.0/16", "private (RFC 1918)"),
  cidr("198.18.0.0/15", "benchmarking (reserved)"),
  cidr("198.51.100.0/24", "documentation (TEST-NET-2)"),
  cidr("203.0.113.0/24", "documentation (TEST-NET-3)"),
  cidr("224.0.0.0/4", "multicast"),
  cidr("255.255.255.255/32", "broadcast"),
  cidr("240.0.0.0/4", "reserved (future use)"),
];

/** IPv6 ranges never fetched; anything outside 2000::/3 (global unicast) is refused as well. */
const V6: Cidr[] = [
  cidr("::/128", "unspecified"),
  cidr("::1/128", "loopback", true),
  cidr("::/96", "IPv4-compatible (deprecated)"),
  cidr("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
  cidr("100::/64", "discard-only"),
  cidr("2001:db8::/32", "documentation"),
  cidr("2001::/23", "IETF protocol assignments (Teredo, ORCHID, benchmarking)"),
  cidr("3fff::/20", "documentation"),
  cidr("5f00::/16", "segment routing (SRv6)"),
  cidr("fc00::/7", "unique local (private)"),
  cidr("fe80::/10", "link-local"),
  cidr("fec0::/10", "site-local (deprecated)"),
  cidr("ff00::/8", "multicast"),
];
const GLOBAL_UNICAST = cidr("2000::/3", "global unicast");

/**
 * IPv6 forms that carry an IPv4 address a packet may end up at: IPv4-mapped (::ffff:a.b.c.d, used by
 * dual-stack sockets for IPv4 itself), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96) and
 * 6to4 (2002::/16). The embedded address is judged like IPv4; only the mapped form keeps "loopback".
 */
const EMBEDDED: { prefix: Cidr; at: number; direct: boolean }[] = [
  { prefix: cidr("::ffff:0:0/96", "IPv4-mapped"), at: 12, direct: true },
  { prefix: cidr("::ffff:0:0:0/96", "IPv4-translated"), at: 12, direct: false },
  { prefix: cidr("64:ff9b::/96", "NAT64"), at: 12, direct: false },
  { prefix: cidr("2002::/16", "6to4"), at: 2, direct: false },
];

const judge4 = (b: number[]) => V4.find((c) => within(b, c));

/**
 * The forbidden range an IP address is in, or undefined for a public address. A string that is not an
 * IP address is refused too. With `allowLoopback`, loopback addresses (only) are let through.
 */
export const forbiddenRange = (ip: string, policy: NetPolicy = {}): ForbiddenRange | undefined => {
  const found = classify(ip);
  if (found?.loopback && policy.allowLoopback) return undefined;
  return found;
};

const classify = (ip: string): ForbiddenRange | undefined => {
  const b = ipBytes(ip);
  if (!b) return { range: ip, label: "not an IP address", loopback: false };
  const hit = (c: Cidr | undefined) => (c ? { range: c.range, label: c.label, loopback: !!c.loopback } : undefined);
  if (b.length === 4) return hit(judge4(b));
  for (const e of EMBEDDED) {
    if (!within(b, e.prefix)) continue;
    const inner = judge4(b.slice(e.at, e.at + 4));
    if (!inner) return undefined;
    return { range: `${e.prefix.range} → ${inner.range}`, label: `${e.prefix.label} ${inner.label}`, loopback: e.direct && !!inner.loopback };
  }
  const special = V6.find((c) => within(b, c));
  if (special) return hit(special);
  return within(b, GLOBAL_UNICAST) ? undefined : { range: "outside 2000::/3", label: "not global unicast (reserved)", loopback: false };
};

/** A sentence naming the rule: "169.254.169.254 is a link-local address (169.254.0.0/16) …". */
export const describeRange = (ip: string, r: ForbiddenRange) => `${ip} is in ${r.range}: ${r.label}`;
