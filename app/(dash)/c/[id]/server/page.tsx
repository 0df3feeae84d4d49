import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ServerPanel } from "@/components/server/server-panel";
import { requirePageUser } from "@/lib/auth/guard";
import { can, roleFor } from "@/lib/auth/permissions";
import { loadConnection } from "@/lib/connections/load";

export const metadata: Metadata = { title: "Server" };

/** The server's own diagnostics, as far as the connection's backend offers them. */
export default async function ServerPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requirePageUser("server.read");
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) notFound();
  const { profile } = connection;
  const views = connection.driver().capabilities.serverViews;
  const canManage = can(user, "server.manage", profile);
  const manages = views.includes("slowlog") || views.includes("clients");
  const manageNote = !manages
    ? null
    : canManage
      ? "Resetting the slow log and killing a client are recorded in the audit log."
      : profile.readOnly
        ? "Read-only connection: the slow log cannot be reset and no client can be killed here."
        : `Resetting the slow log and killing clients needs the ${roleFor("server.manage")} role.`;
  if (views.length === 0) return <p className="p-6 text-sm text-slate-500">This connection offers no server views.</p>;
  return <ServerPanel connectionId={profile.id} views={views} canManage={canManage} manageNote={manageNote} />;
}
