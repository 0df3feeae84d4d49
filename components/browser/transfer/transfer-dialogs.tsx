"use client";

import type { PublicProfile } from "@/lib/connections/load";
import type { Capabilities } from "@/lib/drivers/types";
import { keyFromParam, keyText, paramToBase64 } from "@/lib/wire/keys";
import { ExportDialog, type ExportChoice } from "./export-dialog";
import { ImportDialog } from "./import-dialog";

/** What opened a dialog: export (with the choice it was opened for first) or import (into a namespace, or ""). */
export type TransferRequest = { mode: "export"; first?: ExportChoice } | { mode: "import"; prefixParam: string };

/** Export of a namespace, as the tree's row menu offers it. */
export function namespaceChoice(prefixParam: string, count: number | null): ExportChoice {
  return { id: `ns:${prefixParam}`, label: `Namespace ${keyText(keyFromParam(prefixParam)).text}`, scope: { kind: "namespace", prefix: paramToBase64(prefixParam) }, count };
}

/** Export of the key list's selected keys. */
export function selectionChoice(params: string[]): ExportChoice {
  return { id: "selection", label: "The selected keys", scope: { kind: "keys", keys: params.map(paramToBase64) }, count: params.length };
}

/**
 * The export and import dialogs of the key browser. The export offers what the dialog was opened for, then
 * the namespace and the pattern the browser shows, then the whole database.
 */
export function TransferDialogs({
  request,
  profile,
  capabilities,
  filter,
  onClose,
}: {
  request: TransferRequest | null;
  profile: PublicProfile;
  capabilities: Capabilities;
  filter: { ns: string; q: string; exact: boolean };
  onClose: () => void;
}) {
  if (!request) return null;
  if (request.mode === "import") {
    return (
      <ImportDialog
        connectionId={profile.id}
        connectionName={profile.name}
        production={profile.environment === "production"}
        targetPrefix={request.prefixParam ? keyText(keyFromParam(request.prefixParam)).text : ""}
        delimiter={profile.keyDelimiter}
        onClose={onClose}
      />
    );
  }
  const choices: ExportChoice[] = request.first ? [request.first] : [];
  if (capabilities.listKeys) {
    if (filter.ns) choices.push(namespaceChoice(filter.ns, null));
    if (filter.q && !filter.exact) {
      const prefix = filter.ns ? keyText(keyFromParam(filter.ns)).text : "";
      choices.push({ id: "glob", label: `Keys matching ${filter.q}${prefix ? ` in ${prefix}` : ""}`, scope: { kind: "glob", match: filter.q, ...(filter.ns ? { prefix: paramToBase64(filter.ns) } : {}) }, count: null });
    }
    choices.push({ id: "database", label: "The whole database", scope: { kind: "database" }, count: null });
  }
  const unique = choices.filter((c, i) => choices.findIndex((d) => d.id === c.id) === i);
  return <ExportDialog connectionId={profile.id} choices={unique} canDump={capabilities.dumpRestore && capabilities.types} onClose={onClose} />;
}
