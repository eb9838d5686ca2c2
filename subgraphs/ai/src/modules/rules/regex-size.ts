/**
 * How many atoms a pattern expands to once counted repetitions are unrolled, read from its text
 * without compiling it: RE2 unrolls `(a|aa){1000}` into thousands of instructions, and compiling a
 * 200-character pattern of those takes a quarter of a second and 20 MB. A pattern whose estimate is
 * far above the program-size limit is refused before it is compiled.
 *
 * The estimate counts each literal, class, escape or assertion as one atom and multiplies by the
 * enclosing `{n}` / `{n,m}` (m) / `{n,}` (n + 1) counts; RE2 emits at least about one instruction
 * per unrolled atom, so it is a cheap lower-bound-ish guess, checked against the real program size
 * after compiling.
 */
export function expandedSize(pattern: string): number {
  // One frame per open group: its size so far and the size of its last atom (what a quantifier repeats).
  const stack: { size: number; last: number }[] = [{ size: 0, last: 0 }];
  const top = () => stack[stack.length - 1]!;
  const atom = (size: number) => {
    top().size += size;
    top().last = size;
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      i = skipEscape(pattern, i);
      atom(1);
    } else if (c === '[') {
      i = skipClass(pattern, i);
      atom(1);
    } else if (c === '(') {
      stack.push({ size: 0, last: 0 });
      i = pattern.startsWith('(?', i) ? skipGroupPrefix(pattern, i) : i + 1;
    } else if (c === ')') {
      const inner = stack.length > 1 ? stack.pop()! : { size: 0, last: 0 };
      atom(inner.size);
      i++;
    } else if (c === '{') {
      const repeat = readRepeat(pattern, i);
      if (repeat) {
        const frame = top();
        frame.size += frame.last * (repeat.count - 1);
        frame.last *= repeat.count;
        i = repeat.end;
      } else {
        atom(1);
        i++;
      }
    } else {
      // `|`, `*`, `+`, `?` add a few instructions but never multiply; every other character is a literal.
      if (c !== '|' && c !== '*' && c !== '+' && c !== '?') atom(1);
      i++;
    }
  }
  while (stack.length > 1) {
    const inner = stack.pop()!;
    atom(inner.size);
  }
  return stack[0]!.size;
}

/** `{n}`, `{n,}` or `{n,m}` at `at`: how many copies it unrolls to, and where it ends. */
function readRepeat(pattern: string, at: number): { count: number; end: number } | null {
  const match = /^\{(\d{1,7})(,(\d{0,7}))?\}/.exec(pattern.slice(at, at + 20));
  if (!match) return null;
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : match[3] ? Number(match[3]) : min + 1;
  return { count: Math.max(1, min, max), end: at + match[0].length };
}

/** Past `\x`, `\pL`, `\p{Greek}`, `\x{263a}` or a `\Q...\E` literal run (counted as one atom: it never multiplies). */
function skipEscape(pattern: string, at: number): number {
  const next = pattern[at + 1];
  if (next === 'Q') {
    const end = pattern.indexOf('\\E', at + 2);
    return end < 0 ? pattern.length : end + 2;
  }
  if ((next === 'p' || next === 'P' || next === 'x') && pattern[at + 2] === '{') {
    const end = pattern.indexOf('}', at + 3);
    return end < 0 ? pattern.length : end + 1;
  }
  if (next === 'p' || next === 'P') return at + 3;
  return at + 2;
}

/** Past a character class; `]` first (or after `^`) is literal, `[:alpha:]` is one item. */
function skipClass(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '\\') i = skipEscape(pattern, i);
    else if (pattern.startsWith('[:', i)) {
      const end = pattern.indexOf(':]', i + 2);
      i = end < 0 ? i + 1 : end + 2;
    } else i++;
  }
  return i + 1;
}

/** Past `(?:`, `(?i)`, `(?P<name>`, `(?<name>`: flags and names are not atoms. */
function skipGroupPrefix(pattern: string, at: number): number {
  const named = /^\(\?P?<[^>]*>/.exec(pattern.slice(at, at + 64));
  if (named) return at + named[0].length;
  let i = at + 2;
  while (i < pattern.length && pattern[i] !== ':' && pattern[i] !== ')') i++;
  // `(?i)` only sets flags: its `)` then closes an empty frame.
  return pattern[i] === ':' ? i + 1 : i;
}
