"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { inputClass } from "@/components/ui/field";
import { formatInstant } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";
import { ApiError } from "@/lib/wire/errors";
import { SERVER_VIEW_LABELS, type ServerView } from "@/lib/wire/server";
import { fetchServerView, type ViewWithChoices } from "./api";
import { MemcachedStatsView, UwsgiCachesView } from "./cache-views";
import { ClientsView, SlowlogView } from "./redis-activity";
import { ConfigView, InfoView, LatencyView, MemoryView } from "./redis-settings";
import { NodesView, SentinelView } from "./topology-views";

const AUTO_REFRESH_MS = 5_000;

/** What a view may do beyond reading: the admin's actions, offered only where the server would take them. */
export interface ViewContext {
  connectionId: string;
  node: string | null;
  canManage: boolean;
  refresh: () => void;
}

function Body({ reply, context }: { reply: ViewWithChoices; context: ViewContext }) {
  switch (reply.view) {
    case "slowlog":
      return <SlowlogView data={reply.data} context={context} />;
    case "clients":
      return <ClientsView data={reply.data} context={context} />;
    case "info":
      return <InfoView data={reply.data} />;
    case "config":
      return <ConfigView data={reply.data} />;
    case "latency":
      return <LatencyView data={reply.data} />;
    case "memory":
      return <MemoryView data={reply.data} />;
    case "nodes":
      return <NodesView data={reply.data} connectionId={context.connectionId} />;
    case "sentinel":
      return <SentinelView data={reply.data} />;
    case "memcached":
      return <MemcachedStatsView data={reply.data} />;
    case "uwsgi":
      return <UwsgiCachesView data={reply.data} />;
  }
}

/**
 * A connection's Server tab: the views its backend offers (`capabilities.serverViews`), one at a time
 * (`?view=`), read on demand with a refresh button and an optional auto-refresh. Per-node views of a cluster
 * get a node selector (`?node=`).
 */
export function ServerPanel({ connectionId, views, canManage, manageNote }: { connectionId: string; views: readonly ServerView[]; canManage: boolean; manageNote: string | null }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const requested = params.get("view") as ServerView | null;
  const view: ServerView = requested && views.includes(requested) ? requested : views[0];
  const node = params.get("node");
  const [auto, setAuto] = useState(false);

  const query = useQuery({
    queryKey: queryKeys.serverView(connectionId, view, node),
    queryFn: () => fetchServerView(connectionId, view, node),
    refetchInterval: auto ? AUTO_REFRESH_MS : false,
    retry: false,
  });
  const go = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [name, value] of Object.entries(patch)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    router.replace(`${pathname}?${next}`, { scroll: false });
  };
  const choices = query.data?.nodeChoices ?? [];
  const perNode = choices.length > 0 && view !== "nodes";
  const context: ViewContext = { connectionId, node, canManage, refresh: () => void query.refetch() };

  return (
    <div className="mx-auto max-w-7xl space-y-4 p-4 sm:p-6">
      <div className="flex flex-wrap items-center gap-2">
        <nav aria-label="Server views" className="flex flex-wrap gap-1">
          {views.map((name) => (
            <button
              key={name}
              type="button"
              aria-pressed={name === view}
              onClick={() => go({ view: name })}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${name === view ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}`}
            >
              {SERVER_VIEW_LABELS[name]}
            </button>
          ))}
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {perNode && (
            <select aria-label="Node" className={`${inputClass} w-auto! py-1.5 font-mono text-xs`} value={node ?? ""} onChange={(e) => go({ node: e.target.value || null })}>
              <option value="">first primary</option>
              {choices.map((choice) => (
                <option key={choice.address} value={choice.address}>
                  {choice.address} ({choice.role})
                </option>
              ))}
            </select>
          )}
          <label className="flex items-center gap-1.5 text-sm text-slate-600 dark:text-slate-300">
            <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} />
            Auto-refresh
          </label>
          <Button variant="secondary" size="sm" onClick={() => void query.refetch()} disabled={query.isFetching}>
            {query.isFetching ? "Refreshing…" : "Refresh"}
          </Button>
        </div>
      </div>
      <p className="text-xs text-slate-500">
        {query.dataUpdatedAt > 0 && <>Read {formatInstant(query.dataUpdatedAt)}{auto && ", every 5 s"}. </>}
        {manageNote}
      </p>
      {query.error ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          <ErrorText failure={query.error instanceof ApiError ? { code: query.error.code, message: query.error.message } : { code: "NETWORK", message: String(query.error) }} />
        </div>
      ) : query.data && query.data.view === view ? (
        <Body reply={query.data} context={context} />
      ) : (
        <p className="text-sm text-slate-500">Loading…</p>
      )}
    </div>
  );
}
