/** No request body of this API nests deeper; a deeper one is refused before it reaches any parser. */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of a JSON text, by one scan that skips strings: linear and without recursion, so a
 * body nested 5,000 deep is measured, not walked by code that would run out of stack.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** The location (path of keys) of the first string or key holding NUL, walked without recursion; bytes are not text. */
export function findNul(value: unknown): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\0')) return path;
    } else if (ArrayBuffer.isView(current)) {
      // A binary body (a file sent as is) is bytes, not text: walking it as an object would make an entry
      // per byte (1.8 GB of heap for a 5 MB file). Its own reader judges its content.
      continue;
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: [...path, index] }));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\0')) return path;
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return undefined;
}
