/**
 * The one config schema of the project: `nodes.json`, the cluster file. Every field is documented
 * with its default; defaults live in `defaults.ts`. Validated once, at start, by `config-loader.ts`.
 *
 *   {
 *     "nodes": [
 *       { "name": "node1", "port": 8001, "latencyMs": 50, "root": "node1/storage" },
 *       ...
 *     ]
 *   }
 */
import { normalize, sep } from 'node:path';
import { z } from 'zod';
import { DEFAULTS } from './defaults.js';

export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export const nodeConfigSchema = z.strictObject({
  /** Name shown in logs, `X-Served-By` and the dashboard: letters, digits, `-` and `_`, up to 32. */
  name: z
    .string()
    .regex(NODE_NAME, 'must be 1-32 letters, digits, "-" or "_", starting with a letter or digit'),
  /** Address to bind. Default 127.0.0.1; `0.0.0.0` serves the LAN (a warning is printed). */
  host: z.string().min(1).default(DEFAULTS.host),
  /** TCP port, 1-65535, or 0 for any free port. */
  port: z.number().int('must be a whole number').min(0).max(65535),
  /** Simulated network latency before the first byte of every response, in ms. Default 0. */
  latencyMs: z.number().int('must be a whole number').min(0).max(600_000).default(DEFAULTS.latencyMs),
  /** Random spread of the latency, ± this many ms, uniform. Default 0. */
  jitterMs: z.number().int('must be a whole number').min(0).max(600_000).default(DEFAULTS.jitterMs),
  /** Folder the node serves, relative to the folder of nodes.json. Created if missing. */
  root: z.string().min(1, 'must not be empty'),
  /** Largest file the node accepts in one upload, in MiB; 413 above it. Default 10240 (10 GiB). */
  maxUploadMiB: z.number().int('must be a whole number').min(1).default(DEFAULTS.maxUploadMiB),
});

export const supervisorConfigSchema = z.strictObject({
  /** Address of the cluster's supervisor (control API, gateway, dashboard). Default 127.0.0.1. */
  host: z.string().min(1).default(DEFAULTS.host),
  /** Its port. Default 8000. */
  port: z.number().int('must be a whole number').min(0).max(65535).default(DEFAULTS.supervisorPort),
});

export const clusterConfigSchema = z
  .strictObject({
    /** The storage nodes, at least one. */
    nodes: z.array(nodeConfigSchema).min(1, 'must list at least one node'),
    /**
     * Token for writes and admin calls. Default: none here; then `DSM_TOKEN`, else a random token
     * created once in `.dsm/token` beside nodes.json. Prefer `.dsm/token` to keeping it in a shared file.
     */
    token: z.string().min(16, 'must be at least 16 characters').optional(),
    /** The supervisor of `dsm cluster`. Default { host: 127.0.0.1, port: 8000 }. */
    supervisor: supervisorConfigSchema.default({ host: DEFAULTS.host, port: DEFAULTS.supervisorPort }),
    /**
     * How often each node compares its files with every other node's and pulls what it lacks, in ms.
     * Default 3000; 0 turns anti-entropy off. A node also catches up at once when it starts.
     */
    antiEntropyIntervalMs: z
      .number()
      .int('must be a whole number')
      .min(0)
      .max(86_400_000)
      .default(DEFAULTS.antiEntropyIntervalMs),
    /** Pause between two scrub passes (every file re-read and re-hashed), in ms. Default 300000; 0 = off. */
    scrubIntervalMs: z
      .number()
      .int('must be a whole number')
      .min(0)
      .max(604_800_000)
      .default(DEFAULTS.scrubIntervalMs),
    /** Read rate limit of the scrub, in MB/s (MiB). Default 50. */
    scrubMBps: z.number().positive('must be above 0').max(100_000).default(DEFAULTS.scrubMBps),
  })
  .superRefine((cfg, ctx) => {
    const names = new Map<string, number>();
    const ports = new Map<string, number>();
    cfg.nodes.forEach((n, i) => {
      const prevName = names.get(n.name);
      if (prevName !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', i, 'name'],
          message: `"${n.name}" is also node ${prevName}'s name`,
        });
      }
      names.set(n.name, i);
      if (n.port === 0) return;
      const key = `${n.host}:${n.port}`;
      const prevPort = ports.get(key);
      if (prevPort !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', i, 'port'],
          message: `${n.port} is also used by nodes[${prevPort}]`,
        });
      }
      ports.set(key, i);
    });
    // Two nodes on one folder would see each other's writes as files dropped in by hand, and a root
    // inside another's would be served by both.
    const roots = cfg.nodes.map((n) => normalize(`${n.root}${sep}`));
    roots.forEach((root, i) => {
      const other = roots.findIndex(
        (r, j) => j < i && (r === root || root.startsWith(r) || r.startsWith(root)),
      );
      if (other === -1) return;
      const o = cfg.nodes[other]?.root;
      ctx.addIssue({
        code: 'custom',
        path: ['nodes', i, 'root'],
        message:
          roots[other] === root
            ? `"${cfg.nodes[i]?.root}" is also nodes[${other}]'s root: give each node its own folder`
            : `"${cfg.nodes[i]?.root}" and nodes[${other}]'s root "${o}" are inside one another: give each node its own folder`,
      });
    });
  });

export type NodeConfig = z.infer<typeof nodeConfigSchema>;
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

/** The original design's three nodes: ports 8001-8003, latency 50/150/300 ms. */
export const DEFAULT_CLUSTER: z.input<typeof clusterConfigSchema> = {
  nodes: [
    { name: 'node1', port: 8001, latencyMs: 50, root: 'node1/storage' },
    { name: 'node2', port: 8002, latencyMs: 150, root: 'node2/storage' },
    { name: 'node3', port: 8003, latencyMs: 300, root: 'node3/storage' },
  ],
};
