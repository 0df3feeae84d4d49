/** Python's `repr` of `str` and `bytes`, so the UI shows values the way the Python developer would see them. */

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const SPACE_SEPARATOR = /\p{Zs}/u;

function quoteFor(hasSingle: boolean, hasDouble: boolean): string {
  return hasSingle && !hasDouble ? '"' : "'";
}

export function pyStrRepr(text: string): string {
  const q = quoteFor(text.includes("'"), text.includes('"'));
  let out = q;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === q) out += `\\${q}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x7f && cp >= 0x20) out += ch;
    else if (NON_PRINTABLE.test(ch) || (ch !== " " && SPACE_SEPARATOR.test(ch))) {
      if (cp <= 0xff) out += `\\x${cp.toString(16).padStart(2, "0")}`;
      else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, "0")}`;
      else out += `\\U${cp.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + q;
}

export function pyBytesRepr(bytes: Uint8Array): string {
  const q = quoteFor(bytes.includes(0x27), bytes.includes(0x22));
  let out = `b${q}`;
  for (const b of bytes) {
    if (b === 0x5c) out += "\\\\";
    else if (b === q.charCodeAt(0)) out += `\\${q}`;
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return out + q;
}
