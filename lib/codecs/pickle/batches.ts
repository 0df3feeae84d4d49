import type { PickleNode } from "./nodes";

/**
 * How CPython's pickler batches the items of lists, dicts and sets (`batch_list`, `batch_dict`, their
 * `_exact` forms, and `batch_set`): at most 1000 items between MARK and APPENDS/SETITEMS/ADDITEMS, a single
 * item with APPEND/SETITEM, and protocol 0 one item at a time.
 */
const BATCH = 1000;

/** What the batching needs of the pickler: its protocol, and writing a node or raw opcodes. */
export interface ItemSink {
  readonly proto: number;
  save(node: PickleNode): void;
  write(data: readonly number[]): void;
}

/** List items of an exact list (`exact`) or of a REDUCE'd object, which CPython batches differently. */
export function writeListItems(sink: ItemSink, items: readonly PickleNode[], exact: boolean): void {
  if (items.length === 0) return;
  if (sink.proto === 0) {
    for (const item of items) {
      sink.save(item);
      sink.write([0x61]);
    }
    return;
  }
  if (exact && items.length === 1) {
    sink.save(items[0]);
    return sink.write([0x61]);
  }
  let at = 0;
  if (exact) {
    do {
      let inBatch = 0;
      sink.write([0x28]);
      while (at < items.length) {
        sink.save(items[at++]);
        if (++inBatch === BATCH) break;
      }
      sink.write([0x65]);
    } while (at < items.length);
    return;
  }
  while (at < items.length) {
    if (at + 1 === items.length) {
      sink.save(items[at++]);
      sink.write([0x61]);
      break;
    }
    sink.write([0x28]);
    const end = Math.min(at + BATCH, items.length);
    while (at < end) sink.save(items[at++]);
    sink.write([0x65]);
  }
}

/** Dict items of an exact dict (`exact`) or of a REDUCE'd object, batched as `batch_dict(_exact)` does. */
export function writeDictItems(sink: ItemSink, entries: readonly [PickleNode, PickleNode][], exact: boolean): void {
  if (entries.length === 0) return;
  if (sink.proto === 0) {
    for (const [k, v] of entries) {
      sink.save(k);
      sink.save(v);
      sink.write([0x73]);
    }
    return;
  }
  if (exact && entries.length === 1) {
    sink.save(entries[0][0]);
    sink.save(entries[0][1]);
    return sink.write([0x73]);
  }
  let at = 0;
  if (exact) {
    // `batch_dict_exact` loops while a batch was full, so a multiple of 1000 ends with an empty batch.
    let inBatch: number;
    do {
      inBatch = 0;
      sink.write([0x28]);
      while (at < entries.length) {
        sink.save(entries[at][0]);
        sink.save(entries[at][1]);
        at++;
        if (++inBatch === BATCH) break;
      }
      sink.write([0x75]);
    } while (inBatch === BATCH);
    return;
  }
  while (at < entries.length) {
    if (at + 1 === entries.length) {
      sink.save(entries[at][0]);
      sink.save(entries[at][1]);
      at++;
      sink.write([0x73]);
      break;
    }
    sink.write([0x28]);
    const end = Math.min(at + BATCH, entries.length);
    for (; at < end; at++) {
      sink.save(entries[at][0]);
      sink.save(entries[at][1]);
    }
    sink.write([0x75]);
  }
}

/** The items of a set (protocol 4+, after EMPTY_SET): ADDITEMS batches, a multiple of 1000 ending with an empty one. */
export function writeSetItems(sink: ItemSink, items: readonly PickleNode[]): void {
  if (items.length === 0) return;
  let at = 0;
  let inBatch: number;
  do {
    inBatch = 0;
    sink.write([0x28]);
    while (at < items.length) {
      sink.save(items[at++]);
      if (++inBatch === BATCH) break;
    }
    sink.write([0x90]);
  } while (inBatch === BATCH);
}
