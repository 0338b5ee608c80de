import { scraperV1, toTimestamp } from '@sluice/contracts';
import { toPageView } from './page-view';

const page = (overrides: Partial<scraperV1.Page> = {}): scraperV1.Page => ({
  url: 'https://example.org/a',
  finalUrl: 'https://example.org/a/',
  status: 200,
  fetchedAt: toTimestamp(new Date('2026-03-01T10:00:00.123Z')),
  contentType: 'text/html',
  bytes: 1234,
  title: 'A',
  data: { price: '3' },
  error: '',
  ...overrides,
});

describe('page view', () => {
  it('shows a fetched page with its extracted data', () => {
    expect(toPageView(page())).toEqual({
      url: 'https://example.org/a',
      finalUrl: 'https://example.org/a/',
      status: 200,
      fetchedAt: '2026-03-01T10:00:00.123Z',
      contentType: 'text/html',
      bytes: 1234,
      title: 'A',
      data: { price: '3' },
    });
  });

  it('shows what a failed fetch did not learn as null, and its error', () => {
    expect(toPageView(page({ finalUrl: '', status: 0, contentType: '', bytes: 0, title: '', data: undefined, error: 'refused: private address' }))).toEqual({
      url: 'https://example.org/a',
      finalUrl: null,
      status: null,
      fetchedAt: '2026-03-01T10:00:00.123Z',
      contentType: null,
      bytes: 0,
      title: null,
      data: {},
      error: 'refused: private address',
    });
  });
});
