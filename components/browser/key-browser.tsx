"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { inputClass } from "@/components/ui/field";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { PublicProfile } from "@/lib/connections/load";
import type { Capabilities } from "@/lib/drivers/types";
import { Button } from "@/components/ui/button";
import { connectionRef } from "@/lib/wire/connection-ref";
import type { KeyPage } from "@/lib/wire/key-page";
import type { TreeState } from "@/lib/wire/tree";
import { AddKeyDialog } from "./add-key-dialog";
import { DbSwitcher } from "./db-switcher";
import { KeyDetail } from "./key-detail";
import type { KeyFilter } from "./key-filter";
import { KeyList } from "./key-list";
import { connectLane } from "./lane-socket";
import { keyFromUrlParam, keyToUrlParam, searchString } from "./key-url";
import { NamespaceTree } from "./namespace-tree";
import { DETAIL_WIDTH, PaneHandle, TREE_WIDTH, usePaneLayout } from "./pane-layout";
import { namespaceChoice, selectionChoice, TransferDialogs, type TransferRequest } from "./transfer/transfer-dialogs";

const TYPES = ["string", "hash", "list", "set", "zset", "stream"] as const;

/** Beside the list from `md` up (its width is the remembered one); below it a sheet over the whole screen. */
const detailPaneClass =
  "fixed inset-0 z-30 overflow-hidden bg-white md:static md:z-auto md:w-[min(var(--detail-w),60%)] md:shrink-0 md:border-l md:border-slate-200 dark:bg-slate-900 md:dark:border-slate-800";

/**
 * One connection's key browser. The URL is the state: `ns` (base64url prefix), `q` (glob, or an exact key
 * with `mode=exact` — an addition to the shared contract), `type` and `key` (base64url of the open key, or a
 * handle for a key too long for a URL, see `key-url.ts`), so
 * reload, back/forward and shared links land on the same view. Selecting a namespace or a key pushes a
 * history entry; typing in the filter replaces the current one.
 */
export function KeyBrowser({
  profile,
  capabilities,
  canWrite,
  db = null,
  transfer,
  initialPage = null,
  initialTree = null,
}: {
  profile: PublicProfile;
  capabilities: Capabilities;
  canWrite: boolean;
  /** May export keys to a file / import a file. */
  transfer: { export: boolean; import: boolean };
  /** The database chosen with the db switcher (`?db=`); null for the profile's own. */
  db?: number | null;
  /** The unfiltered first page of keys, read on the server while the page rendered (see `firstKeyPage`). */
  initialPage?: KeyPage | null;
  /** The namespace index's status and biggest first-level namespaces, when the server already held it. */
  initialTree?: TreeState | null;
}) {
  // Every read and write of this browser names the database: see `lib/wire/connection-ref.ts`.
  const connectionId = connectionRef(profile.id, db);
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filter: KeyFilter = {
    ns: params.get("ns") ?? "",
    q: params.get("q") ?? "",
    type: params.get("type") ?? "",
    exact: params.get("mode") === "exact",
  };
  const hydrated = useHydrated();
  const urlKey = params.get("key");
  const open = keyFromUrlParam(urlKey, hydrated);
  // A key just deleted or expired leaves the screen at once, before the URL change has gone through.
  const [gone, setGone] = useState<string | null>(null);
  if (gone !== null && gone !== urlKey) setGone(null);
  const openKey = open && "param" in open && urlKey !== gone ? open.param : null;

  const navigate = useCallback(
    (patch: Record<string, string | null>, mode: "push" | "replace" = "push") => {
      const next = new URLSearchParams(window.location.search);
      for (const [name, value] of Object.entries(patch)) {
        if (value) next.set(name, value);
        else next.delete(name);
      }
      const search = searchString(next);
      router[mode](search ? `${pathname}?${search}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  // Each connection remembers its last view for the browser session, so switching connections in the
  // sidebar and coming back lands where you were. Only a visit without any query restores it.
  const search = params.toString();
  const storageKey = `cacheboard:browser:${connectionId}`;
  const arrived = useRef(true);
  useEffect(() => {
    if (arrived.current) {
      arrived.current = false;
      const saved = sessionStorage.getItem(storageKey);
      if (!search && saved) {
        router.replace(`${pathname}?${saved}`, { scroll: false });
        return;
      }
    }
    if (search) sessionStorage.setItem(storageKey, search);
    else sessionStorage.removeItem(storageKey);
  }, [search, storageKey, pathname, router]);

  // The key pane reads over the lane's WebSocket once it is open; opening it now spares the first key's read
  // the handshake (until then reads go over HTTP).
  useEffect(() => connectLane(), []);

  const [panes, setPanes] = usePaneLayout();
  const [editRequest, setEditRequest] = useState<{ param: string; count: number } | null>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const treePane = useRef<HTMLElement>(null);
  const detailPane = useRef<HTMLElement>(null);
  const [adding, setAdding] = useState(false);
  const [transferring, setTransferring] = useState<TransferRequest | null>(null);
  const [draft, setDraft] = useState(filter.q);
  const [lastQ, setLastQ] = useState(filter.q);
  if (filter.q !== lastQ) {
    // Back/forward changed the filter: show it in the box.
    setLastQ(filter.q);
    setDraft(filter.q);
  }
  useEffect(() => {
    if (draft === filter.q) return;
    const timer = setTimeout(() => navigate({ q: draft || null }, "replace"), 300);
    return () => clearTimeout(timer);
  }, [draft, filter.q, navigate]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || document.querySelector("dialog[open]")) return;
      const target = event.target as HTMLElement | null;
      const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
      if (event.key === "/" && !typing) {
        event.preventDefault();
        filterRef.current?.focus();
      } else if (event.key === "Escape" && params.get("key")) {
        navigate({ key: null });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate, params]);

  const production = profile.environment === "production";
  const filterInput = (
    <>
      {capabilities.databases && <DbSwitcher profileId={profile.id} db={db} />}
      <select
        aria-label="Filter mode"
        className={`${inputClass} w-auto! py-1.5`}
        value={filter.exact ? "exact" : "glob"}
        onChange={(e) => navigate({ mode: e.target.value === "exact" ? "exact" : null }, "replace")}
      >
        <option value="glob">Pattern</option>
        <option value="exact">Exact key</option>
      </select>
      <input
        ref={filterRef}
        type="search"
        aria-label="Filter keys"
        placeholder={filter.exact ? "The exact key name" : "Glob pattern, e.g. user:* — press / to focus"}
        className={`${inputClass} w-auto! min-w-48 flex-1 py-1.5 font-mono`}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") navigate({ q: draft || null }, "replace");
        }}
      />
      {capabilities.types && (
        <select aria-label="Key type" className={`${inputClass} w-auto! py-1.5`} value={filter.type} onChange={(e) => navigate({ type: e.target.value || null })}>
          <option value="">All types</option>
          {TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      )}
      {canWrite && (
        <Button size="sm" className="py-1.5" onClick={() => setAdding(true)}>
          Add key
        </Button>
      )}
      {transfer.export && capabilities.listKeys && (
        <Button size="sm" variant="secondary" className="py-1.5" onClick={() => setTransferring({ mode: "export" })}>
          Export…
        </Button>
      )}
      {transfer.import && (
        <Button size="sm" variant="secondary" className="py-1.5" onClick={() => setTransferring({ mode: "import", prefixParam: filter.ns })}>
          Import…
        </Button>
      )}
    </>
  );

  const treeToggle = (collapsed: boolean) => (
    <button
      type="button"
      aria-label={collapsed ? "Show namespaces" : "Hide namespaces"}
      aria-expanded={!collapsed}
      title={collapsed ? "Show namespaces" : "Hide namespaces"}
      data-testid="tree-toggle"
      onClick={() => setPanes({ treeCollapsed: !collapsed })}
      className="flex items-center gap-1.5 rounded p-1 text-xs text-slate-500 hover:bg-slate-100 hover:text-slate-800 dark:hover:bg-slate-800 dark:hover:text-slate-200"
    >
      <svg viewBox="0 0 16 16" className={`h-4 w-4 ${collapsed ? "max-md:rotate-90" : "rotate-180 max-md:-rotate-90"}`} aria-hidden>
        <path d="M6 3.5 10.5 8 6 12.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {collapsed && <span className="md:sr-only">Namespaces</span>}
    </button>
  );

  return (
    // From `md` up the panes sit side by side, resizable; below it they stack and an open key covers the page.
    <div
      className="flex h-full min-h-0 flex-col md:flex-row"
      style={{ "--tree-w": `${panes.tree}px`, "--detail-w": panes.detail === null ? "min(36rem, 36%)" : `${panes.detail}px` } as React.CSSProperties}
      data-testid="key-browser"
    >
      {panes.treeCollapsed ? (
        <div className="flex shrink-0 items-center border-b border-slate-200 bg-white px-2 py-1 md:flex-col md:border-r md:border-b-0 md:px-1 md:py-2 dark:border-slate-800 dark:bg-slate-900/50" data-testid="tree-rail">
          {treeToggle(true)}
        </div>
      ) : (
        <>
          <aside
            ref={treePane}
            className="h-[40dvh] shrink-0 border-b border-slate-200 bg-white md:h-auto md:w-[min(var(--tree-w),40%)] md:border-r md:border-b-0 dark:border-slate-800 dark:bg-slate-900/50"
            data-testid="tree-pane"
          >
            {capabilities.listKeys ? (
              <NamespaceTree
                connectionId={connectionId}
                delimiter={profile.keyDelimiter}
                initialState={initialTree}
                selected={filter.ns}
                onSelect={(prefix) => navigate({ ns: prefix || null })}
                canWrite={canWrite}
                canDelete={capabilities.namespaceDelete}
                canExpire={capabilities.namespaceExpire}
                canPersist={capabilities.persist}
                atomicMissingOnly={capabilities.atomicExpireIfNoTtl}
                transfer={transfer}
                onTransfer={(prefix, mode, count) => setTransferring(mode === "export" ? { mode, first: namespaceChoice(prefix, count) } : { mode, prefixParam: prefix })}
                headerAction={treeToggle(false)}
              />
            ) : (
              <div className="flex items-start gap-2 p-4">
                <p className="flex-1 text-sm text-slate-500">This connection cannot list its keys: open one by its exact name.</p>
                {treeToggle(false)}
              </div>
            )}
          </aside>
          <PaneHandle label="Resize namespaces" value={panes.tree} range={TREE_WIDTH} grows="right" pane={() => treePane.current} onChange={(tree) => setPanes({ tree })} testId="tree-handle" />
        </>
      )}
      <section className="min-h-0 min-w-0 flex-1 bg-white dark:bg-slate-950" aria-label="Key list">
        <KeyList
          connectionId={connectionId}
          initialPage={initialPage}
          filter={filter}
          openKey={openKey}
          onOpen={(param) => navigate({ key: keyToUrlParam(param) })}
          onEdit={(param) => {
            setEditRequest((current) => ({ param, count: (current?.count ?? 0) + 1 }));
            if (param !== openKey) navigate({ key: keyToUrlParam(param) });
          }}
          onKeysDeleted={(deleted) => {
            if (openKey && deleted.includes(openKey)) {
              setGone(urlKey);
              navigate({ key: null }, "replace");
            }
          }}
          canWrite={canWrite}
          production={production}
          filterInput={filterInput}
          onExportKeys={transfer.export ? (params) => setTransferring({ mode: "export", first: selectionChoice(params) }) : undefined}
          expiry={capabilities.ttl ? { canPersist: capabilities.persist, atomicMissingOnly: capabilities.atomicExpireIfNoTtl } : undefined}
        />
      </section>
      {open && (
        <PaneHandle label="Resize key detail" value={panes.detail} range={DETAIL_WIDTH} grows="left" pane={() => detailPane.current} onChange={(detail) => setPanes({ detail })} testId="detail-handle" />
      )}
      {open && "unknownHandle" in open && (
        <aside ref={detailPane} className={`${detailPaneClass} p-4 text-sm`} aria-label="Key detail">
          <p role="status">This link points at a key whose name is too long for a URL; it can only be opened in the tab that opened it. Find the key in the list to open it here.</p>
        </aside>
      )}
      {openKey && (
        <aside ref={detailPane} className={detailPaneClass} aria-label="Key detail" data-testid="detail-pane">
          <KeyDetail
            key={openKey}
            connectionId={connectionId}
            profile={profile}
            capabilities={capabilities}
            canWrite={canWrite}
            keyParam={openKey}
            editRequest={editRequest?.param === openKey ? editRequest.count : 0}
            onClose={() => navigate({ key: null })}
            onDeleted={() => {
              setGone(urlKey);
              navigate({ key: null }, "replace");
            }}
            onRenamed={(_old, next) => navigate({ key: keyToUrlParam(next) }, "replace")}
          />
        </aside>
      )}
      <TransferDialogs request={transferring} profile={profile} capabilities={capabilities} filter={filter} onClose={() => setTransferring(null)} />
      {canWrite && (
        <AddKeyDialog
          connectionId={connectionId}
          capabilities={capabilities}
          profile={profile}
          open={adding}
          onClose={() => setAdding(false)}
          onCreated={(param) => {
            setAdding(false);
            navigate({ key: keyToUrlParam(param) });
          }}
        />
      )}
    </div>
  );
}
