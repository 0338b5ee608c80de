/** The example definition of the public API contract (API.md, section Pipelines), for tests elsewhere. */
export const EXAMPLE_PIPELINE_YAML = `name: movies
steps:
  - id: load
    kind: ingest
    source: { type: http, url: "https://example.org/movies.json", format: json }   # or type: file | scrape (taskId); format csv | ndjson | json
    columns:                                      # enforced schema; rows that don't fit go to a reject table with a reason
      - { name: title, type: text }
      - { name: rating, type: numeric, nullable: true }
  - id: check
    kind: dq
    input: load
    checks:
      - { type: not_null, column: title, severity: error }
      - { type: unique, column: title, severity: warn }
      - { type: range, column: rating, min: 0, max: 10 }
      - { type: accepted_values, column: genre, values: [Drama, Comedy] }
      - { type: regex, column: code, pattern: "^[A-Z]{3}$" }
      - { type: row_count, min: 1 }
      - { type: freshness, column: updated_at, maxAge: 1d }
      - { type: sql, name: no_future, query: "select count(*) from {{ input }} where released > now()", mustBe: 0 }
  - id: clean
    kind: transform
    inputs: [load]
    dependsOn: [check]                            # a failed error-severity check stops dependents
    sql: "select title, avg(rating) as rating from {{ ref('load') }} group by title"
    output: { table: movies_clean, mode: replace }   # replace | append | upsert (with key: [cols])
`;

/** The same definition as JSON. */
export const EXAMPLE_PIPELINE_JSON = JSON.stringify({
  name: 'movies',
  steps: [
    {
      id: 'load',
      kind: 'ingest',
      source: { type: 'http', url: 'https://example.org/movies.json', format: 'json' },
      columns: [
        { name: 'title', type: 'text' },
        { name: 'rating', type: 'numeric', nullable: true },
      ],
    },
    {
      id: 'check',
      kind: 'dq',
      input: 'load',
      checks: [
        { type: 'not_null', column: 'title', severity: 'error' },
        { type: 'unique', column: 'title', severity: 'warn' },
        { type: 'range', column: 'rating', min: 0, max: 10 },
        { type: 'accepted_values', column: 'genre', values: ['Drama', 'Comedy'] },
        { type: 'regex', column: 'code', pattern: '^[A-Z]{3}$' },
        { type: 'row_count', min: 1 },
        { type: 'freshness', column: 'updated_at', maxAge: '1d' },
        { type: 'sql', name: 'no_future', query: 'select count(*) from {{ input }} where released > now()', mustBe: 0 },
      ],
    },
    {
      id: 'clean',
      kind: 'transform',
      inputs: ['load'],
      dependsOn: ['check'],
      sql: "select title, avg(rating) as rating from {{ ref('load') }} group by title",
      output: { table: 'movies_clean', mode: 'replace' },
    },
  ],
});
