import "server-only";
import { DriverError, isDriverError } from "../../drivers/errors";
import type { Driver, StringRead } from "../../drivers/types";

/** Small enough that a 50 MB value never sits in memory whole, large enough to keep round trips few. */
const DOWNLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

interface ValueDownload {
  total: number;
  stream: ReadableStream<Uint8Array>;
}

/**
 * A string value as a stream of ranges (GETRANGE on Redis: each chunk costs the server O(chunk), never a
 * whole-value read or hash). Each chunk carries the value's digest, compared with the first one's, so a value
 * rewritten mid-download is reported instead of stitched together from two versions. The next chunk is
 * fetched while the current one is being sent. A chunk that times out is asked for once more; a second
 * failure ends the stream with an error naming the byte offset.
 */
export async function openValueDownload(driver: Driver, key: Buffer, chunkBytes = DOWNLOAD_CHUNK_BYTES): Promise<ValueDownload> {
  const first = await driver.read(key, { offset: 0, bytes: chunkBytes, limit: 1 });
  if (first.type !== "string") throw new DriverError("WRONG_TYPE", "Only string values can be downloaded.");
  const { total, digest } = first;

  const chunkAt = async (offset: number): Promise<StringRead> => {
    const read = () => driver.read(key, { offset, bytes: chunkBytes, limit: 1 });
    let next;
    try {
      next = await read();
    } catch (error) {
      if (!isDriverError(error) || error.code !== "TIMEOUT") throw error;
      next = await read();
    }
    if (next.type !== "string" || next.digest !== digest) throw new DriverError("CONFLICT", "The value changed during the download.");
    return next;
  };

  let offset = first.value.length;
  let ahead: Promise<StringRead> | null = offset < total ? chunkAt(offset) : null;
  // A rejected look-ahead is reported by `pull`; this keeps it from counting as unhandled meanwhile.
  ahead?.catch(() => undefined);
  let pending: Buffer | null = first.value;

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let chunk = pending;
        pending = null;
        if (!chunk) {
          if (!ahead) {
            controller.close();
            return;
          }
          const at = offset;
          chunk = (await ahead.catch((error: unknown) => {
            const reason = error instanceof Error ? error.message : String(error);
            throw new Error(`The download stopped at byte ${at} of ${total}: ${reason}`, { cause: error });
          })).value;
          if (chunk.length === 0) throw new Error(`The download stopped at byte ${at} of ${total}: the value became shorter.`);
          offset += chunk.length;
          ahead = offset < total ? chunkAt(offset) : null;
          ahead?.catch(() => undefined);
        }
        if (chunk.length > 0) controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (!ahead) controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
    cancel() {
      ahead = null;
    },
  });
  return { total, stream };
}
