/**
 * The browser's side of export and import: the export read as a stream (bytes and keys counted as they
 * arrive, cancelled by aborting the request, saved once complete), and the upload of a file with progress.
 */
import { ApiError, readReply } from "@/lib/wire/errors";
import { TRANSFER_FORMAT, type ExportEnd, type ExportHeader, type ExportScope, type UploadedFile } from "@/lib/wire/transfer";

export interface ExportProgress {
  bytes: number;
  keys: number;
  header: ExportHeader | null;
  /** The export's job (any instance reads its progress and can cancel it), from the response header. */
  jobId: string | null;
}

interface ExportedFile {
  blob: Blob;
  filename: string;
  keys: number;
}

const NEWLINE = 10;

/** The export of `scope` as a file; `onProgress` after every chunk. Throws ApiError (also for a failure midway). */
export async function downloadExport(
  connectionId: string,
  request: { scope: ExportScope; dump: boolean },
  onProgress: (progress: ExportProgress) => void,
  signal: AbortSignal,
): Promise<ExportedFile> {
  const response = await fetch(`/api/c/${encodeURIComponent(connectionId)}/keys/export`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
    signal,
  });
  if (!response.ok || !response.body) await readReply(response);
  const jobId = response.headers.get("x-cacheboard-job");
  const filename = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "cacheboard-keys.jsonl";
  const reader = response.body!.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let bytes = 0;
  let lines = 0;
  let header: ExportHeader | null = null;
  let firstLine = "";
  let tail = new Uint8Array(0);
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value as Uint8Array<ArrayBuffer>);
    bytes += value.length;
    for (let at = value.indexOf(NEWLINE); at >= 0; at = value.indexOf(NEWLINE, at + 1)) lines++;
    if (!header) {
      firstLine += decoder.decode(value, { stream: true });
      const end = firstLine.indexOf("\n");
      if (end >= 0) header = JSON.parse(firstLine.slice(0, end)) as ExportHeader;
    }
    const joined = new Uint8Array(tail.length + value.length);
    joined.set(tail);
    joined.set(value, tail.length);
    tail = joined.slice(-4096);
    // Lines after the header are keys, until the end line.
    onProgress({ bytes, keys: Math.max(0, lines - 1), header, jobId });
  }
  const last = new TextDecoder().decode(tail).trim().split("\n").pop() ?? "";
  const ending = last.startsWith(`{"format":"${TRANSFER_FORMAT}"`) ? (JSON.parse(last) as ExportEnd) : null;
  // The last line is not a key: the count is the one it states (a cancelled or failed export's too).
  if (ending) onProgress({ bytes, keys: ending.keys, header, jobId });
  if (ending?.error) throw new ApiError(ending.error.code, ending.error.message);
  if (!ending?.end) throw new ApiError("INTERNAL", "The export ended before it was complete.");
  return { blob: new Blob(chunks, { type: "application/x-ndjson" }), filename, keys: ending.keys ?? 0 };
}

/** Hands a finished file to the browser's own download. */
export function saveFile(file: { blob: Blob; filename: string }): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = file.filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Uploads an export file (the raw file as the body) with progress; `abort` stops it. XMLHttpRequest, because
 * fetch reports no upload progress.
 */
export function uploadExport(connectionId: string, file: File, onProgress: (sent: number) => void): { done: Promise<UploadedFile>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedFile>((resolve, reject) => {
    xhr.open("POST", `/api/c/${encodeURIComponent(connectionId)}/keys/import`);
    xhr.setRequestHeader("content-type", "application/x-ndjson");
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      const response = new Response(xhr.responseText, { status: xhr.status, headers: { "content-type": "application/json" } });
      readReply<UploadedFile>(response).then(resolve, reject);
    };
    xhr.onerror = () => reject(new ApiError("CONNECTION_REFUSED", "The upload failed: the server could not be reached."));
    xhr.onabort = () => reject(new ApiError("CANCELLED", "The upload was cancelled."));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
