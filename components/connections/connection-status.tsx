"use client";

import { failureLine } from "@/lib/error-text";
import { useConnectionHealth } from "./use-connection-health";

/** A status dot (reachable, unreachable, checking) with latency or the error code beside or in its title. */
export function ConnectionStatus({ id, compact = false }: { id: string; compact?: boolean }) {
  const { data } = useConnectionHealth();
  const health = data?.find((h) => h.id === id);
  const tone = !health ? "bg-slate-300 dark:bg-slate-600" : health.ok ? "bg-emerald-500" : "bg-red-500";
  const unreadable = health?.code === "SECRET_UNREADABLE";
  const text = !health ? "checking…" : health.ok ? `${health.latencyMs} ms` : unreadable ? "secret unreadable — re-enter it" : (health.code ?? "unreachable");
  const title = !health ? "Checking" : health.ok ? `Reachable, ${health.latencyMs} ms${health.version ? `, server ${health.version}` : ""}` : unreadable ? `Secret unreadable — re-enter it. ${health.message}` : failureLine({ code: health.code ?? "INTERNAL", message: health.message ?? "" });
  return (
    <span className="inline-flex items-center gap-1.5" title={title} data-testid={`status-${id}`} data-state={!health ? "checking" : health.ok ? "up" : "down"}>
      <span className={`h-2 w-2 shrink-0 rounded-full ${tone}`} aria-hidden />
      {compact ? <span className="sr-only">{title}</span> : <span className={`text-xs ${health && !health.ok ? "font-mono text-red-600 dark:text-red-400" : "text-slate-500"}`}>{text}</span>}
    </span>
  );
}
