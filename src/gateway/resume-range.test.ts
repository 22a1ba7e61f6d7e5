import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resumeRange } from './resume-range.js';

const full = { status: 200, contentLength: 100, contentRange: undefined, contentType: 'video/mp4' };
const ranged = { status: 206, contentLength: 50, contentRange: 'bytes 10-59/100', contentType: 'video/mp4' };

describe('resumeRange', () => {
  it('asks for the rest of a full response', () => {
    assert.deepEqual(resumeRange(full, 40), { kind: 'resume', range: 'bytes=40-99', start: 40, end: 99 });
    assert.deepEqual(resumeRange(full, 0), { kind: 'resume', range: 'bytes=0-99', start: 0, end: 99 });
  });
  it('asks for the rest of a single range, keeping its end', () => {
    assert.deepEqual(resumeRange(ranged, 5), { kind: 'resume', range: 'bytes=15-59', start: 15, end: 59 });
  });
  it('says complete when every byte was sent', () => {
    assert.deepEqual(resumeRange(full, 100), { kind: 'complete' });
    assert.deepEqual(resumeRange(ranged, 50), { kind: 'complete' });
  });
  it('does not resume multipart, unknown lengths or bad Content-Range', () => {
    const multi = { ...ranged, contentType: 'multipart/byteranges; boundary=x', contentRange: undefined };
    assert.deepEqual(resumeRange(multi, 3), { kind: 'no-resume', why: 'multipart' });
    assert.deepEqual(resumeRange({ ...full, contentLength: undefined }, 3), {
      kind: 'no-resume',
      why: 'unknown-length',
    });
    assert.deepEqual(resumeRange({ ...ranged, contentRange: 'bytes x' }, 3), {
      kind: 'no-resume',
      why: 'bad-content-range',
    });
  });
});
