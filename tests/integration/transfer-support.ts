/**
 * Calls of the export and import routes and jobs, as the browser makes them, for the transfer tests. The
 * test file sets the session cookie (`testRequest`) and the database before importing this.
 */
import type { JobView } from "@/lib/wire/jobs";
import type { ExportScope, ImportJobResult, UploadedFile } from "@/lib/wire/transfer";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export async function transferCalls() {
  const exportRoute = (await import("@/app/api/c/[id]/keys/export/route")).POST as unknown as Handler;
  const importRoute = (await import("@/app/api/c/[id]/keys/import/route")).POST as unknown as Handler;
  const { readJob } = await import("@/lib/server/keys/jobs");

  const params = (id: string) => ({ params: Promise.resolve({ id }) });

  return {
    /** The export's response, its body not read yet. */
    exportResponse(connectionId: string, scope: ExportScope, dump = true): Promise<Response> {
      return exportRoute(
        new Request(`http://127.0.0.1:3000/api/c/${connectionId}/keys/export`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ scope, dump }) }),
        params(connectionId),
      );
    },
    /** The export as text, with the response's status. */
    async exportText(connectionId: string, scope: ExportScope, dump = true): Promise<{ status: number; text: string }> {
      const response = await this.exportResponse(connectionId, scope, dump);
      return { status: response.status, text: await response.text() };
    },
    async upload(connectionId: string, text: string): Promise<{ status: number; body: UploadedFile & { code?: string } }> {
      const response = await importRoute(new Request(`http://127.0.0.1:3000/api/c/${connectionId}/keys/import`, { method: "POST", body: text }), params(connectionId));
      return { status: response.status, body: (await response.json()) as UploadedFile & { code?: string } };
    },
    async finished(connectionId: string, jobId: string, userId: string): Promise<JobView<ImportJobResult>> {
      for (let i = 0; i < 60_000; i++) {
        const job = await readJob(connectionId, jobId, userId);
        if (!job) throw new Error("job vanished");
        if (job.status !== "running") return job as JobView<ImportJobResult>;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error("the job did not finish");
    },
  };
}

/** The key lines of an export (header and end line left out). */
export function keyLines(text: string): Record<string, unknown>[] {
  const lines = text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return lines.filter((line) => "key" in line);
}
