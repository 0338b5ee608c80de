/**
 * Functions pipeline SQL may call. An allowlist: a function that is not here is refused, so a new
 * PostgreSQL function with side effects can never slip through. Every entry is a pure computation
 * over its arguments (or the clock, or randomness); none reads files, other tables, settings or
 * sessions, takes locks or changes state. Extend it by adding to the right group and a test.
 */
export const ALLOWED_SQL_FUNCTIONS: ReadonlySet<string> = new Set([
  // aggregates
  'count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every', 'string_agg', 'array_agg', 'json_agg',
  'jsonb_agg', 'json_agg_strict', 'jsonb_agg_strict', 'json_object_agg', 'jsonb_object_agg', 'stddev',
  'stddev_pop', 'stddev_samp', 'variance', 'var_pop', 'var_samp', 'corr', 'covar_pop', 'covar_samp',
  'regr_avgx', 'regr_avgy', 'regr_count', 'regr_intercept', 'regr_r2', 'regr_slope', 'regr_sxx', 'regr_sxy',
  'regr_syy', 'percentile_cont', 'percentile_disc', 'mode', 'bit_and', 'bit_or', 'bit_xor', 'any_value',
  // window functions
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value',
  'last_value', 'nth_value',
  // mathematics
  'abs', 'ceil', 'ceiling', 'floor', 'round', 'trunc', 'sign', 'sqrt', 'cbrt', 'power', 'pow', 'exp', 'ln',
  'log', 'log10', 'mod', 'div', 'pi', 'degrees', 'radians', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan',
  'atan2', 'random', 'width_bucket', 'gcd', 'lcm', 'scale', 'trim_scale', 'min_scale', 'factorial',
  // strings
  'length', 'char_length', 'character_length', 'octet_length', 'bit_length', 'lower', 'upper', 'initcap',
  'btrim', 'ltrim', 'rtrim', 'substring', 'substr', 'position', 'strpos', 'replace', 'translate', 'concat',
  'concat_ws', 'left', 'right', 'lpad', 'rpad', 'repeat', 'reverse', 'split_part', 'starts_with',
  'regexp_replace', 'regexp_match', 'regexp_matches', 'regexp_split_to_array', 'regexp_split_to_table',
  'regexp_like', 'regexp_count', 'regexp_substr', 'regexp_instr', 'md5', 'sha224', 'sha256', 'sha384',
  'sha512', 'encode', 'decode', 'to_hex', 'ascii', 'chr', 'format', 'quote_ident', 'quote_literal',
  'quote_nullable', 'string_to_array', 'array_to_string', 'overlay', 'normalize', 'is_normalized', 'unistr',
  'to_char', 'to_number', 'to_date', 'to_timestamp', 'like_escape', 'similar_to_escape', 'similar_escape',
  // date and time
  'now', 'date_trunc', 'date_part', 'extract', 'age', 'make_date', 'make_time', 'make_timestamp',
  'make_timestamptz', 'make_interval', 'justify_days', 'justify_hours', 'justify_interval', 'isfinite',
  'date_bin', 'date_add', 'date_subtract', 'clock_timestamp', 'statement_timestamp', 'transaction_timestamp',
  'timezone', 'overlaps',
  // json
  'to_json', 'to_jsonb', 'row_to_json', 'array_to_json', 'json_build_object', 'jsonb_build_object',
  'json_build_array', 'jsonb_build_array', 'json_object', 'jsonb_object', 'json_extract_path',
  'json_extract_path_text', 'jsonb_extract_path', 'jsonb_extract_path_text', 'json_array_length',
  'jsonb_array_length', 'json_typeof', 'jsonb_typeof', 'json_array_elements', 'jsonb_array_elements',
  'json_array_elements_text', 'jsonb_array_elements_text', 'json_each', 'jsonb_each', 'json_each_text',
  'jsonb_each_text', 'json_object_keys', 'jsonb_object_keys', 'json_strip_nulls', 'jsonb_strip_nulls',
  'jsonb_set', 'jsonb_set_lax', 'jsonb_insert', 'jsonb_pretty', 'jsonb_path_exists', 'jsonb_path_match',
  'jsonb_path_query', 'jsonb_path_query_array', 'jsonb_path_query_first',
  // arrays and set-returning helpers
  'array_length', 'cardinality', 'array_append', 'array_prepend', 'array_cat', 'array_position',
  'array_positions', 'array_remove', 'array_replace', 'array_lower', 'array_upper', 'array_ndims',
  'array_dims', 'trim_array', 'array_reverse', 'array_sort', 'unnest', 'generate_series', 'generate_subscripts',
  // other
  'num_nulls', 'num_nonnulls', 'gen_random_uuid', 'uuidv4', 'uuidv7',
]);

/**
 * Functions refused with a specific reason: they sleep, read server files or state, reach other
 * databases, change settings or sequences, signal backends, or take locks. All of them are absent
 * from the allowlist anyway; this list only names the reason in the error.
 */
const DENIED_FUNCTION_PATTERNS: readonly RegExp[] = [
  /^pg_sleep/, /^pg_read_(binary_)?file$/, /^pg_ls_/, /^pg_stat_file$/, /^lo_/, /^dblink/,
  /^(set_config|current_setting)$/, /^pg_(terminate|cancel)_backend$/, /^pg_reload_conf$/,
  /^(nextval|setval|currval|lastval)$/, /^txid_/, /^pg_current_xact_id/, /^pg_(try_)?advisory_/,
  /^pg_notify$/, /_to_xml(schema)?$/, /^query_to_xml_and_xmlschema$/, /^pg_logical_/, /^pg_file_/,
  /^pg_(create|drop)_/, /^pg_(switch_wal|promote|rotate_logfile|backup_start|backup_stop)$/,
];

export type FunctionVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** Decides whether a call to `schema.name` (schema undefined when unqualified) is allowed. */
export function functionVerdict(schema: string | undefined, name: string): FunctionVerdict {
  const shown = schema === undefined ? name : `${schema}.${name}`;
  if (DENIED_FUNCTION_PATTERNS.some((pattern) => pattern.test(name))) {
    return { allowed: false, reason: `function ${shown}() is not allowed: it has side effects or reads server state` };
  }
  // pg_catalog is where the parser itself puts functions of SQL syntax such as EXTRACT and TRIM.
  if (schema !== undefined && schema !== 'pg_catalog') {
    return { allowed: false, reason: `function ${shown}() is not allowed: functions outside pg_catalog cannot be called` };
  }
  if (!ALLOWED_SQL_FUNCTIONS.has(name)) {
    return { allowed: false, reason: `function ${shown}() is not in the list of allowed functions` };
  }
  return { allowed: true };
}

/** Types a cast may name. reg* types are absent: casting text to them looks up catalog objects. */
export const ALLOWED_SQL_TYPES: ReadonlySet<string> = new Set([
  'text', 'varchar', 'bpchar', 'char', 'name', 'int2', 'int4', 'int8', 'smallint', 'integer', 'int', 'bigint',
  'numeric', 'decimal', 'float4', 'float8', 'real', 'bool', 'boolean', 'date', 'time', 'timetz', 'timestamp',
  'timestamptz', 'interval', 'json', 'jsonb', 'uuid', 'bytea',
]);
