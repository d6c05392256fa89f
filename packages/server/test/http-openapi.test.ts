// The OpenAPI document at /docs/json lists every route of docs/server-plan.md, with its schemas and its key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './http-fixture.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

/** Every route of the plan: method, path (OpenAPI style), whether it needs a key. */
const ROUTES = [
  ['post', '/v1/decisions', true],
  ['post', '/v1/events', true],
  ['post', '/v1/outcomes', true],
  ['get', '/v1/subscribers/{id}', true],
  ['get', '/v1/actions', true],
  ['post', '/v1/simulate', true],
  ['get', '/v1/config', true],
  ['get', '/v1/config/versions', true],
  ['post', '/v1/config/reload', true],
  ['post', '/v1/config/rollback', true],
  ['get', '/v1/keys', true],
  ['post', '/v1/keys', true],
  ['delete', '/v1/keys/{id}', true],
  ['get', '/v1/audit', true],
  ['get', '/health', false],
  ['get', '/ready', false],
  ['get', '/metrics', false],
] as const;

describe('GET /docs/json', () => {
  it('lists every route, each with a summary and its answers; routes with a role name the key schemes', async () => {
    const response = await t.call('GET', '/docs/json', undefined, null);
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    for (const [method, path, keyed] of ROUTES) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
      if (path === '/metrics') continue; // Prometheus text, no JSON schema
      expect(operation.summary, `${method} ${path} summary`).toEqual(expect.any(String));
      expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
      if (keyed) expect(operation.security, `${method} ${path} security`).toEqual([{ bearer: [] }, { apiKey: [] }]);
      else expect(operation.security).toBeUndefined();
    }
  });

  it('documents the request bodies and the error shape of the data plane', async () => {
    const doc = (await t.call('GET', '/docs/json', undefined, null)).json();
    const decide = doc.paths['/v1/decisions'].post;
    const body = decide.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['channel']);
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['subscriberId', 'profile', 'channel', 'context', 'limit', 'explain', 'now', 'scope']),
    );
    const error = decide.responses['4XX'] ?? decide.responses['4xx'];
    expect(error.content['application/json'].schema.properties.error.required).toEqual(['code', 'message']);
    expect(decide.description).toContain('role `channel`');
  });

  it('serves the UI at /docs', async () => {
    const response = await t.call('GET', '/docs/', undefined, null);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });
});
