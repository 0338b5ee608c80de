import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy';
import { BlockedAddressError } from './safe-fetch-errors';

/**
 * A `lookup` for the socket itself: the addresses it returns are the ones connected to, so the
 * check cannot be raced by a second DNS answer (rebinding). If ANY address a name resolves to is
 * forbidden, the name is refused: a name that mixes public and private answers is an attack.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const range = policy.forbiddenRange(address);
        if (range) return callback(new BlockedAddressError(hostname, address, range), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
