import { formatCount } from "./format";

/** `1 key`, `2 keys`, `1,024 keys`: a count with its noun agreeing, the one helper every message uses. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
