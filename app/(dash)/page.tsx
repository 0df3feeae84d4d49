import type { Metadata } from "next";
import { AppLink as Link } from "@/components/ui/app-link";
import { requirePageUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { listConnections } from "@/lib/queries/connections";
import { OverviewCards } from "@/components/stats/overview-cards";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const { user } = await requirePageUser();
  const connections = await listConnections();
  return (
    <div className="mx-auto max-w-[1760px] p-4 sm:p-6">
      <h1 className="text-xl font-semibold">Connections</h1>
      {connections.length === 0 ? (
        <div className="mt-6 rounded-xl border border-dashed border-slate-300 p-10 text-center dark:border-slate-700">
          <p className="font-medium">No cache connections yet.</p>
          <p className="mt-1 text-sm text-slate-500">
            {can(user, "connections.manage")
              ? "Add a Redis, Memcached or uWSGI cache to start browsing its keys."
              : "An admin has to add a connection before there is anything to browse."}
          </p>
          {can(user, "connections.manage") && (
            <Link href="/connections/new" className="mt-4 inline-block rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-500">
              Add a connection
            </Link>
          )}
        </div>
      ) : (
        <OverviewCards connections={connections.map(({ id, name, kind, environment, readOnly }) => ({ id, name, kind, environment, readOnly }))} />
      )}
    </div>
  );
}
