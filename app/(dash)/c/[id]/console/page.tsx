import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConsoleView } from "@/components/console/console-view";
import { requirePageUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { loadConnection } from "@/lib/connections/load";
import { kindOf } from "@/lib/kinds";
import { readHistory } from "@/lib/server/console/history";

export const metadata: Metadata = { title: "Console" };

/** The command console of one connection, with the person's own history of lines on it. */
export default async function ConsolePage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requirePageUser("console.read");
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) notFound();
  const { profile } = connection;
  const history = await readHistory(user.id, id);
  const note = profile.readOnly
    ? "Read-only connection: only commands that change nothing run here."
    : !can(user, "console.write")
      ? "As a viewer you can run read-only commands."
      : !can(user, "console.admin")
        ? "As an editor you can read and write keys; server commands need an admin."
        : profile.environment === "production"
          ? "Production: every write asks you to type its command name first."
          : null;
  return <ConsoleView connectionId={id} placeholder={kindOf(profile.kind).console.placeholder} initialHistory={history} note={note} />;
}
