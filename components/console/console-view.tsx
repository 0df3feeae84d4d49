"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import type { ConsoleRefusal, ConsoleRunReply } from "@/lib/wire/console";
import { fetchDocs, runLine } from "./api";
import { ConsoleInput } from "./console-input";
import { ReplyView } from "./reply-view";

interface Entry {
  id: number;
  line: string;
  result: ConsoleRunReply | ConsoleRefusal | null;
}

interface Props {
  connectionId: string;
  placeholder: string;
  initialHistory: string[];
  /** What the person may run here, said above the prompt. */
  note: string | null;
}

let nextId = 1;

/**
 * The command console of one connection: a transcript of lines and their replies, and the prompt. Lines run
 * one at a time; a pasted block stops at the first refusal or error reply, and at a production write's typed
 * confirmation, which continues the block once given.
 */
export function ConsoleView({ connectionId, placeholder, initialHistory, note }: Props) {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [history, setHistory] = useState(initialHistory);
  const [input, setInput] = useState("");
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<{ entryId: number; line: string; expected: string; rest: string[] } | null>(null);
  const [typed, setTyped] = useState("");
  const bottom = useRef<HTMLDivElement>(null);
  const docs = useQuery({ queryKey: ["console-docs", connectionId], queryFn: () => fetchDocs(connectionId), staleTime: Infinity, retry: false });

  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [entries]);

  const runAll = async (lines: string[], confirm?: { entryId: number; text: string }) => {
    setBusy(true);
    try {
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        const id = confirm && i === 0 ? confirm.entryId : nextId++;
        if (!(confirm && i === 0)) {
          setEntries((all) => [...all, { id, line, result: null }]);
          setHistory((all) => (all.at(-1) === line ? all : [...all, line]));
        }
        const result = await runLine(connectionId, line, confirm && i === 0 ? confirm.text : undefined);
        setEntries((all) => all.map((e) => (e.id === id ? { ...e, result } : e)));
        if (!result.ok && result.code === "CONFIRMATION_REQUIRED" && result.confirm) {
          setConfirming({ entryId: id, line, expected: result.confirm, rest: lines.slice(i + 1) });
          setTyped("");
          return;
        }
        if (!result.ok || result.reply.t === "error") {
          if (i < lines.length - 1) setEntries((all) => [...all, { id: nextId++, line: "", result: { ok: false, code: "CANCELLED", message: `Stopped: ${lines.length - i - 1} pasted line${lines.length - i - 1 === 1 ? "" : "s"} not run.` } }]);
          return;
        }
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (lines: string[]) => {
    setInput("");
    setConfirming(null);
    void runAll(lines);
  };

  const confirmNow = () => {
    if (!confirming) return;
    const { entryId, line, rest } = confirming;
    setConfirming(null);
    void runAll([line, ...rest], { entryId, text: typed });
  };

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex items-center gap-3 border-b border-slate-200 px-4 py-1.5 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
        <span className="min-w-0 flex-1 truncate" data-testid="console-note">
          {note ?? "Each command runs on a connection of its own; replies over 1,000 elements or 256 KiB are cut."}
        </span>
        {docs.isError && <span className="text-amber-700 dark:text-amber-300">No command docs: {docs.error.message}</span>}
        <Button size="sm" variant="ghost" onClick={() => setEntries([])} disabled={!entries.length}>
          Clear
        </Button>
      </div>
      <div data-testid="console-transcript" className="min-h-0 flex-1 overflow-auto bg-slate-50 px-4 py-3 font-mono text-[13px] leading-5 dark:bg-slate-950" aria-live="polite">
        {entries.length === 0 && <p className="font-sans text-sm text-slate-500">Type a command below. {placeholder.split("—")[1]?.trim() ?? ""}</p>}
        {entries.map((entry) => (
          <div key={entry.id} data-testid="console-entry" className="mb-2">
            {entry.line && (
              <div className="break-all text-slate-900 dark:text-slate-100">
                <span className="text-slate-400 select-none">&gt; </span>
                {entry.line}
              </div>
            )}
            {entry.result === null ? (
              <div className="text-slate-400">…</div>
            ) : entry.result.ok ? (
              <div className="min-w-0 text-slate-800 dark:text-slate-200" data-testid="console-reply">
                <ReplyView value={entry.result.reply} />
                <div className="text-[11px] text-slate-400">
                  {entry.result.node ? `${entry.result.node} · ` : ""}
                  {entry.result.durationMs} ms
                </div>
              </div>
            ) : (
              <div
                data-testid="console-refusal"
                className={`font-sans text-sm ${entry.result.code === "CONFIRMATION_REQUIRED" ? "text-amber-800 dark:text-amber-300" : "text-red-700 dark:text-red-400"}`}
              >
                <span className="font-mono text-xs">({entry.result.code})</span> {entry.result.message}
                {entry.result.suggestion && (
                  <div className="mt-1">
                    <Button size="sm" variant="secondary" data-testid="console-suggestion" onClick={() => setInput((entry.result as ConsoleRefusal).suggestion!)}>
                      Use <span className="font-mono">{entry.result.suggestion}</span>
                    </Button>
                  </div>
                )}
                {confirming?.entryId === entry.id && (
                  <form
                    className="mt-1.5 flex flex-wrap items-center gap-2 text-slate-700 dark:text-slate-300"
                    onSubmit={(e) => {
                      e.preventDefault();
                      confirmNow();
                    }}
                  >
                    <label className="flex items-center gap-2">
                      Type <span className="font-mono font-semibold">{confirming.expected}</span>
                      <input
                        aria-label="Confirmation"
                        autoFocus
                        value={typed}
                        onChange={(e) => setTyped(e.target.value)}
                        className="w-40 rounded border border-slate-300 bg-white px-2 py-0.5 font-mono dark:border-slate-700 dark:bg-slate-900"
                      />
                    </label>
                    <Button size="sm" variant="danger" type="submit" disabled={typed !== confirming.expected}>
                      Run on production
                    </Button>
                    <Button size="sm" variant="ghost" type="button" onClick={() => setConfirming(null)}>
                      Cancel
                    </Button>
                  </form>
                )}
              </div>
            )}
          </div>
        ))}
        <div ref={bottom} />
      </div>
      <ConsoleInput docs={docs.data ?? []} history={history} placeholder={placeholder} busy={busy} value={input} onChange={setInput} onSubmit={submit} />
    </div>
  );
}
