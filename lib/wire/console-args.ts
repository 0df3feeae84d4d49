/**
 * A console line into its arguments, the way redis-cli splits one: words separated by spaces, "double
 * quotes" with escapes (\n \r \t \b \a \\ \" and \xHH for any byte), 'single quotes' with only \' — so a
 * binary value can be typed. And back: an argument as text that splits into the same bytes. Pure, client-safe.
 */

export class ArgsError extends Error {}

const encoder = new TextEncoder();
const SIMPLE_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, a: 7 };

function isHex(char: string | undefined): boolean {
  return char !== undefined && /^[0-9a-fA-F]$/.test(char);
}

/** The arguments of one line, as bytes. Throws ArgsError on an unbalanced quote. */
export function splitArgs(line: string): Uint8Array[] {
  const args: Uint8Array[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) break;
    const bytes: number[] = [];
    const text = (s: string) => bytes.push(...encoder.encode(s));
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = line[i];
      if (inDouble) {
        if (c === undefined) throw new ArgsError("Unbalanced quotes: a double quote is not closed.");
        if (c === "\\" && line[i + 1] === "x" && isHex(line[i + 2]) && isHex(line[i + 3])) {
          bytes.push(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (c === "\\" && i + 1 < n) {
          const next = line[i + 1];
          if (next in SIMPLE_ESCAPES) bytes.push(SIMPLE_ESCAPES[next]);
          else text(next);
          i += 2;
          continue;
        }
        if (c === '"') {
          if (i + 1 < n && !/\s/.test(line[i + 1])) throw new ArgsError("A closing quote must be followed by a space.");
          i++;
          break;
        }
      } else if (inSingle) {
        if (c === undefined) throw new ArgsError("Unbalanced quotes: a single quote is not closed.");
        if (c === "\\" && line[i + 1] === "'") {
          bytes.push(39);
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1])) throw new ArgsError("A closing quote must be followed by a space.");
          i++;
          break;
        }
      } else {
        if (c === undefined || /\s/.test(c)) break;
        if (c === '"') {
          inDouble = true;
          i++;
          continue;
        }
        if (c === "'") {
          inSingle = true;
          i++;
          continue;
        }
      }
      // One code point (a surrogate pair stays together).
      const code = line.codePointAt(i)!;
      const char = String.fromCodePoint(code);
      text(char);
      i += char.length;
    }
    args.push(Uint8Array.from(bytes));
  }
  return args;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** An argument as redis-cli would show it: bare when it is plain printable text, else quoted with escapes. */
export function argText(bytes: Uint8Array): string {
  let text: string | null = null;
  try {
    text = decoder.decode(bytes);
  } catch {
    text = null;
  }
  if (text !== null && text !== "" && !/[\s"'\\\u0000-\u001f\u007f\p{Cf}\p{Zl}\p{Zp}\u0080-\u009f]/u.test(text)) return text;
  let out = '"';
  if (text !== null) {
    for (const char of text) {
      const code = char.codePointAt(0)!;
      if (char === '"' || char === "\\") out += `\\${char}`;
      else if (char === "\n") out += "\\n";
      else if (char === "\r") out += "\\r";
      else if (char === "\t") out += "\\t";
      else if (code < 0x20 || code === 0x7f || /[\p{Cf}\p{Zl}\p{Zp}\u0080-\u009f]/u.test(char)) {
        for (const byte of encoder.encode(char)) out += `\\x${byte.toString(16).padStart(2, "0")}`;
      } else out += char;
    }
  } else {
    for (const byte of bytes) {
      if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
      else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
      else out += `\\x${byte.toString(16).padStart(2, "0")}`;
    }
  }
  return `${out}"`;
}

/** The arguments joined back into one line that splits into the same bytes. */
export function joinArgs(args: Uint8Array[]): string {
  return args.map(argText).join(" ");
}
