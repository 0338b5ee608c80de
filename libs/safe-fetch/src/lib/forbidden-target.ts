import { isIP } from 'node:net';
import type { ScrapeJobRequest, FieldViolation } from '@sluice/contracts';
import { AddressPolicy } from './address-policy';

/**
 * Why a URL whose host is an IP literal may not be fetched (loopback, private, link-local...), or
 * undefined. The WHATWG parser has already turned decimal, octal and hex IPv4 forms into dotted
 * ones, so they are judged like the address they stand for. Host names are judged by safe-fetch
 * when it connects (every resolved address); this is the early, DNS-free part of that check.
 */
export function forbiddenTarget(url: string, policy: AddressPolicy): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'is not a URL';
  }
  if (!isIP(host)) return undefined;
  const range = policy.forbiddenRange(host);
  return range ? `targets a ${range} address (${host}), which is not allowed` : undefined;
}

/** Field violations for every start or sitemap URL of a job that targets a forbidden address. */
export function forbiddenTargetViolations(job: Pick<ScrapeJobRequest, 'startUrls' | 'sitemapUrls'>, allowlist: readonly string[]): FieldViolation[] {
  const policy = new AddressPolicy(allowlist);
  const violations: FieldViolation[] = [];
  const check = (field: string, urls: readonly string[] | undefined) =>
    urls?.forEach((url, i) => {
      const why = forbiddenTarget(url, policy);
      if (why) violations.push({ path: `${field}.${i}`, message: why });
    });
  check('startUrls', job.startUrls);
  check('sitemapUrls', job.sitemapUrls);
  return violations;
}
