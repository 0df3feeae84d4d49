import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { JobsPanel } from "@/components/jobs/jobs-panel";
import { requirePageUser } from "@/lib/auth/guard";
import { loadConnection } from "@/lib/connections/load";

export const metadata: Metadata = { title: "Jobs" };

/** The connection's running and recently ended jobs, everyone's, read from the job rows any instance shares. */
export default async function JobsPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser("keys.read");
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) notFound();
  return <JobsPanel connectionId={connection.profile.id} />;
}
