/**
 * Files API in process (Fastify inject): the 404 table, file tokens and their lifetime,
 * files of view collections, and uploads rolled back with their transaction.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../../src/apis/server.js';
import { TenantApp } from '../../src/core/app.js';
import { collectionFromCreateInput } from '../../src/core/collection_input.js';
import { createCollection } from '../../src/core/collection_save.js';
import { findAuthRecordByIdentity } from '../../src/core/record_find.js';
import { applyInput, createRecord, newRecord } from '../../src/core/record_save.js';
import { upsertSuperuser } from '../../src/core/superusers.js';
import { newRecordToken } from '../../src/core/tokens.js';
import { decodeJwtUnverified } from '../../src/tools/security/jwt.js';

/** A multipart body with plain fields and files. */
function multipart(fields: Record<string, string>, files: Array<{ field: string; name: string; data: string | Buffer }>): { payload: Buffer; contentType: string } {
  const boundary = 'XbOuNdArY';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(typeof f.data === 'string' ? Buffer.from(f.data) : f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('files API', () => {
  let dir: string;
  let app: TenantApp;
  let server: FastifyInstance;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let colId = '';
  let recordId = '';
  let fileName = '';
  let userToken = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'burrow-files-'));
    app = TenantApp.open({ dir, now: () => new Date(clock) });
    upsertSuperuser(app, 'su@example.com', '1234567890');
    const user = newRecord(app.collections.find('users')!);
    createRecord(app, user, applyInput(user, { email: 'u@example.com', password: '1234567890', passwordConfirm: '1234567890' }, { privileged: true, superuser: true }));
    userToken = newRecordToken(app, findAuthRecordByIdentity(app, app.collections.find('users')!, 'email', 'u@example.com')!, 'auth');
    const { collection, errors } = collectionFromCreateInput({
      name: 'notes', type: 'base', listRule: '', viewRule: "@request.auth.id != ''", createRule: '', updateRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'att', type: 'file', maxSelect: 1 }, { name: 'priv', type: 'file', maxSelect: 1, protected: true }],
    });
    assert.deepEqual(errors, {});
    createCollection(app, collection);
    colId = app.collections.find('notes')!.id;
    const view = collectionFromCreateInput({ name: 'notes_view', type: 'view', listRule: '', viewRule: '', viewQuery: 'SELECT id, att AS attachment FROM notes' });
    assert.deepEqual(view.errors, {});
    createCollection(app, view.collection);
    server = await createServer(app, { logError: () => undefined });
    const body = multipart({ title: 'n1' }, [{ field: 'att', name: 'a.txt', data: 'attached' }, { field: 'priv', name: 'p.txt', data: 'private' }]);
    const res = await server.inject({ method: 'POST', url: '/api/collections/notes/records', headers: { 'content-type': body.contentType }, payload: body.payload });
    assert.equal(res.statusCode, 200, res.body);
    const rec = res.json() as { id: string; att: string; priv: string };
    recordId = rec.id;
    fileName = rec.att;
  });
  after(async () => {
    await server.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('404 for anything that is not a file of that record', async () => {
    const other = (await server.inject({ method: 'POST', url: '/api/collections/notes/records', payload: { title: 'no file' } })).json() as { id: string };
    const urls = [
      `/api/files/missing/${recordId}/${fileName}`,
      `/api/files/notes/missingrecord12/${fileName}`,
      `/api/files/notes/${recordId}/other_1234567890.txt`,
      `/api/files/notes/${other.id}/${fileName}`,
      `/api/files/notes/${recordId}/`,
      `/api/files/notes/${recordId}/..%2F..%2Fdata.db`,
    ];
    for (const url of urls) {
      const res = await server.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.deepEqual(Object.keys(res.json()).sort(), ['data', 'message', 'status'], url);
    }
    const ok = await server.inject({ method: 'GET', url: `/api/files/${colId}/${recordId}/${fileName}` });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.body, 'attached');
  });

  test('file tokens: 180 s, type file, refused once expired', async () => {
    assert.equal((await server.inject({ method: 'POST', url: '/api/files/token' })).statusCode, 401);
    const res = await server.inject({ method: 'POST', url: '/api/files/token', headers: { authorization: userToken } });
    assert.equal(res.statusCode, 200);
    const token = (res.json() as { token: string }).token;
    const claims = decodeJwtUnverified(token)!;
    assert.equal(claims.type, 'file');
    assert.equal(Number(claims.exp) - Math.floor(clock / 1000), 180);
    const priv = (await server.inject({ method: 'GET', url: `/api/collections/notes/records/${recordId}`, headers: { authorization: userToken } })).json() as { priv: string };
    const url = `/api/files/notes/${recordId}/${priv.priv}`;
    assert.equal((await server.inject({ method: 'GET', url })).statusCode, 404);
    assert.equal((await server.inject({ method: 'GET', url: `${url}?token=${token}` })).body, 'private');
    clock += 181_000;
    assert.equal((await server.inject({ method: 'GET', url: `${url}?token=${token}` })).statusCode, 404);
  });

  test('a view collection serves the files of its source records', async () => {
    const rows = (await server.inject({ method: 'GET', url: '/api/collections/notes_view/records' })).json() as { items: Array<{ id: string; attachment: string }> };
    const row = rows.items.find((r) => r.id === recordId)!;
    assert.equal(row.attachment, fileName);
    const res = await server.inject({ method: 'GET', url: `/api/files/notes_view/${recordId}/${fileName}` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'attached');
  });

  test('an upload whose transaction fails after the file was stored is deleted again', async () => {
    const off = app.hooks.on('OnRecordAfterCreateError', () => undefined);
    const failing = app.hooks.on<{ record: { id: string } }>('OnRecordCreateExecute', (e) => {
      e.next();
      throw new Error('fails after the insert');
    });
    try {
      const body = multipart({ id: 'rolledback12345' }, [{ field: 'att', name: 'gone.txt', data: 'gone' }]);
      const res = await server.inject({ method: 'POST', url: '/api/collections/notes/records', headers: { 'content-type': body.contentType }, payload: body.payload });
      assert.equal(res.statusCode, 500);
    } finally {
      failing();
      off();
    }
    assert.ok(!existsSync(join(dir, 'storage', colId, 'rolledback12345')));
    assert.deepEqual(readdirSync(app.files.uploadsDir), []);
  });
});
