"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { inputClass } from "@/components/ui/field";
import { formatBytes, formatCount } from "@/lib/format";
import type { Failure } from "@/lib/error-text";
import { plural } from "@/lib/plural";
import { ApiError } from "@/lib/wire/errors";
import { bytesToBase64 } from "@/lib/wire/keys";
import type { KeyNodeAnswer, NodesView as Nodes, SentinelView as Sentinel } from "@/lib/wire/server";
import { fetchKeyNode } from "./api";
import { Card, cellClass, headClass, tableClass } from "./parts";

const SLOTS = 16384;

function ranges(slots: [number, number][]): string {
  return slots.length === 0 ? "—" : slots.map(([from, to]) => (from === to ? `${from}` : `${from}–${to}`)).join(", ");
}

/** CLUSTER KEYSLOT of a key typed as text (UTF-8), and the node serving that slot. */
function KeyLookup({ connectionId }: { connectionId: string }) {
  const [key, setKey] = useState("");
  const [answer, setAnswer] = useState<{ key: string; reply: KeyNodeAnswer } | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const lookUp = async () => {
    setFailure(null);
    try {
      setAnswer({ key, reply: await fetchKeyNode(connectionId, bytesToBase64(new TextEncoder().encode(key))) });
    } catch (error) {
      setAnswer(null);
      setFailure(error instanceof ApiError ? { code: error.code, message: error.message } : { code: "NETWORK", message: String(error) });
    }
  };
  return (
    <Card title="Which node holds a key" note="The key's hash slot (CLUSTER KEYSLOT; a {hash tag} counts alone) and the primary serving it.">
      <form
        className="flex flex-wrap gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void lookUp();
        }}
      >
        <input aria-label="Key name" placeholder="Key name, e.g. user:{42}:profile" className={`${inputClass} max-w-md flex-1 py-1.5 font-mono`} value={key} onChange={(e) => setKey(e.target.value)} />
        <Button type="submit" size="sm" disabled={key === ""}>
          Look up
        </Button>
      </form>
      {answer && (
        <p className="mt-2 text-sm" data-testid="key-node-answer">
          <code className="font-mono">{answer.key}</code> is in slot <strong className="tabular-nums">{answer.reply.slot}</strong>, served by{" "}
          <strong className="font-mono">{answer.reply.primary ?? "no node (slot unassigned)"}</strong>
          {answer.reply.replicas.length > 0 && <> and replicated to <span className="font-mono">{answer.reply.replicas.join(", ")}</span></>}.
        </p>
      )}
      {failure && <ErrorText className="mt-2 text-sm text-red-700 dark:text-red-300" failure={failure} />}
    </Card>
  );
}

export function NodesView({ data, connectionId }: { data: Nodes; connectionId: string }) {
  const primaries = data.nodes.filter((n) => n.role === "primary");
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  return (
    <div className="space-y-3">
      <Card
        title="Nodes"
        note={`${plural(primaries.length, "primary", "primaries")}, ${plural(data.nodes.length - primaries.length, "replica")}; ${formatCount(data.slotsCovered)} of ${formatCount(SLOTS)} slots assigned${data.slotsCovered < SLOTS ? " — some slots are not served" : ""}.`}
      >
        <table className={tableClass} aria-label="Cluster nodes">
          <thead>
            <tr>
              <th className={headClass}>Node</th>
              <th className={headClass}>Role</th>
              <th className={headClass}>Slots</th>
              <th className={headClass}>Keys</th>
              <th className={headClass}>Memory</th>
              <th className={headClass}>Link</th>
            </tr>
          </thead>
          <tbody>
            {data.nodes.map((node) => (
              <tr key={node.id}>
                <td className={`${cellClass} font-mono text-xs whitespace-nowrap`}>
                  {node.address}
                  <span className="block text-slate-500" title={node.id}>
                    {node.id.slice(0, 12)}
                  </span>
                </td>
                <td className={cellClass}>
                  {node.role}
                  {node.primaryId && <span className="block font-mono text-xs text-slate-500">of {byId.get(node.primaryId)?.address ?? node.primaryId.slice(0, 12)}</span>}
                  {node.flags.some((f) => f.includes("fail")) && <span className="block text-xs text-red-700 dark:text-red-300">{node.flags.join(", ")}</span>}
                </td>
                <td className={`${cellClass} font-mono text-xs`}>{ranges(node.slots)}</td>
                <td className={`${cellClass} tabular-nums`}>{node.keys === null ? "—" : formatCount(node.keys)}</td>
                <td className={`${cellClass} whitespace-nowrap tabular-nums`}>{node.usedMemory === null ? "—" : formatBytes(node.usedMemory)}</td>
                <td className={`${cellClass} text-xs`}>
                  {node.linkState}
                  {node.error && <span className="block text-red-700 dark:text-red-300">{node.error}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <KeyLookup connectionId={connectionId} />
    </div>
  );
}

export function SentinelView({ data }: { data: Sentinel }) {
  return (
    <div className="space-y-3">
      <p className="text-xs text-slate-500">As seen by the sentinel at {data.askedSentinel}.</p>
      {data.masters.map((master) => (
        <Card key={master.name} title={`Primary “${master.name}”`} note={`quorum ${master.quorum ?? "?"}`}>
          <dl className="mb-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">Current primary</dt>
            <dd className="font-mono" data-testid="sentinel-primary">
              {master.address}
            </dd>
            <dt className="text-slate-500">Flags</dt>
            <dd className="font-mono text-xs">{master.flags.join(", ")}</dd>
          </dl>
          <table className={tableClass} aria-label={`Replicas and sentinels of ${master.name}`}>
            <thead>
              <tr>
                <th className={headClass}>Member</th>
                <th className={headClass}>Address</th>
                <th className={headClass}>Flags</th>
                <th className={headClass}>Link / offset</th>
              </tr>
            </thead>
            <tbody>
              {master.replicas.map((replica) => (
                <tr key={`r-${replica.address}`}>
                  <td className={cellClass}>replica</td>
                  <td className={`${cellClass} font-mono text-xs`}>{replica.address}</td>
                  <td className={`${cellClass} font-mono text-xs`}>{replica.flags.join(", ")}</td>
                  <td className={`${cellClass} text-xs`}>
                    {replica.linkStatus} · {replica.offset}
                  </td>
                </tr>
              ))}
              {master.sentinels.map((sentinel) => (
                <tr key={`s-${sentinel.address}`}>
                  <td className={cellClass}>sentinel</td>
                  <td className={`${cellClass} font-mono text-xs`}>{sentinel.address}</td>
                  <td className={`${cellClass} font-mono text-xs`}>{sentinel.flags.join(", ")}</td>
                  <td className={cellClass} />
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ))}
    </div>
  );
}
