import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractExtension, snakeCase, storageFileName } from './names.js';

describe('storage file names', () => {
  test('extractExtension keeps a secondary extension', () => {
    const cases: Array<[string, string]> = [
      ['test.txt', '.txt'], ['test.tar.gz', '.tar.gz'], ['test.a.tar.gz', '.tar.gz'], ['noext', ''], ['.hidden', '.hidden'], ['a.', '.'],
    ];
    for (const [name, ext] of cases) assert.equal(extractExtension(name), ext, name);
  });

  test('snakeCase splits on non-alphanumerics and case changes', () => {
    const cases: Array<[string, string]> = [
      ['Hello World', 'hello_world'], ['myFile', 'my_file'], ['ABC', 'abc'], ['already_snake', 'already_snake'],
      ['  --a--b--  ', 'a_b'], ['Über Größe', 'ber_gr_e'], ['', ''], ['../../etc/passwd', 'etc_passwd'],
    ];
    for (const [input, out] of cases) assert.equal(snakeCase(input), out, input);
  });

  test('storageFileName: snake name, 10 random characters, cleaned extension', () => {
    assert.match(storageFileName('My Photo.PNG', '.png'), /^my_photo_[a-z0-9]{10}\.PNG$/);
    assert.match(storageFileName('archive.tar.gz', ''), /^archive_[a-z0-9]{10}\.tar\.gz$/);
    // no extension: the detected one
    assert.match(storageFileName('README', '.txt'), /^readme_[a-z0-9]{10}\.txt$/);
    // short names are padded with randomness
    assert.match(storageFileName('a.txt', ''), /^a[a-z0-9]{10}_[a-z0-9]{10}\.txt$/);
    // invalid characters are dropped from the extension, long ones keep their last 20 characters
    assert.match(storageFileName('x.p<n>g', ''), /^x[a-z0-9]{10}_[a-z0-9]{10}\.png$/);
    assert.match(storageFileName(`f.${'e'.repeat(30)}`, ''), /^f[a-z0-9]{10}_[a-z0-9]{10}\.e{20}$/);
    // long names are cut to 100 characters
    const long = storageFileName(`${'n'.repeat(300)}.txt`, '');
    assert.equal(long.length, 100 + 1 + 10 + 4);
    // separators can never survive
    for (const evil of ['../../x.txt', 'a/b\\c.txt', '..', '/etc/passwd', 'x.t/xt']) {
      const name = storageFileName(evil, '');
      assert.ok(!/[/\\]/.test(name) && !name.startsWith('.'), `${evil} -> ${name}`);
    }
  });
});
