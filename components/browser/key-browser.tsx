"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { inputClass } from "@/components/ui/field";
import type { PublicProfile } from "@/lib/connections/load";
import type { Capabilities } from "@/lib/drivers/types";
import { Button } from "@/components/ui/button";
import { AddKeyDialog } from "./add-key-dialog";
import { KeyDetail } from "./key-detail";
import { KeyList, type KeyFilter } from "./key-list";
import { keyFromUrlParam, keyToUrlParam, searchString } from "./key-url";
import { NamespaceTree } from "./namespace-tree";

const TYPES = ["string", "hash", "list", "set", "zset", "stream"] as const;

const noSubscription = () => () => undefined;

/**
 * One connection's key browser. The URL is the state: `ns` (base64url prefix), `q` (glob, or an exact key
 * with `mode=exact` — an addition to the shared contract), `type` and `key` (base64url of the open key, or a
 * handle for a key too long for a URL, see `key-url.ts`), so
 * reload, back/forward and shared links land on the same view. Selecting a namespace or a key pushes a
 * history entry; typing in the filter replaces the current one.
 */
export function KeyBrowser({ profile, capabilities, canWrite }: { profile: PublicProfile; capabilities: Capabilities; canWrite: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filter: KeyFilter = {
    ns: params.get("ns") ?? "",
    q: params.get("q") ?? "",
    type: params.get("type") ?? "",
    exact: params.get("mode") === "exact",
  };
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
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
  const storageKey = `cacheboard:browser:${profile.id}`;
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

  const filterRef = useRef<HTMLInputElement>(null);
  const [adding, setAdding] = useState(false);
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
    </>
  );

  return (
    <div className="flex h-full min-h-0">
      <aside className="w-64 shrink-0 border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900/50">
        {capabilities.listKeys ? (
          <NamespaceTree
            connectionId={profile.id}
            delimiter={profile.keyDelimiter}
            selected={filter.ns}
            onSelect={(prefix) => navigate({ ns: prefix || null })}
            canWrite={canWrite}
            canDelete={capabilities.namespaceDelete}
            canExpire={capabilities.namespaceExpire}
            canPersist={capabilities.persist}
          />
        ) : (
          <p className="p-4 text-sm text-slate-500">This connection cannot list its keys: open one by its exact name.</p>
        )}
      </aside>
      <section className="min-w-0 flex-1 bg-white dark:bg-slate-950" aria-label="Key list">
        <KeyList
          connectionId={profile.id}
          filter={filter}
          openKey={openKey}
          onOpen={(param) => navigate({ key: keyToUrlParam(param) })}
          onKeysDeleted={(deleted) => {
            if (openKey && deleted.includes(openKey)) {
              setGone(urlKey);
              navigate({ key: null }, "replace");
            }
          }}
          canWrite={canWrite}
          production={production}
          filterInput={filterInput}
        />
      </section>
      {open && "unknownHandle" in open && (
        <aside className="w-[min(44%,40rem)] shrink-0 border-l border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900" aria-label="Key detail">
          <p role="status">This link points at a key whose name is too long for a URL; it can only be opened in the tab that opened it. Find the key in the list to open it here.</p>
        </aside>
      )}
      {openKey && (
        <aside className="w-[min(44%,40rem)] shrink-0 border-l border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" aria-label="Key detail">
          <KeyDetail
            key={openKey}
            connectionId={profile.id}
            profile={profile}
            capabilities={capabilities}
            canWrite={canWrite}
            keyParam={openKey}
            onClose={() => navigate({ key: null })}
            onDeleted={() => {
              setGone(urlKey);
              navigate({ key: null }, "replace");
            }}
            onRenamed={(_old, next) => navigate({ key: keyToUrlParam(next) }, "replace")}
          />
        </aside>
      )}
      {canWrite && (
        <AddKeyDialog
          connectionId={profile.id}
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
