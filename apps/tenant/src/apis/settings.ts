/** GET|PATCH /api/settings (superusers only). */
import type { FastifyInstance } from 'fastify';
import type { TenantApp } from '../core/app.js';
import { mergeSettings, publicSettings } from '../core/settings.js';
import { readBody } from './body.js';
import { requireSuperuser, sendJSON } from './context.js';

/** Binds the settings routes. */
export function bindSettingsApi(app: TenantApp, server: FastifyInstance): void {
  server.get('/api/settings', async (request, reply) => {
    requireSuperuser(request);
    const event = { settings: app.settings.get() };
    app.hooks.trigger('OnSettingsListRequest', event);
    return sendJSON(request, reply, 200, publicSettings(event.settings));
  });

  server.patch('/api/settings', async (request, reply) => {
    requireSuperuser(request);
    const { data } = await readBody(request);
    const next = mergeSettings(app.settings.get(), data);
    const event = { oldSettings: app.settings.get(), newSettings: next };
    app.hooks.trigger('OnSettingsUpdateRequest', event, (e) => {
      app.write(() => app.settings.save(e.newSettings));
      app.hooks.trigger('OnSettingsReload', { settings: e.newSettings });
    });
    return sendJSON(request, reply, 200, publicSettings(app.settings.get()));
  });
}
