import { loadModule, scanSync } from 'libpg-query';
import { identifierProblem, quoteIdentifier, sqlNameProblem } from './identifier';
import { RESERVED_SQL_WORDS } from './reserved-words';

const RESERVED = 4;
const TYPE_FUNC_NAME = 3;

describe('identifiers', () => {
  beforeAll(() => loadModule());

  it.each(['a', 'load', 'movies_clean', 'x1', `a${'b'.repeat(62)}`])('accepts %s', (name) => {
    expect(identifierProblem(name)).toBeUndefined();
    expect(sqlNameProblem(name)).toBeUndefined();
  });

  it.each(['', 'Load', '1a', '_a', 'a-b', 'a b', 'a.b', 'é', 'a"b', `a${'b'.repeat(63)}`])('refuses %j', (name) => {
    expect(identifierProblem(name)).toMatch(/not a valid identifier/);
  });

  it('refuses reserved words and pg_ names only where authors write them in SQL', () => {
    expect(identifierProblem('check')).toBeUndefined();
    expect(sqlNameProblem('check')).toMatch(/reserved SQL word/);
    expect(sqlNameProblem('pg_user')).toMatch(/reserves for system objects/);
  });

  it('lists exactly words the PostgreSQL scanner treats as reserved', () => {
    for (const word of RESERVED_SQL_WORDS) {
      const [token] = scanSync(word).tokens;
      const reserved = token.keywordKind === RESERVED || token.keywordKind === TYPE_FUNC_NAME;
      expect([word, reserved]).toEqual([word, true]);
    }
  });

  it('covers every reserved word among a sample of common column names', () => {
    const sample = ['title', 'name', 'value', 'type', 'date', 'time', 'year', 'order', 'group', 'user', 'limit', 'offset', 'table', 'column', 'default', 'check', 'left', 'right', 'join', 'is', 'like', 'end', 'from', 'to', 'desc', 'all', 'analyze', 'window', 'only', 'array', 'collation', 'verbose', 'freeze', 'binary'];
    for (const word of sample) {
      const [token] = scanSync(word).tokens;
      const reserved = token.keywordKind === RESERVED || token.keywordKind === TYPE_FUNC_NAME;
      expect([word, RESERVED_SQL_WORDS.has(word)]).toEqual([word, reserved]);
    }
  });

  it('quotes identifiers by doubling embedded quotes', () => {
    expect(quoteIdentifier('t_acme')).toBe('"t_acme"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
