/**
 * What a person types to confirm a destructive change on a production connection. Shared by the dialogs
 * that ask for it and the server actions that refuse without it, so both always agree.
 */
import { keyText } from "./wire/keys";

/** Longer names are not worth retyping: the word "delete" stands in for them. */
const TYPED_NAME_MAX = 80;

export function keyConfirmation(key: Uint8Array): string {
  const { text } = keyText(key);
  return text.length <= TYPED_NAME_MAX ? text : "delete";
}

/** One key: its name; several: how many. */
export function keysConfirmation(keys: Uint8Array[]): string {
  return keys.length === 1 ? keyConfirmation(keys[0]) : String(keys.length);
}

export function namespaceConfirmation(prefix: Uint8Array): string {
  return keyText(prefix).text;
}

/** A console write on production: the command's name, as the console names it (`SET`, `CONFIG SET`). */
export function consoleConfirmation(commandName: string): string {
  return commandName.toUpperCase();
}

/** An import into a production connection: the connection's name. */
export function importConfirmation(connectionName: string): string {
  return connectionName.length <= TYPED_NAME_MAX ? connectionName : "import";
}
