import { ProgressGate } from './progress-gate';
import { crawlerUserAgent } from './user-agent';

describe('ProgressGate', () => {
  it('passes at most once per interval', () => {
    let now = 0;
    const gate = new ProgressGate(1_000, () => now);
    expect(gate.pass()).toBe(true);
    now = 400;
    expect(gate.pass()).toBe(false);
    now = 999;
    expect(gate.pass()).toBe(false);
    now = 1_000;
    expect(gate.pass()).toBe(true);
    now = 1_500;
    expect(gate.pass()).toBe(false);
  });

  it('can start closed, passing first one interval from now', () => {
    let now = 5_000;
    const gate = ProgressGate.startingNow(1_000, () => now);
    expect(gate.pass()).toBe(false);
    now = 5_999;
    expect(gate.pass()).toBe(false);
    now = 6_000;
    expect(gate.pass()).toBe(true);
  });
});

describe('crawlerUserAgent', () => {
  it('names the product, version and contact URL', () => {
    expect(crawlerUserAgent('0.1.0', 'https://ops.example.org/crawler')).toBe('Sluice/0.1.0 (+https://ops.example.org/crawler)');
    expect(crawlerUserAgent('0.1.0', undefined)).toBe('Sluice/0.1.0');
  });
});
