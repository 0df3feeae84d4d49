"use client";

import { useMemo, useRef, useState } from "react";
import type { CommandDoc } from "@/lib/wire/console";

/** Top-level tokens of a syntax line: `key value [NX | XX]` → `key`, `value`, `[NX | XX]`. */
function syntaxTokens(syntax: string): string[] {
  const tokens: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of syntax) {
    if (char === "[" || char === "<") depth++;
    if (char === "]" || char === ">") depth--;
    if (char === " " && depth === 0) {
      if (current) tokens.push(current);
      current = "";
    } else current += char;
  }
  if (current) tokens.push(current);
  return tokens;
}

/**
 * The command the line starts with (a sub-command when there is one), and how many syntax tokens the typed
 * arguments cover (a word still being typed covers its own).
 */
function lineCommand(line: string, docs: Map<string, CommandDoc>): { doc: CommandDoc; covered: number } | null {
  const trimmed = line.trimStart();
  const parts = trimmed.split(/\s+/);
  const complete = /\s$/.test(trimmed);
  if (complete) parts.pop();
  const done = complete ? parts.length : parts.length - 1;
  const partial = complete ? 0 : 1;
  const two = parts.length >= 2 ? docs.get(`${parts[0]} ${parts[1]}`.toUpperCase()) : undefined;
  if (two && done >= 2) return { doc: two, covered: done - 2 + partial };
  const one = docs.get((parts[0] ?? "").toUpperCase());
  if (one && done >= 1) return { doc: one, covered: done - 1 + partial };
  return null;
}

interface Props {
  docs: CommandDoc[];
  history: string[];
  placeholder: string;
  busy: boolean;
  value: string;
  onChange(value: string): void;
  onSubmit(lines: string[]): void;
}

/**
 * The prompt: Enter runs, ↑/↓ recall earlier lines, Tab completes a command name from COMMAND DOCS, and the
 * syntax of the rest of the command shows after the cursor. A multi-line paste runs line by line.
 */
export function ConsoleInput({ docs, history, placeholder, busy, value, onChange, onSubmit }: Props) {
  const [recall, setRecall] = useState<number | null>(null);
  const draft = useRef("");
  const byName = useMemo(() => new Map(docs.map((d) => [d.name.toUpperCase(), d])), [docs]);

  const words = value.trimStart().split(/\s+/);
  const completing = words.length <= 2 && !/\s$/.test(value) && value.trim() !== "";
  const candidates = useMemo(() => {
    if (!completing) return [];
    const typed = value.trimStart().toUpperCase();
    const seen = new Set<string>();
    for (const doc of docs) {
      const name = doc.name.toUpperCase();
      if (!name.startsWith(typed)) continue;
      // Offer the next word only: `CON` → CONFIG, `CONFIG G` → CONFIG GET.
      const parts = doc.name.split(" ");
      const shown = parts.slice(0, typed.includes(" ") ? 2 : 1).join(" ");
      seen.add(shown);
      if (seen.size >= 8) break;
    }
    return [...seen];
  }, [completing, value, docs]);

  const command = lineCommand(value, byName);
  const ghost = command ? syntaxTokens(command.doc.syntax).slice(command.covered).join(" ") : "";

  const keyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      if (value.trim() && !busy) onSubmit([value]);
      setRecall(null);
    } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      if (!history.length) return;
      event.preventDefault();
      const up = event.key === "ArrowUp";
      if (recall === null) {
        if (!up) return;
        draft.current = value;
        setRecall(history.length - 1);
        onChange(history[history.length - 1]);
        return;
      }
      const next = recall + (up ? -1 : 1);
      if (next >= history.length) {
        setRecall(null);
        onChange(draft.current);
      } else {
        setRecall(Math.max(0, next));
        onChange(history[Math.max(0, next)]);
      }
    } else if (event.key === "Tab" && candidates.length) {
      event.preventDefault();
      onChange(`${candidates[0]} `);
    }
  };

  const paste = (event: React.ClipboardEvent<HTMLInputElement>) => {
    const text = event.clipboardData.getData("text");
    if (!/[\r\n]/.test(text)) return;
    event.preventDefault();
    const lines = (value + text).split(/\r?\n/).filter((line) => line.trim() !== "");
    onChange("");
    if (lines.length) onSubmit(lines);
  };

  return (
    <div className="border-t border-slate-200 bg-white p-2 dark:border-slate-800 dark:bg-slate-900">
      <div className="relative font-mono text-sm">
        <span aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-slate-400">
          &gt;
        </span>
        {ghost && (
          <div aria-hidden data-testid="console-hint" className="pointer-events-none absolute inset-0 overflow-hidden py-2 pr-2 pl-7 whitespace-pre">
            <span className="invisible">{value}</span>
            <span className="text-slate-400 dark:text-slate-500">
              {/\s$/.test(value) ? "" : " "}
              {ghost}
            </span>
          </div>
        )}
        <input
          aria-label="Command"
          data-testid="console-input"
          autoFocus
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          value={value}
          placeholder={placeholder}
          onChange={(e) => {
            setRecall(null);
            onChange(e.target.value);
          }}
          onKeyDown={keyDown}
          onPaste={paste}
          className="w-full rounded-md border border-slate-300 bg-transparent py-2 pr-2 pl-7 outline-none placeholder:text-slate-400 focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 dark:border-slate-700"
        />
      </div>
      <div className="mt-1 flex min-h-5 flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500 dark:text-slate-400">
        {candidates.length > 0 ? (
          <span className="flex flex-wrap gap-1" data-testid="console-completions">
            {candidates.map((name) => (
              <button key={name} type="button" className="rounded bg-slate-100 px-1.5 font-mono hover:bg-slate-200 dark:bg-slate-800 dark:hover:bg-slate-700" onClick={() => onChange(`${name} `)}>
                {name}
              </button>
            ))}
            <span className="self-center">Tab completes</span>
          </span>
        ) : command ? (
          <span className="truncate">
            <span className="font-mono font-medium text-slate-700 dark:text-slate-300">{command.doc.name}</span> {command.doc.summary}
          </span>
        ) : (
          <span>Enter runs · ↑ ↓ recall · Tab completes · a pasted block runs line by line and stops at the first error</span>
        )}
      </div>
    </div>
  );
}
