/** Longest `regex` check pattern accepted. */
export const MAX_REGEX_PATTERN_LENGTH = 500;

/**
 * Why a `regex` check pattern is refused, or undefined when it is accepted. The worker evaluates the
 * pattern in PostgreSQL (POSIX ARE); compiling it as a JavaScript RegExp is a syntax approximation
 * that catches unbalanced groups and brackets. Nested unbounded quantifiers (`(a+)+`, `(x*)*`) are
 * refused because they are the classic catastrophic-backtracking shape.
 */
export function regexPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'pattern must not be empty';
  if (pattern.length > MAX_REGEX_PATTERN_LENGTH) return `pattern is longer than ${MAX_REGEX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(pattern);
  } catch (error) {
    return `pattern does not compile: ${(error as Error).message}`;
  }
  if (hasNestedUnboundedQuantifier(pattern)) {
    return 'pattern repeats a group that itself contains a repetition (like (a+)+); such patterns can take exponential time';
  }
  return undefined;
}

/** True when a group containing `*`, `+` or `{n,}` is itself repeated by `*`, `+` or `{n,}`/`{n,m>1}`. */
function hasNestedUnboundedQuantifier(pattern: string): boolean {
  const groupHasRepetition: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      inClass = true;
    } else if (char === '(') {
      groupHasRepetition.push(false);
    } else if (char === ')') {
      const inner = groupHasRepetition.pop() ?? false;
      const repeated = repetitionAt(pattern, i + 1);
      if (inner && repeated) return true;
      if ((inner || repeated) && groupHasRepetition.length > 0) groupHasRepetition[groupHasRepetition.length - 1] = true;
    } else if (repetitionAt(pattern, i) && groupHasRepetition.length > 0) {
      groupHasRepetition[groupHasRepetition.length - 1] = true;
    }
  }
  return false;
}

function repetitionAt(pattern: string, index: number): boolean {
  const char = pattern[index];
  if (char === '*' || char === '+') return true;
  if (char !== '{') return false;
  const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index, index + 24));
  if (!match || match[2] === undefined) return false;
  return match[3] === '' || Number(match[3]) > 1;
}
