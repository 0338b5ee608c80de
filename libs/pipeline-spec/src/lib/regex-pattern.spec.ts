import { regexPatternProblem } from './regex-pattern';

describe('regex check patterns', () => {
  it.each(['^[A-Z]{3}$', '^\\d{4}-\\d{2}-\\d{2}$', '^(ab)+$', '^(a|b)*c$', '[(+*]+', '\\(a+\\)+', '^(?:[a-z]{2}){1,3}$', '(a{3})+'])('accepts %s', (pattern) => {
    expect(regexPatternProblem(pattern)).toBeUndefined();
  });

  it.each(['(a+)+', '(a*)*', '^(a+)*$', '((ab)*)+', '(\\w+\\s?)+$', '(a{2,})+', '(x+){2,5}'])('refuses the nested repetition %s', (pattern) => {
    expect(regexPatternProblem(pattern)).toMatch(/exponential time/);
  });

  it.each(['(', '[a-', 'a{2,1}', '*a'])('refuses %s, which does not compile', (pattern) => {
    expect(regexPatternProblem(pattern)).toMatch(/does not compile/);
  });

  it('refuses empty and over-long patterns', () => {
    expect(regexPatternProblem('')).toMatch(/empty/);
    expect(regexPatternProblem('a'.repeat(501))).toMatch(/longer than 500/);
  });
});
