/**
 * The types of keys a driver has seen lately (listed or read), so that opening one can send its page in the
 * same round trip as TYPE instead of after it. Only a guess: the reader checks it against TYPE in that same
 * round trip. Bounded, least recently noted first out; long keys are not kept.
 */
export class KnownTypes {
  private readonly types = new Map<string, string>();

  constructor(
    private readonly capacity = 20_000,
    private readonly maxKeyBytes = 512,
  ) {}

  get(key: Buffer): string | undefined {
    return key.length > this.maxKeyBytes ? undefined : this.types.get(key.toString("latin1"));
  }

  note(key: Buffer, type: string): void {
    if (key.length > this.maxKeyBytes) return;
    const id = key.toString("latin1");
    this.types.delete(id);
    this.types.set(id, type);
    if (this.types.size > this.capacity) this.types.delete(this.types.keys().next().value as string);
  }

  forget(key: Buffer): void {
    if (key.length <= this.maxKeyBytes) this.types.delete(key.toString("latin1"));
  }

  get size(): number {
    return this.types.size;
  }
}
