import type { DriverKind } from "@/lib/drivers/types";
import { kindOf } from "@/lib/kinds";
import { recognizeKey } from "@/lib/keyspace";

/**
 * Which library wrote the key, by its shape (`Django v1 · cache_page`, `Litestar sessions`, `Litestar rate
 * limit · client 10.0.0.7`…), beside the key's name. Keys no library shape fits, and uWSGI keys (the cache is
 * the namespace), show nothing.
 */
export function KeySchemeBadge({ keyBytes, kind }: { keyBytes: Uint8Array; kind: DriverKind }) {
  if (!kindOf(kind).keySchemes) return null;
  const scheme = recognizeKey(keyBytes);
  if (scheme.scheme === "plain") return null;
  const detail = scheme.detail && !scheme.label.endsWith(scheme.detail) ? scheme.detail : null;
  return (
    <span
      data-testid="key-scheme"
      title="The library that writes keys of this shape"
      className="rounded bg-emerald-100 px-1.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
    >
      {scheme.label}
      {detail && <span className="font-normal"> · {detail}</span>}
    </span>
  );
}
