import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileField } from '../collection_model.js';
import { fileField as h, fileNames, PendingFile, pendingFiles, removedFileNames, type FileValue } from './field_file.js';
import { optionsCtx, sqliteDefault, sqliteRoundTrip, valueCtx } from './test_helpers.js';

const single = (o: Partial<FileField> = {}): FileField => ({ ...h.defaults('f'), ...o });
const multi = (o: Partial<FileField> = {}): FileField => single({ name: 'fm', maxSelect: 3, ...o });
const upload = (name: string, size = 10, mimeType = 'text/plain'): PendingFile => new PendingFile(name, `orig ${name}`, size, mimeType);

describe('file field', () => {
  it('defaults match PocketBase', () => {
    assert.equal(JSON.stringify(h.defaults('f')),
      '{"help":"","hidden":false,"id":"file1993550816","maxSelect":0,"maxSize":0,"mimeTypes":null,"name":"f","presentable":false,"protected":false,"required":false,"system":false,"thumbs":null,"type":"file"}');
  });

  it('normalizeOptions', () => {
    const r = h.normalizeOptions({ name: 'f', mimeTypes: ['image/png'], thumbs: null, protected: true });
    assert.ok(r.ok && r.field.protected && r.field.thumbs === null);
    assert.equal(h.normalizeOptions({ name: 'f', thumbs: '100x100' }).ok, false);
  });

  it('validateOptions (verified on PocketBase)', () => {
    const errors = h.validateOptions(single({ thumbs: ['100x100', '0x0', '100', '0x50f', '10x10z', '100x100t', ''], maxSize: -1, maxSelect: -1 }), optionsCtx([]));
    const min0 = { code: 'validation_min_greater_equal_than_required', message: 'Must be no less than 0.', params: { threshold: 0 } };
    assert.deepEqual(errors, {
      maxSelect: min0,
      maxSize: min0,
      thumbs: {
        1: { code: 'validation_not_in_invalid', message: 'Must not be in list.' },
        2: { code: 'validation_match_invalid', message: 'Must be in a valid format.' },
        4: { code: 'validation_match_invalid', message: 'Must be in a valid format.' },
      },
    });
    assert.deepEqual(h.validateOptions(single({ mimeTypes: ['bogus', ''] }), optionsCtx([])), {});
  });

  it('prepare takes names, arrays and uploads; single fields keep the last', () => {
    const up = upload('new_abc1234567.txt');
    assert.equal(h.prepare(single(), ['a.txt', 'b.txt']), 'b.txt');
    assert.deepEqual(h.prepare(multi(), 'a.txt'), ['a.txt']);
    assert.deepEqual(h.prepare(multi(), ['a.txt', 'a.txt', '', null, { x: 1 }, ['x', 'y']]), ['a.txt']);
    assert.deepEqual(h.prepare(multi(), ['a.txt', up]), ['a.txt', up]);
    assert.equal(h.prepare(single(), null), '');
    // Objects from JSON can never pose as uploads.
    assert.deepEqual(h.prepare(multi(), [{ name: 'x', size: 1 }]), []);
  });

  it('modify by name (+f, f+, f-)', () => {
    const up = upload('u.txt');
    assert.deepEqual(h.modify(multi(), ['a.txt'], 'append', up), ['a.txt', up]);
    assert.deepEqual(h.modify(multi(), ['a.txt'], 'prepend', ['b.txt']), ['b.txt', 'a.txt']);
    assert.deepEqual(h.modify(multi(), ['a.txt', up, 'b.txt'], 'subtract', ['a.txt', 'u.txt']), ['b.txt']);
    assert.equal(h.modify(single(), 'a.txt', 'subtract', 'a.txt'), '');
  });

  it('validateValue (codes and messages verified on PocketBase)', () => {
    const v = (f: FileField, value: FileValue, original?: FileValue): unknown => h.validateValue(f, value, valueCtx<FileValue>({ original }));
    assert.deepEqual(v(single(), 'abc.txt'), {
      code: 'validation_invalid_file', message: 'Invalid new files: [abc.txt].', params: { invalidFiles: ['abc.txt'] },
    });
    assert.deepEqual(v(multi(), ['a.txt', 'b.txt', 'c.txt', 'd.txt']), {
      code: 'validation_invalid_file', message: 'Invalid new files: [a.txt b.txt c.txt d.txt].', params: { invalidFiles: ['a.txt', 'b.txt', 'c.txt', 'd.txt'] },
    });
    assert.equal(v(multi(), ['a.txt', 'b.txt'], ['a.txt', 'b.txt', 'c.txt']), null); // keeping stored names is fine
    assert.deepEqual(v(multi(), ['x/../y.txt'], ['a.txt']), {
      code: 'validation_invalid_file', message: 'Invalid new files: [x/../y.txt].', params: { invalidFiles: ['x/../y.txt'] },
    });
    assert.deepEqual(v(multi({ maxSelect: 2 }), ['a', 'b', 'c'], ['a', 'b', 'c']), {
      code: 'validation_too_many_files', message: 'The maximum allowed files is 2.', params: { maxSelect: 2 },
    });
    assert.equal(v(single(), ''), null);
    assert.deepEqual(v(single({ required: true }), ''), { code: 'validation_required', message: 'Cannot be blank.' });
  });

  it('validates uploads: name, size, MIME type', () => {
    const v = (f: FileField, u: PendingFile): unknown => h.validateValue(f, [u], valueCtx<FileValue>());
    assert.equal(v(multi(), upload('ok_name_1234567890.txt')), null);
    assert.equal((v(multi(), upload('.hidden')) as { code: string }).code, 'validation_match_invalid');
    assert.equal((v(multi(), upload('a/b.txt')) as { code: string }).code, 'validation_match_invalid');
    assert.equal((v(multi(), upload('a\u0001b.txt')) as { code: string }).code, 'validation_match_invalid');
    assert.equal((v(multi(), upload('x'.repeat(151))) as { code: string }).code, 'validation_length_out_of_range');
    assert.deepEqual(v(multi({ maxSize: 5 }), upload('big.txt', 6)), {
      code: 'validation_file_size_limit', message: 'Failed to upload orig big.txt - the maximum allowed file size is 5 bytes.',
      params: { file: 'orig big.txt', maxSize: 5 },
    });
    assert.deepEqual(v(multi({ mimeTypes: ['image/png', 'image/jpeg'] }), upload('a.txt')), {
      code: 'validation_invalid_mime_type', message: '"a.txt" mime type must be one of: image/png, image/jpeg.',
    });
    assert.equal(v(multi({ mimeTypes: ['image/png'] }), upload('a.png', 1, 'IMAGE/PNG; charset=binary')), null);
  });

  it('helpers for the upload layer', () => {
    const up = upload('u.txt');
    assert.deepEqual(fileNames(['a.txt', up]), ['a.txt', 'u.txt']);
    assert.deepEqual(pendingFiles(['a.txt', up]), [up]);
    assert.deepEqual(removedFileNames(['a.txt', 'b.txt'], ['b.txt', up]), ['a.txt']);
  });

  it('columns, stored forms and API JSON (verified against PocketBase DDL and rows)', () => {
    assert.equal(h.columnDefinition(single()), "TEXT DEFAULT '' NOT NULL");
    assert.equal(h.columnDefinition(multi()), "JSON DEFAULT '[]' NOT NULL");
    assert.equal(sqliteDefault(h, multi()), '[]');
    assert.deepEqual(sqliteRoundTrip(h, multi(), ['a.txt', upload('u.txt')]), { stored: '["a.txt","u.txt"]', back: ['a.txt', 'u.txt'] });
    assert.deepEqual(sqliteRoundTrip(h, single(), 'a.txt'), { stored: 'a.txt', back: 'a.txt' });
    assert.deepEqual(h.toJSON(multi(), [upload('u.txt')]), ['u.txt']);
    assert.equal(h.toJSON(single(), ''), '');
  });
});
