import { z } from 'zod';

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048, { error: 'must be at most 2048 characters' });

const glob = z.string().min(1).max(512);

const extractRule = z.union([
  z.string().min(1).max(512),
  z.strictObject({ selector: z.string().min(1).max(512), attr: z.string().min(1).max(128).optional(), all: z.boolean().optional() }),
]);

/** The body of `POST /v1/scrape-jobs` (API.md, Crawls and tasks). Unknown fields are refused. */
export const ScrapeJobRequest = z.strictObject({
  startUrls: z.array(httpUrl).min(1).max(1000),
  sitemapUrls: z.array(httpUrl).max(100).optional(),
  maxPages: z.int().min(1).max(100_000).optional(),
  maxDepth: z.int().min(0).max(20).optional(),
  sameOrigin: z.boolean().default(true),
  include: z.array(glob).max(100).optional(),
  exclude: z.array(glob).max(100).optional(),
  extract: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { error: 'field names are identifiers' }), extractRule)
    .refine((r) => Object.keys(r).length <= 100, { error: 'at most 100 fields' })
    .optional(),
  politeness: z
    .strictObject({
      maxRequestsPerSecondPerHost: z.number().positive().max(100).optional(),
      maxConcurrencyPerHost: z.int().min(1).max(64).optional(),
    })
    .optional(),
  respectRobotsTxt: z.boolean().default(true),
});
export type ScrapeJobRequest = z.infer<typeof ScrapeJobRequest>;
