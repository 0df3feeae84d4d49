import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { StatsPanel } from "@/components/stats/stats-panel";
import { requirePageUser } from "@/lib/auth/guard";
import { kindLabel } from "@/lib/kinds";
import { loadConnection } from "@/lib/connections/load";

export const metadata: Metadata = { title: "Stats" };

export default async function StatsPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser();
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) notFound();
  return (
    <div className="mx-auto max-w-6xl space-y-5 p-4 sm:p-6">
      <div>
        <h1 className="text-xl font-semibold">Stats of {connection.profile.name}</h1>
        <p className="text-sm text-slate-500">{kindLabel(connection.profile.kind)} · the server samples these counters every few seconds and keeps the last hour.</p>
      </div>
      <StatsPanel connectionId={id} kind={connection.profile.kind} />
    </div>
  );
}
