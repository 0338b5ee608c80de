import { CrawlSpecError } from './crawl-errors';
import { contentHash, extractPage } from './extract-page';
import { validateFieldSpecs } from './field-specs';

const PAGE_URL = 'https://shop.example/catalog/page.html';
const PAGE = `<!doctype html>
<html><head>
  <title>
    The   Catalog
  </title>
  <link rel="next" href="/catalog/page-2.html">
  <link rel="stylesheet" href="/style.css">
</head><body>
  <h1>  Spring
     sale </h1>
  <div class="product" data-sku="A1"><span class="price">10 €</span><a href="item/a1.html#reviews">A1</a></div>
  <div class="product" data-sku="B2"><span class="price">20 €</span><a href="item/b2.html?utm_source=x">B2</a></div>
  <div class="product"><span class="price">30 €</span></div>
  <a href="item/a1.html">A1 again</a>
  <a href="https://other.example/" rel="nofollow noopener">sponsor</a>
  <a href="https://ads.example/" rel="NOFOLLOW">ad</a>
  <a href="mailto:shop@example.com">mail</a>
  <a href="javascript:void(0)">js</a>
  <a href="ftp://files.example/x">ftp</a>
  <map><area href="/map/region" alt="r"></map>
  <img src="/img/logo.png" alt="Logo">
</body></html>`;

describe('extractPage', () => {
  it('reads the text of the first match, trimmed with whitespace collapsed', () => {
    const page = extractPage(PAGE, PAGE_URL, { heading: 'h1', price: '.price' });
    expect(page.data).toEqual({ heading: 'Spring sale', price: '10 €' });
  });

  it('gives null for a selector without a match, and an empty array with all', () => {
    const page = extractPage(PAGE, PAGE_URL, { missing: '.nope', missingAll: { selector: '.nope', all: true }, missingAttr: { selector: 'h1', attr: 'data-x' } });
    expect(page.data).toEqual({ missing: null, missingAll: [], missingAttr: null });
  });

  it('reads an attribute of the first match', () => {
    const page = extractPage(PAGE, PAGE_URL, { sku: { selector: '.product', attr: 'data-sku' }, logo: { selector: 'img', attr: 'src' } });
    expect(page.data).toEqual({ sku: 'A1', logo: '/img/logo.png' });
  });

  it('returns every match with all, leaving out matches without the attribute', () => {
    const page = extractPage(PAGE, PAGE_URL, { prices: { selector: '.price', all: true }, skus: { selector: '.product', attr: 'data-sku', all: true } });
    expect(page.data).toEqual({ prices: ['10 €', '20 €', '30 €'], skus: ['A1', 'B2'] });
  });

  it('reads the title', () => {
    expect(extractPage(PAGE, PAGE_URL, {}).title).toBe('The Catalog');
    expect(extractPage('<p>no title</p>', PAGE_URL, {}).title).toBeUndefined();
  });

  it('finds followable links: absolute, normalised, deduplicated, http(s) only, nofollow and non-next <link>s skipped', () => {
    expect(extractPage(PAGE, PAGE_URL, {}).links).toEqual([
      'https://shop.example/catalog/page-2.html',
      'https://shop.example/catalog/item/a1.html',
      'https://shop.example/catalog/item/b2.html',
      'https://shop.example/map/region',
    ]);
  });

  it('resolves links against <base href>, itself relative to the page URL', () => {
    const html = '<html><head><base href="/docs/v2/"></head><body><a href="intro.html">i</a><a href="../v1/old.html">o</a></body></html>';
    expect(extractPage(html, PAGE_URL, {}).links).toEqual(['https://shop.example/docs/v2/intro.html', 'https://shop.example/docs/v1/old.html']);
  });

  it.each(['nofollow', 'NOINDEX, NOFOLLOW', 'none'])('follows no links when <meta name=robots content="%s">', (content) => {
    const html = `<html><head><meta name="robots" content="${content}"></head><body><a href="/a">a</a></body></html>`;
    const page = extractPage(html, PAGE_URL, { a: 'a' });
    expect(page.links).toEqual([]);
    expect(page.data).toEqual({ a: 'a' });
  });

  it('still follows links with meta robots noindex only', () => {
    const html = '<html><head><meta name="robots" content="noindex"></head><body><a href="/a">a</a></body></html>';
    expect(extractPage(html, PAGE_URL, {}).links).toEqual(['https://shop.example/a']);
  });

  it('throws CrawlSpecError naming the field for an invalid selector', () => {
    let thrown: unknown;
    try {
      extractPage(PAGE, PAGE_URL, { ok: 'h1', broken: { selector: 'a[href' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CrawlSpecError);
    expect((thrown as CrawlSpecError).code).toBe('INVALID_ARGUMENT');
    expect((thrown as CrawlSpecError).violations).toEqual([{ path: 'broken.selector', message: expect.stringContaining('invalid CSS selector') }]);
  });

  it('treats a selector that looks like HTML as a selector, never as markup to create', () => {
    expect(extractPage(PAGE, PAGE_URL, { injected: '<p>planted</p>' }).data).toEqual({ injected: null });
  });
});

describe('validateFieldSpecs', () => {
  it('accepts usable specs', () => {
    expect(validateFieldSpecs({ a: 'h1', b: { selector: 'a', attr: 'href', all: true }, c: { selector: 'p:contains(x) > b' } })).toEqual([]);
  });

  it('names every problem', () => {
    const violations = validateFieldSpecs({
      empty: '  ',
      syntax: 'div[',
      pseudo: 'a:no-such-pseudo',
      badAttr: { selector: 'a', attr: '' },
      badAll: { selector: 'a', all: 'yes' as unknown as boolean },
      extra: { selector: 'a', text: true } as unknown as { selector: string },
      noSelector: {} as unknown as { selector: string },
      wrongType: 42 as unknown as string,
    });
    expect(violations.map((v) => v.path)).toEqual(['empty', 'syntax', 'pseudo', 'badAttr.attr', 'badAll.all', 'extra.text', 'noSelector.selector', 'wrongType']);
    expect(violations.find((v) => v.path === 'pseudo')?.message).toMatch(/no-such-pseudo/);
  });
});

describe('contentHash', () => {
  it('is the sha256 hex of the text and tells different texts apart', () => {
    expect(contentHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(contentHash('a')).not.toBe(contentHash('b'));
  });
});
