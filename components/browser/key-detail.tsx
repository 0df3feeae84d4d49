"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { inputClass } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { deleteKey } from "@/lib/actions/keys/delete-key";
import { renameKey } from "@/lib/actions/keys/rename-key";
import type { WireRead } from "@/lib/wire/value";
import { fromHex } from "@/lib/codecs";
import type { PublicProfile } from "@/lib/connections/load";
import type { Capabilities } from "@/lib/drivers/types";
import { keyConfirmation } from "@/lib/confirmation";
import { bytesToBase64, keyFromParam, keyHex, keyText, keyToParam } from "@/lib/wire/keys";
import { HiddenCharactersBadge } from "./hidden-characters-badge";
import { KeySchemeBadge } from "./key-scheme-badge";
import { TtlEditor } from "./ttl-editor";
import { CollectionTable } from "./value-view/collection-table";
import { formatBytes } from "@/lib/format";
import { ApiError } from "@/lib/wire/errors";
import type { PageRequest } from "./api";
import { useForgetKeys, useInvalidateKey, useKeyPage } from "./value-view/key-queries";
import { runAction } from "./value-view/run-action";
import { StringValue } from "./value-view/string-value";
import { plural } from "@/lib/plural";
import { ErrorText } from "@/components/ui/error-text";
import type { Failure } from "@/lib/error-text";
import { loginPathFor } from "@/lib/auth/next-path";

/** Choices of the value's auto-refresh; off unless asked for, so an open pane costs the server nothing. */
const AUTO_REFRESH_SECONDS = [0, 2, 5, 10, 30];

const typeLabel: Record<WireRead["type"], string> = { string: "string", hash: "hash", list: "list", set: "set", zset: "sorted set", stream: "stream" };

function RenameDialog({
  open,
  keyBytes,
  busy,
  error,
  onRename,
  onEdit,
  onClose,
}: {
  open: boolean;
  keyBytes: Uint8Array;
  busy: boolean;
  /** Why the last attempt was refused (a taken name): shown in the dialog, where the person is looking. */
  error: Failure | null;
  onRename: (key: Uint8Array) => void;
  onEdit: () => void;
  onClose: () => void;
}) {
  const shown = keyText(keyBytes);
  // Escaped text is not the name: edit such names as hex, so saving an unchanged field keeps the bytes.
  const escaped = shown.binary || shown.hidden;
  const [hex, setHex] = useState(escaped);
  const [text, setText] = useState(escaped ? keyHex(keyBytes) : shown.text);
  const bytes = hex ? fromHex(text) : new TextEncoder().encode(text);
  return (
    <Dialog open={open} title="Rename key" onClose={onClose}>
      <form
        className="space-y-3 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          if (bytes && bytes.length > 0) onRename(bytes);
        }}
        onChange={onEdit}
      >
        <label className="block space-y-1">
          <span className="text-slate-600 dark:text-slate-300">New name</span>
          <input className={`${inputClass} font-mono`} value={text} onChange={(e) => setText(e.target.value)} autoFocus aria-label="New key name" />
        </label>
        <label className="flex items-center gap-2 text-xs text-slate-500">
          <input type="checkbox" checked={hex} onChange={(e) => setHex(e.target.checked)} /> The name is hex bytes
        </label>
        <p className="text-xs text-slate-500">The value and TTL move with the key. A key that already has the new name is never replaced.</p>
        {error && (
          <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800 dark:bg-red-950/40 dark:text-red-200">
            <ErrorText failure={error} />
          </div>
        )}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy || !bytes || bytes.length === 0}>
            Rename
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * Everything about one key: its name, type, TTL and size, the value in its detected format with the
 * editors, and rename and delete. Writes go through server actions that refuse to overwrite a value that
 * changed since it was loaded. Without `canWrite` (a read-only connection, or a viewer) there are no write
 * controls at all; the server refuses such writes anyway.
 */
export function KeyDetail({
  connectionId,
  keyParam,
  profile,
  capabilities,
  canWrite,
  editRequest = 0,
  onClose,
  onDeleted,
  onRenamed,
}: {
  connectionId: string;
  keyParam: string;
  profile: PublicProfile;
  capabilities: Capabilities;
  /** The person may change keys here: an editor or admin on a connection that is not read-only. */
  canWrite: boolean;
  /** Raised each time `e` is pressed on this key in the list: start editing as soon as the value is loaded. */
  editRequest?: number;
  onClose: () => void;
  onDeleted: (keyParam: string) => void;
  onRenamed: (oldParam: string, newParam: string) => void;
}) {
  const toast = useToast();
  const keyBytes = keyFromParam(keyParam);
  const keyBase64 = bytesToBase64(keyBytes);
  const shownKey = keyText(keyBytes);
  const writable = canWrite && !profile.readOnly;
  const production = profile.environment === "production";
  const confirmation = production ? keyConfirmation(keyBytes) : undefined;
  const [showHex, setShowHex] = useState(false);
  const [page, setPage] = useState<PageRequest>({});
  const [editing, setEditing] = useState(false);
  // While editing, the value the edit started from stays on screen: a refetch must not swap it under the person.
  const [frozen, setFrozen] = useState<{ read: WireRead; readAt: number } | null>(null);
  const [renaming, setRenaming] = useState(false);
  const [renameError, setRenameError] = useState<Failure | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refreshSeconds, setRefreshSeconds] = useState(0);
  const query = useKeyPage(connectionId, keyParam, page, refreshSeconds > 0 ? refreshSeconds * 1000 : false);
  const invalidate = useInvalidateKey(connectionId, keyParam);
  const forgetKeys = useForgetKeys(connectionId);
  const forget = () => {
    onDeleted(keyParam);
    forgetKeys([keyParam]);
  };
  const live = query.data ? { read: query.data, readAt: query.dataUpdatedAt } : null;
  const current = editing && frozen ? frozen : live;

  function startEditing() {
    if (!writable || !live) return;
    setFrozen(live);
    setEditing(true);
  }

  const [editHandled, setEditHandled] = useState(0);
  if (editRequest > editHandled && live) {
    setEditHandled(editRequest);
    if (writable && live.read.type === "string" && !editing) {
      setFrozen(live);
      setEditing(true);
    }
  }

  function changeEditing(next: boolean) {
    if (next) startEditing();
    else {
      setEditing(false);
      setFrozen(null);
    }
  }

  async function remove() {
    setBusy(true);
    const result = await runAction(toast, () => deleteKey({ connectionId, key: keyBase64, confirm: confirmation }), "Key deleted");
    setBusy(false);
    setDeleting(false);
    if (result.ok) forget();
  }

  async function rename(newKey: Uint8Array) {
    setBusy(true);
    const result = await runAction(toast, () => renameKey({ connectionId, key: keyBase64, newKey: bytesToBase64(newKey) }), "Key renamed", "all");
    setBusy(false);
    if (!result.ok) {
      const taken = result.code === "ALREADY_EXISTS";
      setRenameError({ code: result.code, message: taken ? "A key with that name exists already; nothing was renamed. Choose another name." : result.message });
    }
    else {
      setRenaming(false);
      await invalidate();
      onRenamed(keyParam, keyToParam(newKey));
    }
  }

  const read = current?.read;
  const size = read ? (read.type === "string" ? formatBytes(read.total) : plural(read.total, "element")) : null;
  const missing = query.error instanceof ApiError && query.error.code === "NOT_FOUND";

  return (
    <section
      className="flex h-full min-h-0 flex-col bg-white focus:outline-none dark:bg-slate-950"
      aria-label="Key detail"
      tabIndex={-1}
      data-testid="key-detail"
      onKeyDown={(event) => {
        const target = event.target as HTMLElement;
        if (target.closest("input, textarea, select, [contenteditable='true'], dialog")) return;
        if (event.key === "e" && !event.ctrlKey && !event.metaKey && !event.altKey && !editing && read?.type === "string") {
          event.preventDefault();
          startEditing();
        } else if (event.key === "Escape" && editing) {
          event.preventDefault();
          changeEditing(false);
        }
      }}
    >
      {/* On a narrow screen the detail covers the list: a way back to it, where a thumb reaches. */}
      <div className="flex shrink-0 items-center border-b border-slate-200 px-2 py-1 md:hidden dark:border-slate-800">
        <Button size="sm" variant="ghost" onClick={onClose} data-testid="key-back">
          <svg viewBox="0 0 16 16" className="h-4 w-4" aria-hidden>
            <path d="M10 3.5 5.5 8l4.5 4.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Back to keys
        </Button>
      </div>
      <header className="space-y-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <div className="flex items-start gap-2">
          <h2 className="min-w-0 flex-1 font-mono text-sm font-semibold break-all" data-testid="key-name" title={keyHex(keyBytes)}>
            {showHex ? keyHex(keyBytes) : shownKey.text}
          </h2>
          <Button size="sm" variant="ghost" aria-pressed={showHex} onClick={() => setShowHex((v) => !v)}>
            {showHex ? "Text" : "Hex"}
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() =>
              void navigator.clipboard.writeText(shownKey.text).then(
                () => toast("Key name copied", "success"),
                () => toast("The browser refused clipboard access", "error"),
              )
            }
          >
            Copy name
          </Button>
          <Button size="sm" variant="ghost" aria-label="Close key" className="max-md:hidden" onClick={onClose}>
            ✕
          </Button>
        </div>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
          {shownKey.binary && <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-900/40 dark:text-amber-100">binary key</span>}
          {shownKey.hidden && <HiddenCharactersBadge />}
          <KeySchemeBadge keyBytes={keyBytes} kind={profile.kind} />
          {read && (
            <span>
              <span className="text-slate-500">Type</span> <span className="font-medium" data-testid="key-type">{typeLabel[read.type]}</span>
            </span>
          )}
          {size && (
            <span>
              <span className="text-slate-500">Size</span> <span className="font-medium">{size}</span>
            </span>
          )}
          {profile.readOnly && <span className="rounded bg-slate-200 px-1.5 text-xs dark:bg-slate-800">read-only connection</span>}
          <label className="ml-auto flex items-center gap-1 text-xs text-slate-500">
            Auto-refresh
            <select
              aria-label="Auto-refresh the value"
              className={`${inputClass} w-auto! py-0.5! text-xs`}
              value={refreshSeconds}
              onChange={(e) => setRefreshSeconds(Number(e.target.value))}
            >
              {AUTO_REFRESH_SECONDS.map((seconds) => (
                <option key={seconds} value={seconds}>
                  {seconds === 0 ? "off" : `every ${seconds} s`}
                </option>
              ))}
            </select>
          </label>
        </div>
        {read && current && (
          <TtlEditor
            key={`${read.ttlMs}-${current.readAt}`}
            connectionId={connectionId}
            keyBase64={keyBase64}
            ttlMs={read.ttlMs}
            readAt={current.readAt}
            capabilities={capabilities}
            writable={writable}
            confirmText={confirmation}
            onChanged={() => void invalidate()}
            onExpired={forget}
          />
        )}
        {writable && read && (
          <div className="flex flex-wrap gap-2">
            {read.type === "string" && !editing && (
              <Button size="sm" onClick={startEditing} title="Edit (e)">
                Edit
              </Button>
            )}
            {capabilities.rename && (
              <Button size="sm" variant="secondary" onClick={() => setRenaming(true)}>
                Rename
              </Button>
            )}
            <Button size="sm" variant="danger" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          </div>
        )}
      </header>

      <div className="min-h-0 flex-1 overflow-auto p-4">
        {query.isPending && <p className="text-sm text-slate-500">Loading…</p>}
        {query.error && read && (
          // A read again (auto-refresh, a page) failed: what is shown is the last value read, and says so.
          <div role="alert" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-200" data-testid="reread-failed">
            <span className="block font-medium">Showing the value as last read; reading it again failed.</span>
            {missing ? (
              "This key does not exist any more (it expired or was deleted)."
            ) : (
              <ErrorText failure={{ code: query.error instanceof ApiError ? query.error.code : "INTERNAL", message: query.error.message }} />
            )}
            {query.error instanceof ApiError && query.error.code === "UNAUTHENTICATED" && (
              <a className="font-medium underline" href={typeof location === "undefined" ? "/login" : loginPathFor(`${location.pathname}${location.search}`)}>
                Sign in
              </a>
            )}
          </div>
        )}
        {query.error && !read && (
          <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/40 dark:text-red-200">
            {missing ? (
              "This key does not exist any more (it expired or was deleted)."
            ) : (
              <ErrorText failure={{ code: query.error instanceof ApiError ? query.error.code : "INTERNAL", message: query.error.message }} />
            )}
          </div>
        )}
        {read?.type === "string" && (
          <StringValue
            key={read.digest}
            connectionId={connectionId}
            keyParam={keyParam}
            keyBase64={keyBase64}
            profile={profile}
            capabilities={capabilities}
            read={read}
            writable={writable}
            editing={editing}
            onEditingChange={changeEditing}
            onChanged={() => void invalidate()}
          />
        )}
        {read && read.type !== "string" && (
          <CollectionTable
            connectionId={connectionId}
            keyBase64={keyBase64}
            read={read}
            page={page}
            onPage={setPage}
            writable={writable}
            onChanged={() => void invalidate()}
          />
        )}
      </div>

      {renaming && (
        <RenameDialog
          open
          keyBytes={keyBytes}
          busy={busy}
          error={renameError}
          onRename={(k) => void rename(k)}
          onEdit={() => setRenameError(null)}
          onClose={() => {
            setRenaming(false);
            setRenameError(null);
          }}
        />
      )}
      <ConfirmDialog
        open={deleting}
        title="Delete this key?"
        confirmLabel="Delete key"
        typed={confirmation}
        busy={busy}
        onCancel={() => setDeleting(false)}
        onConfirm={() => void remove()}
      >
        <span className="font-mono break-all">{shownKey.text}</span> and its value are removed from {profile.name}
        {production ? ", a production connection." : "."}
      </ConfirmDialog>
    </section>
  );
}
