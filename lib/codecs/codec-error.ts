/**
 * The one error every codec throws. Decoders run on untrusted bytes, so callers (and the fuzz tests) rely on
 * nothing else escaping: a `RangeError` from a typed array or a stack overflow would be a bug here.
 */
export class CodecError extends Error {
  readonly format: string;
  /** Byte offset into the input where decoding gave up, when it is known. */
  readonly position: number | undefined;
  /** The message without the format and position, to put inside another sentence. */
  readonly reason: string;

  constructor(format: string, message: string, position?: number) {
    super(position === undefined ? `${format}: ${message}` : `${format}: ${message} at byte ${position}`);
    this.name = "CodecError";
    this.format = format;
    this.position = position;
    this.reason = message;
  }
}
