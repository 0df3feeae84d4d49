import "server-only";
import { analysisLabel, analyze, budgetForSize, renderText } from "../../codecs";
import { DriverError } from "../../drivers/errors";
import type { Driver, KeyHead, KeyMeta, ReadResult } from "../../drivers/types";
import type { ExportValue } from "../../wire/transfer";

/**
 * One key's value as the export file carries it, read page by page through the driver (GETRANGE, HSCAN,
 * SSCAN, LRANGE, ZRANGE, XRANGE on Redis): `valuePieces` yields the JSON text of the `value` member in pieces,
 * one page at a time, so a huge key is never held whole; `readValue` collects it for keys small enough to
 * hold (and for the import's comparison with what the target has).
 */

/** String ranges: a multiple of 3, so each range's base64 joins the next without padding in between. */
const STRING_CHUNK = 3 * 1024 * 1024;
/** Elements per collection page. */
const COLLECTION_PAGE = 1000;
/** Values up to this size get a readable decoded rendering beside their bytes. */
const DECODE_MAX_BYTES = 1024 * 1024;
const DECODED_MAX_CHARS = 200_000;

export type ExportType = "string" | "hash" | "list" | "set" | "zset" | "stream";

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

function scoreOf(score: number): number | "inf" | "-inf" {
  return score === Infinity ? "inf" : score === -Infinity ? "-inf" : score;
}

/** The readable form of a string value where a codec applies: its format label and text. */
function decodedOf(bytes: Buffer, flags: number | undefined): { format?: string; decoded?: string } {
  if (bytes.length > DECODE_MAX_BYTES) return {};
  const analysis = analyze(bytes, flags === undefined ? {} : { memcachedFlags: flags }, budgetForSize(bytes.length));
  if (analysis.tooLarge) return { format: analysisLabel(analysis) };
  if (analysis.value.format === "binary") return { format: "binary" };
  return { format: analysisLabel(analysis), decoded: renderText(analysis.value, DECODED_MAX_CHARS) };
}

function sameString(read: ReadResult, digest: string): Extract<ReadResult, { type: "string" }> {
  if (read.type !== "string" || read.digest !== digest) throw new DriverError("CONFLICT", "The value changed while it was exported.");
  return read;
}

/**
 * The JSON of the value member, in pieces; `flags` receives a memcached or uWSGI item's flags. A string whose
 * whole value came with its description (`describeHeads`) is not read again.
 */
export async function* valuePieces(driver: Driver, meta: KeyMeta | KeyHead, onFlags?: (flags: number) => void): AsyncGenerator<string> {
  const key = meta.key;
  switch (meta.type) {
    case "string": {
      if ("head" in meta && meta.head && meta.size !== null && meta.head.length >= meta.size) {
        yield JSON.stringify({ base64: b64(meta.head), size: meta.size, ...decodedOf(meta.head, meta.flags) });
        return;
      }
      const first = await driver.read(key, { offset: 0, bytes: STRING_CHUNK, limit: 1 });
      if (first.type !== "string") throw new DriverError("CONFLICT", "The key changed type while it was exported.");
      if (first.flags !== undefined) onFlags?.(first.flags);
      if (first.value.length >= first.total) {
        yield JSON.stringify({ base64: b64(first.value), size: first.total, ...decodedOf(first.value, first.flags) });
        return;
      }
      yield `{"size":${first.total},"base64":"${b64(first.value)}`;
      let offset = first.value.length;
      while (offset < first.total) {
        const next = sameString(await driver.read(key, { offset, bytes: STRING_CHUNK, limit: 1 }), first.digest);
        if (next.value.length === 0) throw new DriverError("CONFLICT", "The value became shorter while it was exported.");
        // Ranges are a multiple of 3 bytes except the last, so the base64 pieces join into one.
        yield b64(next.value);
        offset += next.value.length;
      }
      yield `"}`;
      return;
    }
    case "hash":
    case "set": {
      yield meta.type === "hash" ? `{"entries":[` : `{"members":[`;
      let cursor = "";
      let first = true;
      do {
        const page = await driver.read(key, { cursor, limit: COLLECTION_PAGE });
        if (page.type !== meta.type) throw new DriverError("CONFLICT", "The key changed type while it was exported.");
        const parts = page.type === "hash" ? page.entries.map((e) => JSON.stringify([b64(e.field), b64(e.value)])) : page.type === "set" ? page.members.map((m) => `"${b64(m)}"`) : [];
        if (parts.length) {
          yield (first ? "" : ",") + parts.join(",");
          first = false;
        }
        cursor = page.type === "hash" || page.type === "set" ? (page.done ? "" : page.cursor) : "";
      } while (cursor !== "");
      yield "]}";
      return;
    }
    case "list":
    case "zset": {
      yield meta.type === "list" ? `{"items":[` : `{"members":[`;
      let offset = 0;
      for (;;) {
        const page = await driver.read(key, { offset, limit: COLLECTION_PAGE });
        let parts: string[];
        if (page.type === "list" && meta.type === "list") parts = page.items.map((item) => `"${b64(item)}"`);
        else if (page.type === "zset" && meta.type === "zset") parts = page.members.map((m) => JSON.stringify([b64(m.member), scoreOf(m.score)]));
        else throw new DriverError("CONFLICT", "The key changed type while it was exported.");
        if (parts.length) yield (offset === 0 ? "" : ",") + parts.join(",");
        offset += parts.length;
        if (parts.length < COLLECTION_PAGE || offset >= page.total) break;
      }
      yield "]}";
      return;
    }
    case "stream": {
      yield `{"entries":[`;
      let cursor: string | undefined;
      let first = true;
      do {
        const page = await driver.read(key, { cursor, limit: COLLECTION_PAGE });
        if (page.type !== "stream") throw new DriverError("CONFLICT", "The key changed type while it was exported.");
        const parts = page.entries.map((e) => JSON.stringify([e.id, e.fields.map((f) => [b64(f.field), b64(f.value)])]));
        if (parts.length) {
          yield (first ? "" : ",") + parts.join(",");
          first = false;
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      yield "]}";
      return;
    }
    default:
      throw new DriverError("UNSUPPORTED", "Keys of this type cannot be exported.");
  }
}

/** The whole value, parsed: for keys small enough to hold. */
export async function readValue(driver: Driver, meta: KeyMeta): Promise<{ value: ExportValue; flags?: number }> {
  let text = "";
  let flags: number | undefined;
  for await (const piece of valuePieces(driver, meta, (f) => (flags = f))) text += piece;
  return { value: JSON.parse(text) as ExportValue, flags };
}

/**
 * A value in a form where equal contents compare equal: unordered collections sorted (a scan returns them in
 * any order, and may return an element twice), the readable rendering left out.
 */
export function canonicalValue(type: ExportType, value: ExportValue): string {
  const sortedUnique = (items: string[]) => [...new Set(items)].sort();
  if ("base64" in value) return value.base64;
  if (type === "hash" && "entries" in value) return JSON.stringify(sortedUnique((value.entries as [string, string][]).map((e) => JSON.stringify(e))));
  if (type === "set" && "members" in value) return JSON.stringify(sortedUnique(value.members as string[]));
  if (type === "zset" && "members" in value) return JSON.stringify(sortedUnique((value.members as [string, number | string][]).map((m) => JSON.stringify(m))));
  return JSON.stringify(value);
}
