import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses outbound fetches may reach: public unicast only, plus what the operator
 * allowlists (CIDRs, e.g. `127.0.0.1/32` for local demos and tests).
 *
 * ipaddr.js names the special ranges (loopback, private, linkLocal — which holds the cloud
 * metadata address 169.254.169.254 —, carrierGradeNat, multicast, unspecified, uniqueLocal,
 * reserved, and the IPv6 forms that embed an IPv4 address). Anything that is not plain `unicast`
 * is refused; IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries.
 */
export class AddressPolicy {
  private readonly allowed: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(allowlist: readonly string[] = []) {
    this.allowed = allowlist.map((cidr) => {
      try {
        return ipaddr.parseCIDR(cidr);
      } catch {
        throw new Error(`allowlist entry "${cidr}" is not a CIDR (e.g. 127.0.0.1/32)`);
      }
    });
  }

  /** undefined when the address may be reached, else the name of the range that forbids it. */
  forbiddenRange(address: string): string | undefined {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.process(address);
    } catch {
      return 'unparseable';
    }
    // kinds are equal, so the casts only tell TypeScript which overload of match() applies
    if (this.allowed.some(([net, bits]) => net.kind() === parsed.kind() && (parsed as ipaddr.IPv4).match(net as ipaddr.IPv4, bits))) return undefined;
    const range = parsed.range();
    return range === 'unicast' ? undefined : range;
  }

  /**
   * For a URL host that is an IP literal (`[::1]` brackets allowed): the address and the range that
   * forbids it; undefined for allowed addresses and for host names (judged when they resolve).
   */
  forbiddenLiteral(hostname: string): { readonly address: string; readonly range: string } | undefined {
    const address = hostname.replace(/^\[|\]$/g, '');
    if (!isIP(address)) return undefined;
    const range = this.forbiddenRange(address);
    return range ? { address, range } : undefined;
  }
}
