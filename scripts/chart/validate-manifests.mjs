// @ts-check
// Validates rendered Kubernetes manifests against the API schemas (the npm package kubernetes-models,
// which is ESM-only, hence a script of its own). Reads multi-document YAML from the files given, or
// from stdin, and prints one JSON line: { checked, kinds, errors: [{ kind, name, message }] }.
// Exit code 1 when any object is invalid or of an unknown kind.
//   helm template sluice helm/sluice -f values.yaml | node scripts/chart/validate-manifests.mjs
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** Custom resources kubernetes-models has no schema for: checked structurally. */
const CUSTOM_RESOURCES = {
  'monitoring.coreos.com/v1/ServiceMonitor': (/** @type {any} */ obj) => {
    const problems = [];
    if (!obj.spec?.selector?.matchLabels || Object.keys(obj.spec.selector.matchLabels).length === 0) problems.push('spec.selector.matchLabels is empty');
    const endpoints = obj.spec?.endpoints;
    if (!Array.isArray(endpoints) || endpoints.length === 0) problems.push('spec.endpoints is empty');
    for (const endpoint of endpoints ?? []) {
      if (typeof endpoint.port !== 'string' || !endpoint.port) problems.push('an endpoint has no named port');
      if (endpoint.path !== undefined && !String(endpoint.path).startsWith('/')) problems.push(`endpoint path ${endpoint.path} is not absolute`);
      for (const key of ['interval', 'scrapeTimeout']) {
        if (endpoint[key] !== undefined && !/^[0-9]+(ms|s|m|h)$/.test(endpoint[key])) problems.push(`endpoint ${key} ${endpoint[key]} is not a duration`);
      }
    }
    return problems;
  },
};

/** @param {string} apiVersion @param {string} kind */
async function modelOf(apiVersion, kind) {
  if (!/^[a-z0-9.]*\/?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z]+$/.test(kind)) return undefined;
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind];
  } catch {
    return undefined;
  }
}

async function main() {
  const files = process.argv.slice(2);
  const text = files.length > 0 ? files.map((f) => readFileSync(f, 'utf8')).join('\n---\n') : readFileSync(0, 'utf8');
  const errors = [];
  /** @type {Record<string, number>} */
  const kinds = {};
  let checked = 0;
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      errors.push({ kind: '?', name: '?', message: `YAML: ${doc.errors[0].message}` });
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    const kind = String(obj.kind ?? '');
    const name = String(obj.metadata?.name ?? '');
    const id = `${obj.apiVersion}/${kind}`;
    checked += 1;
    kinds[id] = (kinds[id] ?? 0) + 1;
    const custom = CUSTOM_RESOURCES[/** @type {keyof typeof CUSTOM_RESOURCES} */ (id)];
    if (custom) {
      for (const message of custom(obj)) errors.push({ kind, name, message });
      continue;
    }
    const Model = await modelOf(String(obj.apiVersion ?? ''), kind);
    if (!Model) {
      errors.push({ kind, name, message: `no schema for ${id}` });
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (error) {
      errors.push({ kind, name, message: error instanceof Error ? error.message : String(error) });
    }
  }
  process.stdout.write(`${JSON.stringify({ checked, kinds, errors })}\n`);
  process.exitCode = errors.length > 0 ? 1 : 0;
}

await main();
