const ROW = 16;

function dump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += ROW) {
    const row = bytes.subarray(at, at + ROW);
    let hex = "";
    let ascii = "";
    for (let i = 0; i < ROW; i += 1) {
      if (i < row.length) {
        hex += row[i].toString(16).padStart(2, "0") + (i === 7 ? "  " : " ");
        ascii += row[i] >= 0x20 && row[i] < 0x7f ? String.fromCharCode(row[i]) : ".";
      } else hex += i === 7 ? "    " : "   ";
    }
    lines.push(`${at.toString(16).padStart(8, "0")}  ${hex} ${ascii}`);
  }
  return lines.join("\n");
}

/** Offset, hex and printable ASCII, sixteen bytes a row, as `hexdump -C` prints them. */
export function HexDump({ bytes }: { bytes: Uint8Array }) {
  return (
    <pre className="overflow-x-auto font-mono text-xs leading-5 text-slate-800 dark:text-slate-200" data-testid="hex-dump">
      {dump(bytes)}
    </pre>
  );
}
