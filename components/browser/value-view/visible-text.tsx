import { Fragment, type ReactNode } from "react";

/** Control characters other than newline and tab, DEL, C1 controls, and invisible format characters. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Python's escape for the character; Unicode's control pictures (`␀`) are missing from many monospace fonts. */
function symbol(ch: string): string {
  const cp = ch.charCodeAt(0);
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, "0")}` : `\\u${cp.toString(16).padStart(4, "0")}`;
}

/**
 * Text with its invisible characters made visible: each control or invisible format character is shown as
 * its escape (`\x00`, `\u200b`) on a tinted background, with the code point on hover, so the byte is never
 * mistaken for those four typed characters, nor for nothing at all.
 */
export function VisibleText({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(CONTROL)) {
    const at = m.index;
    if (at > last) parts.push(<Fragment key={`t${last}`}>{text.slice(last, at)}</Fragment>);
    const cp = m[0].charCodeAt(0);
    parts.push(
      <span
        key={`c${at}`}
        data-control-char
        title={`U+${cp.toString(16).toUpperCase().padStart(4, "0")} (control character)`}
        className="mx-px rounded-sm bg-rose-100 px-0.5 text-rose-800 dark:bg-rose-950 dark:text-rose-200"
      >
        {symbol(m[0])}
      </span>,
    );
    last = at + 1;
  }
  if (last < text.length) parts.push(<Fragment key={`t${last}`}>{text.slice(last)}</Fragment>);
  return <>{parts}</>;
}
