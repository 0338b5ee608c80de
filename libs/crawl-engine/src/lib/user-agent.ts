/**
 * The crawler's honest User-Agent: product and version, and where a site owner can learn about
 * the crawler and reach its operator (RFC 9309 asks crawlers to identify themselves).
 */
export function crawlerUserAgent(version: string, contactUrl: string | undefined): string {
  return contactUrl ? `Sluice/${version} (+${contactUrl})` : `Sluice/${version}`;
}
