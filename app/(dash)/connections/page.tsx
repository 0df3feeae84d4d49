import type { Metadata } from "next";
import { AppLink as Link } from "@/components/ui/app-link";
import { ConnectionStatus } from "@/components/connections/connection-status";
import { DeleteConnectionButton } from "@/components/connections/delete-connection-button";
import { requirePageUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { ENVIRONMENT_COLORS, type EnvironmentName } from "@/lib/connections/profile-options";
import { kindLabel } from "@/lib/kinds";
import { listConnections } from "@/lib/queries/connections";

export const metadata: Metadata = { title: "Connections" };

function address(settings: Record<string, unknown>): string {
  const list = (settings.sentinels ?? settings.nodes ?? settings.servers) as ({ host: string; port: number } | string)[] | undefined;
  if (Array.isArray(list)) return list.map((n) => (typeof n === "string" ? n : `${n.host}:${n.port}`)).join(", ");
  if (typeof settings.address === "string") return settings.address;
  return `${String(settings.host ?? "")}:${String(settings.port ?? "")}/${String(settings.db ?? 0)}`;
}

export default async function ConnectionsPage() {
  const { user } = await requirePageUser();
  const admin = can(user, "connections.manage");
  const connections = await listConnections();
  return (
    <div className="mx-auto max-w-5xl space-y-6 p-6">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-semibold">Connections</h1>
        {admin && (
          <Link href="/connections/new" className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-500">
            Add a connection
          </Link>
        )}
      </div>
      {connections.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 p-10 text-center text-sm text-slate-500 dark:border-slate-700">No connections yet.</p>
      ) : (
        <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm dark:border-slate-800 dark:bg-slate-900">
          <thead className="bg-slate-50 text-left text-xs text-slate-500 uppercase dark:bg-slate-800/50">
            <tr>
              <th className="px-4 py-2">Name</th>
              <th className="px-4 py-2">Kind</th>
              <th className="px-4 py-2">Address</th>
              <th className="px-4 py-2">Status</th>
              <th className="px-4 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.id} className="border-t border-slate-100 align-middle dark:border-slate-800">
                <td className="px-4 py-2">
                  <Link href={`/c/${c.id}`} className="font-medium hover:text-indigo-600 dark:hover:text-indigo-400">
                    {c.name}
                  </Link>
                  <div className="mt-0.5 flex flex-wrap gap-1 text-xs">
                    <span className="rounded px-1.5 py-0.5 text-white" style={{ backgroundColor: c.color ?? ENVIRONMENT_COLORS[c.environment as EnvironmentName] ?? "#64748b" }}>
                      {c.environment}
                    </span>
                    {c.readOnly && <span className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-600 dark:bg-slate-800 dark:text-slate-300">read-only</span>}
                    {c.secretsUnreadable && (
                      <span title="The stored secret cannot be decrypted with this server's secret key" className="rounded bg-red-100 px-1.5 py-0.5 text-red-800 dark:bg-red-950 dark:text-red-200">
                        secret unreadable — re-enter it
                      </span>
                    )}
                    {c.managed && (
                      <span title="Declared by the deployment's connections file" className="rounded bg-sky-100 px-1.5 py-0.5 text-sky-800 dark:bg-sky-900 dark:text-sky-200">
                        managed
                      </span>
                    )}
                  </div>
                </td>
                <td className="px-4 py-2 text-slate-600 dark:text-slate-300">{kindLabel(c.kind)}</td>
                <td className="max-w-64 truncate px-4 py-2 font-mono text-xs text-slate-600 dark:text-slate-300">{address(c.settings)}</td>
                <td className="px-4 py-2">
                  <ConnectionStatus id={c.id} />
                </td>
                <td className="px-4 py-2 text-right whitespace-nowrap">
                  <Link href={`/c/${c.id}/stats`} className="mr-3 text-indigo-600 hover:underline dark:text-indigo-400">
                    Stats
                  </Link>
                  {admin && !c.managed && (
                    <>
                      <Link href={`/connections/${c.id}/edit`} className="mr-3 text-indigo-600 hover:underline dark:text-indigo-400">
                        Edit
                      </Link>
                      <DeleteConnectionButton id={c.id} name={c.name} />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
