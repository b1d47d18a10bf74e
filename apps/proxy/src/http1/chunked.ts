/**
 * Finds the end of a chunked body (RFC 9112 §7.1) in a stream of buffers without copying them:
 * chunk sizes, extensions, data, the last chunk and trailers. Used on tenants' responses, so
 * the fast lane knows when a streamed response (an SSE stream, a large listing) is complete.
 */

/** Longest size line or trailer line accepted. */
const MAX_LINE = 4096;
/** Most hex digits in a chunk size (2^60 bytes is beyond any body). */
const MAX_SIZE_DIGITS = 15;

type State = 'size' | 'line' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'done';

/** Thrown when the chunked framing is broken. */
export class ChunkedError extends Error {}

/** Incremental scanner; `scan` returns where the body ends within a chunk, or -1 when it goes on. */
export class ChunkedScanner {
  private state: State = 'size';
  private size = 0;
  private digits = 0;
  private lineLength = 0;
  /** Bytes of the current trailer line, to tell the blank line ending the trailers. */
  private trailerLength = 0;
  private sawCr = false;

  /** The body has ended. */
  get done(): boolean {
    return this.state === 'done';
  }

  /** Feeds `buf`; returns the offset just past the body's end within it, or -1 if the body continues. */
  scan(buf: Buffer): number {
    let i = 0;
    const n = buf.length;
    while (i < n) {
      switch (this.state) {
        case 'size': {
          const c = buf[i];
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.digits > MAX_SIZE_DIGITS) throw new ChunkedError('chunk size too large');
            this.size = this.size * 16 + v;
            i++;
            break;
          }
          if (this.digits === 0) throw new ChunkedError('missing chunk size');
          this.state = 'line';
          this.lineLength = 0;
          this.sawCr = false;
          break;
        }
        case 'line': {
          // Rest of the size line: optional extensions, then CRLF.
          const c = buf[i++];
          if (++this.lineLength > MAX_LINE) throw new ChunkedError('chunk size line too long');
          if (this.sawCr) {
            if (c !== 0x0a) throw new ChunkedError('bare CR in chunk size line');
            this.digits = 0;
            if (this.size === 0) {
              this.state = 'trailer';
              this.trailerLength = 0;
              this.sawCr = false;
            } else this.state = 'data';
          } else if (c === 0x0d) this.sawCr = true;
          else if (c === 0x0a || c < 0x09 || (c > 0x09 && c < 0x20) || c === 0x7f) throw new ChunkedError('bad chunk extension');
          break;
        }
        case 'data': {
          const take = Math.min(this.size, n - i);
          i += take;
          this.size -= take;
          if (this.size === 0) this.state = 'data-cr';
          break;
        }
        case 'data-cr':
          if (buf[i++] !== 0x0d) throw new ChunkedError('chunk data longer than its size');
          this.state = 'data-lf';
          break;
        case 'data-lf':
          if (buf[i++] !== 0x0a) throw new ChunkedError('chunk data not followed by CRLF');
          this.state = 'size';
          break;
        case 'trailer': {
          const c = buf[i++];
          if (this.sawCr) {
            if (c !== 0x0a) throw new ChunkedError('bare CR in trailer');
            if (this.trailerLength === 0) {
              this.state = 'done';
              return i;
            }
            this.trailerLength = 0;
            this.sawCr = false;
          } else if (c === 0x0d) this.sawCr = true;
          else if (c === 0x0a) throw new ChunkedError('bare LF in trailer');
          else if (++this.trailerLength > MAX_LINE) throw new ChunkedError('trailer line too long');
          break;
        }
        case 'done':
          return i;
      }
    }
    return -1;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
