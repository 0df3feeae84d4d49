import "server-only";
import type { ActionContext } from "../../actions/define-action";
import { completeAudit, progressAudit } from "../../audit/record";
import type { LoadedConnection } from "../../connections/load";
import { DriverError } from "../../drivers/errors";
import type { JobView } from "../../wire/jobs";
import { plural } from "../../plural";
import { keyText } from "../../wire/keys";
import type { ImportCounts, ImportJobResult, ImportPolicy, ImportTtl } from "../../wire/transfer";
import { cancelDetail, startJob } from "../keys/jobs";
import { indexKeyAdded } from "../keys/keyspace-index";
import { runImport, type ImportRun } from "./import";
import { findUpload, removeUpload } from "./upload";
import { Refusal } from "../refusal";

/** How often, at most, a running import writes its counts to its audit entry. */
const PROGRESS_EVERY_MS = 1000;

interface ImportRequest {
  connection: LoadedConnection;
  userId: string;
  uploadId: string;
  policy: ImportPolicy;
  ttl: ImportTtl;
  rewrite: { from: Buffer; to: Buffer } | null;
}

function prepare(request: ImportRequest) {
  const upload = findUpload(request.uploadId, request.connection.profile.id, request.userId);
  if (!upload) throw new Refusal("NOT_FOUND", "That upload does not exist or has expired: choose the file again.");
  const driver = request.connection.driver();
  const useDump = upload.info.header?.dump === true && driver.capabilities.types && driver.capabilities.dumpRestore && driver.restore !== undefined;
  return { upload, driver, useDump };
}

/** The job's identity; `passes` is how many times the file is read (a fail-on-conflict import checks it first). */
function jobControl(request: ImportRequest, lines: number, kind: "import-preview" | "import", passes = 1) {
  const rewrite = request.rewrite ? `, ${keyText(request.rewrite.from).text}… → ${keyText(request.rewrite.to).text}…` : "";
  return { kind, connectionId: request.connection.scope, userId: request.userId, total: lines * passes, target: `a file of ${plural(lines, "key")}${rewrite}` };
}

/** The dry run as a job: what the import would do, counted, nothing written. */
export async function startImportPreview(request: ImportRequest): Promise<string> {
  const { upload, driver, useDump } = prepare(request);
  return startJob<ImportJobResult>({
    ...jobControl(request, upload.info.lines, "import-preview"),
    work: async (control) => {
      const run: ImportRun = {
        driver,
        file: upload.file,
        useDump,
        policy: request.policy,
        ttl: request.ttl,
        rewrite: request.rewrite,
        signal: control.signal,
        onProgress: (counts, lines) => {
          control.progress({ scanned: lines, matched: counts.total });
          control.publish({ counts: { ...counts } });
        },
      };
      return runImport(run, false);
    },
  });
}

/**
 * The import as a job that takes over the action's pending audit entry (like a namespace job): running with
 * the counts while it works, completed with them when it ends, so the whole import is one entry. Under the
 * "fail" policy it first counts, and writes nothing when any key conflicts.
 */
export async function startImport(request: ImportRequest, ctx: ActionContext): Promise<string> {
  const { upload, driver, useDump } = prepare(request);
  const { connection } = request;
  const entryId = ctx.auditEntryId;
  const detail = (counts: ImportCounts | null, cancelled: boolean) => ({
    file: { bytes: upload.info.bytes, keys: upload.info.lines, source: upload.info.header?.source.name ?? null, scope: upload.info.header?.scope.text ?? null, exportedAt: upload.info.header?.exportedAt ?? null },
    policy: request.policy,
    ttl: request.ttl,
    ...(request.rewrite ? { rewrite: { from: keyText(request.rewrite.from).text, to: keyText(request.rewrite.to).text } } : {}),
    restore: useDump ? "dump" : "writes",
    counts,
    cancelled,
  });
  let writes: Promise<void> = Promise.resolve();
  let lastWrite = 0;
  const record = (write: () => Promise<void>) => {
    writes = writes.then(write).catch((error: unknown) => console.error("Could not update audit entry", entryId, error));
    return writes;
  };
  if (entryId !== null) {
    await progressAudit(entryId, detail(null, false));
    ctx.audit.handedOff = true;
  }
  const actor = { id: ctx.user.id, email: ctx.user.email };

  return startJob<ImportJobResult>({
    ...jobControl(request, upload.info.lines, "import", request.policy === "fail" ? 2 : 1),
    work: async (control) => {
      const base = { driver, file: upload.file, useDump, policy: request.policy, ttl: request.ttl, rewrite: request.rewrite, signal: control.signal };
      let offset = 0;
      if (request.policy === "fail") {
        const preview = await runImport({ ...base, onProgress: (_counts, lines) => control.progress({ scanned: lines }) }, false);
        if (control.signal.aborted) return preview;
        if (preview.counts.conflicting > 0) {
          throw new DriverError("CONFLICT", `${preview.counts.conflicting} keys exist with other values; nothing was imported.`);
        }
        offset = upload.info.lines;
      }
      return runImport(
        {
          ...base,
          onProgress: (counts, lines) => {
            control.progress({ scanned: offset + lines, matched: counts.total, affected: counts.written });
            control.publish({ counts: { ...counts } });
            const now = Date.now();
            if (entryId === null || now - lastWrite < PROGRESS_EVERY_MS) return;
            lastWrite = now;
            void record(() => progressAudit(entryId, detail(counts, false)));
          },
          onCreated: (key) => indexKeyAdded(connection.scope, key),
        },
        true,
      );
    },
    finish: async (view: JobView<ImportJobResult>, ended) => {
      if (view.status === "done") removeUpload(request.uploadId);
      if (entryId === null) return;
      const stopped = await cancelDetail(ended);
      await record(() =>
        completeAudit(entryId, {
          actor,
          connection: { id: connection.profile.id, name: connection.profile.name },
          action: "keys.import",
          detail: { ...detail(view.result?.counts ?? null, view.status === "cancelled"), ...stopped },
          outcome: view.status === "error" ? "error" : "ok",
          error: view.error ?? undefined,
          clientAddress: ctx.clientAddress,
        }),
      );
    },
  });
}
