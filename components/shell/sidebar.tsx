import { AppLink as Link } from "@/components/ui/app-link";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/auth/roles";
import { ENVIRONMENT_COLORS, ENVIRONMENTS, type EnvironmentName } from "@/lib/connections/profile-options";
import { ConnectionStatus } from "../connections/connection-status";

interface SidebarConnection {
  id: string;
  name: string;
  kind: string;
  environment: string;
  readOnly: boolean;
  color: string | null;
}

const environmentLabel: Record<string, string> = {
  production: "Production",
  staging: "Staging",
  development: "Development",
};

const linkClass = "block rounded-md px-2 py-1.5 hover:bg-slate-100 dark:hover:bg-slate-800";

export function Sidebar({ connections, role }: { connections: SidebarConnection[]; role: Role }) {
  const groups = ENVIRONMENTS.map((environment) => ({
    environment,
    items: connections.filter((c) => c.environment === environment),
  })).filter((group) => group.items.length > 0);
  return (
    <nav aria-label="Main" className="flex w-60 shrink-0 flex-col border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="flex-1 overflow-y-auto p-3">
        <Link href="/" className="block rounded-md px-2 py-1.5 text-sm font-medium hover:bg-slate-100 dark:hover:bg-slate-800">
          Overview
        </Link>
        <div className="mt-4 mb-1 flex items-center justify-between px-2">
          <span className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Connections</span>
          <Link href="/connections" className="text-xs text-indigo-600 hover:underline dark:text-indigo-400">
            {can({ role }, "connections.manage") ? "Manage" : "All"}
          </Link>
        </div>
        {connections.length === 0 && <p className="px-2 text-sm text-slate-500">None yet.</p>}
        {groups.map((group) => (
          <div key={group.environment} className="mb-3">
            <div className="flex items-center gap-1.5 px-2 py-1 text-[11px] font-medium text-slate-500 dark:text-slate-400">
              <span className="h-1.5 w-3 rounded-full" style={{ backgroundColor: ENVIRONMENT_COLORS[group.environment as EnvironmentName] }} aria-hidden />
              {environmentLabel[group.environment]}
            </div>
            {group.items.map((c) => (
              <Link
                key={c.id}
                href={`/c/${c.id}`}
                className="flex items-center gap-2 rounded-md border-l-2 px-2 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
                style={{ borderLeftColor: c.color ?? "transparent" }}
              >
                <ConnectionStatus id={c.id} compact />
                <span className="truncate">{c.name}</span>
                {c.readOnly && (
                  // An SVG, not an emoji: servers without an emoji font would draw an empty box.
                  <svg viewBox="0 0 16 16" aria-label="Read-only" role="img" className="ml-auto h-3 w-3 shrink-0 fill-slate-400">
                    <title>Read-only</title>
                    <path d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7h1Zm2 0h4V5a2 2 0 1 0-4 0v2Z" />
                  </svg>
                )}
              </Link>
            ))}
          </div>
        ))}
      </div>
      <div className="border-t border-slate-200 p-3 text-sm dark:border-slate-800">
        <Link href="/audit" className={linkClass}>
          Audit log
        </Link>
        {can({ role }, "users.manage") && (
          <Link href="/users" className={linkClass}>
            Users
          </Link>
        )}
        <Link href="/account" className={linkClass}>
          Account
        </Link>
      </div>
    </nav>
  );
}
