"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";

/**
 * Below the `md` breakpoint the sidebar does not fit beside the page: a menu button in the top bar opens it
 * as a drawer over the page. Esc, a click outside it, or following one of its links closes it.
 */
export function NavDrawer({ children }: { children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const [openedAt, setOpenedAt] = useState(pathname);
  if (open && pathname !== openedAt) {
    // A link in the drawer (or back/forward) went somewhere else: the drawer has done its job.
    setOpen(false);
  }
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    panelRef.current?.querySelector<HTMLElement>("a, button")?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      setOpen(false);
      buttonRef.current?.focus();
    };
    // Capturing, so the page under the drawer (the key browser closes its open key on Esc) never sees this Esc.
    document.addEventListener("keydown", onKey, true);
    return () => document.removeEventListener("keydown", onKey, true);
  }, [open]);

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        aria-label="Open navigation"
        aria-expanded={open}
        aria-controls="nav-drawer"
        data-testid="menu-button"
        className="-ml-1 rounded-md p-1.5 text-slate-600 hover:bg-slate-100 md:hidden dark:text-slate-300 dark:hover:bg-slate-800"
        onClick={() => {
          setOpenedAt(pathname);
          setOpen(true);
        }}
      >
        <svg viewBox="0 0 20 20" className="h-5 w-5" aria-hidden>
          <path d="M3 5h14M3 10h14M3 15h14" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
      </button>
      {open && (
        <div className="fixed inset-0 z-40 md:hidden" id="nav-drawer">
          <div className="absolute inset-0 bg-slate-900/40" data-testid="nav-backdrop" aria-hidden onClick={() => setOpen(false)} />
          <div
            ref={panelRef}
            role="dialog"
            aria-modal="true"
            aria-label="Navigation"
            className="absolute inset-y-0 left-0 flex w-72 max-w-[85vw] flex-col bg-white shadow-xl dark:bg-slate-900"
            onClick={(event) => {
              // Following a link to the page already shown changes no path: close on the click itself.
              if ((event.target as HTMLElement).closest("a")) setOpen(false);
            }}
          >
            <div className="flex h-12 shrink-0 items-center justify-between border-b border-slate-200 px-3 dark:border-slate-800">
              <span className="text-sm font-semibold">Menu</span>
              <button
                type="button"
                aria-label="Close navigation"
                className="rounded-md p-1.5 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800"
                onClick={() => {
                  setOpen(false);
                  buttonRef.current?.focus();
                }}
              >
                <svg viewBox="0 0 20 20" className="h-5 w-5" aria-hidden>
                  <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
                </svg>
              </button>
            </div>
            <div className="flex min-h-0 flex-1 [&>nav]:w-full [&>nav]:border-r-0">{children}</div>
          </div>
        </div>
      )}
    </>
  );
}
