import type { ColumnType, IngestColumn } from '@sluice/pipeline-spec';
import { isSafeJsonValue, isWellFormedText } from '../safe-json';

/** A value ready for COPY (`null` is SQL NULL), or why the source value does not fit the column. */
export type CoercedValue = { readonly ok: true; readonly value: string | null } | { readonly ok: false; readonly reason: string };

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** PostgreSQL's numeric input refuses exponents beyond ±1000 (NUMERIC_MAX_PRECISION). */
const MAX_NUMERIC_EXPONENT = 1000;
const MAX_NUMERIC_LENGTH = 1000;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// 2024-03-01T12:30:00Z, 2024-03-01 12:30:00.123+02:00, 2024-03-01T12:30 (UTC when no offset is given)
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

const ok = (value: string | null): CoercedValue => ({ ok: true, value });
const fail = (reason: string): CoercedValue => ({ ok: false, reason });

/** The source value as it appears in a reason: short, one line. */
export function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? (Array.isArray(value) ? 'an array' : 'an object') : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Coerces one source value (a CSV string or any JSON value; `undefined` when the field is missing)
 * to the column's type. Empty strings count as missing only in nullable columns, so a non-nullable
 * text column keeps `""` and a non-nullable integer column refuses it. `textual` values (CSV) are
 * text spelling a value, so a jsonb column parses them; a JSON string stays a JSON string.
 */
export function coerceColumnValue(column: IngestColumn, raw: unknown, textual = true): CoercedValue {
  if (raw === undefined || raw === null || (raw === '' && column.nullable)) return column.nullable ? ok(null) : fail('is missing (the column is not nullable)');
  if (raw === '' && column.type !== 'text') return fail('is empty (the column is not nullable)');
  return column.type === 'jsonb' ? coerceJson(raw, textual) : COERCE[column.type](raw);
}

const COERCE: Record<Exclude<ColumnType, 'jsonb'>, (raw: unknown) => CoercedValue> = {
  text: coerceText,
  integer: (raw) => coerceInteger(raw, 'integer'),
  bigint: (raw) => coerceInteger(raw, 'bigint'),
  numeric: coerceNumeric,
  boolean: coerceBoolean,
  date: coerceDate,
  timestamptz: coerceTimestamp,
};

function coerceText(raw: unknown): CoercedValue {
  if (typeof raw === 'number' || typeof raw === 'boolean') return ok(String(raw));
  if (typeof raw !== 'string') return fail(`${describeValue(raw)} is not text`);
  if (raw.includes('\0')) return fail('contains a NUL character, which PostgreSQL text cannot store');
  if (!isWellFormedText(raw)) return fail('is not valid Unicode (lone surrogate)');
  return ok(raw);
}

function coerceInteger(raw: unknown, type: 'integer' | 'bigint'): CoercedValue {
  let digits: string;
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw)) return fail(`${describeValue(raw)} is not a whole number${Number.isInteger(raw) ? ' that JSON can carry exactly' : ''}`);
    digits = String(raw);
  } else if (typeof raw === 'string' && INTEGER.test(raw.trim())) {
    digits = raw.trim();
  } else {
    return fail(`${describeValue(raw)} is not a whole number`);
  }
  // Up to 9 digits always fit an integer; up to 15 a double is exact: the common cases need no BigInt.
  const unsigned = digits[0] === '+' || digits[0] === '-' ? digits.length - 1 : digits.length;
  if (unsigned <= 9) return ok(digits);
  if (unsigned <= 15) {
    const value = Number(digits);
    if (type === 'integer' && (value < INT32_MIN || value > INT32_MAX)) return fail(`${describeValue(raw)} is out of range for integer`);
    return ok(String(value));
  }
  const value = BigInt(digits);
  const [min, max] = type === 'integer' ? [BigInt(INT32_MIN), BigInt(INT32_MAX)] : [INT64_MIN, INT64_MAX];
  if (value < min || value > max) return fail(`${describeValue(raw)} is out of range for ${type}`);
  return ok(value.toString());
}

function coerceNumeric(raw: unknown): CoercedValue {
  if (typeof raw === 'number') return Number.isFinite(raw) ? ok(String(raw)) : fail(`${describeValue(raw)} is not a finite number`);
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const match = text === undefined || text.length > MAX_NUMERIC_LENGTH ? null : DECIMAL.exec(text);
  if (!match || text === undefined) return fail(`${describeValue(raw)} is not a number`);
  if (match[3] !== undefined && Math.abs(Number(match[3])) > MAX_NUMERIC_EXPONENT) return fail(`${describeValue(raw)} is out of range for numeric`);
  return ok(text);
}

function coerceBoolean(raw: unknown): CoercedValue {
  if (typeof raw === 'boolean') return ok(raw ? 't' : 'f');
  const word = typeof raw === 'string' ? raw.trim().toLowerCase() : typeof raw === 'number' ? String(raw) : undefined;
  if (word !== undefined && TRUE_WORDS.has(word)) return ok('t');
  if (word !== undefined && FALSE_WORDS.has(word)) return ok('f');
  return fail(`${describeValue(raw)} is not a boolean (true/false, t/f, yes/no, y/n, 1/0)`);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= DAYS_IN_MONTH[month - 1] + (month === 2 && isLeapYear(year) ? 1 : 0);
}

function validDate(text: string): boolean {
  const match = DATE.exec(text);
  return match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

function coerceDate(raw: unknown): CoercedValue {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !validDate(text)) return fail(`${describeValue(raw)} is not a date (YYYY-MM-DD)`);
  return ok(text);
}

function coerceTimestamp(raw: unknown): CoercedValue {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const match = text === undefined ? null : TIMESTAMP.exec(text);
  const invalid = () => fail(`${describeValue(raw)} is not a timestamp (ISO 8601, e.g. 2024-03-01T12:30:00Z)`);
  if (!match || !validDate(match[1])) return invalid();
  const [, date, hour = '00', minute = '00', second = '00', fraction = '', zone] = match;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return invalid();
  const offset = zone === undefined || zone.toUpperCase() === 'Z' ? '+00:00' : normalizeOffset(zone);
  if (offset === undefined) return invalid();
  return ok(`${date} ${hour}:${minute}:${second}${fraction}${offset}`);
}

/** `+0530` / `+05:30` / `+05` → `+05:30`; undefined when out of range. */
function normalizeOffset(zone: string): string | undefined {
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 15 || minutes > 59) return undefined;
  return `${zone[0]}${digits.slice(0, 2)}:${String(minutes).padStart(2, '0')}`;
}

function coerceJson(raw: unknown, textual: boolean): CoercedValue {
  let value = raw;
  if (typeof raw === 'string' && textual) {
    try {
      value = JSON.parse(raw);
    } catch {
      return fail(`${describeValue(raw)} is not valid JSON`);
    }
  }
  if (!isSafeJsonValue(value)) return fail('contains a NUL character or lone surrogate, which PostgreSQL jsonb cannot store');
  return ok(JSON.stringify(value));
}
