"use client";

import { AppLink as Link } from "@/components/ui/app-link";
import { formatBytes, formatCount, formatTtl } from "@/lib/format";
import { keyToUrlParam, searchString } from "@/components/browser/key-url";
import type { KeyFigures } from "@/lib/wire/analysis";

/** A key-browser link that opens the key. */
function keyHref(connectionId: string, key: string): string {
  return `/c/${connectionId}?${searchString(new URLSearchParams({ key: keyToUrlParam(key) }))}`;
}

/** The biggest keys by bytes, or the longest collections by element count; each opens in the key browser. */
export function KeyTable({ connectionId, title, keys, by }: { connectionId: string; title: string; keys: KeyFigures[]; by: "bytes" | "length" }) {
  const id = `${by}-keys-heading`;
  return (
    <section aria-labelledby={id} className="min-w-0 space-y-2">
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      <div className="max-h-[28rem] overflow-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-sm" data-testid={`top-${by}`}>
          <thead className="sticky top-0 bg-slate-50 text-xs text-slate-500 dark:bg-slate-800 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-2 py-1.5 text-left font-medium">
                Key
              </th>
              <th scope="col" className="px-2 py-1.5 text-left font-medium">
                Type
              </th>
              <th scope="col" className="px-2 py-1.5 text-right font-medium">
                {by === "bytes" ? "Bytes" : "Length"}
              </th>
              <th scope="col" className="px-2 py-1.5 text-right font-medium">
                TTL
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {keys.map((key) => (
              <tr key={key.key} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
                <td className="max-w-[11rem] px-2 py-1 sm:max-w-xs">
                  <Link href={keyHref(connectionId, key.key)} className="block truncate font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300" title={key.label}>
                    {key.label}
                  </Link>
                </td>
                <td className="px-2 py-1 text-xs text-slate-500">{key.type}</td>
                <td className="px-2 py-1 text-right tabular-nums" title={by === "length" ? formatBytes(key.bytes) : undefined}>
                  {by === "bytes" ? formatBytes(key.bytes) : formatCount(key.length ?? 0)}
                </td>
                <td className="px-2 py-1 text-right text-xs text-slate-500 tabular-nums">{key.ttlMs === null ? "none" : formatTtl(key.ttlMs)}</td>
              </tr>
            ))}
            {keys.length === 0 && (
              <tr>
                <td colSpan={4} className="px-2 py-3 text-center text-xs text-slate-500">
                  {by === "length" ? "No collections (hashes, lists, sets, sorted sets, streams)." : "No keys."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
