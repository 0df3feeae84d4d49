/** The browser's calls to the console route: a reply, or a refusal with its code, suggestion and confirmation text. */
import type { ConsoleDocsReply, ConsoleRefusal, ConsoleRunReply, CommandDoc } from "@/lib/wire/console";
import { readReply } from "@/lib/wire/errors";

export async function runLine(connectionId: string, line: string, confirm?: string): Promise<ConsoleRunReply | ConsoleRefusal> {
  try {
    const response = await fetch(`/api/c/${encodeURIComponent(connectionId)}/console`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ line, confirm }),
    });
    const body = (await response.json().catch(() => null)) as ConsoleRunReply | ConsoleRefusal | null;
    if (body && typeof body.ok === "boolean") return body;
    return { ok: false, code: "INTERNAL", message: `The server answered ${response.status} without a reply.` };
  } catch {
    return { ok: false, code: "NETWORK", message: "No answer from Cacheboard: check the network and try again." };
  }
}

export async function fetchDocs(connectionId: string): Promise<CommandDoc[]> {
  const response = await fetch(`/api/c/${encodeURIComponent(connectionId)}/console`);
  return (await readReply<ConsoleDocsReply>(response)).docs;
}
