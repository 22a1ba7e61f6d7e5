/**
 * The control API over a real socket (port 0), with a fake cluster behind it; and the control client
 * against it, so that both sides of the wire are checked together.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DsmError } from '../shared/errors.js';
import { sendJson } from '../shared/json-response.js';
import { controlClient } from './control-client.js';
import { type ClusterControl, type ControlServer, type Route, startControlServer } from './control-server.js';
import type { NodeStatus } from './supervisor.js';

const TOKEN = 'a-token-of-at-least-16-chars';

function node(name: string, state: NodeStatus['state']): NodeStatus {
  return {
    name,
    state,
    pid: state === 'up' ? 123 : null,
    port: 40001,
    url: state === 'up' ? 'http://127.0.0.1:40001' : null,
    exitCode: null,
    signal: null,
    lastError: null,
    restarts: 0,
    latencyMs: 50,
    rttMs: state === 'up' ? 52 : null,
  };
}

const calls: string[] = [];
const cluster: ClusterControl = {
  status: async () => [node('node1', 'up'), node('<b>', 'down')],
  stop: async (name) => {
    calls.push(`stop ${name}`);
    if (name !== 'node1')
      throw new DsmError('DSM_NODE_NOT_IN_CONFIG', { name, file: 'nodes.json', names: 'node1' });
    return { changed: true, node: node(name, 'down') };
  },
  start: async (name) => {
    calls.push(`start ${name}`);
    return { changed: true, node: node(name, 'up') };
  },
};

let server: ControlServer;
let url: string;
const extra: Route = {
  method: 'GET',
  path: /^\/stream\/(.+)$/,
  handle: (_req, res, m) => sendJson(res, 200, { mounted: m[1] }),
};

before(async () => {
  server = await startControlServer({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    cluster,
    pid: 42,
    configFile: '/c/nodes.json',
    routes: [extra],
  });
  url = server.url();
});

after(() => server.close());

const auth = { Authorization: `Bearer ${TOKEN}` };

interface Body {
  supervisor?: unknown;
  nodes?: NodeStatus[];
  node?: NodeStatus;
  error?: { code: string; params: Record<string, unknown> };
  mounted?: string;
}
const json = async (res: Response): Promise<Body> => (await res.json()) as Body;

describe('control server', () => {
  it('GET /_dsm/cluster/status lists the nodes and the supervisor', async () => {
    const res = await fetch(`${url}/_dsm/cluster/status`);
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.deepEqual(body.supervisor, { pid: 42, url, configFile: '/c/nodes.json' });
    assert.deepEqual(
      body.nodes?.map((n) => [n.name, n.state, n.pid, n.port, n.latencyMs, n.url]),
      [
        ['node1', 'up', 123, 40001, 50, 'http://127.0.0.1:40001'],
        ['<b>', 'down', null, 40001, 50, null],
      ],
    );
  });

  describe('POST /_dsm/cluster/nodes/<name>/stop|start', () => {
    it('should respond with 401 without a token, and do nothing', async () => {
      const before = calls.length;
      const res = await fetch(`${url}/_dsm/cluster/nodes/node1/stop`, { method: 'POST' });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      assert.equal((await json(res)).error?.code, 'DSM_UNAUTHORIZED');
      assert.equal(calls.length, before);
    });

    it('should respond with 401 with a wrong token', async () => {
      const res = await fetch(`${url}/_dsm/cluster/nodes/node1/start`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN.replace('a', 'b')}` },
      });
      assert.equal(res.status, 401);
    });

    it('should stop and start the named node with the token', async () => {
      const stop = await fetch(`${url}/_dsm/cluster/nodes/node1/stop`, { method: 'POST', headers: auth });
      assert.equal(stop.status, 200);
      assert.equal((await json(stop)).node?.state, 'down');
      const start = await fetch(`${url}/_dsm/cluster/nodes/node1/start`, { method: 'POST', headers: auth });
      assert.equal((await json(start)).node?.state, 'up');
      assert.deepEqual(calls.slice(-2), ['stop node1', 'start node1']);
    });

    it('should send catalog errors with their params', async () => {
      const res = await fetch(`${url}/_dsm/cluster/nodes/nodeX/stop`, { method: 'POST', headers: auth });
      assert.equal(res.status, 400);
      const body = await json(res);
      assert.equal(body.error?.code, 'DSM_NODE_NOT_IN_CONFIG');
      assert.equal(body.error?.params.name, 'nodeX');
    });
  });

  it('should respond with 405 and Allow for a known path with another method', async () => {
    const res = await fetch(`${url}/_dsm/cluster/status`, { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
    await res.body?.cancel();
  });

  it('should respond with 404 DSM_NO_ROUTE elsewhere', async () => {
    const res = await fetch(`${url}/nope`);
    assert.equal(res.status, 404);
    assert.equal((await json(res)).error?.code, 'DSM_NO_ROUTE');
  });

  it('serves an HTML page of the nodes at /, escaped', async () => {
    const res = await fetch(`${url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const html = await res.text();
    assert.match(html, /<a href="http:\/\/127\.0\.0\.1:40001\/">/);
    assert.match(html, /&lt;b&gt;/);
    assert.doesNotMatch(html, /<td><b><\/td>/);
  });

  it('mounts more routes (the gateway and dashboard, later)', async () => {
    const res = await fetch(`${url}/stream/demo.mp4`);
    assert.deepEqual(await json(res), { mounted: 'demo.mp4' });
  });

  it('refuses a port in use with DSM_PORT_IN_USE', async () => {
    await assert.rejects(
      startControlServer({
        host: '127.0.0.1',
        port: server.port(),
        token: TOKEN,
        cluster,
        pid: 1,
        configFile: 'x',
      }),
      (err: DsmError) => err.code === 'DSM_PORT_IN_USE',
    );
  });
});

describe('control client', () => {
  const client = (token: string | undefined) =>
    controlClient({ host: '127.0.0.1', port: server.port(), token });

  it('reads the status', async () => {
    const status = await client(undefined).status();
    assert.equal(status.nodes[0]?.name, 'node1');
  });

  it('stops and starts with the token', async () => {
    assert.equal((await client(TOKEN).stop('node1')).node.state, 'down');
    assert.equal((await client(TOKEN).start('node1')).node.state, 'up');
  });

  it("rebuilds the server's errors, so that the CLI can word them in its language", async () => {
    await assert.rejects(client(undefined).stop('node1'), (err: DsmError) => err.code === 'DSM_UNAUTHORIZED');
    await assert.rejects(
      client(TOKEN).stop('nodeX'),
      (err: DsmError) =>
        err.code === 'DSM_NODE_NOT_IN_CONFIG' &&
        err.localized('pt-BR').startsWith('Nenhum nó chamado "nodeX"'),
    );
  });

  it('says no cluster is running when nothing listens', async () => {
    const closed = await startControlServer({
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      cluster,
      pid: 1,
      configFile: 'x',
    });
    const port = closed.port();
    await closed.close();
    await assert.rejects(
      controlClient({ host: '127.0.0.1', port, token: undefined }).status(),
      (err: DsmError) =>
        err.code === 'DSM_NO_CLUSTER' &&
        err.message === `no cluster is running on 127.0.0.1:${port}: start one with "dsm cluster"`,
    );
  });

  it('says when something else answers', async () => {
    const html = (async () => new Response('<html>hi</html>', { status: 200 })) as typeof fetch;
    await assert.rejects(
      controlClient({ host: '127.0.0.1', port: 8000, token: undefined, fetch: html }).status(),
      (err: DsmError) => err.code === 'DSM_NOT_A_CLUSTER',
    );
    const otherJson = (async () => new Response('{"error":"nope"}', { status: 404 })) as typeof fetch;
    await assert.rejects(
      controlClient({ host: '127.0.0.1', port: 8000, token: undefined, fetch: otherJson }).status(),
      (err: DsmError) => err.code === 'DSM_NOT_A_CLUSTER',
    );
  });
});
