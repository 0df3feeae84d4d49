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
    // Detection tries formats by decoding and expects most tries to fail: a failure is an answer, not a bug,
    // so no stack trace is captured (capturing one was a tenth of the key list's CPU time).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(position === undefined ? `${format}: ${message}` : `${format}: ${message} at byte ${position}`);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = "CodecError";
    this.format = format;
    this.position = position;
    this.reason = message;
  }
}
