import type { ScrapeJobRequest, FieldViolation } from '@sluice/contracts';
import { AddressPolicy } from './address-policy';

/**
 * Why a URL whose host is an IP literal may not be fetched (loopback, private, link-local...), or
 * undefined. The WHATWG parser has already turned decimal, octal and hex IPv4 forms into dotted
 * ones, so they are judged like the address they stand for. Host names are judged by safe-fetch
 * when it connects (every resolved address); this is the early, DNS-free part of that check.
 */
export function forbiddenTarget(url: string, policy: AddressPolicy): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return 'is not a URL';
  }
  const forbidden = policy.forbiddenLiteral(hostname);
  return forbidden ? `targets a ${forbidden.range} address (${forbidden.address}), which is not allowed` : undefined;
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
