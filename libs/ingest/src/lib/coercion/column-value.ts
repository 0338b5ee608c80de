import type { ColumnType, IngestColumn } from '@sluice/pipeline-spec';
import { isSafeJsonValue, isWellFormedText } from '../safe-json';

/** A value ready for COPY (`null` is SQL NULL), or why the source value does not fit the column. */
export type CoercedValue = { readonly ok: true; readonly value: string | null } | { readonly ok: false; readonly reason: string };

/**
 * Why a source value does not fit its column. Coercion returns the value itself or one of these,
 * so a value that fits (nearly all of a million) costs no result object.
 */
export class Misfit {
  constructor(readonly reason: string) {}
}

/** A value ready for COPY (`null` is SQL NULL), or a Misfit. */
export type ColumnValue = string | null | Misfit;

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** PostgreSQL's numeric input refuses exponents beyond ±1000 (NUMERIC_MAX_PRECISION). */
const MAX_NUMERIC_EXPONENT = 1000;
const MAX_NUMERIC_LENGTH = 1000;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const EXPONENT = /[eE]([+-]?\d+)$/;
// 2024-03-01T12:30:00Z, 2024-03-01 12:30:00.123+02:00, 2024-03-01T12:30 (UTC when no offset is given)
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

const fail = (reason: string): Misfit => new Misfit(reason);

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
  const value = columnValue(column, raw, textual);
  return value instanceof Misfit ? { ok: false, reason: value.reason } : { ok: true, value };
}

/** coerceColumnValue without the result object: the value, or a Misfit. */
export function columnValue(column: IngestColumn, raw: unknown, textual: boolean): ColumnValue {
  if (raw === undefined || raw === null || (raw === '' && column.nullable)) return column.nullable ? null : fail('is missing (the column is not nullable)');
  if (raw === '' && column.type !== 'text') return fail('is empty (the column is not nullable)');
  return column.type === 'jsonb' ? coerceJson(raw, textual) : COERCE[column.type](raw);
}

const COERCE: Record<Exclude<ColumnType, 'jsonb'>, (raw: unknown) => string | Misfit> = {
  text: coerceText,
  integer: (raw) => coerceInteger(raw, 'integer'),
  bigint: (raw) => coerceInteger(raw, 'bigint'),
  numeric: coerceNumeric,
  boolean: coerceBoolean,
  date: coerceDate,
  timestamptz: coerceTimestamp,
};

function coerceText(raw: unknown): string | Misfit {
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (typeof raw !== 'string') return fail(`${describeValue(raw)} is not text`);
  if (raw.includes('\0')) return fail('contains a NUL character, which PostgreSQL text cannot store');
  if (!isWellFormedText(raw)) return fail('is not valid Unicode (lone surrogate)');
  return raw;
}

function coerceInteger(raw: unknown, type: 'integer' | 'bigint'): string | Misfit {
  let digits: string;
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw)) return fail(`${describeValue(raw)} is not a whole number${Number.isInteger(raw) ? ' that JSON can carry exactly' : ''}`);
    digits = String(raw);
  } else {
    digits = typeof raw === 'string' ? raw.trim() : '';
    if (!INTEGER.test(digits)) return fail(`${describeValue(raw)} is not a whole number`);
  }
  // Up to 9 digits always fit an integer; up to 15 a double is exact: the common cases need no BigInt.
  const unsigned = digits[0] === '+' || digits[0] === '-' ? digits.length - 1 : digits.length;
  if (unsigned <= 9) return digits;
  if (unsigned <= 15) {
    const value = Number(digits);
    if (type === 'integer' && (value < INT32_MIN || value > INT32_MAX)) return fail(`${describeValue(raw)} is out of range for integer`);
    return String(value);
  }
  const value = BigInt(digits);
  const [min, max] = type === 'integer' ? [BigInt(INT32_MIN), BigInt(INT32_MAX)] : [INT64_MIN, INT64_MAX];
  if (value < min || value > max) return fail(`${describeValue(raw)} is out of range for ${type}`);
  return value.toString();
}

function coerceNumeric(raw: unknown): string | Misfit {
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : fail(`${describeValue(raw)} is not a finite number`);
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || text.length > MAX_NUMERIC_LENGTH || !DECIMAL.test(text)) return fail(`${describeValue(raw)} is not a number`);
  const exponent = EXPONENT.exec(text); // only when there is one: most numbers have none
  if (exponent !== null && Math.abs(Number(exponent[1])) > MAX_NUMERIC_EXPONENT) return fail(`${describeValue(raw)} is out of range for numeric`);
  return text;
}

function coerceBoolean(raw: unknown): string | Misfit {
  if (typeof raw === 'boolean') return raw ? 't' : 'f';
  const word = typeof raw === 'string' ? raw.trim().toLowerCase() : typeof raw === 'number' ? String(raw) : undefined;
  if (word !== undefined && TRUE_WORDS.has(word)) return 't';
  if (word !== undefined && FALSE_WORDS.has(word)) return 'f';
  return fail(`${describeValue(raw)} is not a boolean (true/false, t/f, yes/no, y/n, 1/0)`);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= DAYS_IN_MONTH[month - 1] + (month === 2 && isLeapYear(year) ? 1 : 0);
}

/** `YYYY-MM-DD` naming a real day; read by character codes, as it runs for every date of a load. */
function validDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return false;
  return isCalendarDate(digitsAt(text, 0, 4), digitsAt(text, 5, 2), digitsAt(text, 8, 2));
}

const DASH = 0x2d;

/** The number the `count` ASCII digits at `start` spell; -1 when one is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function coerceDate(raw: unknown): string | Misfit {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !validDate(text)) return fail(`${describeValue(raw)} is not a date (YYYY-MM-DD)`);
  return text;
}

function coerceTimestamp(raw: unknown): string | Misfit {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const match = text === undefined ? null : TIMESTAMP.exec(text);
  const invalid = () => fail(`${describeValue(raw)} is not a timestamp (ISO 8601, e.g. 2024-03-01T12:30:00Z)`);
  if (!match || !validDate(match[1])) return invalid();
  const [, date, hour = '00', minute = '00', second = '00', fraction = '', zone] = match;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return invalid();
  const offset = zone === undefined || zone.toUpperCase() === 'Z' ? '+00:00' : normalizeOffset(zone);
  if (offset === undefined) return invalid();
  return `${date} ${hour}:${minute}:${second}${fraction}${offset}`;
}

/** `+0530` / `+05:30` / `+05` → `+05:30`; undefined when out of range. */
function normalizeOffset(zone: string): string | undefined {
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 15 || minutes > 59) return undefined;
  return `${zone[0]}${digits.slice(0, 2)}:${String(minutes).padStart(2, '0')}`;
}

function coerceJson(raw: unknown, textual: boolean): string | Misfit {
  let value = raw;
  if (typeof raw === 'string' && textual) {
    try {
      value = JSON.parse(raw);
    } catch {
      return fail(`${describeValue(raw)} is not valid JSON`);
    }
  }
  if (!isSafeJsonValue(value)) return fail('contains a NUL character or lone surrogate, which PostgreSQL jsonb cannot store');
  return JSON.stringify(value);
}
