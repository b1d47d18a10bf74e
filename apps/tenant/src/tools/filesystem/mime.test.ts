import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { baseMimeType, detectType, isInlineType, servedContentType } from './mime.js';

const bytes = (...parts: Array<number[] | string>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('content type detection', () => {
  test('magic numbers and text kinds', () => {
    const cases: Array<[Buffer, boolean, string, string]> = [
      [bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'rest'), false, 'image/png', '.png'],
      [bytes([0xff, 0xd8, 0xff, 0xe0]), false, 'image/jpeg', '.jpg'],
      [bytes('GIF89a....'), false, 'image/gif', '.gif'],
      [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), false, 'image/webp', '.webp'],
      [bytes('%PDF-1.7'), false, 'application/pdf', '.pdf'],
      [bytes([0x50, 0x4b, 0x03, 0x04]), false, 'application/zip', '.zip'],
      [bytes([0, 0, 0, 0x20], 'ftypisom'), false, 'video/mp4', '.mp4'],
      [bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'), true, 'image/svg+xml', '.svg'],
      [bytes('<!DOCTYPE html><html></html>'), true, 'text/html; charset=utf-8', '.html'],
      [bytes('{"a":1}'), true, 'application/json', '.json'],
      [bytes('{"a":'), false, 'text/plain; charset=utf-8', '.txt'],
      [Buffer.from('héllo wörld', 'utf8'), true, 'text/plain; charset=utf-8', '.txt'],
      [bytes([0x00, 0x01, 0x02, 0xfe]), true, 'application/octet-stream', ''],
      [Buffer.alloc(0), true, 'text/plain', '.txt'],
    ];
    for (const [head, complete, mime, ext] of cases) assert.deepEqual(detectType(head, complete), { mime, ext }, mime);
  });

  test('a multi-byte character cut at the end of the head is still text', () => {
    const head = Buffer.from('aé', 'utf8').subarray(0, 2);
    assert.equal(detectType(head, false).mime, 'text/plain; charset=utf-8');
    assert.equal(detectType(head, true).mime, 'application/octet-stream');
  });

  test('serving: inline only for safe media, extension overrides for svg/css/js', () => {
    assert.ok(isInlineType('image/png'));
    assert.ok(!isInlineType('image/svg+xml'));
    assert.ok(!isInlineType('text/html; charset=utf-8'));
    assert.equal(baseMimeType('Text/Plain; charset=utf-8'), 'text/plain');
    assert.equal(servedContentType('a_123.svg', { mime: 'text/plain; charset=utf-8', ext: '.txt' }), 'image/svg+xml');
    assert.equal(servedContentType('a_123.js', { mime: 'text/plain; charset=utf-8', ext: '.txt' }), 'text/javascript; charset=utf-8');
    assert.equal(servedContentType('a_123.png', { mime: 'image/png', ext: '.png' }), 'image/png');
  });
});
