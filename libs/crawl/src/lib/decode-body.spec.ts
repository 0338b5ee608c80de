import iconv from 'iconv-lite';
import { charsetOf, decodeBody } from './decode-body';

const JAPANESE = '日本語のページ「テスト」';
const FRENCH = 'Déjà vu, garçon! «Très» ÿ';
const RUSSIAN = 'Привет, мир! Ёлка';

const html = (head: string, text: string) => `<!doctype html><html><head>${head}<title>t</title></head><body><p>${text}</p></body></html>`;
const encode = (text: string, encoding: string) => new Uint8Array(iconv.encode(text, encoding));

describe('decodeBody', () => {
  it.each([
    ['Shift_JIS', JAPANESE, 'text/html; charset=Shift_JIS'],
    ['ISO-8859-1', FRENCH, 'text/html; charset=iso-8859-1'],
    ['windows-1251', RUSSIAN, 'text/html;charset="windows-1251"'],
  ])('decodes %s named by the Content-Type header', (encoding, text, contentType) => {
    const body = encode(html('', text), encoding);
    const decoded = decodeBody(body, contentType);
    expect(decoded.text).toContain(text);
  });

  it.each([
    ['Shift_JIS', JAPANESE, '<meta charset="shift_jis">'],
    ['ISO-8859-1', FRENCH, '<meta charset=latin1>'],
    ['windows-1251', RUSSIAN, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'],
  ])('decodes %s named by a meta tag when the header has no charset', (encoding, text, meta) => {
    const decoded = decodeBody(encode(html(meta, text), encoding), 'text/html');
    expect(decoded.text).toContain(text);
  });

  it('lets the header win over a contradicting meta tag', () => {
    const decoded = decodeBody(encode(html('<meta charset="utf-8">', RUSSIAN), 'windows-1251'), 'text/html; charset=windows-1251');
    expect(decoded.text).toContain(RUSSIAN);
    expect(decoded.encoding).toBe('windows-1251');
  });

  it.each([
    ['UTF-8', 'utf8', [0xef, 0xbb, 0xbf]],
    ['UTF-16LE', 'utf16le', [0xff, 0xfe]],
    ['UTF-16BE', 'utf16be', [0xfe, 0xff]],
  ])('lets a %s byte-order mark win over the header and meta, and strips it', (name, iconvName, bom) => {
    const page = html('<meta charset="windows-1251">', RUSSIAN + JAPANESE);
    const body = new Uint8Array([...bom, ...iconv.encode(page, iconvName)]);
    const decoded = decodeBody(body, 'text/html; charset=iso-8859-1');
    expect(decoded.encoding).toBe(name);
    expect(decoded.text).toBe(page);
  });

  it('ignores an unknown header label and uses the meta tag', () => {
    const decoded = decodeBody(encode(html('<meta charset="shift_jis">', JAPANESE), 'Shift_JIS'), 'text/html; charset=no-such-charset');
    expect(decoded.text).toContain(JAPANESE);
  });

  it('falls back to windows-1252 when nothing names an encoding', () => {
    const decoded = decodeBody(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]), undefined);
    expect(decoded).toEqual({ text: 'café €', encoding: 'windows-1252' });
  });

  it('falls back to windows-1252 for an unknown label everywhere', () => {
    const decoded = decodeBody(new Uint8Array([...Buffer.from('<meta charset="klingon"><p>'), 0xe9]), 'text/html; charset=bogus');
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text).toBe('<meta charset="klingon"><p>é');
  });

  it('decodes a subarray view without reading bytes outside it', () => {
    const whole = Buffer.from('XXXhelloYYY');
    expect(decodeBody(whole.subarray(3, 8), 'text/plain; charset=utf-8').text).toBe('hello');
  });
});

describe('charsetOf', () => {
  it.each([
    ['text/html; charset=UTF-8', 'UTF-8'],
    ['text/html;charset="Shift_JIS"', 'Shift_JIS'],
    ['text/html; foo=bar; CHARSET = koi8-r ', 'koi8-r'],
    ['text/html', undefined],
    [undefined, undefined],
    ['text/html; charset=', undefined],
  ])('reads %j', (header, expected) => {
    expect(charsetOf(header)).toBe(expected);
  });
});
