import { notFound } from "next/navigation";
import { ConnectionTabs } from "@/components/browser/connection-tabs";
import { ConnectionStatus } from "@/components/connections/connection-status";
import { requirePageUser } from "@/lib/auth/guard";
import { loadConnection } from "@/lib/connections/load";
import { kindLabel } from "@/lib/kinds";

export default async function ConnectionLayout({ children, params }: { children: React.ReactNode; params: Promise<{ id: string }> }) {
  await requirePageUser();
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) notFound();
  const { profile } = connection;
  const production = profile.environment === "production";
  return (
    <div className="flex h-full min-h-0 flex-col">
      {production && (
        <div
          role="note"
          data-testid="production-banner"
          className="flex items-center gap-2 bg-red-600 px-4 py-1.5 text-sm font-medium text-white"
          style={profile.color ? { backgroundColor: profile.color } : undefined}
        >
          Production — deletes and namespace operations ask you to type a confirmation.
        </div>
      )}
      <header className="flex shrink-0 flex-wrap items-center gap-x-4 gap-y-1 border-b border-slate-200 bg-white px-4 pt-2 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex min-w-0 items-center gap-2 pb-2">
          {/* The same health query as the sidebar's dot, so the two always agree; the profile colour is the swatch. */}
          <span data-testid="connection-header-status">
            <ConnectionStatus id={profile.id} compact />
          </span>
          <h1 className="truncate text-base font-semibold">{profile.name}</h1>
          {profile.color && <span className="h-2.5 w-2.5 shrink-0 rounded-sm" style={{ backgroundColor: profile.color }} title="Connection colour" aria-hidden />}
          <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">{kindLabel(profile.kind)}</span>
          <span
            className={`rounded px-1.5 py-0.5 text-xs ${production ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200" : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300"}`}
          >
            {profile.environment}
          </span>
          {profile.readOnly && (
            <span data-testid="read-only-lock" title="Read-only: no writes are offered, and the server refuses them" className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              <svg aria-hidden viewBox="0 0 16 16" className="mr-1 inline h-3 w-3 align-[-1px]" fill="currentColor">
                <path d="M5 7V5a3 3 0 0 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5Zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2Z" />
              </svg>
              Read-only
            </span>
          )}
        </div>
        <ConnectionTabs connectionId={profile.id} />
      </header>
      <div className="min-h-0 flex-1">{children}</div>
    </div>
  );
}
