/**
 * After an upstream failed mid-body, which `Range` to ask the next node for, so that the client's
 * response continues byte for byte. Pure. Decided from the response the client already got (its
 * status and `Content-Range`), not from the request: that response already reflects whether the
 * client's `Range` and `If-Range` applied. The resumed request also carries `If-Match` with the strong
 * ETag (see stream-failover.ts), so the rest comes from the same bytes.
 *
 * | response started                                    | sent | result                                    |
 * |-----------------------------------------------------|------|-------------------------------------------|
 * | 200, Content-Length 100                             | 40   | resume `bytes=40-99`, start 40, end 99    |
 * | 206, Content-Range `bytes 10-59/100`                | 5    | resume `bytes=15-59`, start 15, end 59    |
 * | 200, Content-Length 100                             | 100  | complete                                  |
 * | 206 multipart/byteranges                            | any  | no-resume 'multipart'                     |
 * | 200 without Content-Length                          | any  | no-resume 'unknown-length'                |
 * | 206 with a malformed Content-Range                  | any  | no-resume 'bad-content-range'             |
 *
 * Multipart answers are not resumed: their body interleaves part headers with bytes, so "the rest" is
 * not a byte range of the file (nginx and Envoy cannot resume them either); the client's response is
 * cut and the client retries.
 */

export interface StartedResponse {
  status: number;
  contentLength: number | undefined;
  contentRange: string | undefined;
  contentType: string | undefined;
}

export type ResumeDecision =
  | { kind: 'resume'; range: string; start: number; end: number }
  | { kind: 'complete' }
  | { kind: 'no-resume'; why: 'multipart' | 'unknown-length' | 'bad-content-range' };

/** The first and last byte the started response covers, or why it cannot say. */
export function coveredBytes(
  r: StartedResponse,
): { start: number; end: number } | { why: 'multipart' | 'unknown-length' | 'bad-content-range' } {
  if (r.status === 206) {
    if (r.contentType?.toLowerCase().startsWith('multipart/')) return { why: 'multipart' };
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(r.contentRange?.trim() ?? '');
    if (!m) return { why: 'bad-content-range' };
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (end < start) return { why: 'bad-content-range' };
    return { start, end };
  }
  if (r.contentLength === undefined) return { why: 'unknown-length' };
  return { start: 0, end: r.contentLength - 1 };
}

export function resumeRange(r: StartedResponse, sentBytes: number): ResumeDecision {
  const covered = coveredBytes(r);
  if ('why' in covered) return { kind: 'no-resume', why: covered.why };
  const start = covered.start + sentBytes;
  if (start > covered.end) return { kind: 'complete' };
  return { kind: 'resume', range: `bytes=${start}-${covered.end}`, start, end: covered.end };
}
