"use client";

import { useEffect, useSyncExternalStore } from "react";
import { THEME_STORAGE_KEY, type ThemeChoice } from "@/lib/ui/theme";

const listeners = new Set<() => void>();

function readChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(THEME_STORAGE_KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    return "system";
  }
}

function apply(choice: ThemeChoice) {
  const dark = choice === "dark" || (choice === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
  document.documentElement.style.colorScheme = dark ? "dark" : "light";
}

function choose(choice: ThemeChoice) {
  try {
    if (choice === "system") localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Storage refused (private mode): the choice still applies to this page.
  }
  apply(choice);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab changed the choice: follow it here too.
  const onStorage = (event: StorageEvent) => {
    if (event.key !== THEME_STORAGE_KEY) return;
    apply(readChoice());
    listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

const options: { value: ThemeChoice; label: string; icon: React.ReactNode }[] = [
  {
    value: "system",
    label: "System theme",
    icon: <path d="M2 3h12v8H2zM6 13h4M8 11v2" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />,
  },
  {
    value: "light",
    label: "Light theme",
    icon: (
      <g fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round">
        <circle cx="8" cy="8" r="2.8" />
        <path d="M8 1.5v1.6M8 12.9v1.6M1.5 8h1.6M12.9 8h1.6M3.4 3.4l1.1 1.1M11.5 11.5l1.1 1.1M3.4 12.6l1.1-1.1M11.5 4.5l1.1-1.1" />
      </g>
    ),
  },
  { value: "dark", label: "Dark theme", icon: <path d="M13.5 10A6 6 0 0 1 6 2.5a6 6 0 1 0 7.5 7.5Z" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" /> },
];

/** System / light / dark, remembered in this browser. The boot script in the root layout applies it before paint. */
export function ThemeSwitch() {
  const choice = useSyncExternalStore(subscribe, readChoice, () => "system" as ThemeChoice);
  // While following the system, follow it live when the OS switches.
  useEffect(() => {
    if (choice !== "system") return;
    const media = matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => apply("system");
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, [choice]);
  return (
    <div
      role="radiogroup"
      aria-label="Theme"
      className="flex items-center rounded-md border border-slate-200 p-0.5 dark:border-slate-700"
      data-testid="theme-switch"
      onKeyDown={(event) => {
        // A radio group is one tab stop; the arrow keys choose (WAI-ARIA radio group pattern).
        const step = event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : event.key === "ArrowLeft" || event.key === "ArrowUp" ? -1 : 0;
        if (!step) return;
        event.preventDefault();
        const at = options.findIndex((option) => option.value === choice);
        const next = options[(at + step + options.length) % options.length];
        choose(next.value);
        event.currentTarget.querySelector<HTMLElement>(`[data-value="${next.value}"]`)?.focus();
      }}
    >
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          role="radio"
          data-value={option.value}
          tabIndex={choice === option.value ? 0 : -1}
          aria-checked={choice === option.value}
          aria-label={option.label}
          title={option.label}
          onClick={() => choose(option.value)}
          className={`rounded p-1 ${choice === option.value ? "bg-slate-200 text-slate-900 dark:bg-slate-700 dark:text-white" : "text-slate-500 hover:text-slate-800 dark:hover:text-slate-200"}`}
        >
          <svg viewBox="0 0 16 16" className="h-4 w-4" aria-hidden>
            {option.icon}
          </svg>
        </button>
      ))}
    </div>
  );
}
