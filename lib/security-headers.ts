/**
 * The fixed security headers of every answer: next.config.ts gives them to everything Next.js serves, the
 * direct lane (lib/server/direct-lane.ts) to what it answers. The per-request ones (the Content-Security-Policy
 * with its nonce, HSTS) are set by proxy.ts, for pages.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  // Nothing here needs a camera, a microphone, a location or a payment sheet; no embedded page gets them either.
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), browsing-topics=()",
};
