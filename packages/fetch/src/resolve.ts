import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { bareHost, FetchError, forbiddenRange, type NetPolicy } from "@outreach/core/net";

/**
 * One message for a name that does not resolve and a host that does not answer, so a tenant's URL
 * cannot tell which names exist or which hosts are up behind the deployment.
 */
export const unreachable = (host: string) => new FetchError("network", `could not connect to ${host}`);

/** One address a host name resolves to. */
export interface Address {
  address: string;
  family: 4 | 6;
}

/** Host name → every address it resolves to. Tests inject one (there is no DNS to rely on). */
export type Resolver = (host: string) => Promise<Address[]>;

/** The system resolver (`dns.lookup`, all addresses, in the order the system gives them). */
export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })) as Address[];

/**
 * The address the request will connect to. Every address the name resolves to must be allowed (a name
 * with one forbidden answer is refused: the attacker chooses the answers), and the caller connects to
 * the one returned, so what was checked is what is reached (no DNS-rebinding window).
 */
export const resolveChecked = async (url: URL, policy: NetPolicy, resolve: Resolver): Promise<Address> => {
  const host = bareHost(url);
  const literal = isIP(host);
  let addresses: Address[];
  if (literal) addresses = [{ address: host, family: literal as 4 | 6 }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw unreachable(host);
    }
  }
  const first = addresses[0];
  if (!first) throw unreachable(host);
  for (const a of addresses) {
    // In the tenant's terms only: never the address a name resolves to (issue 29: it showed internal DNS).
    if (forbiddenRange(a.address, policy)) throw new FetchError("forbidden", `its host resolves to a private or reserved address, which is never fetched`);
  }
  return first;
};
