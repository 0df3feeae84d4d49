import { z } from "zod";
import { keyText } from "../wire/keys";
import { isLitestarChildStore } from "../keyspace";
import { Refusal } from "../server/refusal";
import { bytesSchema } from "./schemas";

/** Extra prefixes a namespace job may take with it: only a Litestar store's child stores, never any prefix. */
export const alsoPrefixesSchema = z.array(bytesSchema).max(64).default([]);

/** The child-store prefixes, checked to be `<store>_<name>:` siblings of `prefix`; refuses anything else. */
export function childStores(prefix: Buffer, alsoPrefixes: Buffer[]): Buffer[] {
  const store = keyText(prefix).text;
  for (const p of alsoPrefixes) {
    if (!isLitestarChildStore(store, keyText(p).text)) {
      throw new Refusal("INVALID_ARGUMENT", `${keyText(p).text} is not a child store of ${store}.`);
    }
  }
  return alsoPrefixes;
}
