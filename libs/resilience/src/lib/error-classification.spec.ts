import { InvalidArgumentError, NotFoundError, SluiceError, UnavailableError } from '@sluice/contracts';
import { isCallerError, isTransientError } from './error-classification';
import { CircuitOpenError, TimeoutError } from './resilience-errors';

const withFields = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);

describe('isTransientError', () => {
  it.each([
    ['an error marked transient', withFields({ transient: true })],
    ['UnavailableError', new UnavailableError('down')],
    ['RESOURCE_EXHAUSTED', new SluiceError('RESOURCE_EXHAUSTED', 'slow down')],
    ['TimeoutError', new TimeoutError(10)],
    ['CircuitOpenError', new CircuitOpenError('redis', 100)],
    ['gRPC UNAVAILABLE', withFields({ code: 14 })],
    ['gRPC DEADLINE_EXCEEDED', withFields({ code: 4 })],
    ['ECONNRESET', withFields({ code: 'ECONNRESET' })],
    ['HTTP 503', withFields({ status: 503 })],
    ['HTTP 429', withFields({ statusCode: 429 })],
  ])('retries %s', (_label, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('bug')],
    ['an UNAVAILABLE error marked not transient', Object.assign(new UnavailableError('x'), { transient: false })],
    ['InvalidArgumentError', new InvalidArgumentError('bad')],
    ['gRPC INVALID_ARGUMENT', withFields({ code: 3 })],
    ['HTTP 500', withFields({ status: 500 })],
    ['HTTP 404', withFields({ status: 404 })],
    ['a string', 'oops'],
    ['undefined', undefined],
  ])('does not retry %s', (_label, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});

describe('isCallerError', () => {
  it.each([
    ['InvalidArgumentError', new InvalidArgumentError('bad')],
    ['NotFoundError', new NotFoundError('page')],
    ['gRPC NOT_FOUND', withFields({ code: 5 })],
    ['HTTP 400', withFields({ status: 400 })],
    ['HTTP 404', withFields({ statusCode: 404 })],
  ])('excludes %s from breaker failures', (_label, error) => {
    expect(isCallerError(error)).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('down')],
    ['UnavailableError', new UnavailableError('down')],
    ['TimeoutError', new TimeoutError(10)],
    ['HTTP 429', withFields({ status: 429 })],
    ['HTTP 408', withFields({ status: 408 })],
    ['HTTP 503', withFields({ status: 503 })],
    ['gRPC UNAVAILABLE', withFields({ code: 14 })],
    ['a 400 marked transient', withFields({ status: 400, transient: true })],
  ])('counts %s as a failure', (_label, error) => {
    expect(isCallerError(error)).toBe(false);
  });
});
