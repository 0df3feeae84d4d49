import "server-only";
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Refusal } from "../refusal";
import { TRANSFER_FORMAT, TRANSFER_VERSION, type ExportHeader, type UploadedFile } from "../../wire/transfer";

/**
 * An uploaded export file waits in a private temporary folder (mode 0700) for its preview and import, which
 * read it line by line. Uploads belong to the user and connection they were made for, are removed when their
 * import finishes, and in any case an hour after upload. Per process, like the jobs that read them.
 */

interface Upload {
  file: string;
  connectionId: string;
  userId: string;
  createdAt: number;
  info: UploadedFile;
}

const KEEP_MS = 60 * 60_000;
const HEADER_MAX = 64 * 1024;

const holder = globalThis as unknown as { cacheboardUploads?: Map<string, Upload> };
const uploads = (holder.cacheboardUploads ??= new Map());

/** The largest file taken (`CACHEBOARD_IMPORT_MAX_BYTES`, default 4 GiB). */
function maxBytes(): number {
  const configured = Number(process.env.CACHEBOARD_IMPORT_MAX_BYTES);
  return Number.isFinite(configured) && configured > 0 ? configured : 4 * 1024 ** 3;
}

function folder(): string {
  const dir = path.join(tmpdir(), `cacheboard-imports-${process.getuid?.() ?? "user"}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function sweep(now: number): void {
  for (const [id, upload] of uploads) if (now - upload.createdAt > KEEP_MS) removeUpload(id);
}

export function removeUpload(id: string): void {
  const upload = uploads.get(id);
  uploads.delete(id);
  if (upload) rmSync(upload.file, { force: true });
}

function parseHeader(line: string): ExportHeader {
  let header: Partial<ExportHeader> | null = null;
  try {
    header = JSON.parse(line) as Partial<ExportHeader>;
  } catch {
    // answered below
  }
  if (!header || header.format !== TRANSFER_FORMAT || typeof header.version !== "number") {
    throw new Refusal("INVALID_ARGUMENT", "This is not a Cacheboard key export: its first line is not the export header.");
  }
  if (header.version > TRANSFER_VERSION) throw new Refusal("INVALID_ARGUMENT", `This file was written by a newer Cacheboard (format version ${header.version}).`);
  return header as ExportHeader;
}

/** Writes the request body to a temporary file, counting its lines and reading its header and end line. */
export async function storeUpload(body: ReadableStream<Uint8Array> | null, owner: { connectionId: string; userId: string }): Promise<UploadedFile> {
  if (!body) throw new Refusal("INVALID_ARGUMENT", "Choose a file to import.");
  sweep(Date.now());
  const id = randomUUID();
  const file = path.join(folder(), `${id}.jsonl`);
  const out = createWriteStream(file, { mode: 0o600 });
  const limit = maxBytes();
  let bytes = 0;
  let lines = 0;
  let lineHasContent = false;
  let head = Buffer.alloc(0);
  let headDone = false;
  let tail = Buffer.alloc(0);
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      bytes += buf.length;
      if (bytes > limit) throw new Refusal("TOO_LARGE", `The file is larger than ${limit} bytes (CACHEBOARD_IMPORT_MAX_BYTES).`);
      if (!headDone) {
        const end = buf.indexOf(10);
        head = Buffer.concat([head, end < 0 ? buf : buf.subarray(0, end)]);
        if (end >= 0) headDone = true;
        if (head.length > HEADER_MAX) throw new Refusal("INVALID_ARGUMENT", "This is not a Cacheboard key export: its first line is not the export header.");
      }
      // Lines with something on them; blank ones (a trailing newline) are not keys.
      for (let at = 0; ; ) {
        const end = buf.indexOf(10, at);
        if (end - at > 0 || (end < 0 && at < buf.length)) lineHasContent = true;
        if (end < 0) break;
        if (lineHasContent) lines++;
        lineHasContent = false;
        at = end + 1;
      }
      tail = Buffer.concat([tail, buf]).subarray(-4096);
      if (!out.write(buf)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
    if (lineHasContent) lines++;
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const header = parseHeader(head.toString("utf8"));
    const last = tail.toString("utf8").trim().split("\n").pop() ?? "";
    const complete = last.startsWith(`{"format":"${TRANSFER_FORMAT}","end":true`);
    const info: UploadedFile = { uploadId: id, bytes, lines: Math.max(0, lines - 1 - (complete ? 1 : 0)), header, complete };
    uploads.set(id, { file, ...owner, createdAt: Date.now(), info });
    return info;
  } catch (error) {
    out.destroy();
    rmSync(file, { force: true });
    throw error;
  }
}

/** The upload when it exists and belongs to this user and connection. */
export function findUpload(id: string, connectionId: string, userId: string): Upload | null {
  sweep(Date.now());
  const upload = uploads.get(id);
  return upload && upload.connectionId === connectionId && upload.userId === userId ? upload : null;
}

/**
 * The file's lines after the header, one at a time; a line longer than `maxLine` is not held: it comes as
 * `null` (with its length), so a file with one enormous line costs no more memory than `maxLine`.
 */
export async function* readLines(file: string, maxLine: number): AsyncGenerator<{ line: Buffer | null; length: number }> {
  let parts: Buffer[] = [];
  let length = 0;
  let first = true;
  const emit = function* (): Generator<{ line: Buffer | null; length: number }> {
    const over = length > maxLine;
    const line = over ? null : Buffer.concat(parts);
    parts = [];
    const was = length;
    length = 0;
    if (first) {
      first = false;
      return;
    }
    if (was > 0 && !(line && line.toString("latin1").trim() === "")) yield { line, length: was };
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(10, start);
      const piece = chunk.subarray(start, end < 0 ? chunk.length : end);
      length += piece.length;
      if (length <= maxLine) parts.push(piece);
      else parts = [];
      if (end < 0) break;
      yield* emit();
      start = end + 1;
    }
  }
  if (length > 0) yield* emit();
}
