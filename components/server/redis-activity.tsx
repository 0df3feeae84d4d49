"use client";

import { useState } from "react";
import { runAction } from "@/components/browser/value-view/run-action";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { killClient } from "@/lib/actions/server/kill-client";
import { resetSlowlog } from "@/lib/actions/server/reset-slowlog";
import { formatCount, formatDuration, formatElapsed, formatInstant } from "@/lib/format";
import { base64ToBytes, keyText } from "@/lib/wire/keys";
import type { ClientRow, SlowlogView as Slowlog } from "@/lib/wire/server";
import { Card, cellClass, headClass, matches, SearchBox, tableClass } from "./parts";
import type { ViewContext } from "./server-panel";

/** An argument the server echoed back, shown like a key name: text, or escaped bytes marked as binary. */
function Arg({ base64 }: { base64: string }) {
  const shown = keyText(base64ToBytes(base64));
  return <span className={`mr-1.5 rounded px-1 font-mono text-xs ${shown.binary || shown.hidden ? "bg-amber-100 dark:bg-amber-950" : "bg-slate-100 dark:bg-slate-800"}`} title={shown.binary ? "binary: bytes escaped as \\xNN" : undefined}>{shown.text}</span>;
}

export function SlowlogView({ data, context }: { data: Slowlog; context: ViewContext }) {
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const threshold =
    data.thresholdUs === null ? "threshold not readable" : data.thresholdUs < 0 ? "logging is off (slowlog-log-slower-than < 0)" : `commands slower than ${formatElapsed(data.thresholdUs / 1000)}`;
  const reset = async () => {
    setConfirming(false);
    const result = await runAction(toast, () => resetSlowlog({ connectionId: context.connectionId, node: context.node ?? undefined }), "Slow log reset");
    if (result.ok) context.refresh();
  };
  return (
    <Card
      title="Slow log"
      note={`${formatCount(data.length)} entries held (at most ${data.maxLength ?? "?"}), ${threshold}; the newest ${data.entries.length} shown.`}
      actions={
        context.canManage && (
          <Button variant="danger" size="sm" onClick={() => setConfirming(true)}>
            Reset slow log
          </Button>
        )
      }
    >
      {data.entries.length === 0 ? (
        <p className="text-sm text-slate-500">The slow log is empty.</p>
      ) : (
        <table className={tableClass} aria-label="Slow log entries">
          <thead>
            <tr>
              <th className={headClass}>#</th>
              <th className={headClass}>When</th>
              <th className={headClass}>Duration</th>
              <th className={headClass}>Command</th>
              <th className={headClass}>Client</th>
            </tr>
          </thead>
          <tbody>
            {data.entries.map((entry) => (
              <tr key={entry.id}>
                <td className={`${cellClass} tabular-nums text-slate-500`}>{entry.id}</td>
                <td className={`${cellClass} whitespace-nowrap`}>{formatInstant(entry.at * 1000)}</td>
                <td className={`${cellClass} whitespace-nowrap tabular-nums`}>{formatElapsed(entry.durationUs / 1000)}</td>
                <td className={`${cellClass} max-w-xl break-all`}>
                  {entry.args.map((arg, i) => (
                    <Arg key={i} base64={arg} />
                  ))}
                </td>
                <td className={`${cellClass} font-mono text-xs whitespace-nowrap`}>
                  {entry.client}
                  {entry.clientName && <span className="block text-slate-500">{entry.clientName}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDialog open={confirming} title="Reset the slow log?" confirmLabel="Reset" onConfirm={() => void reset()} onCancel={() => setConfirming(false)}>
        SLOWLOG RESET drops every entry on {context.node ?? "the server"}. The reset is recorded in the audit log.
      </ConfirmDialog>
    </Card>
  );
}

const CLIENT_COLUMNS = ["id", "addr", "name", "user", "db", "age", "idle", "flags", "cmd"] as const;

export function ClientsView({ data, context }: { data: ClientRow[]; context: ViewContext }) {
  const toast = useToast();
  const [search, setSearch] = useState("");
  const [victim, setVictim] = useState<ClientRow | null>(null);
  const shown = data.filter((client) => matches(search, ...Object.values(client.fields)));
  const kill = async (client: ClientRow) => {
    setVictim(null);
    const result = await runAction(
      toast,
      () => killClient({ connectionId: context.connectionId, clientId: client.id, address: client.fields.addr, node: context.node ?? undefined }),
      `Client ${client.id} disconnected`,
    );
    if (result.ok) context.refresh();
  };
  return (
    <Card title="Clients" note={`${shown.length} of ${data.length} connections; the one named "cacheboard" is this dashboard.`} actions={<SearchBox value={search} onChange={setSearch} label="Filter clients" />}>
      <table className={tableClass} aria-label="Clients">
        <thead>
          <tr>
            {CLIENT_COLUMNS.map((column) => (
              <th key={column} className={headClass}>
                {column}
              </th>
            ))}
            {context.canManage && <th className={headClass} aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>
          {shown.map((client) => (
            <tr key={client.id}>
              {CLIENT_COLUMNS.map((column) => (
                <td key={column} className={`${cellClass} font-mono text-xs ${column === "cmd" || column === "addr" ? "whitespace-nowrap" : ""}`}>
                  {column === "name" ? keyText(base64ToBytes(client.name)).text : column === "age" || column === "idle" ? formatDuration(Number(client.fields[column] ?? 0) * 1000) : client.fields[column]}
                </td>
              ))}
              {context.canManage && (
                <td className={cellClass}>
                  <Button variant="ghost" size="sm" className="text-red-700 dark:text-red-300" onClick={() => setVictim(client)}>
                    Kill
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog open={victim !== null} title="Disconnect this client?" confirmLabel="Kill client" onConfirm={() => victim && void kill(victim)} onCancel={() => setVictim(null)}>
        CLIENT KILL ID {victim?.id} closes the connection of {victim?.fields.addr}
        {victim?.fields.name ? ` (${victim.fields.name})` : ""}; its application sees the connection drop. The kill is recorded in the audit log.
      </ConfirmDialog>
    </Card>
  );
}
