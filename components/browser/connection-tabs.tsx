"use client";

import { AppLink as Link } from "@/components/ui/app-link";
import { usePathname } from "next/navigation";

export function ConnectionTabs({ connectionId }: { connectionId: string }) {
  const pathname = usePathname();
  const tabs = [
    { href: `/c/${connectionId}`, label: "Keys" },
    { href: `/c/${connectionId}/stats`, label: "Stats" },
    { href: `/c/${connectionId}/analysis`, label: "Analysis" },
    { href: `/c/${connectionId}/server`, label: "Server" },
    { href: `/c/${connectionId}/console`, label: "Console" },
  ];
  return (
    <nav aria-label="Connection" className="ml-auto flex gap-1 self-end">
      {tabs.map((tab) => {
        const active = pathname === tab.href;
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={active ? "page" : undefined}
            className={`border-b-2 px-3 pb-2 text-sm font-medium ${active ? "border-indigo-600 text-indigo-700 dark:text-indigo-300" : "border-transparent text-slate-500 hover:text-slate-800 dark:hover:text-slate-200"}`}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
