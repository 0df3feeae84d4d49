"use client";

import { AppLink as Link } from "@/components/ui/app-link";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";
import { useJobList } from "@/components/jobs/use-job-list";
import { plural } from "@/lib/plural";

/** How often the tabs look for jobs started elsewhere while none runs (while one runs: every 2 s). */
const IDLE_JOBS_POLL_MS = 30_000;

/** The Jobs tab's count of running jobs, everyone's; nothing when none runs. */
function RunningCount({ running }: { running: number }) {
  if (running === 0) return null;
  return (
    <span data-testid="running-jobs-count" title={`${plural(running, "job")} running`} className="ml-1.5 rounded-full bg-indigo-600 px-1.5 py-px text-xs font-semibold text-white tabular-nums">
      <span aria-hidden>{running}</span>
      <span className="sr-only">, {plural(running, "job")} running</span>
    </span>
  );
}

export function ConnectionTabs({ connectionId }: { connectionId: string }) {
  const pathname = usePathname();
  const nav = useRef<HTMLElement>(null);
  const running = useJobList(connectionId, IDLE_JOBS_POLL_MS).data?.running.length ?? 0;
  // On a narrow screen the tabs scroll sideways: keep the current one in view (Jobs is the last).
  useEffect(() => {
    const box = nav.current;
    const current = box?.querySelector('[aria-current="page"]');
    if (!box || !current) return;
    const hidden = current.getBoundingClientRect().right - box.getBoundingClientRect().right;
    if (hidden > 0) box.scrollLeft += hidden;
  }, [pathname, running]);
  const tabs = [
    { href: `/c/${connectionId}`, label: "Keys" },
    { href: `/c/${connectionId}/stats`, label: "Stats" },
    { href: `/c/${connectionId}/analysis`, label: "Analysis" },
    { href: `/c/${connectionId}/server`, label: "Server" },
    { href: `/c/${connectionId}/console`, label: "Console" },
    { href: `/c/${connectionId}/jobs`, label: "Jobs" },
  ];
  return (
    <nav ref={nav} aria-label="Connection" className="ml-auto flex max-w-full gap-1 self-end overflow-x-auto">
      {tabs.map((tab) => {
        const active = pathname === tab.href;
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={active ? "page" : undefined}
            className={`border-b-2 px-2 pb-2 text-sm font-medium whitespace-nowrap sm:px-3 ${active ? "border-indigo-600 text-indigo-700 dark:text-indigo-300" : "border-transparent text-slate-500 hover:text-slate-800 dark:hover:text-slate-200"}`}
          >
            {tab.label}
            {tab.label === "Jobs" && <RunningCount running={running} />}
          </Link>
        );
      })}
    </nav>
  );
}
