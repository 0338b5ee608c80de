import { isPermanentSqlError } from './sql-errors';

const pgError = (code: string) => Object.assign(new Error('x'), { code });

describe('isPermanentSqlError', () => {
  it.each(['42703', '42P01', '22P02', '2201B', '23505', '21000', '2BP01', '25006', '57014', '0A000', '54001'])('treats %s as permanent', (code) => {
    expect(isPermanentSqlError(pgError(code))).toBe(true);
  });

  it.each(['08006', '40001', '40P01', '53200', '57P01', '55P03', 'XX000'])('treats %s as worth a retry', (code) => {
    expect(isPermanentSqlError(pgError(code))).toBe(false);
  });

  it('treats errors without a SQLSTATE (connection refused, reset) as worth a retry', () => {
    expect(isPermanentSqlError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isPermanentSqlError(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isPermanentSqlError(undefined)).toBe(false);
  });
});
